"""Reading the body rows of a performance table (`read_performance_rows`, dagster_project/extraction/
performance.py) on small hand-made tables, one group of tests per rule of the reading. No build."""

from __future__ import annotations

import pytest

from dagster_project.extraction.performance import (
    LEVEL_1_NAMES,
    LEVEL_2_NAMES,
    PERFORMANCE_LABELS,
    body_roles,
    column_offset,
    form_project,
    layout_of,
    levels_from_text,
    read_performance_rows,
    title_project,
    trim,
)

from .conftest import REPO

# A Beijing header: the labels are the columns (a project cell, 其他资金, then the indicator block).
BEIJING = ["unit", "project_name", "other_funds", "indicator_level_1", "indicator_level_2", "indicator_level_3",
           "indicator_nature", "target", "unit_of_measure"]
FORM = ["goal", "col_1", "col_2", "col_3", "col_4", "col_5"]  # Hebei / Xi'an: the labels are a body row
PROJECT = "11010522T000000440054-医疗保障宣传活动经费"


def table(columns, *rows, title="", kind="project_performance", header_rows=None):
    return {"columns": columns, "title": title, "table_kind": kind, "header_rows": header_rows or [],
            "rows": [{"row_index": i, "page": 1, "cells": list(r)} for i, r in enumerate(rows)]}


def read(*args, **kwargs):
    return read_performance_rows(table(*args, **kwargs))


# ------------------------------------------------------------------------------- 1. layout: label rows


def test_a_body_row_with_two_labels_is_the_layout_of_the_rows_below():
    rows = read(FORM,
                ["项目名称", "基金监管", "", "", "", ""],
                ["一级指标", "二级指标", "三级指标", "指标值", "度量单位", ""],
                ["产出指标", "数量指标", "监管次数", "≥4", "次", ""],
                ["", "", "", "", "", ""])
    assert [r["row_kind"] for r in rows] == ["context", "header", "indicator", "blank"]
    assert (rows[2]["indicator_level_1"], rows[2]["indicator_level_2"], rows[2]["indicator_text"],
            rows[2]["target_text"], rows[2]["unit_of_measure_text"]) == ("产出指标", "数量指标", "监管次数", "≥4", "次")
    assert rows[2]["row_problems"] == [] and rows[2]["row_notes"] == []


def test_one_label_is_not_a_label_row_and_a_header_without_indicators_reads_nothing():
    rows = read(FORM, ["指标值", "95%", "", "", "", ""], ["产出指标", "数量指标", "x", "1", "", ""])
    assert [r["row_kind"] for r in rows] == ["context", "context"]


def test_the_body_labels_are_the_header_labels():
    assert body_roles(["一级指标", "指标内容", "指标方向性", "活动", "单位名称", "产出指标"]) == [
        "indicator_level_1", "indicator", "direction", "activity", None, None]
    for label, role in zip(["一级指标", "绩效指标", "年度（/项目）指标值", "质量单位"], body_roles(
            ["一级指标", "绩效指标", "年度（/项目）指标值", "质量单位"])):
        assert PERFORMANCE_LABELS[label] == role


# ------------------------------------------------------------------------------- 2. merged label cells


def test_a_label_covers_the_unlabelled_positions_to_its_right():
    layout = layout_of(["indicator_level_1", "indicator_level_2", "indicator", "target", "direction", None])
    assert [layout.role_at(p) for p in range(6)] == [
        "indicator_level_1", "indicator_level_2", "indicator", "target", "direction", "direction"]
    rows = read(FORM, ["一级指标", "二级指标", "指标内容", "指标值", "指标方向性", ""],
                ["产出指标", "数量指标", "人数", "10人", "", "正向指标"])
    assert rows[1]["direction_text"] == "正向指标" and rows[1]["row_problems"] == []


def test_a_label_printed_twice_is_the_rightmost():
    """Xi'an: 绩效指标 | 一级指标 | 二级指标 | 指标内容 — 绩效指标 and 指标内容 both name the indicator."""
    layout = layout_of(body_roles(["绩效指标", "一级指标", "二级指标", "指标内容", "指标值"]))
    assert layout.position("indicator") == 3
    assert layout.role_at(0) is None


# ------------------------------------------------------------------------------- 3. shifted rows


