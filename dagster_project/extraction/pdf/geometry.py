"""A page's ruling and text lines: which rectangles are rules and which are shading, the ruled tables
pdfplumber finds, the text outside them cut into lines and segments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

from pdfplumber.page import FilteredPage
from pdfplumber.table import Row, Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.utils.text import WordExtractor

from ..text_normalize import normalize_line
from .cells import X_TOLERANCE, _space_gap

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


def _inside(obj: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


class _WordExtractor(WordExtractor):
    """pdfplumber's WordExtractor (0.11.10) with its per-glyph loop written out for the
    settings this module uses (left-to-right lines, blank chars not kept, tolerances in points, no punctuation split):
    the same words; pdfplumber's loop (a generator and a method call per glyph) is most of the time
    page text and words take.  Other settings and directions go to pdfplumber's loop."""

    def iter_chars_to_words(self, ordered_chars: Any, direction: Any) -> Iterator[list[dict[str, Any]]]:
        if (
            direction != "ltr"
            or self.keep_blank_chars
            or self.x_tolerance_ratio is not None
            or self.y_tolerance_ratio is not None
            or self.split_at_punctuation
        ):
            yield from super().iter_chars_to_words(ordered_chars, direction)
            return
        xt, yt = self.x_tolerance, self.y_tolerance
        word: list[dict[str, Any]] = []
        for char in ordered_chars:
            text = char["text"]
            if text.isspace():
                if word:
                    yield word
                word = []
            elif text == "":  # pdfplumber: `text in split_at_punctuation` (""): a word of its own
                if word:
                    yield word
                yield [char]
                word = []
            elif word:
                prev = word[-1]
                x0 = char["x0"]
                if x0 < prev["x0"] or x0 > prev["x1"] + xt or abs(char["top"] - prev["top"]) > yt:
                    yield word
                    word = [char]
                else:
                    word.append(char)
            else:
                word = [char]
        if word:
            yield word


def _page_text(page: Any) -> str:
    """`page.extract_text()` (pdfplumber 0.11.10: `chars_to_textmap` in the page's box) with `_WordExtractor`."""
    wordmap = _WordExtractor().extract_wordmap(page.chars)
    textmap = wordmap.to_textmap(
        layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height, presorted=True
    )
    return textmap.as_string


def _page_words(page: Any, **settings: Any) -> list[dict[str, Any]]:
    """`page.extract_words(**settings)` with `_WordExtractor`."""
    return _WordExtractor(**settings).extract_words(page.chars)


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
    # page.filter(lambda obj: not _is_shading(obj)), testing only the rects (shading is a rect; the
    # filter would call the test on every glyph)
    ruling = FilteredPage(page, lambda obj: not _is_shading(obj))
    ruling._objects = {
        kind: [o for o in objs if not _is_shading(o)] if kind == "rect" else list(objs)
        for kind, objs in page.objects.items()
    }
    return ruling


def _intersections_to_cells(
    intersections: dict[tuple[float, float], dict[str, list[dict[str, Any]]]],
) -> list[tuple[float, float, float, float]]:
    """pdfplumber's `table.intersections_to_cells` (0.11.10): the same cells in the same order.  Its
    `edge_connects` builds the sets of both points' edge boxes on every call (most of the table
    finder's time on a ruled page); here each point's sets are built once, and the points directly
    below and to the right of a point are looked up, not searched for among all the points after it."""
    bbox = itemgetter("x0", "top", "x1", "bottom")
    v_edges = {p: {bbox(e) for e in i["v"]} for p, i in intersections.items()}
    h_edges = {p: {bbox(e) for e in i["h"]} for p, i in intersections.items()}

    def connects(p1: tuple[float, float], p2: tuple[float, float]) -> bool:
        if p1[0] == p2[0] and not v_edges[p1].isdisjoint(v_edges[p2]):
            return True
        return p1[1] == p2[1] and not h_edges[p1].isdisjoint(h_edges[p2])

    points = sorted(intersections)
    # the points after points[i] with its x (sorted by x first: the run that follows it) and with its y
    same_y: dict[float, list[tuple[float, float]]] = {}
    right_of: list[list[tuple[float, float]]] = []
    for pt in reversed(points):
        row = same_y.setdefault(pt[1], [])
        right_of.append(row[::-1])
        row.append(pt)
    right_of.reverse()
    cells = []
    for i, pt in enumerate(points[:-1]):
        below = []
        for other in points[i + 1 :]:
            if other[0] != pt[0]:
                break
            below.append(other)
        right = right_of[i]
        found = None
        for below_pt in below:
            if not connects(pt, below_pt):
                continue
            for right_pt in right:
                if not connects(pt, right_pt):
                    continue
                bottom_right = (right_pt[0], below_pt[1])
                if (
                    bottom_right in intersections
                    and connects(bottom_right, right_pt)
                    and connects(bottom_right, below_pt)
                ):
                    found = (pt[0], pt[1], bottom_right[0], bottom_right[1])
                    break
            if found is not None:
                break
        if found is not None:
            cells.append(found)
    return cells


class _Table(Table):
    """pdfplumber's Table, whose `rows` and `bbox` properties compute them again on every access (the
    rows: sorting and grouping all cells), computed once: a table's cells do not change."""

    @cached_property
    def rows(self) -> list[Any]:  # type: ignore[override]
        return self._get_rows_or_cols(Row)

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:  # type: ignore[override]
        return Table.bbox.fget(self)  # type: ignore[attr-defined]


def _page_tables(page: Any, settings: dict[str, Any]) -> list[Any]:
    """`page.find_tables(settings)` (pdfplumber 0.11.10's TableFinder, step by step) with the fast
    `_intersections_to_cells`, giving `_Table`s."""
    finder = TableFinder.__new__(TableFinder)  # get_edges reads only its page and settings
    finder.page = page
    finder.settings = TableSettings.resolve(settings)
    intersections = edges_to_intersections(
        finder.get_edges(), finder.settings.intersection_x_tolerance, finder.settings.intersection_y_tolerance
    )
    return [_Table(page, group) for group in cells_to_tables(_intersections_to_cells(intersections))]


def _find_tables(page: Any) -> list[Any]:
    """Ruled tables of a page; pages without any ruling are not searched."""
    if not (page.lines or page.rects or page.curves):
        return []
    found = []
    for t in _page_tables(_ruling_page(page), TABLE_SETTINGS):
        n_cols = max((len(r.cells) for r in t.rows), default=0)
        if len(t.rows) * n_cols < 2:
            continue  # a framed box, not a table
        found.append(t)
    return found
