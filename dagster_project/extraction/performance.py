"""The performance tables (绩效目标表): canonical column names and the reading of their rows.

Performance tables (`project_performance` 项目支出绩效表 / 绩效目标表, `overall_performance` 整体支出绩效目标表)
name their columns differently in every region: Beijing prints a header row (单位名称 | 项目名称 | … | 一级指标 |
二级指标 | 三级指标 | 绩效指标性质 | 本年绩效指标值 | 绩效度量单位 | 指标方向性), Hebei, Xi'an and Shanghai print a
form whose label row (一级指标 | 二级指标 | 三级指标 | 指标内容 | 指标值 …) sits inside the table body.

`classify._column_name` calls `performance_column` for the header rows of these tables, and
`classify.interpret_table` attaches `read_performance_rows` (below: every body row read into the indicator
fields, label rows inside the body included) as the table's `performance_rows`; dbt
(`dbt/models/intermediate/int_performance_rows.sql`) only unnests and types them. Nothing here parses a target
value: the operator / value / unit of a target ("≥95%", "≤10个工作日", "定性") is read once, in SQL, by
`dbt/models/marts/fact_performance_target.sql`.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

PERFORMANCE_KINDS = frozenset({"project_performance", "overall_performance"})

# Header label (whitespace removed) → canonical column name.
PERFORMANCE_LABELS: dict[str, str] = {
    # who and what
    "单位名称": "unit",
    "部门（单位）名称": "unit",
    "部门(单位)名称": "unit",
    "主管部门": "department",
    "实施单位": "implementing_unit",
    "项目名称": "project_name",
    "活动": "activity",  # 整体支出绩效目标表: the activity (项目 group) an indicator belongs to
    "项目类别": "project_type",
    "项目类型": "project_type",
    "项目性质": "project_nature",
    "项目负责人": "project_manager",
    "项目责任人": "project_manager",
    "项目负责人电话": "project_manager_phone",
    "项目责任人电话": "project_manager_phone",
    # money (项目总额 其中：财政资金 / 其他资金; 整体 tables: 合计 / 基本支出 / 项目支出 as in the other tables)
    "项目总额": "project_total",
    "财政资金": "fiscal_funds",
    "其他资金": "other_funds",
    "合计": "total",
    "基本支出": "basic",
    "项目支出": "project",
    # goals
    "绩效目标": "goal",
    "年度目标": "goal",
    "年度绩效目标": "goal",
    "整体绩效目标": "goal",
    "总体目标": "goal",
    # the indicator
    "一级指标": "indicator_level_1",
    "二级指标": "indicator_level_2",
    "三级指标": "indicator_level_3",
    "指标内容": "indicator",
    "指标名称": "indicator",
    "绩效指标描述": "indicator",
    "绩效指标": "indicator",  # 整体 tables: one column holding 一级 + 二级 + the indicator text
    "绩效指标性质": "indicator_nature",  # ≥ / ≤ / = / 定性
    "指标性质": "indicator_nature",
    "本年绩效指标值": "target",
    "指标值": "target",
    "年度指标值": "target",
    "年度(/项目)指标值": "target",
    "年度（/项目）指标值": "target",
    "指标值（包含数字及文字描述）": "target",
    "指标值(包含数字及文字描述)": "target",
    "目标值": "target",
    "绩效度量单位": "unit_of_measure",
    "度量单位": "unit_of_measure",
    "计量单位": "unit_of_measure",
    "质量单位": "unit_of_measure",  # printed for 度量单位 in Dongcheng 2026 预算13表
    "指标方向性": "direction",
    "指标方向": "direction",
    "指标值确定依据": "target_basis",
}

_SPACES = re.compile(r"[\s\u3000]+")


def performance_column(path: list[str]) -> str | None:
    """Canonical name of a performance-table column from its header path (labels top to bottom, merged
    parents filled in, whitespace removed); None when the label is not a performance-table label (the
    column is then `col_<j>`). The bottom label decides ("其中：" / "财政资金" → fiscal_funds)."""
    if not path:
        return None
    leaf = _SPACES.sub("", path[-1])
    if leaf in PERFORMANCE_LABELS:
        return PERFORMANCE_LABELS[leaf]
    if leaf.endswith("指标值") or leaf.startswith("指标值（") or leaf.startswith("指标值("):
        return "target"  # 本年度指标值, 指标值（包含数字及文字描述）
    if "度量单位" in leaf or "计量单位" in leaf:
        return "unit_of_measure"
    return None


# ------------------------------------------------------------------------------------------ reading the rows
#
# `read_performance_rows` reads every body row of a performance table into the indicator fields; classify
# attaches the result to the InterpretedTable as `performance_rows` and dbt (int_performance_rows) only
# unnests it. The rules, in the order a row is read:
#   1. Layout. Beijing prints the labels in the header (the columns named above); Hebei, Xi'an and Shanghai
#      print a label row inside the body (一级指标 | 二级指标 | 三级指标 | 指标内容 | 指标值 …). A body row with
#      two or more such labels is a label row (row_kind 'header'); the rows below it are read with its labels,
#      the rows above it are project information ('context': 项目名称, 资金金额, 总体目标 …) unless the header
#      names the indicator columns.
#   2. Merged label cells. A label covers its own position and the unlabelled positions to its right (a
#      merged cell is printed once, at its left), so 指标方向性 over two columns reads either of them. A
#      label printed twice in one layout (Xi'an: 绩效指标 | 一级指标 | … | 指标内容): the rightmost is the column.
#   3. Shifted rows. The anchor is the 一级指标 position (or 指标性质 where no 一级指标 is printed): when the
#      anchor cell does not hold a level-1 indicator name (or an operator for 指标性质) and another cell of
#      the row does, the row's indicator cells are read that many columns over (column_offset); cells left of
#      the indicator block are read where they are.
#   4. Several non-empty cells under one label are kept together (joined with a space) and the row is flagged.
#   5. Fill-down. Project, unit, 一级指标 and 二级指标 are printed once per block: a blank one takes the value
#      printed above it in the same table among rows read with the same column_offset and, for 一级指标, the
#      same project block, for 二级指标 the same 一级指标 block.
#   6. 整体 tables print 一级 + 二级 + the indicator run together in one 绩效指标 cell: when no level column is
#      printed, the levels are read from the start of that cell (levels_from_text).
#   7. Project name: a Beijing project cell ("11010522T000000440054-医疗保障宣传活动经费", by its code, left of
#      the indicator block), the 活动 of an 整体 table, the cell after 项目名称 in a form's header or
#      information rows (Xi'an, Shanghai), else the title of a one-project table ("1、基金监管费绩效目标表").
#      Unit: a "201002~名称" cell left of the indicator block (None: the unit the table speaks for, which
#      dbt knows from the document).
# Texts are never changed. The whitespace rules are those the SQL reading used (DuckDB): `trim` strips space
# separators (Unicode Zs) only, `squash_ascii` removes ASCII whitespace only (RE2 `\s`).

LEVEL_1_NAMES: tuple[str, ...] = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL_2_NAMES: tuple[str, ...] = (
    "服务对象满意度指标", "生态环境成本指标", "可持续影响指标", "经济成本指标", "社会成本指标", "经济效益指标",
    "社会效益指标", "生态效益指标", "数量指标", "质量指标", "时效指标", "成本指标",
)
# what a 指标性质 cell holds
NATURE_NAMES: tuple[str, ...] = (
    "≥", "≤", "=", "＝", ">", "<", "＞", "＜", "≧", "≦", "≠", ">=", "<=", "定性", "定量",
)
# The roles of the indicator block, and the label each is named by in a row's notes.
ROLE_LABELS: dict[str, str] = {
    "activity": "活动", "indicator_level_1": "一级指标", "indicator_level_2": "二级指标",
    "indicator_level_3": "三级指标", "indicator": "指标内容", "indicator_nature": "指标性质",
    "target": "指标值", "unit_of_measure": "度量单位", "direction": "指标方向性", "target_basis": "指标值确定依据",
}
BLOCK_ROLES = frozenset(ROLE_LABELS)
LABEL_ROLES = BLOCK_ROLES - {"activity"}  # two of these in one body row make it a label row
INDICATOR_ROLES = frozenset({"indicator_level_1", "indicator_level_2", "indicator_level_3", "indicator", "target"})
# a label printed inside the body: the same labels, with the same names, as in a header
BODY_LABELS: dict[str, str] = {label: role for label, role in PERFORMANCE_LABELS.items() if role in BLOCK_ROLES}

TEXT_FIELDS: tuple[str, ...] = (
    "indicator_level_3", "indicator_nature_text", "target_text", "unit_of_measure_text", "direction_text",
    "target_basis_text",
)
# block role → the field its text is read into (level 1 / 2 and the indicator are read by `_levels`)
_FIELD_OF_ROLE = {
    "indicator_level_3": "indicator_level_3", "indicator_nature": "indicator_nature_text",
    "target": "target_text", "unit_of_measure": "unit_of_measure_text", "direction": "direction_text",
    "target_basis": "target_basis_text",
}

RowKind = Literal["header", "context", "blank", "indicator"]


class CellSource(TypedDict):
    """A printed cell a field was read from: dbt re-joins a field's cells when a CellCorrected event
    corrects one of them."""

    field: str
    row_index: int
    column: str


class PerformanceRow(TypedDict):
    """One body row of a performance table as read (`performance_rows` of the InterpretedTable)."""

    row_index: int
    row_kind: RowKind
    project_name: str | None
    unit_code: str | None  # None: the unit the table speaks for
    indicator_level_1: str | None
    indicator_level_2: str | None
    indicator_level_3: str | None
    indicator_text: str | None
    indicator_nature_text: str | None
    target_text: str | None
    unit_of_measure_text: str | None
    direction_text: str | None
    target_basis_text: str | None
    column_offset: int
    row_problems: list[str]  # indicator rows: what does not fit the labels (the fact: unparsed); others: []
    row_notes: list[str]  # indicator rows: how the row was read where that is not the plain reading
    sources: list[CellSource]  # the cells the indicator fields were read from (not the derived ones)


@dataclass(frozen=True)
class Span:
    role: str
    start: int
    end: int  # inclusive


@dataclass(frozen=True)
class Layout:
    """The labels a row is read under: the header's or those of the label row above it."""

    spans: tuple[Span, ...]

    def position(self, role: str) -> int | None:
        return next((s.start for s in self.spans if s.role == role), None)

    def has(self, *roles: str) -> bool:
        return any(s.role in roles for s in self.spans)

    @property
    def block_start(self) -> int | None:
        return min((s.start for s in self.spans if s.role in BLOCK_ROLES), default=None)

    def role_at(self, pos: int) -> str | None:
        return next((s.role for s in self.spans if s.start <= pos <= s.end), None)


