"""The income / project / 三公 / procurement / purchased-services marts reconcile with the totals the
documents print: every fact sums to its table's 合计 (within the printed rounding), and the new
mart_unit_budget columns agree with the facts. Expected figures come from the warehouse itself
(int_table_cells, mart_unit_budget); the few literal numbers are read from the seed texts."""

from __future__ import annotations

import statistics
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.query_latency import example_queries

ROOT = Path(__file__).resolve().parents[1]


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def doc_id(con, file_prefix: str) -> str:
    return rows(con, "select document_id from dim_document where file_name like ?", [file_prefix + "%"])[0][0]


def tolerance(n_terms: int, multiplier: int) -> Decimal:
    """(n + 1) × 0.005 × multiplier: the rounding a sum of n printed two-decimal figures can carry."""
    return Decimal(n_terms + 1) * Decimal("0.005") * multiplier


# Σ fact per document vs Σ of the 合计 rows of the tables the facts read (int_table_parts.is_read_by_facts).
STATED_VS_FACT = """
with stated as (
    select c.document_id, sum(c.amount_yuan) as stated, max(p.multiplier) as multiplier
    from intermediate.int_table_cells c
    join intermediate.int_table_parts p using (document_id, table_index)
    where p.is_read_by_facts and c.table_kind = '{kind}' and c.row_type = 'total' and c.column_name = '{column}'
    group by c.document_id
),
facts as (select document_id, sum(amount_yuan) as actual, count(*) as n from {fact} group by document_id)
select s.document_id, s.stated, f.actual, coalesce(f.n, 0), coalesce(s.multiplier, 1)
from stated s full join facts f using (document_id)
"""


@pytest.mark.parametrize(
    ("fact", "kind", "column"),
    [
        ("fact_income", "income_summary", "total"),
        ("fact_project_expenditure", "project_expenditure", "total"),
        ("fact_procurement", "procurement", "amount"),
        ("fact_purchased_services", "purchased_services", "amount"),
    ],
)
def test_fact_sums_to_stated_total(wh, fact, kind, column):
    result = rows(wh, STATED_VS_FACT.format(fact=fact, kind=kind, column=column))
    checked = 0
    for document_id, stated, actual, n, multiplier in result:
        if stated is None and actual is None:
            continue
        assert stated is not None, f"{fact}: {document_id} has lines but its {kind} prints no 合计"
        assert actual is not None, f"{fact}: {document_id} states {stated} in its {kind} but has no lines"
        assert abs(actual - stated) <= tolerance(n, multiplier), (fact, document_id, stated, actual)
        checked += 1
    assert checked >= 2, f"{fact}: expected at least two documents to reconcile, got {checked}"


def test_income_department_part_is_not_counted_twice(wh):
    """Hebei prints its 收入总表 for the department and again per unit; the facts read the unit parts, and
    their sum equals the department part's 合计 (17257.23 万元, seed 部门预算收入总表 合计 row)."""
    hebei = doc_id(wh, "hebei-fengrun")
    dept_total = rows(wh, """
        select c.amount_yuan from intermediate.int_table_cells c join intermediate.int_table_parts p using (document_id, table_index)
        where c.document_id = ? and c.table_kind = 'income_summary' and not p.is_unit_part
          and c.row_type = 'total' and c.column_name = 'total'""", [hebei])
    assert dept_total == [(Decimal("172572300.00"),)]
    (income,) = rows(wh, "select sum(amount_yuan) from fact_income where document_id = ?", [hebei])[0]
    assert income == Decimal("172572300.00")
    # 本年收入合计 17147.23 + 上年结转结余 110.00 (seed 收支总表 rows 32-33)
    carry = rows(wh, "select sum(amount_yuan) from fact_income where document_id = ? and is_carryover", [hebei])
    assert carry == [(Decimal("1100000.00"),)]


