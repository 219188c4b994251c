"""What a line or a cell of text is: a body row, a title or a table number, a note, a page number,
context ("单位：万元"), a part or unit heading.  Patterns only; geometry lives elsewhere."""

from __future__ import annotations

import re

from ..text_normalize import squash
from ..vocabulary import AMOUNT_RE, CODE_NAME_RE, CODE_RE, TOTAL_WORDS, is_formatted_amount

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




def _is_context(text: str) -> bool:
    s = squash(text)
    return bool(CONTEXT_RE.search(s)) and len(s) <= 60



def _is_title(line: str) -> bool:
    s = squash(line)
    return (
        "表" in s
        and len(s) <= 70
        and not s.endswith(("。", "；", "，", ":", "："))
        and not NOTE_RE.search(s)
        and "见下表" not in s
    )



TITLE_START_RE = re.compile(
    r"^(预算|公开|附)?\s*\d+\s*表|^表\s*\d+|^\d{1,2}[.、．]\s*(\d{4}\s*年|\D)|^[一二三四五六七八九十]+、|^第[一二三四五六七八九十]+部分"
)



TABLELESS_RE = re.compile(rf"^((附|公开)?表{NUMERAL}(-\d+)?|(预算|公开){NUMERAL}表)\S")


ITEM_START_RE = re.compile(r"^([一二三四五六七八九十]+、|\d+[.、．]|[（(][一二三四五六七八九十\d]+[)）]|其中|合计|总计|小计)")
