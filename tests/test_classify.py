"""Table interpretation: kinds by title, canonical columns from merged multi-row headers, row types."""

from __future__ import annotations

import pytest

from dagster_project.extraction.classify import canonical_columns, interpret_table, table_kind


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("预算03表 2023年部门（单位）支出预算总表", "expenditure_summary"),
        ("预算 02 表 2026 年部门（单位）收入总表", "income_summary"),
        ("预算表13 年度项目支出绩效表", "project_performance"),
        ("预算12表 2026年部门（单位）项目支出绩效表", "project_performance"),
        ("部门预算支出总表", "expenditure_summary"),
        ("单位预算收支总表", "income_expenditure_summary"),
        ("预算06表 财政拨款收支预算总表", "fiscal_income_expenditure_summary"),
        ("单位综合预算一般公共预算支出明细表（按支出功能分类科目）", "gpb_expenditure"),
        ("单位综合预算一般公共预算支出明细表（按支出经济分类科目）", "gpb_expenditure_econ"),
        ("单位综合预算一般公共预算基本支出明细表（按支出经济分类科目）", "gpb_basic_expenditure"),
        ("单位综合预算政府采购（资产配置、购买服务）预算表", "procurement"),
        ("预算12表 政府购买服务预算财政拨款明细表", "purchased_services"),
        ("部门预算财政拨款“三公”经费支出表", "three_public"),
        ("预算14表 部门整体支出绩效目标申报表", "overall_performance"),
        ("单位综合预算专项业务经费支出表", "special_program_expenditure"),
        ("部门预算政府基金预算财政拨款支出表", "gov_fund_expenditure"),
        ("预算10表 国有资本经营预算财政拨款支出表", "soe_capital_expenditure"),
    ],
)
def test_table_kind_by_title(title, kind):
    assert table_kind(title) == kind


def test_beijing_three_row_merged_header():
    header = [["单位名称", "功能分类科目", "", "本年预算数", "", "", "", "", ""],
              ["", "科目编码", "科目名称", "合计", "基本支出", "", "", "项目支出", ""],
              ["", "", "", "", "小计", "人员经费", "公用经费", "项目支出总数", "扣除基建项目后预算数"]]
    assert canonical_columns("gpb_expenditure", header, 9) == [
        "unit", "function_code", "function_name", "total", "basic", "personnel", "public", "project",
        "project_excl_capital"]


def test_hebei_header_with_seq_and_column_numbers():
    header = [["序号", "功能分类科目", "", "合计", "基本支出", "项目支出", "经营支出", "上解上级 支出", "对附属单位补助支出"],
              ["", "科目 编码", "科目名称", "", "", "", "", "", ""],
              ["栏次", "1", "2", "3", "4", "5", "6", "7", "8"]]
    assert canonical_columns("expenditure_summary", header, 9) == [
        "seq", "function_code", "function_name", "total", "basic", "project", "operating", "remit_upper",
        "subsidy_subordinate"]


def test_hierarchy_rows_are_kept_apart_and_totals_marked():
    raw = {
        "title": "部门预算支出总表", "context": ["450丰润区医疗保障局", "预算年度：2023", "单位：万元"],
        "header_rows": [["序号", "功能分类科目", "", "合计", "基本支出", "项目支出"],
                        ["", "科目编码", "科目名称", "", "", ""], ["栏次", "1", "2", "3", "4", "5"]],
        "rows": [{"page": 3, "cells": c} for c in [
            ["1", "", "合计", "129.30", "122.30", "7.00"],
            ["2", "208", "社会保障和就业支出", "129.30", "122.30", "7.00"],
            ["3", "20801", "人力资源和社会保障管理事务", "7.00", "", "7.00"],
            ["4", "2080109", "社会保险经办机构", "7.00", "", "7.00"],
            ["5", "20805", "行政事业单位养老支出", "122.30", "122.30", ""],
            ["6", "2080505", "机关事业单位基本养老保险缴费支出", "122.30", "122.30", ""],
        ]],
        "notes": [], "section": "",
    }
    t = interpret_table(raw, 0)
    assert [r["row_type"] for r in t["rows"]] == ["total", "group", "group", "data", "group", "data"]
    assert (t["currency_unit"], t["multiplier"]) == ("万元", 10000)
    assert (t["subject_code"], t["subject_name"]) == ("450", "丰润区医疗保障局")
    assert not t["is_empty"]


def test_table_stated_empty():
    raw = {"title": "预算05表 2023年部门（单位）政府采购预算明细表", "context": ["金额单位：万元"],
           "header_rows": [["采购类别", "金额"]], "rows": [{"page": 9, "cells": ["合 计", ""]}],
           "notes": ["本单位不涉及此项工作内容。"], "section": ""}
    t = interpret_table(raw, 4)
    assert t["is_empty"] and t["table_kind"] == "procurement" and t["rows"][0]["row_type"] == "total"
