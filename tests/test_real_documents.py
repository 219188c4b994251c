"""The two documents in ../shared/real, exactly as their offices published them, build with their totals
right: 收入总计 = 支出总计, the warehouse's totals equal the printed ones, and Σ fact lines per function class
equals the class amount the 收支总表 prints.

The expected figures are read from the PDF page text here (pdfplumber's plain text, not our table
extractor), and class names are resolved with the function-class catalogue seed.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pdfplumber
import pytest

from .conftest import REAL, REPO

# real_wh (conftest): one session build of every document in ../shared/real
DOCS = {
    "jiangsu": "jiangsu-cppcc-general-office-2018-department-budget-tables.pdf",
    "shanghai": "shanghai-putuo-wanli-subdistrict-2023-department-budget.pdf",
}
ORDINAL_CLASS = re.compile(r"[一二三四五六七八九十]+、(\S+?支出)\s+([\d,]+(?:\.\d+)?)")
TOTALS = re.compile(r"收入(?:总计|合计)\s+([\d,]+(?:\.\d+)?)\s+支出(?:总计|合计)\s+([\d,]+(?:\.\d+)?)")


def class_codes() -> dict[str, str]:
    with open(REPO / "dbt" / "seeds" / "function_classes.csv", encoding="utf-8") as f:
        return {row["name_zh"]: row["class_code"] for row in csv.DictReader(f)}


def yuan(printed: str, factor: Decimal) -> Decimal:
    return Decimal(printed.replace(",", "")) * factor


def printed_summary(pdf_path) -> tuple[dict[str, Decimal], Decimal, Decimal]:
    """Class amounts, 收入总计 and 支出总计 (yuan) from the text of the page that holds the 收支总表."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            totals = TOTALS.search(text)
            if not totals or "支出" not in text:
                continue
            factor = Decimal(10000) if re.search(r"单位[:：]\s*万元", text) else Decimal(1)
            names = class_codes()
            classes = {names[name]: yuan(amount, factor) for name, amount in ORDINAL_CLASS.findall(text)
                       if name in names}
            return classes, yuan(totals.group(1), factor), yuan(totals.group(2), factor)
    raise AssertionError(f"no 收支总表 page with 收入总计/支出总计 in {pdf_path}")


def document_id(con, file_name: str) -> str:
    row = con.execute("select document_id from dim_document where file_name = ?", [file_name]).fetchone()
    assert row, f"{file_name} is not in the build of {REAL}"
    return row[0]


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_totals_match_the_printed_summary(real_wh, doc):
    classes, income, expenditure = printed_summary(REAL / DOCS[doc])
    assert income == expenditure and len(classes) >= 3
    doc_id = document_id(real_wh, DOCS[doc])
    total, income_yuan = real_wh.execute(
        "select total_yuan, income_yuan from mart_unit_budget where document_id = ? and is_document_subject",
        [doc_id]).fetchone()
    assert total == expenditure and income_yuan == income
    facts = real_wh.execute("select sum(amount_yuan) from fact_expenditure where document_id = ?", [doc_id]).fetchone()
    assert facts[0] == expenditure
    failed = real_wh.execute(
        "select identity, item, difference_yuan from check_results where document_id = ? and status = 'fail'",
        [doc_id]).fetchall()
    assert failed == []


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_function_class_totals(real_wh, doc):
    classes, _, _ = printed_summary(REAL / DOCS[doc])
    doc_id = document_id(real_wh, DOCS[doc])
    built = dict(real_wh.execute(
        "select left(function_code, 3), sum(amount_yuan) from fact_expenditure where document_id = ? group by 1",
        [doc_id]).fetchall())
    assert built == classes


def test_jiangsu_other_funds_are_a_flagged_class_remainder(real_wh):
    """Jiangsu itemises only 财政拨款 (公开05表); the 80.00 万元 of 其他资金 in class 201 is one class-level line
    traced to the 收支总表 row, never spread over printed lines."""
    doc_id = document_id(real_wh, DOCS["jiangsu"])
    rows = real_wh.execute(
        "select function_code, amount_yuan, source_table_kind, source_page from fact_expenditure "
        "where document_id = ? and line_basis = 'class_remainder'", [doc_id]).fetchall()
    assert rows == [("201", Decimal("800000.00"), "income_expenditure_summary", 1)]
    income = dict(real_wh.execute(
        "select income_source, sum(amount_yuan) from fact_income where document_id = ? group by 1", [doc_id]).fetchall())
    assert income == {"gpb": Decimal("100704800.00"), "other_income": Decimal("800000.00")}
    check = real_wh.execute(
        "select status, expected_yuan, actual_yuan from check_results "
        "where document_id = ? and identity = 'class_remainders_equal_unitemised_funds'", [doc_id]).fetchall()
    assert check == [("pass", 800000.0, 800000.0)]


def test_jiangsu_procurement_items_under_their_category(real_wh):
    """公开12表 prints category → 专项 → item rows; only item rows are facts, each under its category."""
    rows = real_wh.execute(
        "select procurement_type, sum(amount_yuan), count(*) from fact_procurement f join dim_document d "
        "using (document_id) where d.file_name = ? group by 1 order by 1", [DOCS["jiangsu"]]).fetchall()
    assert rows == [("goods", Decimal("3556700.00"), 9), ("services", Decimal("9260900.00"), 11)]
