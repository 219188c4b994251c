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


# Jiangsu prints 支出合计 under 功能分类 (expense_item) and its amount under 支出用途 (purpose_amount).
INCOME_EQUALS_EXPENDITURE = f"""
with w as ({_wide(["income_item", "income_amount", "expense_item", "expense_amount", "purpose_item", "purpose_amount"],
                  ["income_expenditure_summary", "fiscal_income_expenditure_summary"])})
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')) as page,
    any_value(subject_code) as subject_code, '收入总计 = 支出总计' as item,
    coalesce(max(income_amount) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')), 0)
        as expected,
    coalesce(max(coalesce(expense_amount, purpose_amount)) filter (
        where replace(coalesce(expense_item_text, '') || coalesce(purpose_item_text, ''), ' ', '')
              in ('支出总计', '支出合计')), 0) as actual,
    1 as n_terms, any_value(multiplier) as multiplier
from w
group by document_id, table_index
having count(*) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计')) > 0
"""

# Jiangsu's 支出预算总表 adds 单位预留机动经费 (reserve) and 结转下年资金 (carry_forward) to the total.
LINE_TOTAL = f"""
with w as ({_wide(["total", "basic", "project", "personnel", "public", "reserve", "carry_forward"],
                  ["expenditure_summary", "gpb_expenditure"])})
select document_id, table_index, table_kind, page, subject_code,
    'row ' || row_index as item,
    total as expected,
    coalesce(basic, personnel + public, personnel, public, 0) + coalesce(project, 0)
      + coalesce(reserve, 0) + coalesce(carry_forward, 0) as actual,
    (case when basic is null and personnel is not null then 3 else 2 end)
      + (reserve is not null)::int + (carry_forward is not null)::int as n_terms,
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
having count(v) filter (where row_type = 'total') = 1 and count(v) filter (where row_type = 'data') > 0
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

def _label(col: str) -> str:
    """A row label without spaces and its ordinal prefix ("二、上年结转" → "上年结转")."""
    return (
        f"regexp_replace(replace(coalesce({col}_text, ''), ' ', ''), "
        "'^[一二三四五六七八九十百零〇0-9]+[、.．]|^[（(][一二三四五六七八九十0-9]+[)）]', '')"
    )


SUMMARY_KINDS = ["income_expenditure_summary", "fiscal_income_expenditure_summary"]

# Where a document itemises only 财政拨款 (or only 一般公共预算) lines, fact_expenditure adds class-level
# remainders up to the 收支总表's all-fund class amounts (int_expenditure_lines). Their sum must be the
# income those lines do not cover: 本年收入 − 财政拨款 (or − 一般公共预算) as the 收支总表 prints them.
CLASS_REMAINDERS = f"""
with w as ({_wide(["income_item", "income_amount"], ["income_expenditure_summary"])}),
l as (select *, {_label("income_item")} as label from w),
income as (
    select document_id, min(page) as page, any_value(multiplier) as multiplier,
        coalesce(max(income_amount) filter (where label in ('本年收入合计', '当年收入小计', '本年收入小计')),
                 max(income_amount) filter (where label in ('收入总计', '收入合计'))) as current_income,
        max(income_amount) filter (where label like '财政拨款%') as fiscal,
        max(income_amount) filter (where label like '一般公共预算%') as gpb
    from l group by document_id
),
lines as (
    select document_id,
        any_value(source_table_kind) filter (where line_basis = 'printed_line') as line_table,
        sum(amount_yuan) filter (where line_basis = 'class_remainder') as remainders,
        count(*) filter (where line_basis = 'class_remainder') as n
    from fact_expenditure group by document_id
)
select i.document_id, null::int as table_index, 'income_expenditure_summary' as table_kind, i.page,
    null as subject_code, 'Σ class remainders = 本年收入 − income of the itemised ' || l.line_table as item,
    i.current_income - coalesce(case l.line_table when 'gpb_expenditure' then i.gpb else i.fiscal end, 0)
        as expected,
    l.remainders as actual, l.n + 2 as n_terms, i.multiplier
from income i join lines l using (document_id)
where l.n > 0
"""

# 收入总计 = 本年收入合计 + 上年结转结余 (and the other top-level items printed between them).
CARRY_IN = ("(label like '上年结转%' or label like '年初%结转%' "
            "or label in ('用事业基金弥补收支差额', '上年实户资金余额'))")
CARRY_OUT = "(label like '年终结转%' or label like '年末%结转%' or label in ('结转下年', '未安排支出的实户资金'))"
INCOME_TOTAL_PARTS = f"""
with w as ({_wide(["income_item", "income_amount"], SUMMARY_KINDS)}),
l as (select *, {_label("income_item")} as label,
             starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '（')
             or starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '(') as is_child from w)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where label in ('收入总计', '收入合计')) as page, any_value(subject_code) as subject_code,
    '收入总计 = 本年收入合计 + 上年结转结余' as item,
    max(income_amount) filter (where label in ('收入总计', '收入合计')) as expected,
    coalesce(max(income_amount) filter (where label in ('本年收入合计', '本年收入')), 0)
      + coalesce(sum(income_amount) filter (where not is_child and {CARRY_IN}), 0) as actual,
    1 + count(income_amount) filter (where not is_child and {CARRY_IN}) as n_terms,
    any_value(multiplier) as multiplier
