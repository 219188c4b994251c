"""Render parsed seed documents as PDFs that look like what budget offices publish.

Ruled tables with merged multi-row headers, long tables continued over pages with the header repeated,
wrapped cell text, landscape pages for wide tables, page numbers. Tables are split into page-sized
parts here (not by the layout engine) so the page of every row is known: that is the gold set's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT = "WenQuanYiZenHei"
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # Debian package fonts-wqy-zenhei


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        if not FONT_FILE.exists():
            raise SystemExit(f"{FONT_FILE} missing: apt-get install fonts-wqy-zenhei")
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15, firstLineIndent=20, wordWrap="CJK")
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=13, leading=18, alignment=TA_CENTER, spaceAfter=4,
                       wordWrap="CJK")
CONTEXT = ParagraphStyle("context", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK")


@dataclass(frozen=True)
class Layout:
    """Page geometry and type sizes; the defaults are the bundled samples' (tools/synthcorpus varies them)."""

    margin_mm: float = 15
    cell_scale: float = 1.0  # cell font sizes × this
    landscape_min_cols: int = 8  # tables at least this wide go on landscape pages


def cell_style(width: int, scale: float = 1.0) -> ParagraphStyle:
    size = (8 if width < 8 else 6.5) * scale
    return ParagraphStyle(f"cell{width}", fontName=FONT, fontSize=size, leading=size + 1.5, wordWrap="CJK")


class PageMarker(Flowable):
    """Zero-size flowable that records the page it is drawn on."""

    def __init__(self, record: list[int]):
        super().__init__()
        self.record = record

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        self.record.append(self.canv.getPageNumber())


def header_spans(header: list[list[str]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """SPAN commands: a label spans the empty cells to its right, then the empty cells below it."""
    h = len(header)
    width = len(header[0]) if header else 0
    covered = [[False] * width for _ in range(h)]
    spans = []
    for r in range(h):
        for c in range(width):
            if not header[r][c] or covered[r][c]:
                continue
            c2 = c
            while c2 + 1 < width and not header[r][c2 + 1] and not covered[r][c2 + 1]:
                c2 += 1
            r2 = r
            while r2 + 1 < h and all(not header[r2 + 1][k] and not covered[r2 + 1][k] for k in range(c, c2 + 1)):
                r2 += 1
            for rr in range(r, r2 + 1):
                for cc in range(c, c2 + 1):
                    covered[rr][cc] = True
            if (r2, c2) != (r, c):
                spans.append(((c, r), (c2, r2)))
    return spans


def column_widths(grid: list[list[str]], available: float) -> list[float]:
    width = max(len(r) for r in grid)
    weights = []
    for c in range(width):
        longest = max((len(r[c]) for r in grid if c < len(r)), default=1)
        weights.append(min(max(longest, 4), 22))
    total = sum(weights)
    return [available * w / total for w in weights]


def table_parts(t: dict[str, Any], frame_w: float, frame_h: float, first_h: float,
                cell_scale: float = 1.0) -> list[Table]:
    header = t["header_rows"]
    body = [r["cells"] for r in t["rows"]]
    grid = header + body
    if not grid:
        return []
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    style = cell_style(width, cell_scale)
    data = [[Paragraph(escape(c).replace("\n", "<br/>"), style) for c in row] for row in grid]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, len(header) - 1), colors.HexColor("#eeeeee")))
        commands += [("SPAN", a, b) for a, b in header_spans([r + [""] * (width - len(r)) for r in header])]
    table = Table(data, colWidths=column_widths(grid, frame_w), repeatRows=len(header))
    table.setStyle(TableStyle(commands))
    parts, rest, available = [], table, first_h
    while True:
        _, height = rest.wrap(frame_w, available)
        if height <= available:
            parts.append(rest)
            return parts
        split = rest.split(frame_w, available)
        if len(split) < 2:
            parts.append(rest)
            return parts
        parts.append(split[0])
        rest, available = split[1], frame_h