def test_income_leaf_columns_only(wh):
    sources = {r[0] for r in rows(wh, "select distinct income_source from fact_income")}
    assert not sources & {"total", "current_subtotal", "carryover_subtotal"}
    assert not any(s.startswith("col_") for s in sources), sources
    unknown = rows(wh, "select distinct income_source from fact_income where income_source not in "
                       "(select code from catalogues.income_sources)")
    assert unknown == []
    assert rows(wh, "select count(*) from fact_income f join intermediate.int_table_cells c using (document_id, table_index, "
                    "row_index) where c.column_name = f.income_source and c.row_type <> 'data'") == [(0,)]


def test_three_public_sums_to_stated_total(wh):
    """Per table and budget year, Σ categories = the printed total: Beijing's 年度 rows carry their own
    “三公”经费财政拨款预算总额; Hebei's 合计 row covers the table; a final accounts' one row its 合计 (决算数)."""
    result = rows(wh, """
    with facts as (
        select document_id, table_index, budget_year, sum(amount_yuan) as actual, count(*) as n,
               sum(amount_yuan) filter (where is_three_public) as three_public
        from fact_three_public_expenses group by all
    ),
    year_rows as (  -- Beijing: the total column of the row whose 年度 is the budget year
        select y.document_id, y.table_index, try_cast(y.code as integer) as budget_year, t.amount_yuan as stated
        from intermediate.int_table_cells y join intermediate.int_table_cells t using (document_id, table_index, row_index)
        where y.table_kind = 'three_public' and y.column_name = 'year' and t.column_name = 'total'
    ),
    total_rows as (  -- Hebei: the 合计 row
        select document_id, table_index, amount_yuan as stated from intermediate.int_table_cells
        where table_kind = 'three_public' and row_type = 'total' and column_name = 'total'
    ),
    one_row as (  -- 决算: one row of figures, its 合计 (决算数) column
        select document_id, table_index, max(amount_yuan) as stated from intermediate.int_table_cells
        where table_kind = 'three_public' and row_type = 'data' and column_name = 'total'
        group by all having count(distinct row_index) = 1
    )
    select f.document_id, f.table_index, f.budget_year, f.actual, f.three_public, f.n,
           coalesce(y.stated, t.stated, o.stated) as stated, p.multiplier
    from facts f
    join intermediate.int_table_parts p using (document_id, table_index)
    left join year_rows y using (document_id, table_index, budget_year)
    left join total_rows t using (document_id, table_index)
    left join one_row o using (document_id, table_index)
    """)
    assert len(result) >= 4
    for document_id, table_index, year, actual, _, n, stated, multiplier in result:
        assert stated is not None, (document_id, table_index, year)
        assert abs(actual - stated) <= tolerance(n, multiplier), (document_id, table_index, year, stated, actual)

    # seed: 预算11表 2023 row “三公”经费财政拨款预算总额 45949.50 元 (Chaoyang), 2022 row 46910.00
    chaoyang = doc_id(wh, "beijing-chaoyang")
    by_year = dict(rows(wh, "select budget_year, sum(amount_yuan) from fact_three_public_expenses "
                            "where document_id = ? group by 1", [chaoyang]))
    assert by_year == {2022: Decimal("46910.00"), 2023: Decimal("45949.50")}
    # the 公务用车 小计 column is not a category next to its parts
    assert rows(wh, "select count(*) from fact_three_public_expenses where document_id = ? "
                    "and category = 'vehicles'", [chaoyang]) == [(0,)]
    # seed: 部门预算财政拨款“三公”经费支出表 合计 6.00 万元 = “三公”经费小计 (Hebei, department part = Σ units)
    hebei = doc_id(wh, "hebei-fengrun")
    assert rows(wh, "select sum(amount_yuan), sum(amount_yuan) filter (where is_three_public) "
                    "from fact_three_public_expenses where document_id = ?", [hebei]) == [
        (Decimal("60000.00"), Decimal("60000.00"))]


