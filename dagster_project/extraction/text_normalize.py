"""Normalising CJK text taken from PDF text layers.

PDF producers (WPS, some Word exports) often emit Kangxi radicals (U+2F00–U+2FDF) or CJK Radicals
Supplement characters (U+2E80–U+2EFF) instead of the unified ideographs they look like: "⾏政运⾏" is
"行政运行" on paper but does not compare equal to it.  NFKC maps the Kangxi radicals and the CJK
compatibility ideographs to unified ideographs but leaves almost the whole supplement block alone, so
that block has an explicit table here.

NFKC is applied only to those characters, never to the whole string: full NFKC would turn the
full-width punctuation the documents print (（）：，) into ASCII, and cells are kept "as printed".
"""

from __future__ import annotations

import re
import unicodedata

# CJK Radicals Supplement → unified ideograph (after Unicode's EquivalentUnifiedIdeograph.txt).
_SUPPLEMENT = {
    0x2E81: "厂", 0x2E82: "乛", 0x2E83: "乚", 0x2E84: "乙", 0x2E85: "亻", 0x2E86: "冂", 0x2E87: "几",
    0x2E88: "刀", 0x2E89: "刂", 0x2E8A: "卜", 0x2E8B: "㔾", 0x2E8C: "小", 0x2E8D: "小", 0x2E8E: "兀",
    0x2E8F: "尣", 0x2E90: "尢", 0x2E92: "巳", 0x2E93: "幺", 0x2E94: "彑", 0x2E95: "彐", 0x2E96: "忄",
    0x2E97: "㣺", 0x2E98: "扌", 0x2E99: "攵", 0x2E9B: "旡", 0x2E9C: "日", 0x2E9D: "月", 0x2E9E: "歺",
    0x2E9F: "母", 0x2EA0: "民", 0x2EA1: "氵", 0x2EA2: "氺", 0x2EA3: "灬", 0x2EA4: "爫", 0x2EA5: "爫",
    0x2EA6: "丬", 0x2EA7: "牛", 0x2EA8: "犭", 0x2EA9: "王", 0x2EAA: "疋", 0x2EAB: "罒", 0x2EAC: "示",
    0x2EAD: "礻", 0x2EAE: "竹", 0x2EAF: "糹", 0x2EB0: "纟", 0x2EB1: "罓", 0x2EB2: "罒", 0x2EB3: "㓁",
    0x2EB4: "罓", 0x2EB5: "网", 0x2EB6: "羊", 0x2EB7: "羊", 0x2EB9: "耂", 0x2EBA: "肀", 0x2EBB: "聿",
    0x2EBC: "月", 0x2EBD: "臼", 0x2EBE: "艹", 0x2EBF: "艹", 0x2EC0: "艹", 0x2EC1: "虎", 0x2EC2: "衤",
    0x2EC3: "覀", 0x2EC4: "西", 0x2EC5: "见", 0x2EC6: "角", 0x2EC7: "角", 0x2EC8: "讠", 0x2EC9: "贝",
    0x2ECB: "车", 0x2ECC: "辶", 0x2ECD: "辶", 0x2ECE: "辶", 0x2ECF: "阝", 0x2ED0: "钅", 0x2ED1: "長",
    0x2ED2: "镸", 0x2ED3: "长", 0x2ED4: "门", 0x2ED5: "阜", 0x2ED6: "阝", 0x2ED7: "雨", 0x2ED8: "青",
    0x2ED9: "韦", 0x2EDA: "页", 0x2EDB: "风", 0x2EDC: "飞", 0x2EDD: "食", 0x2EDF: "飠", 0x2EE0: "饣",
    0x2EE1: "首", 0x2EE2: "马", 0x2EE3: "骨", 0x2EE4: "鬼", 0x2EE5: "鱼", 0x2EE6: "鸟", 0x2EE7: "卤",
    0x2EE8: "麦", 0x2EE9: "黄", 0x2EEA: "黾", 0x2EEB: "斉", 0x2EEC: "齐", 0x2EED: "歯", 0x2EEE: "齿",
    0x2EEF: "竜", 0x2EF0: "龙", 0x2EF1: "龜", 0x2EF2: "亀", 0x2EF3: "龟",
}


def _build_table() -> dict[int, str]:
    table: dict[int, str] = dict(_SUPPLEMENT)
    ranges = [(0x2F00, 0x2FE0), (0xF900, 0xFB00), (0x2F800, 0x2FA20)]  # Kangxi, compatibility ideographs
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            mapped = unicodedata.normalize("NFKC", ch)
            if mapped != ch:
                table[cp] = mapped
    return table


_TABLE = _build_table()

_CJK = r"\u2e80-\u2fdf\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef“”‘’"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000]+(?=[{_CJK}{_CJK_PUNCT}])")
_WS = re.compile(r"[ \t\u00a0\u3000]+")


def fix_radicals(text: str) -> str:
    """Kangxi radicals, supplement radicals and compatibility ideographs → unified ideographs."""
    if not text:
        return text
    return text.translate(_TABLE)


def normalize_text(text: str | None) -> str:
    """Page or line text: radicals fixed, runs of blanks collapsed to one space, ends stripped."""
    if not text:
        return ""
    text = fix_radicals(text)
    lines = [_WS.sub(" ", ln).strip() for ln in text.replace("\r", "").split("\n")]
    return "\n".join(lines).strip()


def normalize_line(text: str | None) -> str:
    """One text line outside a table (title, context, note): radicals fixed, full-width spaces
    dropped, other blanks kept as printed (a run of blanks becomes one space), ends stripped."""
    if not text:
        return ""
    text = fix_radicals(text).replace("\n", " ").replace("\u3000", "")
    return _WS.sub(" ", text).strip()


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def join_wrapped(parts: list[str]) -> str:
    """Join the lines of a wrapped cell when nothing tells where the breaks were: no separator, except
    a space between two Latin words ("Annual" + "report"); digits wrapped mid-number join without one."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " " + part
        else:
            out += part
    return out


def normalize_cell(text: str | None, keep_newlines: bool = False) -> str:
    """A table cell as printed: radicals fixed, full-width spaces removed, blanks kept (a run becomes
    one space).  Line breaks: with keep_newlines the caller has already decided what each "\n" is
    (a real line break is kept); otherwise the lines are joined as wrapped text."""
    if not text:
        return ""
    text = fix_radicals(text).replace("\r", "").replace("\u3000", "")
    lines = [_WS.sub(" ", ln).strip() for ln in text.split("\n")]
    if keep_newlines:
        return "\n".join(ln for ln in lines if ln)
    return join_wrapped(lines)


def squash(text: str | None) -> str:
    """All whitespace dropped: for comparing labels and headers."""
    return re.sub(r"\s+", "", fix_radicals(text or "")).replace("\u3000", "")