def render(blocks: list[dict[str, Any]], out: Path, title: str, layout: Layout = Layout()) -> list[dict[str, Any]]:
    """Write the PDF; return the document's tables with their pages filled in (the gold set)."""
    register_font()
    margin = layout.margin_mm * mm
    portrait_size, landscape_size = A4, landscape(A4)

    def footer(canvas, doc):
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 8 * mm, f"- {canvas.getPageNumber()} -")

    def frame(size):
        return Frame(margin, margin, size[0] - 2 * margin, size[1] - 2 * margin, id="f", leftPadding=0,
                     rightPadding=0, topPadding=0, bottomPadding=0)

    doc = BaseDocTemplate(str(out), title=title, author="budget-warehouse samples", pagesize=portrait_size,
                          invariant=True)  # same input, same bytes: document ids stay stable
    doc.addPageTemplates([
        PageTemplate(id="portrait", frames=[frame(portrait_size)], pagesize=portrait_size, onPage=footer),
        PageTemplate(id="landscape", frames=[frame(landscape_size)], pagesize=landscape_size, onPage=footer),
    ])
    story: list[Flowable] = []
    gold: list[dict[str, Any]] = []
    pending: list[tuple[dict[str, Any], list[list[int]], list[int]]] = []
    for block in blocks:
        if block["type"] == "text":
            story.append(Paragraph(escape(block["text"]), BODY))
            continue
        t = block["table"]
        width = max([len(r) for r in t["header_rows"]] + [len(r["cells"]) for r in t["rows"]] + [0])
        wanted = "landscape" if width >= layout.landscape_min_cols else "portrait"
        size = landscape_size if wanted == "landscape" else portrait_size
        story += [NextPageTemplate(wanted), PageBreak()]
        frame_w, frame_h = size[0] - 2 * margin, size[1] - 2 * margin
        head: list[Flowable] = [Paragraph(escape(t["title"]), TITLE)]
        head += [Paragraph(escape(c), CONTEXT) for c in t["context"]]
        head.append(Spacer(1, 3))
        used = sum(f.wrap(frame_w, frame_h)[1] for f in head) + 8
        title_page: list[int] = []
        story += [PageMarker(title_page), *head]
        part_pages: list[list[int]] = []
        parts = table_parts(t, frame_w, frame_h, frame_h - used, layout.cell_scale)
        for n, part in enumerate(parts):
            if n:
                story.append(PageBreak())
            record: list[int] = []
            part_pages.append(record)
            story += [PageMarker(record), part]
        for note in t["notes"]:
            story.append(Paragraph(escape(note), CONTEXT))
        part_rows = [len(p._cellvalues) - len(t["header_rows"]) for p in parts]  # header repeats on every part
        pending.append((t, part_pages, part_rows, title_page))
        # the next narrative text continues on a portrait page
        story.append(NextPageTemplate("portrait"))
    doc.build(story)
    for t, part_pages, part_rows, title_page in pending:
        gold.append(gold_table(t, [p[0] for p in part_pages], part_rows, title_page[0]))
    return gold


def printed(text: str) -> str:
    """Cell text as the PDF shows it: runs of spaces and tabs print as one space."""
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")).strip()


def gold_table(t: dict[str, Any], part_pages: list[int], part_rows: list[int], title_page: int) -> dict[str, Any]:
    """The table as a perfect extractor returns it: each body row, as wide as the printed table, with
    the page of its table part."""
    width = max([len(r) for r in t["header_rows"]] + [len(r["cells"]) for r in t["rows"]] + [0])

    def row(cells: list[str]) -> list[str]:
        return [printed(c) for c in cells] + [""] * (width - len(cells))

    rows, i = [], 0
    for page, n in zip(part_pages, part_rows):
        for r in t["rows"][i : i + n]:
            rows.append({"page": page, "cells": row(r["cells"])})
        i += n
    return {**t, "header_rows": [row(h) for h in t["header_rows"]], "page": title_page,
            "pages": sorted({title_page, *part_pages}), "rows": rows}