def test_project_lines_match_project_total(wh):
    """Σ fact_project_expenditure = the document's 项目支出 in mart_unit_budget (支出总表 合计)."""
    result = rows(wh, """
        select f.document_id, sum(f.amount_yuan), count(*), m.project_yuan
        from fact_project_expenditure f
        join mart_unit_budget m on m.document_id = f.document_id and m.is_document_subject
        group by f.document_id, m.project_yuan""")
    assert len(result) >= 2
    for document_id, actual, n, stated in result:
        assert abs(actual - stated) <= tolerance(n, 10000), (document_id, stated, actual)
    # seed: Chaoyang 预算04表 合 计 844,957,159.00 元
    chaoyang = doc_id(wh, "beijing-chaoyang")
    assert rows(wh, "select sum(amount_yuan) from fact_project_expenditure where document_id = ?",
                [chaoyang]) == [(Decimal("844957159.00"),)]


def test_procurement_and_purchased_services_match_narrative(wh):
    # seed (Dongcheng 2026 说明): 政府采购总额 329.66 万元 … 政府采购服务预算 329.66 万元; 政府购买服务 … 预算总额 200.95 万元
    dongcheng = doc_id(wh, "beijing-dongcheng-medical-security-bureau-2026")
    assert rows(wh, "select procurement_type, sum(amount_yuan) from fact_procurement where document_id = ? "
                    "group by 1", [dongcheng]) == [("services", Decimal("3296600.00"))]
    assert rows(wh, "select sum(amount_yuan) from fact_purchased_services where document_id = ?",
                [dongcheng]) == [(Decimal("2009500.00"),)]


def test_unit_budget_income_columns_add_up(wh):
    result = rows(wh, """
        select document_id, unit_key, total_yuan, income_yuan, current_income_yuan, carryover_yuan,
               gpb_yuan + gov_fund_yuan + soe_yuan + fiscal_appropriation_yuan + special_account_yuan
                 + business_income_yuan + operating_income_yuan + other_income_yuan as sources
               , statement
        from mart_unit_budget where income_yuan is not null""")
    assert len(result) >= 6
    for document_id, unit_key, total, income, current, carryover, sources, statement in result:
        assert income == current + carryover, (document_id, unit_key)
        assert current == sources, (document_id, unit_key)
        # every sample budget balances: 收入总计 = 支出总计 (within the rounding of the unit rows); final
        # accounts differ by the change in 结转和结余 over the year (their own identities check that)
        if statement == "budget":
            assert abs(income - total) <= tolerance(3, 10000), (document_id, unit_key, income, total)
    # a unit's income in mart_unit_budget is its Σ fact_income
    mismatched = rows(wh, """
        select m.document_id, m.unit_key from mart_unit_budget m
        join fact_income f using (document_id, unit_key)
        group by m.document_id, m.unit_key, m.income_yuan having m.income_yuan <> sum(f.amount_yuan)""")
    assert mismatched == []


def test_unit_budget_personnel_plus_public_is_basic(wh):
    result = rows(wh, "select document_id, unit_key, basic_yuan, personnel_yuan, public_yuan from mart_unit_budget")
    assert all(r[3] is not None and r[4] is not None for r in result), result
    for document_id, unit_key, basic, personnel, public in result:
        assert abs(personnel + public - basic) <= tolerance(2, 10000), (document_id, unit_key)


def test_unit_econ_rollup_answers_like_the_facts(wh):
    """Spending per unit and department economic code from the rollup = the same from fact_expenditure
    joined to dim_unit, for every code (commissioned_services_30227 reads the rollup)."""
    by_rollup = rows(wh, "select econ_dept_code, region_name, unit_name, fiscal_year, sum(amount_yuan), "
                         "sum(basic_yuan), sum(project_yuan) from mart_unit_econ_spending group by all order by all")
    by_facts = rows(wh, "select f.econ_dept_code, u.region_name, u.unit_name, f.fiscal_year, sum(f.amount_yuan), "
                        "coalesce(sum(f.amount_yuan) filter (where f.expenditure_type = 'basic'), 0), "
                        "coalesce(sum(f.amount_yuan) filter (where f.expenditure_type = 'project'), 0) "
                        "from fact_expenditure f join dim_unit u using (unit_key) group by all order by all")
    assert len({r[0] for r in by_facts}) > 10  # the samples use many codes
    assert by_rollup == by_facts


