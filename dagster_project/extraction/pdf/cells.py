"""Glyphs → the text of one cell: lines of a cell, spaces between glyphs, wrapped lines joined by the
line-breaking rules (a line that stopped short ended at a space or a line break)."""

from __future__ import annotations

from typing import Any

from ..text_normalize import normalize_cell

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