from l group by document_id, table_index
having count(*) filter (where label in ('收入总计', '收入合计')) > 0
   and count(*) filter (where label in ('本年收入合计', '本年收入')) > 0
"""

EXPENDITURE_TOTAL_PARTS = f"""
with w as ({_wide(["expense_item", "expense_amount"], SUMMARY_KINDS)}),
l as (select *, {_label("expense_item")} as label from w)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where label in ('支出总计', '支出合计')) as page, any_value(subject_code) as subject_code,
    '支出总计 = 本年支出合计 + 年终结转结余' as item,
    max(expense_amount) filter (where label in ('支出总计', '支出合计')) as expected,
    coalesce(max(expense_amount) filter (where label in ('本年支出合计', '本年支出')), 0)
      + coalesce(sum(expense_amount) filter (where {CARRY_OUT}), 0) as actual,
    1 + count(expense_amount) filter (where {CARRY_OUT}) as n_terms,
    any_value(multiplier) as multiplier
from l group by document_id, table_index
having count(*) filter (where label in ('支出总计', '支出合计')) > 0
   and count(*) filter (where label in ('本年支出合计', '本年支出')) > 0
"""

BASIC_PARTS = f"""
with w as ({_wide(["total", "basic", "personnel", "public"],
                  ["gpb_expenditure", "gpb_basic_expenditure", "gpb_basic_expenditure_function"])})
select document_id, table_index, table_kind, page, subject_code, 'row ' || row_index as item,
    coalesce(basic, total) as expected, coalesce(personnel, 0) + coalesce(public, 0) as actual,
    2 as n_terms, multiplier
from w
where row_type in ('data', 'total', 'group') and (personnel is not null or public is not null)
  and (basic is not null or table_kind <> 'gpb_expenditure') and coalesce(basic, total) is not null
"""

# 类 = Σ 款 and 款 = Σ 项 in tables that print the hierarchy (Hebei 支出总表, Xi'an 表5–8).
HIERARCHY_SUMS = f"""
with w as ({_wide(["function_code", "econ_dept_code", "total"],
                  ["expenditure_summary", "gpb_expenditure", "gpb_basic_expenditure",
                   "gpb_basic_expenditure_function", "gpb_expenditure_econ"])}),
c as (select *, regexp_extract(replace(coalesce(function_code_text, econ_dept_code_text, ''), ' ', ''),
                               '^[0-9]+') as code from w where row_type in ('data', 'group')),
parents as (select * from c where row_type = 'group' and length(code) in (3, 5) and total is not null),
children as (select * from c where length(code) in (5, 7))
select p.document_id, p.table_index, p.table_kind, p.page, p.subject_code,
    p.code || ' = Σ ' || (case when length(p.code) = 3 and any_value(length(ch.code)) = 5 then '款' else '项' end)
        as item,
    p.total as expected, coalesce(sum(ch.total), 0) as actual, greatest(count(ch.total), 1) as n_terms,
    p.multiplier
from parents p
join children ch on ch.document_id = p.document_id and ch.table_index = p.table_index
    and starts_with(ch.code, p.code)
    and length(ch.code) = (select min(length(x.code)) from children x
                           where x.document_id = p.document_id and x.table_index = p.table_index
                             and starts_with(x.code, p.code) and length(x.code) > length(p.code))
group by p.document_id, p.table_index, p.table_kind, p.page, p.subject_code, p.code, p.total, p.multiplier
"""

# One document's totals agree across its tables.
CROSS_TABLE_TOTALS = f"""
with w as ({_wide(["total", "basic", "project", "amount"],
                  ["expenditure_summary", "gpb_expenditure", "gpb_basic_expenditure", "project_expenditure"])}),
