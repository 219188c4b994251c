"""The budget documents in ../shared/real, exactly as their offices published them, build with their
totals right: 收入总计 = 支出总计, the warehouse's totals equal the printed ones, Σ fact lines per function
class equals the class amount the 收支总表 prints, and year, kind, region and subject unit are the document's.

The expected figures are read from the PDF page text here (pdfplumber's plain text, not our table
extractor), class names are resolved with the function-class catalogue seed, and year and kind come from
the file names a person gave the documents.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pdfplumber
import pytest

from .conftest import REAL, REPO

# real_wh (conftest): one session build of every document in ../shared/real
BUDGETS = {  # every budget document of ../shared/real; the final accounts has tests of its own below
    "jiangsu": "jiangsu-cppcc-general-office-2018-department-budget-tables.pdf",
    "jiangsu_npc": "jiangsu-npc-standing-committee-office-2019-department-budget-tables.pdf",
    "jiangsu_court": "jiangsu-high-court-2017-department-budget.pdf",
    "shanghai": "shanghai-putuo-wanli-subdistrict-2023-department-budget.pdf",
    "shanghai_home": "shanghai-putuo-social-welfare-home-2024-unit-budget.pdf",
    "shanghai_office": "shanghai-putuo-district-government-office-2025-unit-budget.pdf",
}
FINAL_ACCOUNTS = "shanghai-putuo-social-work-department-2024-department-final-accounts.pdf"
ORDINAL_CLASS = re.compile(r"[一二三四五六七八九十]+、(\S+?支出)[^\S\n]+([\d,]+(?:\.\d+)?)(?![\d、])")
TOTALS = re.compile(r"收入(?:总计|合计)\s+([\d,]+(?:\.\d+)?)\s+支出(?:总计|合计)\s+([\d,]+(?:\.\d+)?)")
SUMMARY_TITLE = re.compile(r"收支预算总表")
SUBJECT = re.compile(r"(?:预算单位|预算主管部门|部门)[:：]\s*(\S{4,})")
TITLE_SUBJECT = re.compile(r"20\d{2}年度?(\S+?)(?:部门|单位)预算")


def class_codes() -> dict[str, str]:
    with open(REPO / "dbt" / "seeds" / "function_classes.csv", encoding="utf-8") as f:
        return {row["name_zh"]: row["class_code"] for row in csv.DictReader(f)}


def yuan(printed: str, factor: Decimal) -> Decimal:
    return Decimal(printed.replace(",", "")) * factor


def page_texts(pdf_path) -> list[str]:
    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def printed_summary(pdf_path) -> tuple[dict[str, Decimal], Decimal, Decimal]:
    """Class amounts, 收入总计 and 支出总计 (yuan) from the text of the 收支总表: from the page that titles it
    to the page that prints its totals (it may run over a page break)."""
    texts = page_texts(pdf_path)
    for i, text in enumerate(texts):
        if not SUMMARY_TITLE.search(text.replace(" ", "")):
            continue
        for j in range(i, min(i + 2, len(texts))):
            summary = "\n".join(texts[i : j + 1])
            totals = TOTALS.search(summary)
            if totals:
                summary = summary[: totals.end()]
                factor = Decimal(10000) if re.search(r"单位[:：]\s*万元", summary) else Decimal(1)
                names = class_codes()
                classes = {names[name]: yuan(amount, factor) for name, amount in ORDINAL_CLASS.findall(summary)
                           if name in names}
                return classes, yuan(totals.group(1), factor), yuan(totals.group(2), factor)
    raise AssertionError(f"no 收支总表 with 收入总计/支出总计 in {pdf_path}")


def printed_subject(pdf_path) -> str:
    """The office a document is about, as its first pages print it (预算单位：/预算主管部门：/部门：, else the
    title "2017 年度江苏省高级人民法院部门预算")."""
    text = "\n".join(page_texts(pdf_path)[:3])
    m = SUBJECT.search(text) or TITLE_SUBJECT.search(text.replace(" ", ""))
    assert m, f"no subject printed in {pdf_path}"
    return m.group(1).replace(" ", "")


def document_id(con, file_name: str) -> str:
    row = con.execute("select document_id from dim_document where file_name = ?", [file_name]).fetchone()
    assert row, f"{file_name} is not in the build of {REAL}"
    return row[0]


@pytest.mark.parametrize("doc", sorted(BUDGETS))
def test_totals_match_the_printed_summary(real_wh, doc):
    classes, income, expenditure = printed_summary(REAL / BUDGETS[doc])
    assert income == expenditure and len(classes) >= 3
    doc_id = document_id(real_wh, BUDGETS[doc])
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


@pytest.mark.parametrize("doc", sorted(BUDGETS))
def test_year_kind_region_and_subject(real_wh, doc):
    """Year and kind as the file name says; the subject unit is the office the document prints, keyed by
    region + code (or, where no code is printed, its name); its region is the division its name starts with."""
    name = BUDGETS[doc]
    year = int(re.search(r"-(20\d{2})-", name).group(1))
    kind = "unit" if "-unit-" in name else "department"
    subject = printed_subject(REAL / name)
    row = real_wh.execute(
        "select d.fiscal_year, d.doc_kind, d.region_code, d.region_name, u.unit_name, m.unit_key "
        "from dim_document d join mart_unit_budget m using (document_id) join dim_unit u using (unit_key) "
        "where d.file_name = ? and m.is_document_subject", [name]).fetchone()
    assert row is not None, f"{name}: no subject unit in mart_unit_budget"
    fiscal_year, doc_kind, region_code, region_name, unit_name, unit_key = row
    assert (fiscal_year, doc_kind) == (year, kind)
    assert unit_name == subject
    assert subject.startswith(region_name) and unit_key.startswith(f"{region_code}-")


@pytest.mark.parametrize("doc", sorted(BUDGETS))
def test_function_class_totals(real_wh, doc):
    classes, _, _ = printed_summary(REAL / BUDGETS[doc])
    doc_id = document_id(real_wh, BUDGETS[doc])
    built = dict(real_wh.execute(
        "select left(function_code, 3), sum(amount_yuan) from fact_expenditure where document_id = ? group by 1",
        [doc_id]).fetchall())
    assert built == classes


def test_jiangsu_other_funds_are_a_flagged_class_remainder(real_wh):
    """Jiangsu itemises only 财政拨款 (公开05表); the 80.00 万元 of 其他资金 in class 201 is one class-level line
    traced to the 收支总表 row, never spread over printed lines."""
    doc_id = document_id(real_wh, BUDGETS["jiangsu"])
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
        "using (document_id) where d.file_name = ? group by 1 order by 1", [BUDGETS["jiangsu"]]).fetchall()
    assert rows == [("goods", Decimal("3556700.00"), 9), ("services", Decimal("9260900.00"), 11)]


@pytest.mark.parametrize("doc", sorted(BUDGETS))
def test_every_table_understood(doc):
    """No table of a real budget is left 'other': titles split from their numbers (公开表一 / 收支预算总表),
    several rectangle-ruled tables on one page, tables continued over pages without a title."""
    from dagster_project.ingest import extract_any, interpret_document

    tables = interpret_document(extract_any(REAL / BUDGETS[doc], "pdf").tables)
    assert [(t["page"], t["title"]) for t in tables if t["table_kind"] == "other"] == []


@pytest.mark.parametrize("name", [*BUDGETS.values(), FINAL_ACCOUNTS])
def test_statement(name):
    """预算 (what was planned) or 决算 (what was spent), as the file name a person gave it says."""
    from dagster_project.extraction.metadata import infer_metadata
    from dagster_project.ingest import extract_any, interpret_document

    doc = extract_any(REAL / name, "pdf")
    meta = infer_metadata(name, doc.pages_text, interpret_document(doc.tables, doc.pages_text))
    assert meta["statement"] == ("final_accounts" if "final-accounts" in name else "budget")


@pytest.mark.parametrize("doc", sorted(BUDGETS))
def test_budget_is_complete(real_wh, doc):
    row = real_wh.execute("select completeness, completeness_reasons from dim_document where file_name = ?",
                          [BUDGETS[doc]]).fetchone()
    assert row == ("complete", [])


def test_final_accounts_year_kind_and_total(real_wh):
    """The cover prints its year apart from its words ("…社会工作部 2024 年度" / "部门决算"); Σ facts equals the
    本年支出合计 its 收入支出决算总表 prints."""
    year, kind, statement, completeness = real_wh.execute(
        "select fiscal_year, doc_kind, statement, completeness from dim_document where file_name = ?",
        [FINAL_ACCOUNTS]).fetchone()
    assert (year, kind, statement, completeness) == (2024, "department", "final_accounts", "complete")
    texts = page_texts(REAL / FINAL_ACCOUNTS)
    spent = yuan(re.search(r"本年支出合计\s+([\d,]+\.\d+)", "\n".join(texts)).group(1), Decimal(10000))
    # 支出决算表: 合计 | 本年支出合计 | 基本支出 | 项目支出 as printed on its first row
    page = next(t for t in texts if t.lstrip().startswith("支出决算表"))
    total, basic, project = (yuan(x, Decimal(10000)) for x in re.search(
        r"合计\s+([\d,]+\.\d+)\s+([\d,]+\.\d+)\s+([\d,]+\.\d+)", page).groups())
    assert total == spent
    facts = dict(real_wh.execute(
        "select expenditure_type, sum(amount_yuan) from fact_expenditure f join dim_document d using (document_id) "
        "where d.file_name = ? group by 1", [FINAL_ACCOUNTS]).fetchall())
    assert sum(facts.values()) == spent and facts.get("basic") == basic and facts.get("project") == project
    stated = real_wh.execute(
        "select m.statement, total_yuan, basic_yuan, project_yuan from mart_unit_budget m join dim_document d "
        "using (document_id) where d.file_name = ? and m.is_document_subject", [FINAL_ACCOUNTS]).fetchone()
    assert stated == ("final_accounts", spent, basic, project)
    failed = real_wh.execute("select identity from check_results c join dim_document d using (document_id) "
                             "where d.file_name = ? and c.status = 'fail'", [FINAL_ACCOUNTS]).fetchall()
    assert failed == []


def test_final_accounts_restated_budget_gives_execution(real_wh):
    """No budget of the Shanghai 社会工作部 is in the warehouse: the execution marts take the budget its final
    accounts restate item by item ("…（项）。…全年预算为 52.00 万元，支出决算为 51.32 万元"), which adds up to the
    全年预算 its explanation states for the whole year."""
    text = re.sub(r"\s+", "", "".join(page_texts(REAL / FINAL_ACCOUNTS)))
    year_budget, year_final = re.search(r"支出年初预算为[\d.]+万元，全年预算为([\d.]+)万元，支出决算为([\d.]+)万元", text).groups()
    budget, final = yuan(year_budget, Decimal(10000)), yuan(year_final, Decimal(10000))
    row = real_wh.execute(
        "select budget_total_yuan, final_total_yuan, execution_rate, budget_source from mart_budget_execution_totals t "
        "join dim_document d on d.document_id = t.final_document_id where d.file_name = ?", [FINAL_ACCOUNTS]).fetchone()
    assert row == (budget, final, round(final / budget, 6), "final_accounts_document")
    items = dict(real_wh.execute(
        "select e.function_code, e.budget_yuan from mart_budget_execution e join dim_document d "
        "on d.document_id = e.final_document_id where d.file_name = ?", [FINAL_ACCOUNTS]).fetchall())
    printed = [yuan(b, Decimal(10000)) for b in re.findall(r"（项）。.*?全年预算为([\d.]+)万元，支出决算为", text)]
    assert sorted(items.values()) == sorted(printed) and sum(printed) == budget
