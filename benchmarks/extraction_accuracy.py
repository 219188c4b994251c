"""Cell-level accuracy of the PDF extractor against the gold RawTables.

For every tests/gold/<name>.json with a matching raw/samples/<name>.pdf: extract the PDF, align the
extracted tables to the gold tables (same title, nearest page), align their body rows (difflib on the
rows' cells; unequal rows inside a changed block are paired in order) and compare cells position by
position.  Only non-blank cells count:

* recall    = gold cells reproduced exactly / gold cells
* precision = extracted cells equal to their gold cell / extracted cells

separately for amount cells (they look like 1,234.56) and for code/name cells (everything else), per
document and per table kind (kind from title keywords).  Header rows, titles, context and notes are
reported as exact-match rates per table.  The same tables are written to
benchmarks/results/extraction_accuracy.md.

    .venv/bin/python benchmarks/extraction_accuracy.py [--gold tests/gold] [--samples raw/samples]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.cellmatch import Counts, align_tables, compare_table, load_gold, table_kind  # noqa: E402
from dagster_project.extraction.pdf import ExtractionError, extract_pdf  # noqa: E402


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _row(name: str, c: Counts) -> list[str]:
    return [
        name,
        f"{c.tables_found}/{c.tables_gold}",
        f"{c.rows_exact}/{c.rows_gold}",
        _pct(c.precision("amount")),
        _pct(c.recall("amount")),
        str(c.gold["amount"]),
        _pct(c.precision("code_name")),
        _pct(c.recall("code_name")),
        str(c.gold["code_name"]),
        f"{c.headers_exact}/{c.tables_found}",
        f"{c.context_exact}/{c.tables_found}",
        f"{c.notes_exact}/{c.tables_found}",
    ]


HEAD = ["", "tables found", "rows exact", "amount P", "amount R", "amount cells", "code/name P",
        "code/name R", "code/name cells", "header exact", "context exact", "notes exact"]


def markdown_table(rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def run(gold_dir: Path, samples_dir: Path) -> tuple[str, dict[str, Counts]]:
    per_doc: dict[str, Counts] = {}
    per_kind: dict[str, Counts] = defaultdict(Counts)
    total = Counts()
    problems: list[str] = []
    timings: list[str] = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        pdf = samples_dir / f"{gold_path.stem}.pdf"
        if not pdf.exists():
            problems.append(f"- {gold_path.name}: no {pdf.relative_to(ROOT) if pdf.is_relative_to(ROOT) else pdf}")
            continue
        gold = load_gold(gold_path)
        start = time.perf_counter()
        try:
            got = extract_pdf(pdf).tables
        except ExtractionError as exc:
            problems.append(f"- {pdf.name}: extraction failed: {exc.reason}")
            got = []
        timings.append(f"- {pdf.name}: {time.perf_counter() - start:.2f}s, {len(got)} tables extracted, {len(gold)} gold")
        doc = Counts()
        for g, t in align_tables(gold, got):
            c = compare_table(g, t)
            doc.add(c)
            per_kind[table_kind(g["title"])].add(c)
            if t is None:
                problems.append(f"- {pdf.name}: gold table not found: p{g.get('page')} {g['title']!r}")
        per_doc[gold_path.stem] = doc
        total.add(doc)
    lines = ["# PDF extraction accuracy (raw/samples vs tests/gold)", ""]
    lines += ["P = precision over extracted non-blank body cells, R = recall over gold non-blank body cells;",
              "a cell counts only when it equals the gold cell exactly.", ""]
    lines += ["## Per document", "", markdown_table([_row(k, v) for k, v in per_doc.items()] + [_row("**all**", total)]), ""]
    lines += ["## Per table kind", "", markdown_table([_row(k, per_kind[k]) for k in sorted(per_kind)]), ""]
    if timings:
        lines += ["## Runs", "", *timings, ""]
    if problems:
        lines += ["## Problems", "", *problems, ""]
    if not per_doc:
        lines += ["No gold/sample pairs found.", ""]
    real = sorted((ROOT.parent / "shared" / "real").glob("*.pdf"))
    if real:
        lines += ["## Real PDFs (no gold: tables found, for regressions)", ""]
        for pdf in real:
            start = time.perf_counter()
            try:
                doc = extract_pdf(pdf)
            except ExtractionError as exc:
                lines.append(f"- {pdf.name}: extraction failed: {exc.reason}")
                continue
            n_rows = sum(len(t["rows"]) for t in doc.tables)
            lines.append(
                f"- {pdf.name}: {doc.page_count} pages, {len(doc.tables)} tables, {n_rows} body rows, "
                f"{time.perf_counter() - start:.2f}s"
            )
        lines.append("")
    return "\n".join(lines), per_doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "gold")
    ap.add_argument("--samples", type=Path, default=ROOT / "raw" / "samples")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "extraction_accuracy.md")
    args = ap.parse_args()
    report, _ = run(args.gold, args.samples)
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
