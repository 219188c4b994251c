"""PDF budget documents → page text + RawTables (see docs/architecture.md, "RawTable").

Pure functions, no Dagster imports.  One pass over the document with pdfplumber:

* every page's text (normalised, see `text_normalize`) goes to `pages_text`;
* only pages that carry ruling (lines, rects or curves) get table finding ("lines" strategy);
* cell text is rebuilt from the glyphs: wrapped lines are joined without a separator; in a
  left-aligned cell a line that stopped short of the right edge ended at a space (" ") or at a line
  break ("\n"), see `_cell_text`; punctuation hanging past a cell's edge stays in its cell;
* leading grid rows that only hold the title or "部门：… 单位：万元" (sheets printed from Excel frame
  them) are given back to the page text;
* the text outside the tables is cut into lines, and a line into segments at wide gaps (so
  "编制部门：… 单位：元" gives two context items); above each table the nearest line naming a 表
  (joined with a bare "公开01表"/"表5" above it, or with its own first half when wrapped) is its
  title, else a heading set in larger type; the lines between title and table are its context,
  "注：…"/"说明：…"/"不涉及" lines right below it its notes;
* a table at the top of a page without a title of its own that repeats the previous table's header
  rows (or has none and the same number of columns) continues the previous table;
* a numbered title printed without any table ("表2 …" of an empty table) gives a RawTable with no
  rows; a title at the foot of a page belongs to the table at the top of the next one;
* header rows end at the 栏次 row, else before the first row with an amount, a classification
  code or a leading 合计/总计 (no such row: the first row is the header); blank rows are kept
  where printed in the body.

Speed (issue #7; cProfile: ~80% of the time was pdfminer interpreting the content streams): the page
objects (chars, lines, rects, curves) are built by pdfium (`pdfium_objects`, C++) in the dicts pdfminer
and pdfplumber would give, so pdfplumber's table finder and text functions run on them unchanged and
pdfminer never interprets a page.  A document holding anything pdfium_objects cannot reproduce exactly
(see its docstring) is read with pdfminer instead, whole.  Fake-bold glyphs are removed by
`_dedupe_chars`, pdfplumber's algorithm without its generic clustering and quadratic final sort, and
pdfminer's per-token `log.debug` calls are shadowed while a document is read.  The output is the same
as before, byte for byte (benchmarks/extractor_identity.py compares two checkouts).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from .pdfium_objects import PdfiumReader
from .text_normalize import normalize_cell, normalize_line, normalize_text, squash
from .vocabulary import AMOUNT_RE, CODE_NAME_RE, CODE_RE, TOTAL_WORDS, is_formatted_amount

__all__ = [
    "ExtractedDocument",
    "ExtractionError",
    "EmptyFileError",
    "EncryptedPDFError",
    "CorruptPDFError",
    "NoTextLayerError",
    "extract_pdf",
    "is_body_row",
    "split_header",
]


# ----------------------------------------------------------------------------------------------
# errors


class ExtractionError(Exception):
    """The PDF cannot be read; `reason` is the short, stable text recorded in ExtractionFailed."""

    reason_prefix = "error"

    def __init__(self, reason: str | None = None):
        reason = reason or self.reason_prefix
        super().__init__(reason)
        self.reason = reason


class EmptyFileError(ExtractionError):
    reason_prefix = "empty file"


class EncryptedPDFError(ExtractionError):
    reason_prefix = "encrypted: cannot read without password"


class CorruptPDFError(ExtractionError):
    reason_prefix = "corrupt"


class NoTextLayerError(ExtractionError):
    reason_prefix = "no text layer: scanned document, OCR not supported"


@dataclass
class ExtractedDocument:
    page_count: int
    pages_text: list[str]
    tables: list[dict[str, Any]] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# cell / row classification

NUMERAL = r"(?:\d+|[一二三四五六七八九十]+)"
# a table's number alone: "公开01表", "预算03表", "表5", "公开表一", "附表3"
TITLE_NUMBER_RE = re.compile(rf"^\S{{0,8}}?{NUMERAL}\s*表$|^\S{{0,4}}?表\s*{NUMERAL}(?:-\d+)?$")
NOTE_RE = re.compile(
    r"^(注|备注|说明)\s*\d*\s*[:：、.]|不涉及|空表|本表|无此|无相关|本(部门|单位).{0,30}(无|没有)"
    r"|^无.{0,30}(预算|支出|收入|经费|采购|资金|安排|项目|数据)"
)
PAGE_NUMBER_RE = re.compile(r"^[-－—–\s]*(第\s*)?\d{1,4}(\s*页)?[-－—–\s]*$|^\d+\s*/\s*\d+$")
UNIT_LINE_RE = re.compile(r"^(\d{6,})\s*[-－]?\s*([^\d\s].*)$")  # "450001丰润区医疗保障局本级"
CONTEXT_RE = re.compile(
    r"(金额单位|单位[:：]|预算年度|单位名称|编制部门|编制单位|填报单位|^部门[:：]|^[（(]\d{4}年度?[)）]$|^\d{3,9}(?![年月日])[^\d\s-]+$)"
)
PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")
UNIT_HEADING_RE = re.compile(r"^[一二三四五六七八九十]+、\S+?(本级)?(收支)?预算$")


def is_body_row(cells: list[str], first_row: bool = False) -> bool:
    """The first body row carries an amount (with a decimal point or thousands separator), a
    classification code ("2101501", "2101501-行政运行") or starts with a total label (合计/总计).

    A table's very first row starting with 合计 is the 合计 column label of a header ("合计 | 基本支出
    | 项目支出"), not a total row, unless everything beside it is an amount or blank."""
    filled = [s for s in (squash(c) for c in cells) if s]
    if not filled or filled[0] == "栏次":
        return False
    if filled[0] in TOTAL_WORDS:
        # a total row has only amounts after its label; a header row has more labels ("合计 人员经费 公用经费")
        return all(AMOUNT_RE.match(s) for s in filled[1:])
    for s in filled:
        if CODE_NAME_RE.match(s) or CODE_RE.match(s) or is_formatted_amount(s):
            return True
    return False