totals as (
    select document_id, table_kind, coalesce(subject_code, '') as subject, min(page) as page,
        any_value(multiplier) as multiplier, max(total) as total, max(basic) as basic, max(project) as project
    from w where row_type = 'total' group by all
),
gpb_only as (  -- all funding is general public budget: 一般公共预算 income = 收入总计
    select document_id from ({_wide(["income_item", "income_amount"], ["income_expenditure_summary"])})
    group by document_id
    having max(income_amount) filter (where replace(income_item_text, ' ', '') like '%一般公共预算%')
         = max(income_amount) filter (where replace(income_item_text, ' ', '') in ('本年收入合计'))
),
pairs as (
    select s.document_id, s.subject, s.multiplier, o.page,
           '支出总表 合计 = 一般公共预算财政拨款支出表 合计' as item, s.total as expected, o.total as actual
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_expenditure'
      and s.document_id in (select document_id from gpb_only)
    union all
    select s.document_id, s.subject, s.multiplier, o.page, 'Σ 项目支出表 = 支出总表 项目支出', s.project, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'project_expenditure'
    union all
    select s.document_id, s.subject, s.multiplier, o.page, 'Σ 基本支出表 = 支出总表 基本支出', s.basic, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_basic_expenditure'
      and s.document_id in (select document_id from gpb_only)
)
select document_id, null::int as table_index, 'cross_table' as table_kind, page,
    nullif(subject, '') as subject_code, item, expected, actual, 1 as n_terms, multiplier
from pairs where expected is not null and actual is not null
"""

# Economic classes of the basic-expenditure table equal those of the 支出总表's basic column.
ECON_CLASS_BASIC = f"""
with s as ({_wide(["econ_dept", "basic"], ["expenditure_summary"])}),
b as ({_wide(["econ_dept", "econ_dept_code", "total"], ["gpb_basic_expenditure"])}),
sc as (select document_id, left(regexp_extract(replace(econ_dept_text, ' ', ''), '^[0-9]+'), 3) as cls,
              sum(basic) as amount, count(basic) as n, any_value(multiplier) as multiplier
       from s where row_type = 'data' and basic is not null group by all),
bc as (select document_id, left(regexp_extract(replace(coalesce(econ_dept_text, econ_dept_code_text), ' ', ''),
                                 '^[0-9]+'), 3) as cls,
              sum(total) as amount, count(total) as n, min(page) as page
       from b where row_type = 'data' and total is not null group by all)
select sc.document_id, null::int as table_index, 'gpb_basic_expenditure' as table_kind, bc.page,
    null as subject_code, '经济分类 ' || sc.cls || ': 基本支出表 = 支出总表' as item,
    sc.amount as expected, coalesce(bc.amount, 0) as actual, sc.n + coalesce(bc.n, 0) as n_terms, sc.multiplier
from sc left join bc using (document_id, cls)
where sc.cls <> '' and sc.document_id in (select distinct document_id from b)
"""

THREE_PUBLIC = f"""
with w as ({_wide(["total", "travel_abroad", "reception", "vehicles", "vehicle_purchase", "vehicle_operation"],
                  ["three_public"])})
select document_id, table_index, table_kind, page, subject_code,
    '三公 = 出国 + 接待 + 用车(购置 + 运维)' as item, total as expected,
    coalesce(travel_abroad, 0) + coalesce(reception, 0)
      + coalesce(vehicles, coalesce(vehicle_purchase, 0) + coalesce(vehicle_operation, 0)) as actual,
    4 as n_terms, multiplier
from w where total is not null and row_type = 'data'
  and coalesce(travel_abroad, reception, vehicles, vehicle_purchase, vehicle_operation) is not null
"""

# Hebei prints 三公 as rows: “三公”经费小计 = 一、因公出国（境）费 + 二、公务用车购置及运维费 + 三、公务接待费.
THREE_PUBLIC_ROWS = f"""
with w as ({_wide(["item", "total"], ["three_public"])}),
l as (select *, replace(coalesce(item_text, ''), ' ', '') as label from w)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where label like '%三公%小计%') as page, any_value(subject_code) as subject_code,
    '三公小计 = 出国 + 用车 + 接待 (rows)' as item,
    coalesce(max(total) filter (where label like '%三公%小计%'), 0) as expected,
    coalesce(sum(total) filter (where regexp_matches(label, '^[一二三]、(因公出国|公务用车|公务接待)')), 0) as actual,
    4 as n_terms, any_value(multiplier) as multiplier
from l group by document_id, table_index
having count(*) filter (where label like '%三公%小计%') = 1
"""

CATEGORY_SUMS = f"""
with w as ({_wide(["amount"], ["procurement", "purchased_services", "special_program_expenditure"])})
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where row_type = 'total') as page, any_value(subject_code) as subject_code,
    'Σ items = 合计' as item,
    max(amount) filter (where row_type = 'total') as expected,
    coalesce(sum(amount) filter (where row_type = 'data'), 0) as actual,
    count(amount) filter (where row_type = 'data') as n_terms, any_value(multiplier) as multiplier