def test_example_queries_run_as_documented(wh):
    """Each query of docs/example_queries.sql runs on the samples and is printed in docs/example-queries.md as is."""
    doc = (ROOT / "docs" / "example-queries.md").read_text(encoding="utf-8")
    queries = example_queries(ROOT / "docs" / "example_queries.sql")
    assert len(queries) == 5
    for name, sql in queries:
        assert f"### {name}" in doc and f"```sql\n{sql};\n```" in doc, name
        assert rows(wh, sql), name


def test_share_example_summarises_each_documents_shares(wh):
    """basic_vs_project_shares = per fiscal year, the median shares and the 10th/90th percentile (linear
    interpolation) of the project share over the documents' own stated totals, recomputed here."""
    sql = dict(example_queries(ROOT / "docs" / "example_queries.sql"))["basic_vs_project_shares"]
    by_year: dict[int, list[tuple[float, float]]] = {}
    for year, total, basic, project in rows(
            wh, "select fiscal_year, total_yuan, basic_yuan, project_yuan from mart_unit_budget "
                "where is_document_subject and statement = 'budget'"):
        by_year.setdefault(year, []).append((float(100 * basic / total), float(100 * project / total)))

    def percentile(values: list[float], q: float) -> float:
        values = sorted(values)
        pos = q * (len(values) - 1)
        low = int(pos)
        return values[low] + (pos - low) * (values[min(low + 1, len(values) - 1)] - values[low])

    expected = [(year, len(shares), statistics.median(b for b, _ in shares), statistics.median(p for _, p in shares),
                 percentile([p for _, p in shares], 0.1), percentile([p for _, p in shares], 0.9))
                for year, shares in sorted(by_year.items())]
    assert any(n > 1 for _, n, *_ in expected)  # a year with several documents, so the statistics mean something
    assert rows(wh, sql) == [(year, n, *(pytest.approx(v, abs=0.0051) for v in stats)) for year, n, *stats in expected]


def test_execution_rate_is_final_over_budget(wh):
    """The samples' Dongcheng insurance centre 2023: its budget and its final accounts side by side, the
    execution rate = final ÷ budget computed here from each document's own facts and stated totals."""
    unit, year = "110101-201002", 2023
    by_statement = {}
    for statement, document_id, code, amount in rows(wh, """
            select f.statement, f.document_id, f.function_code, sum(f.amount_yuan)
            from fact_expenditure f join dim_document d using (document_id)
            where f.unit_key = ? and f.fiscal_year = ? and d.doc_kind = 'unit' group by all""", [unit, year]):
        by_statement.setdefault(statement, {})[code] = amount
        by_statement.setdefault(statement + "_doc", set()).add(document_id)
    assert len(by_statement["budget_doc"]) == 1 and len(by_statement["final_accounts_doc"]) == 1
    budget, final = by_statement["budget"], by_statement["final_accounts"]
    mart = {code: (b, f, rate) for code, b, f, rate in rows(wh, """
        select function_code, budget_yuan, final_yuan, execution_rate from mart_budget_execution
        where unit_key = ? and fiscal_year = ?""", [unit, year])}
    assert set(mart) == set(budget) | set(final)
    for code, (b, f, rate) in mart.items():
        assert (b, f) == (budget.get(code, 0), final.get(code, 0)), code
        assert rate == (round(f / b, 6) if b else None), code
    totals = rows(wh, """select budget_total_yuan, final_total_yuan, execution_rate from mart_budget_execution_totals
                         where unit_key = ? and fiscal_year = ?""", [unit, year])
    stated = dict(rows(wh, """select statement, total_yuan from mart_unit_budget
                              where unit_key = ? and fiscal_year = ? and is_document_subject""", [unit, year]))
    assert totals == [(stated["budget"], stated["final_accounts"],
                       round(stated["final_accounts"] / stated["budget"], 6))]
    assert sum(final.values()) == stated["final_accounts"]  # the final accounts' lines close on their own total