def split_header(grid: list[list[str]], default: int | None = 1) -> int:
    """Index of the first body row.  A 栏次 (column numbers) row ends the header (Hebei: the 序号
    rows after it are body rows).  A table with no body-looking row at all (performance tables) has
    `default` header rows (None: all rows are header)."""
    for i, row in enumerate(grid):
        first = next((squash(c) for c in row if squash(c)), "")
        if first == "栏次":
            return i + 1
    for i, row in enumerate(grid):
        if is_body_row(row, first_row=i == 0):
            return i
    return len(grid) if default is None else min(default, len(grid))


# ----------------------------------------------------------------------------------------------
# page geometry

TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 2,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}


@dataclass
class _Line:
    top: float
    bottom: float
    segments: list[str]
    size: float = 0.0  # font size (median glyph height)
    spans: list[tuple[float, float]] = field(default_factory=list)  # x0, x1 of each segment

    @property
    def text(self) -> str:
        return " ".join(self.segments)


@dataclass
class _PageTable:
    top: float
    bottom: float
    grid: list[list[str]]
    edges: tuple[float, ...] = ()  # x of each column's left edge, then the table's right edge


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _text_lines(words: list[dict[str, Any]]) -> list[_Line]:
    """Words → lines (by vertical overlap) → segments split at wide horizontal gaps."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict[str, Any]]] = []
    for w in words:
        mid = (w["top"] + w["bottom"]) / 2
        for row in rows:
            r_top = min(x["top"] for x in row)
            r_bottom = max(x["bottom"] for x in row)
            if r_top - 1 <= mid <= r_bottom + 1:
                row.append(w)
                break
        else:
            rows.append([w])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        size = max(4.0, sorted(w["bottom"] - w["top"] for w in row)[len(row) // 2])
        segments: list[list[dict[str, Any]]] = [[row[0]]]
        for prev, w in zip(row, row[1:]):
            if w["x0"] - prev["x1"] > 2.5 * size:
                segments.append([w])
            else:
                segments[-1].append(w)
        kept = [(t, seg) for seg in segments if (t := normalize_line(_join_words(seg)))]
        if kept:
            spans = [(seg[0]["x0"], seg[-1]["x1"]) for _, seg in kept]
            lines.append(
                _Line(min(w["top"] for w in row), max(w["bottom"] for w in row), [t for t, _ in kept], size, spans)
            )
    lines.sort(key=lambda ln: ln.top)
    return lines


def _join_words(words: list[dict[str, Any]]) -> str:
    """Words of a line segment joined with a space, except across a word processor's CJK/Latin
    autospace ("预算 01 表" printed from "预算01表", see `_space_gap`)."""
    out = words[0]["text"]
    for a, b in zip(words, words[1:]):
        last = {"text": a["text"][-1], "size": a["bottom"] - a["top"]}
        first = {"text": b["text"][0], "size": b["bottom"] - b["top"]}
        limit = _space_gap(last, first)
        out += ("" if X_TOLERANCE < limit and b["x0"] - a["x1"] <= limit else " ") + b["text"]
    return out


RULE_WIDTH = 1.5  # a filled rectangle this thin (either way) is a rule drawn as a rectangle


def _is_shading(obj: dict[str, Any]) -> bool:
    """A filled, unstroked rectangle wider than a rule both ways: a cell's background or padding fill."""
    return (obj.get("object_type") == "rect" and bool(obj.get("fill")) and not obj.get("stroke")
            and min(obj["width"], obj["height"]) > RULE_WIDTH)


def _ruling_page(page: Any) -> Any:
    """The page whose edges are its ruling.  Where a page is ruled with lines or thin filled rectangles,
    the cells' background and padding fills are not ruling: their edges would cut extra narrow columns
    and rows into the grid (Jiangsu 2017: every cell filled, with padding strips at both sides)."""
    rects = page.rects
    ruled = page.lines or any(min(r["width"], r["height"]) <= RULE_WIDTH for r in rects)
    if not ruled or not any(_is_shading(r) for r in rects):
        return page
    return page.filter(lambda obj: not _is_shading(obj))


