"""A found table → its cell texts (`_PageTable`): the grid, the title rows a sheet frames given back,
the columns' edges that tell a continuation on the next page."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from .cells import _cell_text
from .geometry import _Line
from .labels import _is_context, _is_title, split_header


@dataclass
class _PageTable:
    top: float
    bottom: float
    grid: list[list[str]]
    edges: tuple[float, ...] = ()  # x of each column's left edge, then the table's right edge


def _table_grid(table: Any, chars: list[dict[str, Any]]) -> list[list[str]]:
    x0, top, x1, bottom = table.bbox
    inside = [
        c
        for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    # the chars of a row: those whose middle lies within it, in page order (by bisection over the
    # middles: a table of many rows would otherwise test every char once per row)
    mids = [(c["top"] + c["bottom"]) / 2 for c in inside]
    # a char is in the cell its left part lies in, not its centre: punctuation may hang past the edge
    lefts = [c["x0"] + min(1.0, (c["x1"] - c["x0"]) / 4) for c in inside]
    by_mid = sorted(range(len(inside)), key=mids.__getitem__)
    sorted_mids = [mids[i] for i in by_mid]
    grid = []
    for row in table.rows:
        r_top, r_bottom = row.bbox[1], row.bbox[3]
        lo, hi = bisect_left(sorted_mids, r_top), bisect_right(sorted_mids, r_bottom)
        row_chars = [(inside[i], lefts[i], mids[i]) for i in sorted(by_mid[lo:hi])]
        cells = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            cell_chars = [c for c, left, mid in row_chars if cx0 <= left < cx1 and ctop <= mid <= cbottom]
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
        if (
            filled
            and all(_is_title(c) or _is_context(c) for c in filled)
            and (len(filled) == 1 or all(_is_context(c) for c in filled))
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


# document assembly