log = logging.getLogger(__name__)

_ZS = "".join(chr(c) for c in range(0x3001) if unicodedata.category(chr(c)) == "Zs")
_ASCII_SPACE = "[\t\n\f\r ]"
_SPACES_AND_IDEOGRAPHIC = re.compile("[\t\n\f\r \u3000]+")
_LEVEL_1_ALT = "|".join(LEVEL_1_NAMES)
_LEVEL_2_ALT = "|".join(LEVEL_2_NAMES)
_LEVELS_AT_START = re.compile(f"^({_LEVEL_1_ALT})({_LEVEL_2_ALT}).+")
_LEVELS_PREFIX = re.compile(f"^{_ASCII_SPACE}*({_LEVEL_1_ALT}){_ASCII_SPACE}*({_LEVEL_2_ALT}){_ASCII_SPACE}*")
_PROJECT_CELL = re.compile(f"^[0-9A-Za-z][0-9A-Za-z ]{{9,}}{_ASCII_SPACE}*[-~－—]")
_UNIT_CELL = re.compile(f"^([0-9]{{3,9}}){_ASCII_SPACE}*[-~－—]")
_NUMBERED_TITLE = re.compile(f"^{_ASCII_SPACE}*[0-9]+{_ASCII_SPACE}*[、.．]{_ASCII_SPACE}*")
_TITLE_SUFFIX = re.compile(f"绩效目标表{_ASCII_SPACE}*\\Z")