def test_a_row_printed_left_of_its_labels_is_read_at_its_offset():
    printed = ["201002~某中心", PROJECT, "", "产出指标", "数量指标", "宣传次数", "≥", "3", "次"]
    shifted = ["", "", "产出指标", "数量指标", "宣传册", "≥", "100", "册", ""]  # a 其他资金 cell missing
    layout = layout_of(BEIJING)
    assert column_offset(printed, layout) == 0
    assert column_offset(shifted, layout) == -1
    rows = read(BEIJING, printed, shifted)
    assert (rows[1]["indicator_level_1"], rows[1]["indicator_text"], rows[1]["target_text"],
            rows[1]["unit_of_measure_text"]) == ("产出指标", "宣传册", "100", "册")
    assert rows[1]["column_offset"] == -1
    assert rows[1]["row_notes"] == ["indicator cells read 1 column(s) left of their labels"]


def test_no_fitting_cell_elsewhere_keeps_the_row_where_it_is():
    row = ["", "", "", "数量指标", "产出指标", "x", "≥", "1", "个"]  # 产出指标 followed by no level-2 name
    assert column_offset(row, layout_of(BEIJING)) == 0


def test_the_nature_anchor_where_no_level_1_is_printed():
    layout = layout_of([None, "indicator", "indicator_nature", "target"])
    assert column_offset(["", "培训人次", "≥", "50"], layout) == 0
    assert column_offset(["培训人次", "≥", "50", ""], layout) == -1
    assert column_offset(["培训人次", "", "50", ""], layout) == 0  # a blank 指标性质 does not move the row


# ------------------------------------------------------------------------------- 4. crowded labels


def test_several_cells_under_one_label_are_kept_together_and_flagged():
    rows = read(FORM, ["一级指标", "二级指标", "指标内容", "指标值", "指标方向性", ""],
                ["产出指标", "数量指标", "人数", "10人", "正向", "指标"])
    assert rows[1]["direction_text"] == "正向 指标"
    assert rows[1]["row_problems"] == ["several cells under 指标方向性"]


# ------------------------------------------------------------------------------- 5. fill-down


def test_blank_project_and_levels_take_the_value_printed_above_in_their_block():
    rows = read(BEIJING,
                ["201002~某中心", PROJECT, "", "产出指标", "数量指标", "x1", "≥", "1", "个"],
                ["", "", "", "", "", "x2", "≥", "2", "个"],
                ["", "", "", "", "质量指标", "x3", "=", "100", "%"],
                ["", "", "", "效益指标", "", "x4", "定性", "好", ""],
                ["", "11010522T000000440055-另一项目", "", "", "", "x5", "定性", "好", ""])
    got = [(r["project_name"], r["unit_code"], r["indicator_level_1"], r["indicator_level_2"]) for r in rows]
    assert got == [
        (PROJECT, "201002", "产出指标", "数量指标"),
        (PROJECT, "201002", "产出指标", "数量指标"),
        (PROJECT, "201002", "产出指标", "质量指标"),
        (PROJECT, "201002", "效益指标", None),  # a new 一级 block: 二级 is not taken from the block above
        ("11010522T000000440055-另一项目", "201002", None, None),  # a new project: no levels above
    ]
    assert rows[3]["row_problems"] == ["no 二级指标"]
    assert rows[4]["row_problems"] == ["no 一级指标", "no 二级指标"]
    # a filled value names the cell it was printed in, so a correction of that cell reaches it
    assert {"field": "indicator_level_1", "row_index": 0, "column": "indicator_level_1"} in rows[1]["sources"]


def test_a_row_at_another_offset_is_not_part_of_the_block():
    """Dongcheng 2026 预算12表: indicators of several projects printed with no project cell, one column left."""
    rows = read(BEIJING,
                ["", PROJECT, "", "产出指标", "数量指标", "x1", "≥", "1", "个"],
                ["", "", "产出指标", "数量指标", "x2", "≥", "2", "个", ""],
                ["", "", "", "", "x3", "≥", "3", "个", ""],
                title="预算12表 项目支出绩效目标表")
    assert [r["column_offset"] for r in rows] == [0, -1, 0]
    assert rows[1]["project_name"] is None
    assert (rows[2]["project_name"], rows[2]["indicator_level_1"]) == (PROJECT, "产出指标")


# ------------------------------------------------------------------------------- 6. levels in the 绩效指标 cell