def _find_tables(page: Any) -> list[Any]:
    """Ruled tables of a page; pages without any ruling are not searched."""
    if not (page.lines or page.rects or page.curves):
        return []
    found = []
    for t in _ruling_page(page).find_tables(TABLE_SETTINGS):
        n_cols = max((len(r.cells) for r in t.rows), default=0)
        if len(t.rows) * n_cols < 2:
            continue  # a framed box, not a table
        found.append(t)
    return found


def _is_context(text: str) -> bool:
    s = squash(text)
    return bool(CONTEXT_RE.search(s)) and len(s) <= 60


SPACE_EM = 0.3  # width of a space in ems, for CJK fonts
X_TOLERANCE = 1.5  # a gap wider than this between two glyphs of a line is a space
# ... except between a CJK glyph and a Latin letter or digit, where word processors add spacing of
# their own (Word/LibreOffice "autospace", 0.2 em in LibreOffice's PDFs: "2023 年" printed from
# "2023年"); there a gap without a space glyph is a space only when wider than this many ems
AUTOSPACE_EM = 0.22


def _cell_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    chars = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for c in chars:
        if lines:
            last = lines[-1]
            tol = max(1.5, 0.4 * (c["bottom"] - c["top"]))
            if abs(c["top"] - last[0]["top"]) <= tol:
                last.append(c)
                continue
        lines.append([c])
    return [sorted(ln, key=lambda c: c["x0"]) for ln in lines]


def _space_gap(a: dict[str, Any], b: dict[str, Any]) -> float:
    """The gap between glyphs a and b (no space glyph between them) above which it reads as a space."""
    ta, tb = a["text"], b["text"]
    if (ta.isascii() and ta.isalnum() and _is_cjk(tb)) or (_is_cjk(ta) and tb.isascii() and tb.isalnum()):
        return max(X_TOLERANCE, AUTOSPACE_EM * max(a.get("size", 0), b.get("size", 0)))
    return X_TOLERANCE


def _is_cjk(text: str) -> bool:
    return len(text) == 1 and ("\u4e00" <= text <= "\u9fff" or "\u3400" <= text <= "\u4dbf")


def _line_text(line: list[dict[str, Any]]) -> str:
    out: list[str] = []
    prev = None
    space = False
    for c in line:
        if not c["text"].strip():
            space = prev is not None
            continue
        if prev is not None and (space or c["x0"] - prev["x1"] > _space_gap(prev, c)):
            out.append(" ")
        out.append(c["text"])
        prev, space = c, False
    return "".join(out)


# Line breaking (UAX #14 as ICU/LibreOffice apply it, simplified): no break after an opening bracket,
# before closing punctuation, on either side of a quotation mark or "/" ("元/页/年"), or inside a run
# of ASCII glyphs
NO_BREAK_AFTER = set("（([【《「『〈〔｛{")
NO_BREAK_BEFORE = set("）)]】》」』〉〕｝}、，。；：！？,.;:!?%…/-")
QUOTES = set("“”‘’\"'/")


def _wrap_unit_width(line: list[dict[str, Any]]) -> float:
    """Width of the glyphs a wrap could not have separated at the start of a line ("（境）" of
    "（境）费", "1-12" of "1-12月", "办“记" of "办“记录"): what had to fit for the line above to hold it."""
    end = 0
    while end + 1 < len(line):
        a, b = line[end]["text"], line[end + 1]["text"]
        glued = (a in NO_BREAK_AFTER or b in NO_BREAK_BEFORE or a in QUOTES or b in QUOTES
                 or (a.isascii() and b.isascii()))
        if not glued:
            break
        end += 1
    return line[end]["x1"] - line[0]["x0"]


