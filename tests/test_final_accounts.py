"""The sample final accounts (决算) in the warehouse: balances per fund, the 三公 budget beside what was spent,
and the other kinds of spending of the 支出决算表. Expected figures are read from the PDF's page text
(pdfplumber's plain text, not the table extractor), so the tests fail if the reading changes the numbers."""

from __future__ import annotations

import re
from decimal import Decimal

import pdfplumber
import pytest

from .conftest import REPO, SAMPLES

FINAL = "beijing-dongcheng-medical-insurance-center-2023-unit-final-accounts"
UNIT, YEAR = "110101-201002", 2023
AMOUNT = r"(\d[\d,]*\.\d{2})"


def yuan(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) * 10000  # the sample's tables are in 万元


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    """Page text by the table title it starts with (2023年度…决算表 / …决算总表)."""
    with pdfplumber.open(SAMPLES / f"{FINAL}.pdf") as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
    return {t.splitlines()[0].strip(): t for t in texts if t.startswith("2023年度")}


def figures_after(text: str, label: str) -> list[Decimal]:
    """The amounts printed on the line that starts with `label`."""
    (line,) = [x for x in text.splitlines() if x.startswith(label + " ")]
    return [yuan(a) for a in re.findall(AMOUNT, line)]


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def final_document(wh) -> str:
    (doc,) = rows(wh, "select document_id from dim_document where file_name like ?", [f"%{FINAL}%"])
    return doc[0]


def test_balances_of_all_money_are_the_printed_ones(wh, pages):
    text = pages["2023年度收入支出决算总表"]
    opening, closing = re.search(f"年初结转和结余 {AMOUNT} 年末结转和结余 {AMOUNT}", text).groups()
    income, spent = re.search(f"本年收入合计 {AMOUNT} 本年支出合计 {AMOUNT}", text).groups()
    expected = (yuan(opening), yuan(income), yuan(spent), yuan(closing))
    assert rows(
        wh,
        """select opening_balance_yuan, income_yuan, expenditure_yuan, closing_balance_yuan
                       from mart_fund_balances where document_id = ? and fund = 'all'""",
        [final_document(wh)],
    ) == [expected]
    # the execution totals carry the same balances on the final side
    assert rows(
        wh,
        """select final_opening_balance_yuan, final_income_yuan, final_total_yuan,
                              final_closing_balance_yuan, final_surplus_distribution_yuan
                       from mart_budget_execution_totals where unit_key = ? and fiscal_year = ?""",
        [UNIT, YEAR],
    ) == [(*expected, None)]  # 结余分配 is printed blank


def test_balances_per_fund_are_the_printed_ones(wh, pages):
    fund_table = figures_after(pages["2023年度政府性基金预算财政拨款收入支出决算表"], "合计")
    opening, income, spent, project, closing = fund_table  # 基本支出 is blank
    assert spent == project
    fiscal = pages["2023年度财政拨款收入支出决算总表"]
    _, fiscal_spent, gpb_spent, fund_spent = figures_after(fiscal, "本年收入合计")
    assert fund_spent == spent
    got = dict(
        (f, v)
        for f, *v in rows(
            wh,
            """
        select fund, opening_balance_yuan, income_yuan, expenditure_yuan, closing_balance_yuan
        from mart_fund_balances where document_id = ?""",
            [final_document(wh)],
        )
    )
    assert got["gov_fund"] == [opening, income, spent, closing]
    assert got["gpb"][2] == gpb_spent and "soe" not in got  # 国有资本经营 is blank throughout
    # each fund closes: 年初 + 本年收入 − 本年支出 = 年末
    for fund, (o, i, s, c) in got.items():
        assert o + i - s == c, fund


def test_fund_balance_identity_checks_every_line_and_fund(wh, pages):
    results = rows(
        wh,
        """select table_kind, item, status, expected_yuan from check_results
                          where identity = 'fund_balances' and document_id = ?""",
        [final_document(wh)],
    )
    assert results and all(status == "pass" for _, _, status, _ in results)
    fund_lines = [r for r in results if r[0] == "gov_fund_expenditure"]
    codes = re.findall(r"^(\d{3,7}) ", pages["2023年度政府性基金预算财政拨款收入支出决算表"], re.M)
    assert len(fund_lines) == len(codes) + 1  # every printed line and the 合计
    assert {r[1].split(":")[0] for r in results if r[0] == "fiscal_income_expenditure_summary"} == {
        "一般公共预算财政拨款",
        "政府性基金预算财政拨款",
    }
    assert any(r[0] == "income_expenditure_summary" for r in results)