def trim(text: str | None) -> str:
    """Space separators (Unicode Zs, e.g. U+3000) stripped from both ends; line breaks and tabs are kept."""
    return (text or "").strip(_ZS)


def squash_ascii(text: str | None) -> str:
    """ASCII whitespace removed (space, tab, line breaks)."""
    return re.sub(_ASCII_SPACE, "", text or "")


def squash_cell(text: str | None) -> str:
    """ASCII whitespace and ideographic spaces removed: how a cell is compared with a label or a name."""
    return _SPACES_AND_IDEOGRAPHIC.sub("", text or "")


def header_roles(columns: list[str]) -> list[str | None]:
    """The role of each column the header names (`col_<j>`: none)."""
    return [None if c.startswith("col_") else c for c in columns]


def body_roles(squashed: list[str]) -> list[str | None]:
    """The role of each cell of a body row printed as a label (一级指标 → indicator_level_1), else None."""
    return [BODY_LABELS.get(s) for s in squashed]


def is_label_row(squashed: list[str]) -> bool:
    """Rule 1: a body row printing two or more indicator labels."""
    return len({r for r in body_roles(squashed) if r in LABEL_ROLES}) >= 2


def layout_of(roles: list[str | None]) -> Layout:
    """Rule 2: each labelled position spans the unlabelled positions to its right; a role labelled twice is
    the rightmost."""
    labelled = [(pos, role) for pos, role in enumerate(roles) if role is not None]
    spans: dict[str, Span] = {}
    for k, (pos, role) in enumerate(labelled):
        end = labelled[k + 1][0] - 1 if k + 1 < len(labelled) else 100000
        spans[role] = Span(role, pos, end)  # a later (right) one replaces an earlier one
    return Layout(tuple(sorted(spans.values(), key=lambda s: s.start)))