def _cell_text(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> str:
    """The text of one cell.  Wrapped lines are joined without a separator.  In a left-aligned cell
    a line that stops short of the right edge was not wrapped for lack of room: if what starts the
    next line (its first glyph, or the glyphs line breaking keeps together with it) plus a space
    would have fitted, the line ended at a space (joined with " "), if more room was left it ended
    at a line break (kept as "\n").  A line printed with a trailing space glyph (LibreOffice) ended
    at a space."""
    lines = [ln for ln in _cell_lines(chars) if any(c["text"].strip() for c in ln)]
    if not lines:
        return ""
    texts = [_line_text(ln) for ln in lines]
    if len(lines) == 1:
        return normalize_cell(texts[0])
    inked = [[c for c in ln if c["text"].strip()] for ln in lines]
    lefts = [ln[0]["x0"] for ln in inked]
    left_aligned = max(lefts) - min(lefts) < 0.6
    pad = min(lefts) - bbox[0]
    parts = [texts[0]]
    for i in range(1, len(lines)):
        sep = ""
        if not lines[i - 1][-1]["text"].strip():
            sep = " "  # the line's trailing space printed (LibreOffice): it ended at a space, any alignment
        elif left_aligned and 0 <= pad < 8:
            room = (bbox[2] - pad) - inked[i - 1][-1]["x1"]
            nxt = inked[i][0]
            size = nxt["bottom"] - nxt["top"]
            need = _wrap_unit_width(inked[i])
            if _space_gap(inked[i - 1][-1], nxt) > X_TOLERANCE:  # "5G" + "智能": autospace between them
                need += 0.2 * size
            # room for the next glyph (and more than a space) left: the line ended at a line break;
            # room for the glyph only: at a space that the wrap dropped; less: the wrap itself
            if nxt["text"] in NO_BREAK_BEFORE or inked[i - 1][-1]["text"] in NO_BREAK_AFTER | {"/"}:
                sep = ""  # "次" / "/年": a break forced inside an unbreakable unit too wide for the cell
            elif room >= need + SPACE_EM * size + 0.05:
                sep = "\n"
            elif room >= need - 0.02:
                sep = " "
        parts.append(sep + texts[i])
    return normalize_cell("".join(parts), keep_newlines=True)


def _table_grid(table: Any, chars: list[dict[str, Any]]) -> list[list[str]]:
    x0, top, x1, bottom = table.bbox
    inside = [
        c for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    grid = []
    for row in table.rows:
        r_top, r_bottom = row.bbox[1], row.bbox[3]
        row_chars = [c for c in inside if r_top <= (c["top"] + c["bottom"]) / 2 <= r_bottom]
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            # by the glyph's left part, not its centre: punctuation may hang past the cell's edge
            cell_chars = [
                c for c in row_chars
                if cx0 <= c["x0"] + min(1.0, (c["x1"] - c["x0"]) / 4) < cx1
                and ctop <= (c["top"] + c["bottom"]) / 2 <= cbottom
            ]
            cells.append(_cell_text(cell_chars, cell))
        grid.append(cells)
    return grid


def _page_table(table: Any, chars: list[dict[str, Any]]) -> _PageTable | None:
    """Cell texts of a found table.  Leading rows that only hold the title or context lines (sheets
    printed from Excel frame them in the grid) are given back to the page text; blank rows are
    dropped."""
    grid = _table_grid(table, chars)
    rows = list(table.rows)
    start = 0
    while start < len(grid):
        filled = [c for c in grid[start] if c]
        if not filled and any(any(r) for r in grid[start + 1 :]):
            start += 1  # a blank row above the title (the sheet's top margin, ruled)
            continue
        if filled and all(_is_title(c) or _is_context(c) for c in filled) and (
            len(filled) == 1 or all(_is_context(c) for c in filled)
        ):
            start += 1
            continue
        break
    kept = grid[start:]
    if not any(any(r) for r in kept):
        return None
    # blank rows are kept where printed in the body; blank rows above the first body row would
    # otherwise count as header rows
    first_body = split_header([r for r in kept if any(r)], default=None)
    filled_seen = 0
    trimmed = []
    for r in kept:
        if any(r):
            filled_seen += 1
            trimmed.append(r)
        elif filled_seen >= first_body:
            trimmed.append(r)
    kept = trimmed
    top = rows[start].bbox[1] if start < len(rows) else table.bbox[1]
    return _PageTable(top, table.bbox[3], kept, _column_edges(table))


def _column_edges(table: Any) -> tuple[float, ...]:
    """Left edge of each grid column (a merged cell starts at its first column's edge), then the right edge."""
    width = max((len(r.cells) for r in table.rows), default=0)
    lefts = []
    for j in range(width):
        xs = [r.cells[j][0] for r in table.rows if j < len(r.cells) and r.cells[j] is not None]
        if not xs:
            return ()
        lefts.append(min(xs))
    return (*lefts, table.bbox[2])


EDGE_TOLERANCE = 2.0  # points: the same column drawn on two pages


def _finishes_row(last: list[str], first: list[str]) -> bool:
    """Is `first`, the first row of a continuation, the rest of `last` cut by the page break?  A few words
    without digits, in fewer than half the cells `last` fills, each under a cell `last` fills too."""
    filled = [j for j, c in enumerate(first) if squash(c)]
    return (len(first) == len(last) and bool(filled)
            and 2 * len(filled) < sum(1 for c in last if squash(c))
            and all(squash(last[j]) and not ITEM_START_RE.match(squash(first[j]))
                    and not any(ch.isdigit() for ch in first[j]) for j in filled))


ITEM_START_RE = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）]|其中|合计|总计|小计)")


