"""A page's ruling and text lines: which rectangles are rules and which are shading, the ruled tables
pdfplumber finds, the text outside them cut into lines and segments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
