"""The accounting identities a budget disclosure must satisfy, as SQL over the built warehouse.

Each identity query returns one row per place the identity applies (a table, a row, a class …) with
`expected` and `actual` in yuan, the number of rounded terms behind them, and the table's currency
multiplier. The Great Expectations suites in `suites.py` judge those rows.

Tolerance rule: every printed amount is rounded to `decimals` places of its table's currency unit, so
it is off by at most half a unit of the last place. Comparing a printed figure with an expression of n
printed terms can therefore differ by up to (n + 1) × 0.5 × 10^-decimals × multiplier yuan without any
error in the source (the documents warn: "部分数据合计数由于计量单位取舍不同而产生的计算误差").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    severity: str  # "ERROR" or "WARN" (Dagster asset check severity)
    asset: str  # the mart the asset check is attached to
    sql: str


def _wide(columns: list[str], kinds: list[str]) -> str:
    """Pivot int_table_cells to one row per table row with the given canonical columns."""
    picks = ",\n        ".join(
        f"max(case when column_name = '{c}' then raw_text end) as {c}_text, "
        f"max(case when column_name = '{c}' then amount_yuan end) as {c}"
        for c in columns
    )
    kind_list = ", ".join(f"'{k}'" for k in kinds)
    return f"""
    select document_id, table_index, any_value(table_kind) as table_kind, row_index,
        any_value(page) as page, any_value(row_type) as row_type,
        any_value(multiplier) as multiplier, any_value(subject_code) as subject_code,
        {picks}
    from int_table_cells
    where table_kind in ({kind_list})
    group by document_id, table_index, row_index"""


INCOME_EQUALS_EXPENDITURE = f"""
with w as ({_wide(["income_item", "income_amount", "expense_item", "expense_amount"],
                  ["income_expenditure_summary", "fiscal_income_expenditure_summary"])})
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')) as page,
    any_value(subject_code) as subject_code, '收入总计 = 支出总计' as item,
    coalesce(max(income_amount) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')), 0)
        as expected,
    coalesce(max(expense_amount) filter (where replace(expense_item_text, ' ', '') in ('支出总计', '支出合计')), 0)
        as actual,
    1 as n_terms, any_value(multiplier) as multiplier
from w
group by document_id, table_index
having count(*) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')) > 0
"""

LINE_TOTAL = f"""
with w as ({_wide(["total", "basic", "project", "personnel", "public"], ["expenditure_summary", "gpb_expenditure"])})
select document_id, table_index, table_kind, page, subject_code,
    'row ' || row_index as item,
    total as expected,
    coalesce(basic, personnel + public, personnel, public, 0) + coalesce(project, 0) as actual,
    case when basic is null and personnel is not null then 3 else 2 end as n_terms,
    multiplier
from w
where row_type in ('data', 'total', 'group')
  and total is not null
  and (basic is not null or project is not null or personnel is not null)
"""

LINES_SUM_TO_TOTAL = f"""
with w as ({_wide(["total", "basic", "project"],
                  ["expenditure_summary", "gpb_expenditure", "gpb_basic_expenditure", "project_expenditure"])}),
long as (
    select document_id, table_index, table_kind, page, subject_code, row_type, multiplier, 'total' as col, total as v
    from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, multiplier, 'basic', basic from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, multiplier, 'project', project from w
)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where row_type = 'total') as page, any_value(subject_code) as subject_code,
    'Σ lines ' || col || ' = 合计' as item,
    max(v) filter (where row_type = 'total') as expected,
    coalesce(sum(v) filter (where row_type = 'data'), 0) as actual,
    count(v) filter (where row_type = 'data') as n_terms,
    any_value(multiplier) as multiplier
from long
group by document_id, table_index, col
having count(v) filter (where row_type = 'total') = 1
"""

# The class amounts a 收支总表 states ("十、卫生健康支出 2,426.26") against the class sums of the fact lines.
FUNCTION_CLASS_TOTALS = f"""
with w as ({_wide(["expense_item", "expense_amount"], ["income_expenditure_summary"])}),
stated as (
    select w.document_id, w.table_index, w.page, w.subject_code, w.multiplier,
        regexp_replace(replace(w.expense_item_text, ' ', ''), '^[一二三四五六七八九十百零〇0-9]+[、.．]', '')
            as class_name,
        w.expense_amount as stated
    from w
    where w.expense_amount is not null and w.row_type = 'data'
),
classes as (
    select distinct class_code, class_name from dim_function_code where class_code is not null
    union
    select function_code, function_name from dim_function_code where level = 'class'
),
docs as (select document_id, subject_code as doc_subject, department_code from int_documents),
lines as (
    select f.document_id, split_part(f.unit_key, '-', 2) as unit_code, left(f.function_code, 3) as class_code,
        sum(f.amount_yuan) as amount, count(*) as n
    from fact_expenditure f
    group by all
)
select s.document_id, s.table_index, 'income_expenditure_summary' as table_kind, s.page, s.subject_code,
    c.class_code || ' ' || s.class_name as item,
    s.stated as expected,
    coalesce(sum(l.amount), 0) as actual,
    greatest(coalesce(sum(l.n), 0), 1) as n_terms,
    s.multiplier
from stated s
join classes c on c.class_name = s.class_name
join docs d on d.document_id = s.document_id
left join lines l
    on l.document_id = s.document_id and l.class_code = c.class_code
    and (s.subject_code is null or s.subject_code in (d.doc_subject, d.department_code)
         or l.unit_code = s.subject_code)
group by all
"""

IDENTITIES: list[Identity] = [
    Identity(
        "income_total_equals_expenditure_total",
        "收入总计 = 支出总计 in every 收支总表 and 财政拨款收支总表",
        "ERROR",
        "mart_unit_budget",
        INCOME_EQUALS_EXPENDITURE,
    ),
    Identity(
        "line_total_equals_basic_plus_project",
        "Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column)",
        "ERROR",
        "fact_expenditure",
        LINE_TOTAL,
    ),
    Identity(
        "lines_sum_to_stated_total",
        "Σ leaf lines = the table's 合计 row, for 合计, 基本支出 and 项目支出",
        "ERROR",
        "fact_expenditure",
        LINES_SUM_TO_TOTAL,
    ),
    Identity(
        "function_class_totals_match",
        "The function-class amounts stated in 收支总表 = the class sums of the expenditure lines",
        "WARN",
        "fact_expenditure",
        FUNCTION_CLASS_TOTALS,
    ),
]