def _same_columns(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return bool(a) and len(a) == len(b) and all(abs(x - y) <= EDGE_TOLERANCE for x, y in zip(a, b))


def _rows_from_lines(lines: list[_Line], edges: tuple[float, ...]) -> list[list[str]] | None:
    """Text lines printed without ruling above a ruled grid, read as rows of that grid: every segment
    falls inside one column.  None when a segment does not."""
    rows = []
    for ln in lines:
        cells = [""] * (len(edges) - 1)
        for text, (x0, x1) in zip(ln.segments, ln.spans):
            j = next((j for j in range(len(cells)) if edges[j] - 1 <= x0 and x1 <= edges[j + 1] + 1), None)
            if j is None:
                return None
            cells[j] = f"{cells[j]} {text}".strip()
        rows.append(cells)
    return rows


# ----------------------------------------------------------------------------------------------
# document assembly


def _is_title(line: str) -> bool:
    s = squash(line)
    return (
        "表" in s
        and len(s) <= 70
        and not s.endswith(("。", "；", "，", ":", "："))
        and not NOTE_RE.search(s)
        and "见下表" not in s
    )


def _new_table(title: str, context: list[str], grid: list[list[str]], page_no: int, section: str) -> dict[str, Any]:
    start = split_header(grid)
    return {
        "title": title,
        "context": context,
        "page": page_no,
        "pages": [page_no],
        "header_rows": grid[:start],
        "rows": [{"page": page_no, "cells": r} for r in grid[start:]],
        "notes": [],
        "section": section,
    }


def _same_rows(a: list[list[str]], b: list[list[str]]) -> bool:
    return [[squash(c) for c in r] for r in a] == [[squash(c) for c in r] for r in b]


def _under_clipped_header(grid: list[list[str]], header: list[list[str]]) -> list[list[str]] | None:
    """The body rows of a continuation page whose repeated header came out shorter than the first one.

    LibreOffice repeats a header row whose height a merged (row-spanning) cell decides lower than on
    the table's first page: the cell's last text line ("质" of "绩效指标性质") is clipped, but its glyphs
    stay in the PDF, printed over the first body row.  Such a header reads as the original one with
    some cells cut short, and the first body row starts with exactly the missing text: that text is
    taken out of the body row.  None when `grid` does not start with `header` so cut."""
    n = len(header)
    if len(grid) <= n or any(len(r) != len(h) for r, h in zip(grid[:n], header)):
        return None
    first = list(grid[n])
    clipped = False
    for got_row, want_row in zip(grid[:n], header):
        for j, (got, want) in enumerate(zip(got_row, want_row)):
            g, w = squash(got), squash(want)
            if g == w:
                continue
            missing = w[len(g):]
            if not (g and w.startswith(g) and squash(first[j]).startswith(missing)):
                return None
            cell, k = first[j], 0
            for _ in missing:  # drop the missing glyphs (and the breaks between them) from the cell
                while cell[k].isspace():
                    k += 1
                k += 1
            first[j] = cell[k:].strip()
            clipped = True
    if not clipped:
        return None
    return ([first] if any(squash(c) for c in first) else []) + grid[n + 1 :]


TITLE_START_RE = re.compile(
    r"^(预算|公开|附)?\s*\d+\s*表|^表\s*\d+|^\d{1,2}[.、．]\s*(\d{4}\s*年|\D)|^[一二三四五六七八九十]+、|^第[一二三四五六七八九十]+部分"
)


def _title_in(lines: list[_Line]) -> tuple[str, int, int] | None:
    """The title nearest to the bottom of `lines`: (title, first line index, last line index).

    A title wrapped over two lines ("…“三公”经费支" / "出表", or "…明细表（按支出" / "功能分类科目）"
    in the same type) is joined without a space; a bare table number on the line above ("公开01表",
    "表5") is joined with one."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if _is_title(lines[i].text)), None)
    if last is None:
        return None
    first = last
    title = lines[last].text
    if TITLE_NUMBER_RE.match(squash(title)):
        # the number alone ("公开表一"): the table's name is printed on the line above or below it
        for j in (last - 1, last + 1):
            if 0 <= j < len(lines) and _is_title(lines[j].text) and not TITLE_NUMBER_RE.match(squash(lines[j].text)):
                return f"{title} {lines[j].text}", min(j, last), max(j, last)
    while first > 0:
        above = lines[first - 1]
        sq_above = squash(above.text)
        if TITLE_NUMBER_RE.match(sq_above):
            title = f"{above.text} {title}"
            first -= 1
            break
        height = max(1.0, lines[first].bottom - lines[first].top)
        wrapped = (
            not TITLE_START_RE.match(squash(title))
            and not sq_above.endswith(("表", "。", "：", ":"))
            and lines[first].top - above.bottom < 0.8 * height
            and len(above.segments) == 1
            and not _is_context(above.text)
            and len(squash(title)) + len(sq_above) <= 90
        )
        if not wrapped:
            break
        title = above.text + title
        first -= 1
    # wrapped below the line naming the 表 ("表7 …基本支出明细表（按支出" / "功能分类科目）" on a narrow
    # page): an unfinished title line continues on the line right below it in the same type
    while last + 1 < len(lines):
        line, below = lines[last], lines[last + 1]
        sq_below = squash(below.text)
        wrapped = (
            not squash(line.text).endswith(("表", "）", ")"))
            and len(line.segments) == 1
            and len(below.segments) == 1
            and below.top - line.bottom < 0.8 * max(1.0, line.bottom - line.top)
            and abs(below.size - line.size) <= 0.1 * line.size
            and not _is_context(below.text)
            and not NOTE_RE.search(sq_below)
            and not PAGE_NUMBER_RE.match(sq_below)
            and not TITLE_START_RE.match(sq_below)
            and len(squash(title)) + len(sq_below) <= 90
        )
        if not wrapped:
            break
        title += below.text
        last += 1
    return title, first, last


TABLELESS_RE = re.compile(rf"^((附|公开)?表{NUMERAL}(-\d+)?|(预算|公开){NUMERAL}表)\S")


def _loose_title(window: list[_Line]) -> tuple[str, int] | None:
    """No line naming a 表: the nearest line above set in a larger type than the lines below it
    ("部门机构设置情况"), if it reads like a heading."""
    for i in range(len(window) - 1, -1, -1):
        ln = window[i]
        below = [x.size for x in window[i + 1 :]]
        s = squash(ln.text)
        if not s or PAGE_NUMBER_RE.match(s) or s.endswith(("。", "；", "，")) or len(s) > 40:
            continue
        if ln.size >= 11 and (not below or ln.size >= 1.2 * max(below)):
            return ln.text, i
    return None


class _Assembler:
    def __init__(self) -> None:
        self.tables: list[dict[str, Any]] = []
        self.section = ""
        self.last_on_prev_page: dict[str, Any] | None = None
        self.last_edges: tuple[float, ...] = ()  # column edges of the last grid seen
        # a title (and its context) printed at the bottom of a page whose table starts on the next
        self.pending: tuple[str, list[str]] | None = None

    def _pretitle(self, lines: list[_Line]) -> None:
        """Lines above a title: part and per-unit headings move the section."""
        for ln in lines:
            s = squash(ln.text)
            if PART_RE.match(s):
                self.section = ""
            elif UNIT_HEADING_RE.match(s):
                self.section = s

    def _context(self, lines: list[_Line]) -> list[str]:
        context = [s for ln in lines for s in ln.segments if not PAGE_NUMBER_RE.match(s)]
        for s in context:
            if UNIT_LINE_RE.match(squash(s)):
                self.section = squash(s)
        return context

    def _tableless(self, pending: tuple[str, list[str], int]) -> None:
        """A numbered title printed without a table (an empty table the office left out)."""
        title, context, page_no = pending
        if TABLELESS_RE.match(squash(title)):
            self.tables.append(_new_table(title, context, [], page_no, self.section))

    def page(self, page_no: int, lines: list[_Line], page_tables: list[_PageTable]) -> None:
        prev_bottom = -1.0
        current: dict[str, Any] | None = None
        pending, self.pending = self.pending, None
        for idx, pt in enumerate(page_tables):
            window = [ln for ln in lines if ln.top >= prev_bottom - 1 and ln.bottom <= pt.top + 2]
            if idx > 0 and current is not None:
                window = self._take_notes(current, window)
            found = _title_in(window)
            if found is not None:
                title, first, last = found
                if pending is not None:
                    self._tableless(pending)
                    pending = None
                # numbered titles above this table's own one belong to tables printed empty
                for extra in self._earlier_titles(window[:first], page_no):
                    self._tableless(extra)
                self._pretitle(window[:first])
                context = self._context(window[last + 1 :])
                current = _new_table(title, context, pt.grid, page_no, self.section)
                self.tables.append(current)
            else:
                self._pretitle(window)
                prev = self.tables[-1] if self.tables else None
                if idx == 0 and pending is not None:
                    title, context, _ = pending
                    current = _new_table(title, context + self._context(window), pt.grid, page_no, self.section)
                    self.tables.append(current)
                elif idx == 0 and prev is not None and prev is self.last_on_prev_page and self._continue(
                    prev, pt, window, page_no
                ):
                    current = prev
                else:
                    loose = _loose_title(window)
                    if loose is not None:
                        title, at = loose
                        current = _new_table(title, self._context(window[at + 1 :]), pt.grid, page_no, self.section)
                    else:
                        current = _new_table("", self._context(window), pt.grid, page_no, self.section)
                    self.tables.append(current)
            pending = None
            prev_bottom = pt.bottom
            self.last_edges = pt.edges
        if pending is not None:
            self._tableless(pending)
        rest = [ln for ln in lines if ln.top >= prev_bottom - 1]
        if current is not None:
            rest = self._take_notes(current, rest)
        found = _title_in(rest)
        if found is not None:
            title, first, last = found
            for extra in self._earlier_titles(rest[:first], page_no):
                self._tableless(extra)
            self._pretitle(rest[:first])
            tail = rest[last + 1 :]
            if all(_is_context(ln.text) or PAGE_NUMBER_RE.match(ln.text) for ln in tail):
                self.pending = (title, self._context(tail), page_no)
        else:
            self._pretitle(rest)
        # only a table that ends a page can continue on the next one
        self.last_on_prev_page = current if page_tables else None

    def _earlier_titles(self, lines: list[_Line], page_no: int) -> list[tuple[str, list[str], int]]:
        """Numbered titles (表2 …, 预算05表 …) among `lines`, each with the context lines after it."""
        out: list[tuple[str, list[str], int]] = []
        end = len(lines)
        while True:
            found = _title_in(lines[:end])
            if found is None:
                break
            title, first, last = found
            if TABLELESS_RE.match(squash(title)):
                ctx = [s for ln in lines[last + 1 : end] for s in ln.segments if not PAGE_NUMBER_RE.match(s)]
                out.append((title, ctx if all(_is_context(c) for c in ctx) else [], page_no))
            end = first
        return out[::-1]

    def _continue(self, prev: dict[str, Any], pt: _PageTable, window: list[_Line], page_no: int) -> bool:
        """Does the untitled grid at the top of this page continue `prev`, the table that ended the last
        page?  Yes when it repeats prev's header, starts with a body row of the same width, or is drawn
        with the same columns (the same edges; text lines above it that fit those columns are its first
        rows, printed where the ruling stopped)."""
        grid = pt.grid
        width = len(prev["rows"][0]["cells"]) if prev["rows"] else (
            len(prev["header_rows"][0]) if prev["header_rows"] else 0
        )
        n_head = len(prev["header_rows"])
        lead = [ln for ln in window if not PAGE_NUMBER_RE.match(ln.text)]
        if n_head and len(grid) >= n_head and _same_rows(grid[:n_head], prev["header_rows"]):
            body = grid[n_head:]  # the header repeated on the new page
        elif n_head and (unclipped := _under_clipped_header(grid, prev["header_rows"])) is not None:
            body = unclipped
        elif not lead and grid and is_body_row(grid[0]) and len(grid[0]) == width:
            body = grid
        elif (_same_columns(self.last_edges, pt.edges) and _loose_title(window) is None
              and (above := _rows_from_lines(lead, pt.edges)) is not None):
            body = above + grid
        else:
            return False
        if prev["rows"] and body and _finishes_row(prev["rows"][-1]["cells"], body[0]):
            # the page broke inside a row: its wrapped text ends on this page ("信息网络及软件购" / "置更新")
            last = prev["rows"][-1]["cells"]
            prev["rows"][-1]["cells"] = [a + b for a, b in zip(last, body[0])]
            body = body[1:]
        prev["rows"].extend({"page": page_no, "cells": r} for r in body)
        if page_no not in prev["pages"]:
            prev["pages"].append(page_no)
        return True

    def _take_notes(self, table: dict[str, Any], lines: list[_Line]) -> list[_Line]:
        """Leading note lines below a table go to its notes (a note wrapped over lines is joined);
        the rest is returned."""
        i = 0
        prev: _Line | None = None
        while i < len(lines):
            ln = lines[i]
            text = ln.text
            if PAGE_NUMBER_RE.match(text):
                i += 1
                continue
            sq = squash(text)
            continues = (
                prev is not None
                and not prev.text.endswith(("。", ".", "；", ";"))
                and ln.top - prev.bottom < 0.8 * max(1.0, ln.bottom - ln.top)
                and len(ln.segments) == 1
                and not TITLE_START_RE.match(sq)
                and not _is_title(text)
            )
            if continues:
                table["notes"][-1] += text
            elif NOTE_RE.search(sq) and not _is_title(text):
                table["notes"].append(text)
            else:
                break
            prev = ln
            i += 1
        return lines[i:]


# ----------------------------------------------------------------------------------------------
# entry point


def _chain_clusters(idxs: list[int], values: list[float], tolerance: float) -> list[list[int]]:
    """pdfplumber's `cluster_list` chaining (sorted values, a new cluster after a gap > tolerance) over
    the indices `idxs`, by `values[i]`."""
    order = sorted(idxs, key=values.__getitem__)
    clusters = [[order[0]]]
    last = values[order[0]]
    for i in order[1:]:
        v = values[i]
        if v <= last + tolerance:
            clusters[-1].append(i)
        else:
            clusters.append([i])
        last = v
    return clusters


def _dedupe_chars(chars: list[dict[str, Any]], tolerance: float = 1) -> list[dict[str, Any]]:
    """pdfplumber's `utils.dedupe_chars` (same clusters, same survivors, same order): chars of the same
    text, font and size whose doctop chains within `tolerance`, and then x0 too, are one glyph, kept
    at its smallest (doctop, x0), the earliest of equals.  Written out with indices: pdfplumber's
    generic clustering, and its final `sorted(..., key=chars.index)` (quadratic), cost more than the
    clustering itself."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    key = itemgetter("upright", "text", "fontname", "size")
    for i, c in enumerate(chars):
        groups.setdefault(key(c), []).append(i)
    doctop = [c["doctop"] for c in chars]
    x0 = [c["x0"] for c in chars]
    drop: set[int] = set()
    for idxs in groups.values():
        if len(idxs) == 1:  # most glyphs: nothing to cluster
            continue
        for y_cluster in _chain_clusters(idxs, doctop, tolerance):
            if len(y_cluster) == 1:
                continue
            for x_cluster in _chain_clusters(y_cluster, x0, tolerance):
                if len(x_cluster) > 1:
                    keep = min(x_cluster, key=lambda i: (doctop[i], x0[i], i))
                    drop.update(i for i in x_cluster if i != keep)
    return [c for i, c in enumerate(chars) if i not in drop]


def _deduped_page(page: Any) -> Any:
    """`page.dedupe_chars(tolerance=1)` with the fast `_dedupe_chars` (pdfplumber 0.11's
    Page.dedupe_chars builds the same FilteredPage)."""
    from pdfplumber.page import FilteredPage

    p = FilteredPage(page, lambda _: True)
    p._objects = dict(page.objects)
    p._objects["char"] = _dedupe_chars(page.chars)
    return p


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer calls `log.debug` for every token it parses (~15 calls per glyph); while DEBUG is off
    those calls do nothing but still cost a tenth of the parse.  Shadow them for the duration of one
    extraction, unless someone asked for pdfminer's debug output."""
    import pdfminer.pdfinterp  # noqa: F401 - the loggers exist once pdfminer's modules are imported
    import pdfminer.psparser  # noqa: F401

    patched = []
    names = [n for n in list(logging.root.manager.loggerDict) if n.startswith("pdfminer.")]
    for name in names:
        log = logging.getLogger(name)
        if not log.isEnabledFor(logging.DEBUG) and "debug" not in vars(log):
            log.debug = _noop  # type: ignore[method-assign]
            patched.append(log)
    try:
        yield
    finally:
        for log in patched:
            del log.debug


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise
    if size == 0:
        raise EmptyFileError("empty file")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise CorruptPDFError("corrupt: not a PDF file (no %PDF- header)")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfplumber wraps pdfminer errors in PdfminerException
        chain = [exc, exc.__cause__, exc.__context__, *(getattr(exc, "args", ()) or ())]
        if any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in chain) or "password" in str(
            exc
        ).lower() or "encrypt" in str(exc).lower():
            raise EncryptedPDFError("encrypted: cannot read without password") from exc
        raise CorruptPDFError(f"corrupt: {type(exc).__name__}: {exc}".strip()) from exc
    return pdf


