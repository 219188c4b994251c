"""Table interpretation: kinds by title, canonical columns from merged multi-row headers, row types."""

from __future__ import annotations

import pytest

from dagster_project.extraction.classify import (
    canonical_columns,
    interpret_table,
    kinds_from_contents,
    table_kind,
)


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


def _raw(title, header, rows):
    return {"title": title, "context": ["单位：万元"], "header_rows": header,
            "rows": [{"page": 1, "cells": c} for c in rows], "notes": [], "section": ""}


def test_jiangsu_three_sided_summary_and_three_public_with_meetings():
    header = [["收入", "", "支出", "", "", ""], ["项目名称", "金额", "功能分类", "", "支出用途", ""],
              ["", "", "功能科目名称", "金额", "项目名称", "金额"]]
    assert canonical_columns("income_expenditure_summary", header, 6) == [
        "income_item", "income_amount", "expense_item", "expense_amount", "purpose_item", "purpose_amount"]
    header = [["合计", "“三公”经费", "", "", "", "", "", "会议费", "培训费"],
              ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费", "", ""],
              ["", "", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", ""]]
    assert canonical_columns("three_public", header, 9) == [
        "total_incl_meetings_training", "total", "travel_abroad", "vehicles", "vehicle_purchase",
        "vehicle_operation", "reception", "meetings", "training"]


def test_income_sources_printed_as_rows():
    t = interpret_table(_raw("公开02表 收入预算总表", [["项目名称", "", "金额"]], [
        ["收入总计", "", "10,150.48"],
        ["一般公共预算资金", "小计", "10,070.48"], ["", "公共财政拨款(补助)资金", "10,070.48"],
        ["政府性基金", "小计", ""],
        ["其他资金", "小计", "80.00"], ["", "事业收入", ""], ["", "其他收入", "80.00"],
        ["上年结转和结余资金", "小计", ""], ["", "其中：动用上年结转和结余资金", ""]]), 1)
    assert t["columns"][-1] == "income_source"
    assert [(r["row_type"], r["cells"][-1]) for r in t["rows"]] == [
        ("total", ""), ("group", ""), ("data", "gpb"), ("data", "gov_fund"), ("group", ""),
        ("data", "business_income"), ("data", "other_income"), ("data", "carryover"), ("memo", "")]


def test_one_row_expenditure_summary_is_its_total():
    t = interpret_table(_raw("公开03表 支出预算总表", [["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"]],
                             [["10,150.48", "5,678.17", "3,314.68", "1,157.63", ""]]), 2)
    assert t["columns"] == ["total", "basic", "project", "reserve", "carry_forward"]
    assert t["rows"][0]["row_type"] == "total"


def test_nested_procurement_items_and_amount_header_one_column_left():
    t = interpret_table(_raw("公开12表 政府采购预算表", [["采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"]], [
        ["合计", "", "", "", "", "30.00"], ["一、货物A", "", "", "", "", "30.00"],
        ["", "办公设备购置费", "办公设备购置", "", "", "30.00"],
        ["", "", "", "台式计算机", "分散自行组织", "18.00"], ["", "", "", "复印机", "分散自行组织", "12.00"]]), 11)
    assert [r["row_type"] for r in t["rows"]] == ["total", "group", "group", "data", "data"]
    t = interpret_table(_raw("表12 政府采购预算表", [["采购项目", "预算金额", "", "说明"]], [
        ["合计", "", "524,400.00", ""], ["医保专网建设", "", "524,400.00", ""]]), 11)
    assert t["columns"][:3] == ["col_0", "col_2", "amount"] and t["column_notes"]


def test_misprinted_class_part_is_read_under_the_row_above_with_a_note():
    """类 | 款 | 项 printed in columns of their own, the 类 of one 项 row misprinted ("7" for 210, Shanghai 2024):
    the row is read under its 款 row, the printed cells stay, and the table says so."""
    raw = {
        "title": "2024年预算单位支出预算总表",
        "header_rows": [["功能分类科目编码", "", "", "功能分类科目名称", "合计"], ["类", "款", "项", "", ""]],
        "rows": [{"page": 9, "cells": c} for c in (
            ["210", "", "", "卫生健康支出", "503,724"],
            ["210", "11", "", "行政事业单位医疗", "503,724"],
            ["7", "11", "02", "事业单位医疗", "503,724"],
            ["7", "12", "02", "不在其款下", "1"],  # 款 12 is not the row above's: left as printed
        )],
    }
    t = interpret_table(raw, 0)
    codes = [r["cells"][t["columns"].index("function_code")] for r in t["rows"]]
    assert codes == ["210", "21011", "2101102", "71202"]
    assert t["rows"][2]["cells"][:3] == ["7", "11", "02"] and t["rows"][2]["row_type"] == "data"
    assert t["column_notes"] == ["p9 row 3: function_code parts printed 7 | 11 | 02; read as 2101102 under 21011 above it"]


def test_untitled_table_takes_its_kind_from_the_contents_between_its_neighbours():
    contents = ["目 录", "五、单位预算表", "1. 2024年预算单位收入预算总表", "2. 2024年预算单位支出预算总表",
                "3．2024年预算单位财政拨款收支预算总表", "4．2024年预算单位一般公共预算支出功能分类预算表"]
    pages = ["封面", "\n".join(contents)]
    kinds = ["income_summary", "expenditure_summary", "other", "gpb_expenditure"]
    found = kinds_from_contents(kinds, pages)
    assert list(found) == [2] and found[2][0] == "fiscal_income_expenditure_summary"
    assert "财政拨款收支预算总表" in found[2][1]
    # neighbours that do not stand around one entry of the contents: the table stays 'other'
    assert kinds_from_contents(["income_summary", "other", "gpb_expenditure"], pages) == {}
    assert kinds_from_contents(kinds, ["no contents here"]) == {}


def test_final_accounts_three_public_reads_budget_and_final_columns():
    """决算 三公 tables print 预算数 | 决算数 under every item: 决算数 is the item's amount, 预算数 its budget."""
    header = [["财政拨款“三公”经费", "", "", "", "", ""],
              ["合计", "", "因公出国（境）费", "", "公务接待费", ""],
              ["预算数", "决算数", "预算数", "决算数", "预算数", "决算数"]]
    raw = {"title": "财政拨款“三公”经费支出决算表", "header_rows": header,
           "rows": [{"page": 14, "cells": ["12.00", "10.50", "2.00", "1.50", "10.00", "9.00"]}]}
    t = interpret_table(raw, 0)
    assert t["table_kind"] == "three_public"
    assert t["columns"] == ["total_budget", "total", "travel_abroad_budget", "travel_abroad",
                            "reception_budget", "reception"]
    assert t["rows"][0]["row_type"] == "data" and not t["is_empty"]


def test_final_accounts_three_public_with_budget_and_final_above_the_items():
    """The Beijing 三公 决算表 prints 预算数 and 决算数 above two runs of the same items."""
    items = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
    header = [["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""], items + items,
              ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""] * 2]
    raw = {"title": "2023年度财政拨款“三公”经费支出决算表", "header_rows": header,
           "rows": [{"page": 8, "cells": ["0.50", "0.00", "0.00", "0.00", "0.00", "0.50",
                                          "0.32", "0.00", "0.00", "0.00", "0.00", "0.32"]}]}
    leaves = ["total", "travel_abroad", "vehicles", "vehicle_purchase", "vehicle_operation", "reception"]
    assert interpret_table(raw, 0)["columns"] == [c + "_budget" for c in leaves] + leaves


def test_final_accounts_fund_tables_read_their_balances():
    """政府性基金 / 国有资本经营 决算表: 年初结转和结余, 本年收入, 本年支出 (合计 基本 项目), 年末结转和结余; the
    财政拨款收入支出决算总表's spending by fund beside its 合计."""
    fund = [["项目", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
            ["功能分类科目编码", "科目名称", "", "", "合计", "基本支出", "项目支出", ""]]
    for title in ("2023年度政府性基金预算财政拨款收入支出决算表", "国有资本经营预算财政拨款收入支出决算表"):
        assert canonical_columns(table_kind(title), fund, 8) == [
            "function_code", "function_name", "opening_balance", "current_income", "total", "basic", "project",
            "closing_balance"]
    fiscal = [["收入", "", "支出", "", "", "", ""],
              ["项目", "决算数", "项目", "决算数", "", "", ""],
              ["", "", "", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]]
    assert canonical_columns("fiscal_income_expenditure_summary", fiscal, 7) == [
        "income_item", "income_amount", "expense_item", "expense_amount", "expense_gpb_amount",
        "expense_gov_fund_amount", "expense_soe_amount"]
    # a budget's 收入总表 keeps reading 本年收入 as a fund group, not as a balance column
    assert "current_income" not in canonical_columns("income_summary", [["本年收入", "上年结转"]], 2)

def test_two_halves_side_by_side_are_one_list():
    """The same header printed twice side by side (决算 基本支出决算表: 人员经费 left, 公用经费 right): the right
    half's rows follow the left's; a 收入 | 支出 summary, whose parents differ, is not halves."""
    raw = {"title": "一般公共预算财政拨款基本支出决算表",
           "header_rows": [["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"]],
           "rows": [{"page": 13, "cells": ["301", "工资福利支出", "95.36", "302", "商品和服务支出", "10.23"]},
                    {"page": 13, "cells": ["30101", "基本工资", "95.36", "30201", "办公费", "10.23"]},
                    {"page": 13, "cells": ["30102", "津贴补贴", "0.00", "", "", ""]}]}
    t = interpret_table(raw, 0)
    assert t["columns"] == ["function_code", "function_name", "amount"]
    assert [r["cells"][0] for r in t["rows"]] == ["301", "30101", "30102", "302", "30201"]
    assert [r["row_type"] for r in t["rows"]] == ["group", "data", "data", "group", "data"]
    assert t["column_notes"][0].startswith("printed as two halves")
    summary = {"title": "收入支出决算总表", "header_rows": [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]],
               "rows": [{"page": 5, "cells": ["本年收入合计", "307.82", "本年支出合计", "307.82"]}]}
    assert interpret_table(summary, 0)["columns"] == ["income_item", "income_amount", "expense_item", "expense_amount"]