def row_kind(is_label: bool, squashed: list[str], layout: Layout) -> RowKind:
    if is_label:
        return "header"
    if not any(squashed):
        return "blank"
    return "indicator" if layout.has(*INDICATOR_ROLES) else "context"


def _cell(squashed: list[str], pos: int) -> str | None:
    return squashed[pos] if 0 <= pos < len(squashed) else None


def column_offset(squashed: list[str], layout: Layout) -> int:
    """Rule 3: how many columns the indicator cells of an indicator row are printed right (+) or left (-)
    of their labels; 0 where the anchor cell fits or no other cell does."""
    level_1, level_2, nature = (layout.position(r) for r in ("indicator_level_1", "indicator_level_2",
                                                              "indicator_nature"))
    if level_1 is not None:
        if _cell(squashed, level_1) in LEVEL_1_NAMES:
            return 0
        fits = [i for i, s in enumerate(squashed) if s in LEVEL_1_NAMES
                and (level_2 is None or _cell(squashed, i + level_2 - level_1) in LEVEL_2_NAMES)]
        return fits[0] - level_1 if fits else 0
    if nature is not None:
        # only a printed non-operator moves the row, a blank one does not
        if _cell(squashed, nature) in NATURE_NAMES or not _cell(squashed, nature):
            return 0
        fits = [i for i, s in enumerate(squashed) if s in NATURE_NAMES]
        return fits[0] - nature if fits else 0
    return 0