from w group by document_id, table_index
having count(amount) filter (where row_type = 'total') = 1 and any_value(table_kind) <> 'special_program_expenditure'
"""

# A department document's figures for a unit = the unit's own document (same unit, same year).
CROSS_DOCUMENT = """
select u.document_id, null::int as table_index, 'cross_document' as table_kind, u.source_page as page,
    split_part(u.unit_key, '-', 2) as subject_code,
    'unit document total = department document figure for ' || u.unit_key as item,
    d.total_yuan as expected, u.total_yuan as actual, 1 as n_terms,
    (select max(multiplier) from int_tables t where t.document_id = u.document_id) as multiplier
from mart_unit_budget u
join dim_document ud on ud.document_id = u.document_id and ud.doc_kind = 'unit'
join mart_unit_budget d on d.unit_key = u.unit_key and d.fiscal_year = u.fiscal_year
    and d.document_id <> u.document_id
join dim_document dd on dd.document_id = d.document_id and dd.doc_kind = 'department'
"""

# Amounts stated in the explanation text agree with the tables.
NARRATIVE_AMOUNTS = """
with claims as (
    select document_id, claim_label, amount_yuan, page, multiplier from int_narrative_claims
),
subject as (
    select m.document_id, m.total_yuan, m.basic_yuan, m.project_yuan
    from mart_unit_budget m join int_documents i using (document_id)
    where m.unit_key = i.region_code || '-' || i.subject_code
)
select c.document_id, null::int as table_index, 'narrative' as table_kind, c.page, null as subject_code,
    '说明: ' || c.claim_label as item,
    case c.claim_label when '基本支出' then s.basic_yuan when '项目支出' then s.project_yuan
         else s.total_yuan end as expected,
    c.amount_yuan as actual, 1 as n_terms, c.multiplier
from claims c join subject s using (document_id)
"""

IDENTITIES: list[Identity] = [
    Identity("income_total_equals_expenditure_total", "收入总计 = 支出总计 in every 收支总表 and 财政拨款收支总表",
             "ERROR", "mart_unit_budget", INCOME_EQUALS_EXPENDITURE),
    Identity("income_total_equals_current_plus_carryover", "收入总计 = 本年收入合计 + 上年结转结余",
             "ERROR", "mart_unit_budget", INCOME_TOTAL_PARTS),
    Identity("expenditure_total_equals_current_plus_carryover", "支出总计 = 本年支出合计 + 年终结转结余",
             "ERROR", "mart_unit_budget", EXPENDITURE_TOTAL_PARTS),
    Identity("line_total_equals_basic_plus_project",
             "Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column)",
             "ERROR", "fact_expenditure", LINE_TOTAL),
    Identity("basic_equals_personnel_plus_public", "基本支出 = 人员经费 + 公用经费 where both are given",
             "ERROR", "fact_expenditure", BASIC_PARTS),
    Identity("lines_sum_to_stated_total", "Σ leaf lines = the table's 合计 row, for 合计, 基本支出 and 项目支出",
             "ERROR", "fact_expenditure", LINES_SUM_TO_TOTAL),
    Identity("hierarchy_sums", "类 = Σ 款 and 款 = Σ 项 where a table prints the hierarchy",
             "ERROR", "fact_expenditure", HIERARCHY_SUMS),
    Identity("function_class_totals_match",
             "The function-class amounts stated in 收支总表 = the class sums of the expenditure lines",
             "ERROR", "fact_expenditure", FUNCTION_CLASS_TOTALS),
    Identity("class_remainders_equal_unitemised_funds",
             "Σ class_remainder lines = 本年收入 − the funds the itemised lines cover (财政拨款 / 一般公共预算)",
             "ERROR", "fact_expenditure", CLASS_REMAINDERS),
    Identity("cross_table_totals",
             "支出总表 = 一般公共预算财政拨款支出表 (all funding general public budget); Σ 项目支出表 = project total; "
             "Σ 基本支出表 = basic total", "ERROR", "mart_unit_budget", CROSS_TABLE_TOTALS),
    Identity("econ_class_basic_totals_match", "Economic-class totals of the basic table = those of the 支出总表",
             "WARN", "fact_expenditure", ECON_CLASS_BASIC),
    Identity("three_public_total", "三公 total = 出国 + 接待 + 用车(购置 + 运维)", "ERROR", "mart_unit_budget",
             f"select * from ({THREE_PUBLIC}) union all select * from ({THREE_PUBLIC_ROWS})"),
    Identity("category_sums", "政府采购 total = Σ categories; 政府购买服务 total = Σ items", "ERROR",
             "mart_unit_budget", CATEGORY_SUMS),
    Identity("department_equals_unit_document",
             "A department document's per-unit figures = the unit's own document of the same year",
             "WARN", "mart_unit_budget", CROSS_DOCUMENT),
    Identity("narrative_matches_tables", "Amounts stated in the explanation text agree with the tables",
             "WARN", "mart_unit_budget", NARRATIVE_AMOUNTS),
]
