"""Word (.docx) and Excel (.xlsx) budget documents → the same RawTables as a PDF of the same content.

Office files carry their tables as structure, so no geometry is needed: a table's title is the
paragraph (or sheet row) above it that names a 表, its context the short lines in between.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pdf import split_header
from .text_normalize import squash

MAX_UNCOMPRESSED_MB = 200
TITLE_RE = re.compile(r"表")
CONTEXT_RE = re.compile(r"(单位[:：]|金额单位|预算年度|单位名称|^\d{3,9}\S+|^[（(]\d{4}年度[)）]$)")


class OfficeExtractionError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class OfficeDocument:
    page_count: int
    pages_text: list[str]
    tables: list[dict[str, Any]] = field(default_factory=list)


def check_zip(path: Path) -> None:
    """Refuse zip bombs and non-zip files before any XML is parsed."""
    if path.stat().st_size == 0:
        raise OfficeExtractionError("empty file")
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile as exc:
        raise OfficeExtractionError(f"corrupt: not a valid Office file ({exc})") from exc
    if total > MAX_UNCOMPRESSED_MB << 20:
        raise OfficeExtractionError(
            f"zip bomb: unpacks to {total >> 20} MB, more than the {MAX_UNCOMPRESSED_MB} MB allowed"
        )


def make_table(title: str, context: list[str], grid: list[list[str]], section: str) -> dict[str, Any]:
    start = split_header(grid)
    return {
        "title": title,
        "context": context,
        "page": 1,
        "pages": [1],
        "header_rows": grid[:start],
        "rows": [{"page": 1, "cells": r} for r in grid[start:]],
        "notes": [],
        "section": section,
    }


def _clean(text: str | None) -> str:
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", (text or "").strip())


def _tables_from_flow(flow: list[tuple[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """flow: ("text", line) and ("table", grid) items in document order."""
    lines: list[str] = []
    tables: list[dict[str, Any]] = []
    recent: list[str] = []
    section = ""
    for kind, item in flow:
        if kind == "text":
            line = _clean(item)
            if not line:
                continue
            lines.append(line)
            recent.append(line)
            if re.match(r"^\d{6,9}\S+$", squash(line)):
                section = squash(line)
            if tables and not recent[:-1] and re.search(r"不涉及|空表", line):
                tables[-1]["notes"].append(line)
            continue
        title_at = max((i for i, ln in enumerate(recent) if TITLE_RE.search(ln) and len(ln) < 80), default=None)
        title = recent[title_at] if title_at is not None else ""
        context = [ln for ln in recent[(title_at or -1) + 1 :] if CONTEXT_RE.search(squash(ln))]
        tables.append(make_table(title, context, item, section))
        recent = []
    return lines, tables


def extract_docx(path: Path) -> OfficeDocument:
    check_zip(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    flow: list[tuple[str, Any]] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            flow.append(("text", Paragraph(block, document).text))
        elif tag == "tbl":
            grid, seen = [], set()
            for row in Table(block, document).rows:
                cells = []
                for cell in row.cells:
                    # A merged cell is returned once per grid position: keep its text at the first one.
                    # (the set keeps the elements alive, so lxml hands back the same proxy objects)
                    cells.append("" if cell._tc in seen else _clean(cell.text))
                    seen.add(cell._tc)
                grid.append(cells)
            flow.append(("table", grid))
    lines, tables = _tables_from_flow(flow)
    return OfficeDocument(page_count=1, pages_text=["\n".join(lines)], tables=tables)


def extract_xlsx(path: Path) -> OfficeDocument:
    check_zip(path)
    import openpyxl

    wb = openpyxl.load_workbook(str(path), read_only=False, data_only=True)
    texts, tables = [], []
    for ws in wb.worksheets:
        flow: list[tuple[str, Any]] = []
        grid: list[list[str]] = []
        width = ws.max_column
        for row in ws.iter_rows():
            cells = [_format_cell(c.value, c.number_format) for c in row][:width]
            filled = [c for c in cells if c]
            if grid and len(filled) == 1 and not _ends_table(filled[0]):
                grid.append(cells)  # a row with only a label (收支总表's empty lines) stays in the table
            elif len(filled) >= 2:
                grid.append(cells)
            else:
                if grid:
                    flow.append(("table", grid))
                    grid = []
                if filled:
                    flow.append(("text", filled[0]))
        if grid:
            flow.append(("table", grid))
        lines, sheet_tables = _tables_from_flow(flow)
        texts.append("\n".join(lines))
        tables += sheet_tables
    return OfficeDocument(page_count=len(wb.worksheets), pages_text=texts, tables=tables)


def _ends_table(text: str) -> bool:
    return bool(TITLE_RE.search(text) or re.search(r"不涉及|空表|^注[:：]", text) or len(text) > 60)


def _format_cell(v: Any, number_format: str = "General") -> str:
    """The cell as printed: numbers keep the decimals their format shows (amounts are published with two)."""
    if v is None:
        return ""
    if isinstance(v, int | float) and not isinstance(v, bool):
        if "0.00" in number_format or (isinstance(v, float) and not v.is_integer()):
            return f"{v:,.2f}" if "," in number_format or "#" in number_format else f"{v:.2f}"
        return str(int(v)) if float(v).is_integer() else str(v)
    return _clean(str(v))