@dataclass
class CellsRead:
    """The cells of an indicator row under their labels (rule 2-4)."""

    texts: dict[str, str]  # block role → its non-empty cells joined with a space
    positions: dict[str, list[int]]  # block role → the positions of those cells
    left: list[tuple[int, str, str | None]]  # (position, text, role) of the cells left of the block


def read_cells(texts: list[str], layout: Layout, offset: int) -> CellsRead:
    block_start = layout.block_start
    assert block_start is not None  # an indicator row's layout names indicator columns
    read = CellsRead({}, {}, [])
    for pos, text in enumerate(texts):
        if pos >= block_start + offset:
            role = layout.role_at(pos - offset)
            if role in BLOCK_ROLES and text:
                read.positions.setdefault(role, []).append(pos)
                read.texts[role] = f"{read.texts[role]} {text}" if role in read.texts else text
        else:
            read.left.append((pos, text, layout.role_at(pos)))
    return read


def crowded_labels(read: CellsRead) -> list[str]:
    """Rule 4: the labels with several non-empty cells under them (in the order of their role names)."""
    return [ROLE_LABELS[role] for role in sorted(read.positions) if len(read.positions[role]) > 1]


def coded_project_cell(left: list[tuple[int, str, str | None]]) -> tuple[str, int] | None:
    """Rule 7: a Beijing project cell left of the block (its code, then a dash), with its position."""
    return next(((text, pos) for pos, text, _ in left if _PROJECT_CELL.match(text)), None)


def named_project_cell(left: list[tuple[int, str, str | None]]) -> tuple[str, int] | None:
    """Rule 7: the cell under 项目名称 left of the block (the greatest text where several), with its position."""
    named = [(text, pos) for pos, text, role in left if role == "project_name" and text]
    return max(named) if named else None


def unit_cell_code(left: list[tuple[int, str, str | None]]) -> str | None:
    """Rule 7: the code of a "201002~名称" cell left of the block."""
    return next((m.group(1) for _, text, _ in left if (m := _UNIT_CELL.match(text))), None)


def levels_from_text(indicator: str | None) -> tuple[str, str, str] | None:
    """Rule 6: (一级, 二级, the indicator) from a 绩效指标 cell printing them run together
    ("成本指标经济成本指标厉行节俭…"), else None."""
    m = _LEVELS_AT_START.match(squash_ascii(indicator)) if indicator is not None else None
    if not m:
        return None
    return m.group(1), m.group(2), trim(_LEVELS_PREFIX.sub("", indicator or "", count=1))


def form_project(header_rows: list[list[str | None]], context_rows: list[list[str]]) -> str | None:
    """Rule 7: the cell after 项目名称 in the first header or information row that prints one."""
    for cells in [*header_rows, *context_rows]:
        squashed = [squash_ascii(c) for c in cells]
        if "项目名称" in squashed:
            after = [c for c in cells[squashed.index("项目名称") + 1:] if trim(c)]
            if after:
                return after[0]
    return None


def title_project(title: str | None, table_kind: str) -> str | None:
    """Rule 7: the project a one-project table's title names ("1、基金监管费绩效目标表" → 基金监管费)."""
    if table_kind != "project_performance" or not title or not _NUMBERED_TITLE.match(title):
        return None
    return trim(_TITLE_SUFFIX.sub("", _NUMBERED_TITLE.sub("", title, count=1), count=1)) or None


