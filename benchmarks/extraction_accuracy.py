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
import difflib
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dagster_project.extraction.pdf_tables import ExtractionError, extract_pdf  # noqa: E402

AMOUNT_RE = re.compile(r"^-?\(?-?[\d,]*\d(\.\d+)?\)?$")

# (kind, pattern) — first match wins, so the specific keywords come before the general ones.
KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("绩效", re.compile(r"绩效")),
    ("三公", re.compile(r"三公")),
    ("购买服务", re.compile(r"购买服务")),
    ("政府采购", re.compile(r"政府采购|采购预算")),
    ("财政拨款收支", re.compile(r"财政拨款收支")),
    ("收支总表", re.compile(r"收支(预算)?总表")),
    ("收入总表", re.compile(r"收入(预算)?总表")),
    ("支出总表", re.compile(r"支出(预算)?总表")),
    ("政府性基金", re.compile(r"政府性?基金")),
    ("国有资本", re.compile(r"国有资本")),
    ("基本支出", re.compile(r"基本支出")),
    ("一般公共预算…支出", re.compile(r"一般公共预算.*支出")),
    ("项目支出", re.compile(r"项目支出")),
]


def table_kind(title: str) -> str:
    for kind, pattern in KINDS:
        if pattern.search(title or ""):
            return kind
    return "其他"


def _sq(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def cell_class(text: str) -> str:
    return "amount" if AMOUNT_RE.match(text.strip()) else "code_name"


@dataclass
class Counts:
    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    extracted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct_gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct_extracted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    tables_gold: int = 0
    tables_found: int = 0
    headers_exact: int = 0
    context_exact: int = 0
    notes_exact: int = 0
    rows_gold: int = 0
    rows_exact: int = 0

    def add(self, other: Counts) -> None:
        for name in ("gold", "extracted", "correct_gold", "correct_extracted"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for k, v in theirs.items():
                mine[k] += v
        for name in ("tables_gold", "tables_found", "headers_exact", "context_exact", "notes_exact",
                     "rows_gold", "rows_exact"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def precision(self, cls: str) -> float | None:
        n = self.extracted[cls]
        return self.correct_extracted[cls] / n if n else None

    def recall(self, cls: str) -> float | None:
        n = self.gold[cls]
        return self.correct_gold[cls] / n if n else None


def load_gold(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("tables", [])
    return data


def align_tables(gold: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[tuple[dict, dict | None]]:
    """Each gold table → the unused extracted table with the same title on the nearest page."""
    used: set[int] = set()
    pairs = []
    for g in gold:
        best, best_key = None, None
        for i, t in enumerate(got):
            if i in used or _sq(t["title"]) != _sq(g["title"]):
                continue
            key = abs(int(t.get("page", 0)) - int(g.get("page", 0)))
            if best_key is None or key < best_key:
                best, best_key = i, key
        if best is not None:
            used.add(best)
            pairs.append((g, got[best]))
        else:
            pairs.append((g, None))
    return pairs


def _pair_rows(gold_rows: list[list[str]], got_rows: list[list[str]]) -> list[tuple[list[str] | None, list[str] | None]]:
    a = [tuple(r) for r in gold_rows]
    b = [tuple(r) for r in got_rows]
    pairs: list[tuple[list[str] | None, list[str] | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal" or op == "replace":
            n = max(i2 - i1, j2 - j1)
            for k in range(n):
                g = list(a[i1 + k]) if i1 + k < i2 else None
                t = list(b[j1 + k]) if j1 + k < j2 else None
                pairs.append((g, t))
        elif op == "delete":
            pairs.extend((list(a[k]), None) for k in range(i1, i2))
        elif op == "insert":
            pairs.extend((None, list(b[k])) for k in range(j1, j2))
    return pairs


def compare_table(g: dict[str, Any], t: dict[str, Any] | None) -> Counts:
    c = Counts(tables_gold=1)
    gold_rows = [r["cells"] for r in g["rows"]]
    got_rows = [r["cells"] for r in t["rows"]] if t else []
    c.rows_gold = len(gold_rows)
    if t is not None:
        c.tables_found = 1
        c.headers_exact = int(t["header_rows"] == g["header_rows"])
        c.context_exact = int(t["context"] == g["context"])
        c.notes_exact = int(t["notes"] == g["notes"])
    for gr, tr in _pair_rows(gold_rows, got_rows):
        if gr is not None and tr is not None and gr == tr:
            c.rows_exact += 1
        n = max(len(gr or []), len(tr or []))
        for k in range(n):
            gc = (gr[k] if gr and k < len(gr) else "") or ""
            tc = (tr[k] if tr and k < len(tr) else "") or ""
            if gc.strip():
                c.gold[cell_class(gc)] += 1
                if tc == gc:
                    c.correct_gold[cell_class(gc)] += 1
            if tc.strip():
                c.extracted[cell_class(tc)] += 1
                if tc == gc:
                    c.correct_extracted[cell_class(tc)] += 1
    return c


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
