"""Page tables and text lines → RawTables: titles (a number printed apart from its name, a title
wrapped over lines, a heading in larger type), context and notes, tables continued over pages, titles
printed without a table."""

from __future__ import annotations

from typing import Any

from ..text_normalize import squash
from .geometry import _Line
from .grid import _PageTable, _rows_from_lines, _same_columns
from .labels import (
    ITEM_START_RE,
    NOTE_RE,
    PAGE_NUMBER_RE,
    PART_RE,
    TABLELESS_RE,
    TITLE_NUMBER_RE,
    TITLE_START_RE,
    UNIT_HEADING_RE,
    UNIT_LINE_RE,
    _is_context,
    _is_title,
    is_body_row,
    split_header,
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


# entry point




def _finishes_row(last: list[str], first: list[str]) -> bool:
    """Is `first`, the first row of a continuation, the rest of `last` cut by the page break?  A few words
    without digits, in fewer than half the cells `last` fills, each under a cell `last` fills too."""
    filled = [j for j, c in enumerate(first) if squash(c)]
    return (len(first) == len(last) and bool(filled)
            and 2 * len(filled) < sum(1 for c in last if squash(c))
            and all(squash(last[j]) and not ITEM_START_RE.match(squash(first[j]))
                    and not any(ch.isdigit() for ch in first[j]) for j in filled))