def row_problems(row: PerformanceRow, layout: Layout, crowded: list[str], from_text: bool) -> list[str]:
    """What does not fit the row's labels (the fact marks such rows unparsed)."""
    level_1, level_2 = row["indicator_level_1"], row["indicator_level_2"]
    indicator = row["indicator_text"]
    problems = []
    if crowded:
        problems.append("several cells under " + ", ".join(crowded))
    if (layout.has("indicator_level_1") or from_text) and level_1 is None:
        problems.append("no 一级指标")
    if level_1 is not None and squash_ascii(level_1) not in LEVEL_1_NAMES:
        problems.append(f'一级指标 "{level_1}" is not a level-1 indicator name')
    if (layout.has("indicator_level_2") or from_text) and level_2 is None:
        problems.append("no 二级指标")
    if level_2 is not None and squash_ascii(level_2) not in LEVEL_2_NAMES:
        problems.append(f'二级指标 "{level_2}" is not a level-2 indicator name')
    if indicator is None:
        problems.append("no indicator text")
    elif squash_ascii(indicator) in LEVEL_1_NAMES + LEVEL_2_NAMES:
        problems.append(f'indicator text "{indicator}" is an indicator level name')
    return problems


def row_notes(offset: int, from_text: bool) -> list[str]:
    """How the row was read, where that is not the plain reading."""
    notes = []
    if offset:
        side = "left" if offset < 0 else "right"
        notes.append(f"indicator cells read {abs(offset)} column(s) {side} of their labels")
    if from_text:
        notes.append("一级/二级指标 read from the start of the 绩效指标 cell")
    return notes


@dataclass
class _Field:
    """A value as read, with the cells it was read from (none for a value derived from a cell's text)."""

    value: str | None = None
    cells: list[tuple[int, int]] = field(default_factory=list)  # (row_index, position)


@dataclass
class _IndicatorRow:
    """An indicator row's fields as printed on it, before fill-down."""

    row_index: int
    layout: Layout
    offset: int
    crowded: list[str]
    from_text: bool
    project: _Field
    unit_code: str | None
    level_1: _Field
    level_2: _Field
    indicator: _Field
    texts: dict[str, _Field]  # TEXT_FIELDS


def _role_field(read: CellsRead, role: str, row_index: int) -> _Field:
    return _Field(read.texts.get(role), [(row_index, p) for p in read.positions.get(role, [])])


def read_indicator_row(row_index: int, texts: list[str], squashed: list[str], layout: Layout) -> _IndicatorRow:
    """The fields an indicator row prints (rules 2-4, 6, 7), before fill-down."""
    offset = column_offset(squashed, layout)
    read = read_cells(texts, layout, offset)
    coded = coded_project_cell(read.left)
    named = named_project_cell(read.left) if offset == 0 else None
    if coded:
        project = _Field(coded[0], [(row_index, coded[1])])
    elif "activity" in read.texts:
        project = _role_field(read, "activity", row_index)
    else:
        project = _Field(named[0], [(row_index, named[1])]) if named else _Field()
    level_1, level_2 = _role_field(read, "indicator_level_1", row_index), _role_field(read, "indicator_level_2", row_index)
    indicator = _role_field(read, "indicator", row_index)
    levels = levels_from_text(indicator.value) if level_1.value is None and level_2.value is None else None
    if levels:
        level_1, level_2, indicator = _Field(levels[0]), _Field(levels[1]), _Field(levels[2] or None)
    return _IndicatorRow(
        row_index, layout, offset, crowded_labels(read), levels is not None, project, unit_cell_code(read.left),
        level_1, level_2, indicator,
        {name: _role_field(read, role, row_index) for role, name in _FIELD_OF_ROLE.items()},
    )


def fill_down(rows: list[_IndicatorRow]) -> dict[int, dict[str, _Field]]:
    """Rule 5: {row_index: project / unit_code / indicator_level_1 / indicator_level_2 as printed or filled
    down}. Blocks are per column_offset; 一级 restarts with each printed project, 二级 with each printed 一级."""
    last: dict[int, dict[str, _Field]] = {}
    filled = {}
    for row in rows:
        block = last.setdefault(row.offset, {k: _Field() for k in ("project", "unit_code", "level_1", "level_2")})
        if row.project.value is not None:
            block.update(project=row.project, level_1=_Field(), level_2=_Field())
        if row.unit_code is not None:
            block["unit_code"] = _Field(row.unit_code)
        if row.level_1.value is not None:
            block.update(level_1=row.level_1, level_2=_Field())
        if row.level_2.value is not None:
            block["level_2"] = row.level_2
        filled[row.row_index] = dict(block)
    return filled