def extract_pdf(path: str | Path) -> ExtractedDocument:
    """Read a budget PDF: page texts and RawTables (docs/architecture.md).

    Raises EmptyFileError, EncryptedPDFError, CorruptPDFError or NoTextLayerError (all
    ExtractionError, with `.reason`)."""
    path = Path(path)
    with _quiet_pdfminer():
        try:
            return _extract(path, fast=True)
        except ExtractionError:
            # pdfminer reads a document that fails again, whole: it gives the reason, as before
            return _extract(path, fast=False)


def _pdfium(pdf: Any, path: Path) -> PdfiumReader | None:
    try:
        return PdfiumReader(pdf, path)
    except Exception:  # pdfplumber read it, pdfium cannot (pypdfium2.PdfiumError): pdfminer reads the pages
        return None


def _extract(path: Path, fast: bool) -> ExtractedDocument:
    pdf = _open(path)
    reader = _pdfium(pdf, path) if fast else None
    try:
        try:
            pages = pdf.pages
            page_count = len(pages)
        except Exception as exc:
            raise CorruptPDFError(f"corrupt: cannot read the page tree ({type(exc).__name__}: {exc})") from exc
        if page_count == 0:
            raise CorruptPDFError("corrupt: the document has no pages")
        pages_text: list[str] = []
        assembler = _Assembler()
        total_chars = 0
        for page_no, raw_page in enumerate(pages, start=1):
            try:
                if reader is not None:
                    # page objects from pdfium; pdfminer parses a page it declines
                    reader.fill(raw_page)
                # fake bold (the same glyph printed twice, slightly shifted) would double every character
                page = _deduped_page(raw_page)
                chars = page.chars
                total_chars += sum(1 for c in chars if c["text"].strip())
                pages_text.append(normalize_text(page.extract_text()))
                found = _find_tables(page)
                pairs = [(t.bbox, _page_table(t, chars)) for t in found]
                page_tables = [pt for _, pt in pairs if pt is not None]
                bboxes = [(b[0], pt.top, b[2], b[3]) for b, pt in pairs if pt is not None]
                words = [
                    w
                    for w in page.extract_words(x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
                    if not any(_inside(w, b) for b in bboxes)
                ]
                lines = _text_lines(words)
            except ExtractionError:
                raise
            except Exception as exc:
                raise CorruptPDFError(f"corrupt: page {page_no} unreadable ({type(exc).__name__}: {exc})") from exc
            order = sorted(range(len(page_tables)), key=lambda i: page_tables[i].top)
            assembler.page(page_no, lines, [page_tables[i] for i in order])
            raw_page.flush_cache()
        if total_chars == 0:
            raise NoTextLayerError("no text layer: scanned document, OCR not supported")
        return ExtractedDocument(page_count=page_count, pages_text=pages_text, tables=assembler.tables)
    finally:
        if reader is not None:
            reader.close()
        pdf.close()