def test_three_public_budget_beside_what_was_spent(wh, pages):
    text = pages["2023年度财政拨款“三公”经费支出决算表"]
    (line,) = [x for x in text.splitlines() if len(re.findall(AMOUNT, x)) == 12]
    printed = [yuan(a) for a in re.findall(AMOUNT, line)]
    budget, final = printed[:6], printed[6:]  # 预算数 | 决算数: 合计, 出国, 用车小计, 购置, 运维, 接待
    facts = rows(
        wh,
        """select category, amount_yuan, budget_amount_yuan from fact_three_public_expenses
                        where document_id = ?""",
        [final_document(wh)],
    )
    assert facts == [("reception", final[5], budget[5])]  # the only category with a figure
    assert final[0] == sum(a for _, a, _ in facts) and budget[0] == sum(b for *_, b in facts)
    # both sides' parts add up to their 合计 (identity three_public_total)
    checked = rows(
        wh,
        """select item, status, expected_yuan from check_results
                          where identity = 'three_public_total' and document_id = ?""",
        [final_document(wh)],
    )
    assert sorted(checked) == sorted(
        [
            ("三公 = 出国 + 接待 + 用车(购置 + 运维)", "pass", float(final[0])),
            ("三公预算数 = 出国 + 接待 + 用车(购置 + 运维)", "pass", float(budget[0])),
        ]
    )
    # execution: the unit's budget document prints a 三公 table with nothing in it (年初预算 0), so the
    # budget is 0 from that document; the 全年预算 the final accounts print stays beside it
    (budget_doc,) = rows(
        wh,
        """select document_id from dim_document where statement = 'budget'
                                and file_name like '%medical-insurance-center-2023-unit-budget%'""",
    )
    assert rows(
        wh,
        """select category, budget_yuan, final_yuan, execution_rate, final_accounts_budget_yuan,
                              budget_document_id, final_document_id, budget_source
                       from mart_three_public_execution where unit_key = ? and fiscal_year = ?""",
        [UNIT, YEAR],
    ) == [("reception", 0, final[5], None, budget[5], budget_doc[0], final_document(wh), "budget_document")]


def test_other_kinds_of_spending_are_facts_and_in_the_line_identity(wh, pages):
    total, basic, project, remit = figures_after(pages["2023年度支出决算表"], "合计")
    by_type = dict(
        rows(
            wh,
            """select expenditure_type, sum(amount_yuan) from fact_expenditure
                               where document_id = ? group by all""",
            [final_document(wh)],
        )
    )
    assert by_type == {"basic": basic, "project": project, "remit_upper": remit}
    assert sum(by_type.values()) == total
    # 本年支出合计 = 基本 + 项目 + 上缴上级 (+ 经营 + 对附属单位补助 where printed) on every row that prints one
    remitting = rows(
        wh,
        """
        select r.status, r.expected_yuan, r.actual_yuan, c.amount_yuan
        from check_results r
        join intermediate.int_table_cells c
          on c.document_id = r.document_id and c.table_index = r.table_index and r.item = 'row ' || c.row_index
        where r.identity = 'line_total_equals_basic_plus_project' and r.document_id = ?
          and r.table_kind = 'expenditure_summary' and c.column_name = 'remit_upper' and c.amount_yuan <> 0""",
        [final_document(wh)],
    )
    # the printed lines with a 上缴上级支出: more than 合计 and one part, the last of them the remittance
    lines = [
        x
        for x in pages["2023年度支出决算表"].splitlines()
        if len(re.findall(AMOUNT, x)) >= 3 and yuan(re.findall(AMOUNT, x)[-1]) == remit
    ]
    assert len(remitting) == len(lines) and all(r[0] == "pass" and r[1] == r[2] for r in remitting)
    assert {r[3] for r in remitting} == {remit}


def test_documented_examples_run(wh):
    """The queries of docs/final-accounts.md run on the samples and return rows."""
    text = (REPO / "docs" / "final-accounts.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?);\n```", text, re.S)
    assert len(queries) == 2
    for sql in queries:
        assert rows(wh, sql), sql