def _sources(fields: dict[str, _Field], columns: list[str]) -> list[CellSource]:
    return [CellSource(field=name, row_index=r, column=columns[p])
            for name, f in fields.items() for r, p in f.cells]


def _indicator_row(row: _IndicatorRow, filled: dict[str, _Field], table_project: str | None,
                   columns: list[str]) -> PerformanceRow:
    level_3 = row.texts["indicator_level_3"]
    indicator = row.indicator if row.indicator.value else level_3
    fields = {
        "project_name": filled["project"], "indicator_level_1": filled["level_1"],
        "indicator_level_2": filled["level_2"], "indicator_text": indicator, **row.texts,
    }
    read = PerformanceRow(
        row_index=row.row_index, row_kind="indicator",
        project_name=filled["project"].value or table_project, unit_code=filled["unit_code"].value,
        indicator_level_1=filled["level_1"].value, indicator_level_2=filled["level_2"].value,
        indicator_level_3=level_3.value, indicator_text=indicator.value,
        **{name: row.texts[name].value for name in TEXT_FIELDS if name != "indicator_level_3"},
        column_offset=row.offset, row_problems=[], row_notes=row_notes(row.offset, row.from_text),
        sources=_sources(fields, columns),
    )
    read["row_problems"] = row_problems(read, row.layout, row.crowded, row.from_text)
    return read


def _other_row(row_index: int, kind: RowKind, table_project: str | None) -> PerformanceRow:
    return PerformanceRow(
        row_index=row_index, row_kind=kind, project_name=table_project, unit_code=None,
        indicator_level_1=None, indicator_level_2=None, indicator_level_3=None, indicator_text=None,
        indicator_nature_text=None, target_text=None, unit_of_measure_text=None, direction_text=None,
        target_basis_text=None, column_offset=0, row_problems=[], row_notes=[], sources=[],
    )


def read_performance_rows(table: Mapping[str, Any]) -> list[PerformanceRow]:
    """Every body row of a performance table (an InterpretedTable: columns, header_rows, rows, title,
    table_kind) read into the indicator fields, one per row in order (rules 1-7 above)."""
    columns: list[str] = table.get("columns") or []
    if not columns:
        return []
    header = layout_of(header_roles(columns))
    layout = header
    kinds: dict[int, RowKind] = {}
    indicators: list[_IndicatorRow] = []
    context_cells: list[list[str]] = []
    for r in table.get("rows", []):
        cells = [(r["cells"][i] if i < len(r["cells"]) else "") for i in range(len(columns))]
        texts, squashed = [trim(c) for c in cells], [squash_cell(c) for c in cells]
        label_row = is_label_row(squashed)
        kind = kinds[r["row_index"]] = row_kind(label_row, squashed, layout)
        if kind == "indicator":
            indicators.append(read_indicator_row(r["row_index"], texts, squashed, layout))
        elif kind == "context":
            context_cells.append(texts)
        if label_row:
            layout = layout_of(body_roles(squashed))
    if not indicators and any(kind != "blank" for kind in kinds.values()):
        log.info("performance table %r: no indicator labels in its header or body; its rows are read as project "
                 "information", table.get("title"))
    is_form = not header.has(*INDICATOR_ROLES)  # not a header naming the columns (Beijing: 单位名称 | 项目名称 …)
    named = form_project(table.get("header_rows") or [], context_cells) if is_form else None
    table_project = trim(named) or title_project(table.get("title"), table.get("table_kind", ""))
    filled = fill_down(indicators)
    read = {row.row_index: _indicator_row(row, filled[row.row_index], table_project, columns) for row in indicators}
    return [read.get(i) or _other_row(i, kind, table_project) for i, kind in kinds.items()]
