"""Matching extracted tables and cells to gold RawTables: shared by extraction_accuracy.py and
extraction_speed.py.

* `compare_table`: one gold table against the extracted table aligned to it (same title, nearest
  page): body rows aligned with difflib, cells compared position by position, exact text;
* `compare_pages`: extractors that return bare grids per page (pdfplumber's default
  `extract_tables`, camelot): per page, rows aligned on their amount cells, amount cells compared
  with whitespace removed (a baseline cannot tell header rows from body rows or know our text rules,
  so only amounts are scored there).
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AMOUNT_RE = re.compile(r"^-?\(?-?[\d,]*\d(\.\d+)?\)?$")

# (kind, pattern) — first match wins, so the specific keywords come before the general ones.
KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("绩效", re.compile(r"绩效")),
    ("三公", re.compile(r"三公")),
    ("购买服务", re.compile(r"购买服务")),
    ("政府采购", re.compile(r"政府采购|采购预算")),
    ("财政拨款收支", re.compile(r"财政拨款收支|财政拨款收入支出决算总表")),
    ("收支总表", re.compile(r"收(入)?支(出)?(预算|决算)?总表")),
    ("收入总表", re.compile(r"收入(预算)?总表|(^|年度)收入决算表")),
    ("支出总表", re.compile(r"支出(预算)?总表|(^|年度)支出决算表")),
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


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def cell_class(text: str) -> str:
    return "amount" if AMOUNT_RE.match(text.strip()) else "code_name"


def is_money(text: str) -> bool:
    """An amount as budget tables print money: digits with a decimal point or thousands separator
    (column numbers 1, 2, 3 and sequence numbers are not)."""
    s = squash(text)
    return bool(AMOUNT_RE.match(s)) and ("." in s or "," in s)


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

    def f1(self, cls: str) -> float | None:
        p, r = self.precision(cls), self.recall(cls)
        return None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)


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
            if i in used or squash(t["title"]) != squash(g["title"]):
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


Row = list[str]


def pair_rows(gold_rows: Sequence[Row], got_rows: Sequence[Row],
              key: Callable[[Row], Hashable] = tuple) -> list[tuple[Row | None, Row | None]]:
    """Rows aligned by difflib on `key(row)`; unequal rows inside a changed block are paired in order."""
    a = [key(r) for r in gold_rows]
    b = [key(r) for r in got_rows]
    pairs: list[tuple[Row | None, Row | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("equal", "replace"):
            for k in range(max(i2 - i1, j2 - j1)):
                pairs.append((list(gold_rows[i1 + k]) if i1 + k < i2 else None,
                              list(got_rows[j1 + k]) if j1 + k < j2 else None))
        elif op == "delete":
            pairs.extend((list(gold_rows[k]), None) for k in range(i1, i2))
        elif op == "insert":
            pairs.extend((None, list(got_rows[k])) for k in range(j1, j2))
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
    for gr, tr in pair_rows(gold_rows, got_rows):
        if gr is not None and tr is not None and gr == tr:
            c.rows_exact += 1
        for k in range(max(len(gr or []), len(tr or []))):
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


def compare_document(gold: list[dict[str, Any]], got: list[dict[str, Any]]) -> Counts:
    total = Counts()
    for g, t in align_tables(gold, got):
        total.add(compare_table(g, t))
    return total


def _money_key(row: Row) -> tuple[tuple[int, str], ...]:
    return tuple((i, squash(c)) for i, c in enumerate(row) if is_money(c))


def compare_pages(gold: list[dict[str, Any]], got_by_page: dict[int, list[Row]]) -> Counts:
    """Amount cells of bare per-page grids against the gold body rows of the same page."""
    gold_by_page: dict[int, list[Row]] = defaultdict(list)
    for t in gold:
        for r in t["rows"]:
            gold_by_page[int(r["page"])].append(r["cells"])
    c = Counts()
    for page in sorted(set(gold_by_page) | set(got_by_page)):
        for gr, tr in pair_rows(gold_by_page.get(page, []), got_by_page.get(page, []), key=_money_key):
            for k in range(max(len(gr or []), len(tr or []))):
                gc = squash(gr[k]) if gr and k < len(gr) else ""
                tc = squash(tr[k]) if tr and k < len(tr) else ""
                if is_money(gc):
                    c.gold["amount"] += 1
                    c.correct_gold["amount"] += int(tc == gc)
                if is_money(tc):
                    c.extracted["amount"] += 1
                    c.correct_extracted["amount"] += int(tc == gc)
    return c
