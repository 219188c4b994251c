"""Seed texts (text extracted from real budget documents) → document blocks: narrative text and RawTables.

Three layouts: Beijing (TAB-separated rows under "预算NN表" titles, or under "2023年度收入支出决算总表"-style
titles in the final accounts (决算)), Hebei (one cell per TAB line, rows
separated by blank lines) and Xi'an (Markdown tables under "表N" lines). Cell text is kept exactly as in
the seed except for the extraction's <b> tags and [bookmark: …] markers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dagster_project.extraction.pdf import split_header

TAG_RE = re.compile(r"</?b>")
BOOKMARK_RE = re.compile(r"\[bookmark: [^\]]*\]")
CONTEXT_RE = re.compile(r"^\s*(金额单位|单位[:：]|单位名称|编制单位|预算年度|[（(]\d{4}年度[)）]$)")
NOTE_RE = re.compile(r"不涉及|空表|^注[:：]")


def clean(text: str) -> str:
    return BOOKMARK_RE.sub("", TAG_RE.sub("", text)).strip()


def table(title: str, context: list[str], grid: list[list[str]], notes: list[str], section: str) -> dict[str, Any]:
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    start = split_header(grid)
    return {
        "title": title,
        "context": context,
        "header_rows": grid[:start],
        "rows": [{"cells": r} for r in grid[start:]],
        "notes": notes,
        "section": section,
    }


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def table_block(t: dict[str, Any]) -> dict[str, Any]:
    return {"type": "table", "table": t}


# ---------------------------------------------------------------- Beijing
# "预算03表 …" (budget) or "2023年度支出决算表" (final accounts: the MoF template's tables carry no number)
BJ_TITLE_RE = re.compile(r"^\s*预算\s*(\d+\s*表|表\s*\d+)|^\s*20\d{2}\s*年度\S*决算\S*表$")


def parse_beijing(lines: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\n")
        if not BJ_TITLE_RE.match(line):
            if line.strip():
                blocks.append(text_block(clean(line)))
            i += 1
            continue
        title = clean(line)
        i += 1
        # a title wrapped onto a short second line ("…经费支" / "出表")
        if i < len(lines) and lines[i].strip() and "\t" not in lines[i] and len(lines[i].strip()) <= 6:
            title += lines[i].strip()
            i += 1
        context: list[str] = []
        while i < len(lines) and "\t" not in lines[i]:
            s = lines[i].strip()
            if s and CONTEXT_RE.match(s):
                context.append(s)
            elif s and context and len(s) <= 3:
                context[-1] += s  # "金额单位：万" / "元"
            elif s:
                break
            i += 1
        grid = []
        while i < len(lines) and "\t" in lines[i]:
            grid.append([clean(c) for c in lines[i].rstrip("\n").split("\t")])
            i += 1
        notes: list[str] = []
        j = i
        while j < len(lines) and (not lines[j].strip() or NOTE_RE.search(lines[j]) or
                                  (notes and len(lines[j].strip()) <= 3)):
            s = lines[j].strip()
            if s:
                if notes and len(s) <= 3:
                    notes[-1] += s  # "说明：本单位不涉及此项工作内" / "容"
                else:
                    notes.append(s)
            j += 1
        if notes:
            i = j
        blocks.append(table_block(table(title, context, grid, notes, "")))
    return blocks


# ---------------------------------------------------------------- Hebei
UNIT_LINE_RE = re.compile(r"^\d{6,9}\S+$")


def parse_hebei(lines: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    section = ""
    in_units = False
    i = 0
    pending_text: str | None = None
    while i < len(lines):
        line = lines[i].rstrip("\n")
        if not line.startswith("\t"):
            s = clean(line)
            if "部门所属单位预算" in s:
                in_units = True
            if pending_text is not None:
                blocks.append(text_block(pending_text))
            pending_text = s or None
            i += 1
            continue
        # A TAB block: the line just before it is the table's title.
        title = pending_text or ""
        pending_text = None
        groups: list[list[str]] = []
        current: list[str] = []
        while i < len(lines) and (lines[i].startswith("\t") or not lines[i].strip()
                                  or (current and i > 0 and lines[i - 1].startswith("\t") and not NOTE_RE.search(lines[i]))):
            if lines[i].startswith("\t"):
                current.append(clean(lines[i][1:]))
            elif lines[i].strip():
                current[-1] = (current[-1] + "\n" + clean(lines[i])).strip()  # a cell's second line
            elif current:
                groups.append(current)
                current = []
            i += 1
        if current:
            groups.append(current)
        context: list[str] = []
        if groups and not any(c in ("序号",) for c in groups[0]) and sum(1 for c in groups[0] if c) <= 4 and any(
            CONTEXT_RE.match(c) or UNIT_LINE_RE.match(c) for c in groups[0]
        ):
            context = [c for c in groups.pop(0) if c]
        unit_lines = [c for c in context if UNIT_LINE_RE.match(c)]
        if in_units and unit_lines:
            section = unit_lines[0]
        notes: list[str] = []
        while i < len(lines) and (not lines[i].strip() or (NOTE_RE.search(lines[i]) and not lines[i].startswith("\t"))):
            if lines[i].strip():
                notes.append(clean(lines[i]))
            i += 1
        t = table(title, context, groups, notes, section if in_units else "")
        if not title and blocks and blocks[-1]["type"] == "table":
            # the rest of a table interrupted by a blank line: same table
            blocks[-1]["table"]["rows"] += [{"cells": r} for r in t["header_rows"]] + t["rows"]
        else:
            blocks.append(table_block(t))
    if pending_text:
        blocks.append(text_block(pending_text))
    return blocks


# ---------------------------------------------------------------- Xi'an
XA_NUMBER_RE = re.compile(r"^表\d+(-\d+)?$")


def parse_xian(lines: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    i = 0
    number = ""
    while i < len(lines):
        s = lines[i].strip()
        nxt = next((lines[k].strip() for k in range(i + 1, min(i + 4, len(lines))) if lines[k].strip()), "")
        if XA_NUMBER_RE.match(s):
            number = s
            i += 1
            continue
        starts_table = s and not s.startswith("|") and (number or (s.endswith("表") and nxt.startswith("|")))
        if not starts_table:
            if s.startswith("|"):
                grid, i = _markdown(lines, i)
                previous = blocks[-1] if blocks else None
                if previous and previous["type"] == "table" and previous["table"]["title"]:
                    # an untitled block right after a table continues it
                    t = previous["table"]
                    t["rows"] += [{"cells": r} for r in grid]
                else:  # the report index (报表目录)
                    title = previous["text"] if previous and previous["type"] == "text" else ""
                    blocks.append(table_block(table(title, [], grid, [], "")))
                continue
            if s:
                blocks.append(text_block(s))
            i += 1
            continue
        title = f"{number} {s}".strip()
        number = ""
        i += 1
        context = []
        while i < len(lines) and not lines[i].strip().startswith("|"):
            c = lines[i].strip()
            if c and CONTEXT_RE.match(c):
                context.append(c)
            elif c:
                break
            i += 1
        grid: list[list[str]] = []
        if i < len(lines) and lines[i].strip().startswith("|"):
            grid, i = _markdown(lines, i)
        blocks.append(table_block(table(title, context, grid, [], "")))
    return blocks


def _markdown(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    grid = []
    while i < len(lines) and lines[i].strip().startswith("|"):
        row = lines[i].strip()
        if not re.fullmatch(r"\|[\s\-:|]+\|", row):
            grid.append([clean(c) for c in row.strip("|").split("|")])
        i += 1
    return grid, i


def parse_seed(path: str | Path) -> list[dict[str, Any]]:
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.name.startswith("hebei"):
        return parse_hebei(lines)
    if path.name.startswith("shaanxi"):
        return parse_xian(lines)
    return parse_beijing(lines)