def test_levels_read_from_the_start_of_the_indicator_cell():
    assert levels_from_text("成本指标经济成本指标厉行节俭") == ("成本指标", "经济成本指标", "厉行节俭")
    assert levels_from_text("产出指标 数量指标 参保人数") == ("产出指标", "数量指标", "参保人数")
    assert levels_from_text("参保人数") is None
    assert levels_from_text("产出指标数量指标") is None  # nothing after the levels
    assert levels_from_text(None) is None


def test_an_overall_table_prints_levels_and_indicator_in_one_cell():
    rows = read(["col_0", "col_1", "col_2"], ["活动", "绩效指标", "指标值"],
                ["医疗保障", "效益指标可持续影响指标保障离休干部享受医疗待遇", "长期"],
                kind="overall_performance")
    row = rows[1]
    assert (row["project_name"], row["indicator_level_1"], row["indicator_level_2"], row["indicator_text"]) == (
        "医疗保障", "效益指标", "可持续影响指标", "保障离休干部享受医疗待遇")
    assert row["row_notes"] == ["一级/二级指标 read from the start of the 绩效指标 cell"]
    assert row["row_problems"] == []
    assert not [s for s in row["sources"] if s["field"] in ("indicator_level_1", "indicator_text")]


# ------------------------------------------------------------------------------- 7. project name and unit


def test_project_from_a_form_header_or_information_row():
    assert form_project([["项目名称", "", "基金监管费", ""]], []) == "基金监管费"
    assert form_project([["单位", "x"]], [["项目名称", "医保经办", ""]]) == "医保经办"
    assert form_project([["项目名称", "", ""]], []) is None
    rows = read(FORM, ["项目名称", "医保经办", "", "", "", ""],
                ["一级指标", "二级指标", "三级指标", "指标值", "", ""],
                ["产出指标", "数量指标", "人数", "10人", "", ""], title="1、别的名字绩效目标表")
    assert [r["project_name"] for r in rows] == ["医保经办"] * 3  # the form wins over the title


def test_project_from_a_one_project_title():
    assert title_project("1、基金监管费绩效目标表", "project_performance") == "基金监管费"
    assert title_project(" 12 . 宣传经费绩效目标表 ", "project_performance") == "宣传经费"
    assert title_project("预算13表 项目支出绩效目标表", "project_performance") is None
    assert title_project("1、整体绩效目标表", "overall_performance") is None


def test_project_and_unit_cells_left_of_the_block():
    rows = read(BEIJING, ["201002~北京市东城区医疗保险事务管理中心", PROJECT, "", "产出指标", "数量指标", "x", "≥",
                          "1", "个"])
    assert (rows[0]["project_name"], rows[0]["unit_code"]) == (PROJECT, "201002")
    named = read(BEIJING, ["", "宣传经费", "", "产出指标", "数量指标", "x", "≥", "1", "个"])
    assert (named[0]["project_name"], named[0]["unit_code"]) == ("宣传经费", None)  # None: the table's unit


# ------------------------------------------------------------------------------- texts and vocabulary


def test_trim_strips_space_separators_only():
    assert trim("\u3000 产出指标 \u00a0") == "产出指标"
    assert trim("指标\n") == "指标\n"  # a printed line break is text
    assert trim(None) == ""


def test_the_sql_holds_no_vocabulary():
    """The labels and indicator names live in performance.py; dbt only unnests what it read."""
    sql = (REPO / "dbt" / "models" / "intermediate" / "int_performance_rows.sql").read_text()
    body = "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))
    for word in [*LEVEL_1_NAMES, *LEVEL_2_NAMES, *PERFORMANCE_LABELS]:
        assert word not in body, word


@pytest.mark.parametrize("kind", ["project_performance", "overall_performance"])
def test_interpret_table_attaches_the_rows(kind):
    from dagster_project.extraction.classify import interpret_table

    title = "项目支出绩效目标表" if kind == "project_performance" else "部门整体支出绩效目标表"
    raw = {"title": title, "context": [], "header_rows": [["一级指标", "二级指标", "三级指标", "指标值"]],
           "rows": [{"page": 1, "cells": ["产出指标", "数量指标", "人数", "10人"]}]}
    interpreted = interpret_table(raw, 0)
    assert interpreted["table_kind"] == kind
    assert [r["indicator_text"] for r in interpreted["performance_rows"]] == ["人数"]
