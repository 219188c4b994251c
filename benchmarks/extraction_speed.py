"""Extraction speed and amount-cell accuracy: our extractor vs pdfplumber's default
`page.extract_tables()` vs camelot lattice (pdfium backend), on the same PDFs in the same run.

PDFs: raw/samples (gold tests/gold) and the first --synthetic documents of a tools.synthcorpus
corpus (gold beside them).  Speed is pages per second of one process, one document after the other.
Accuracy (benchmarks/cellmatch.py): for all three, amount cells (digits with a decimal point or
thousands separator) of each page's rows against the gold body rows of that page; for ours also the
strict table-aligned comparison of extraction_accuracy.py (all non-blank cells, exact text).
Note that our extractor does more per page (page text, titles, context, notes, continued tables).
PDFs without gold (--ungraded, default ../shared/real: real documents, some of whose pages the pdfium
path does not read) are timed in a second table, speed only.

    .venv/bin/python benchmarks/extraction_speed.py [--synthetic 5] [--corpus /tmp/h7/c200] [--no-camelot]
        [--ungraded DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cellmatch import Counts, Row, compare_document, compare_pages, load_gold  # noqa: E402
from benchmarks.common import ROOT, corpus_files, ensure_corpus, markdown, merge_summary, write_result  # noqa: E402

PageRows = dict[int, list[Row]]


def ours(path: Path) -> tuple[int, PageRows, list[dict]]:
    from dagster_project.extraction.pdf import extract_pdf

    doc = extract_pdf(path)
    by_page: PageRows = {}
    for t in doc.tables:
        for r in t["rows"]:
            by_page.setdefault(int(r["page"]), []).append(r["cells"])
    return doc.page_count, by_page, doc.tables


def plumber_default(path: Path) -> tuple[int, PageRows, list[dict]]:
    import pdfplumber

    by_page: PageRows = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                by_page.setdefault(page.page_number, []).extend([c or "" for c in row] for row in table)
            page.flush_cache()
        return len(pdf.pages), by_page, []


def camelot_lattice(path: Path) -> tuple[int, PageRows, list[dict]]:
    import camelot
    import pypdfium2

    tables = camelot.read_pdf(str(path), pages="all", flavor="lattice", backend="pdfium")
    by_page: PageRows = {}
    for t in tables:
        by_page.setdefault(int(t.page), []).extend([str(c) for c in row] for row in t.df.values.tolist())
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf), by_page, []
    finally:
        pdf.close()


EXTRACTORS: dict[str, Callable[[Path], tuple[int, PageRows, list[dict]]]] = {
    "ours (extraction.pdf.extract_pdf)": ours,
    "pdfplumber extract_tables()": plumber_default,
    "camelot lattice (pdfium)": camelot_lattice,
}


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.2f}%"


def _speed_table(names: list[str], pdfs: list[Path], repeat: int = 1) -> str:
    """Pages per second of each extractor on each PDF, and ours vs each: the extractors run back to back
    `repeat` times per PDF (on a loaded machine a pair run together sees the same load); the medians."""
    rows = []
    for name in names[: len(pdfs) and len(names)]:
        EXTRACTORS[name](pdfs[0])  # imports and first-use caches are not the PDF's time
    for pdf in pdfs:
        runs: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(repeat):
            for name in names:
                start = time.perf_counter()
                n_pages = EXTRACTORS[name](pdf)[0]
                runs[name].append(time.perf_counter() - start)
        ratios = {n: statistics.median(b / a for a, b in zip(runs[names[0]], runs[n])) for n in names[1:]}
        rows.append(
            [
                pdf.name,
                n_pages,
                *(f"{n_pages / statistics.median(runs[n]):.2f}" for n in names),
                *(f"{ratios[n]:.2f}×" for n in names[1:]),
            ]
        )
    return markdown(
        ["PDF", "pages", *(f"{n} pages/s" for n in names), *(f"ours vs {n}" for n in names[1:])], rows
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=int, default=5, help="synthetic documents besides the 5 samples")
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/budgetwh-bench/corpus"))
    ap.add_argument("--no-camelot", action="store_true")
    ap.add_argument(
        "--ungraded", type=Path, default=ROOT.parent / "shared" / "real", help="PDFs timed without gold"
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs per PDF of the speed-only table (medians)")
    args = ap.parse_args()
    docs = [
        (p, ROOT / "tests" / "gold" / f"{p.stem}.json")
        for p in sorted((ROOT / "raw" / "samples").glob("*.pdf"))
    ]
    if args.synthetic:
        ensure_corpus(args.corpus, args.synthetic)
        docs += [
            (p, args.corpus / "gold" / f"{p.stem}.json") for p in corpus_files(args.corpus, args.synthetic)
        ]
    names = [n for n in EXTRACTORS if not (args.no_camelot and n.startswith("camelot"))]
    pages = dict.fromkeys(names, 0)
    seconds = dict.fromkeys(names, 0.0)
    amounts = {n: Counts() for n in names}
    strict = Counts()
    for pdf, gold_path in docs:  # extractors interleaved per document: same machine load for all three
        gold = load_gold(gold_path)
        for name in names:
            start = time.perf_counter()
            n_pages, by_page, tables = EXTRACTORS[name](pdf)
            seconds[name] += time.perf_counter() - start
            pages[name] += n_pages
            amounts[name].add(compare_pages(gold, by_page))
            if tables:
                strict.add(compare_document(gold, tables))
        print(
            f"{pdf.name}: " + ", ".join(f"{n.split()[0]} {seconds[n]:.1f}s" for n in names),
            file=sys.stderr,
            flush=True,
        )
    speed = {n: pages[n] / seconds[n] for n in names}
    rows = [
        [
            n,
            len(docs),
            pages[n],
            f"{seconds[n]:.1f}",
            f"{speed[n]:.2f}",
            _pct(amounts[n].precision("amount")),
            _pct(amounts[n].recall("amount")),
            _pct(amounts[n].f1("amount")),
            amounts[n].gold["amount"],
        ]
        for n in names
    ]
    ours_name = names[0]
    for row, name in zip(rows, names):
        row.append(f"{speed[ours_name] / speed[name]:.2f}×")
    report = [
        "# Extraction speed and amount-cell accuracy",
        "",
        f"{len(docs)} PDFs: the 5 samples + {args.synthetic} synthetic ({args.corpus}); one process, the extractors interleaved per PDF.",
        "",
        markdown(
            [
                "extractor",
                "PDFs",
                "pages",
                "seconds",
                "pages/s",
                "amount P",
                "amount R",
                "amount F1",
                "gold amount cells",
                "ours speedup",
            ],
            rows,
        ),
        "",
        "Strict, table-aligned (extraction_accuracy.py's rule, ours only): "
        f"amount P {_pct(strict.precision('amount'))} R {_pct(strict.recall('amount'))}, "
        f"code/name P {_pct(strict.precision('code_name'))} R {_pct(strict.recall('code_name'))}, "
        f"rows exact {strict.rows_exact}/{strict.rows_gold}.",
    ]
    ungraded = sorted(args.ungraded.glob("*.pdf")) if args.ungraded.is_dir() else []
    if ungraded:
        report += [
            "",
            f"Speed only, {len(ungraded)} PDFs without gold ({args.ungraded}):",
            "",
            _speed_table(names, ungraded, args.repeat),
        ]
    text = "\n".join(report)
    print(text)
    write_result("extraction_speed.md", text)
    plumber, camel = "pdfplumber extract_tables()", "camelot lattice (pdfium)"
    merge_summary(
        {
            "extraction_speedup_vs_pdfplumber": round(speed[ours_name] / speed[plumber], 3)
            if plumber in speed
            else None,
            "extraction_speedup_vs_camelot": round(speed[ours_name] / speed[camel], 3)
            if camel in speed
            else None,
            "extraction_cell_f1": round(strict.f1("amount"), 5) if strict.f1("amount") is not None else None,
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
