"""The accounting identities a budget disclosure must satisfy, as SQL over the built warehouse.

Each identity query returns one row per place the identity applies (a table, a row, a class …) with
`expected` and `actual` in yuan, the number of rounded terms behind them, and `unit_yuan`: the largest
unit of the last printed place among the figures compared (`printed_unit`). The Great Expectations suites
in `suites.py` judge those rows.

Tolerance rule (`suites.tolerance`): every printed amount is rounded to the last place it prints, so it is
off by at most half a unit of that place: 0.005 万元 = 50 yuan for "2,426.26" in a 万元 table, 0.5 yuan
for "9,501,164" in a whole-yuan table. Comparing a printed figure with an expression of n printed terms
can therefore differ by up to (n + 1) × 0.5 × unit_yuan without any error in the source (the documents
warn: "部分数据合计数由于计量单位取舍不同而产生的计算误差"). The precision of a figure is read from its cell
text (decimals printed or not) and its table's currency multiplier, here and nowhere else.
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


# The canonical columns that hold amounts (docs/architecture.md); only their figures carry a precision.
AMOUNT_COLUMNS = frozenset({
    "total", "basic", "project", "personnel", "public", "project_excl_capital", "operating", "remit_upper",
    "subsidy_subordinate", "reserve", "carry_forward", "amount", "travel_abroad", "reception", "vehicles",
    "vehicle_purchase", "vehicle_operation", "meetings", "training", "total_incl_meetings_training",
    "operating_costs", "income_amount", "expense_amount", "purpose_amount", "econ_dept_amount", "econ_gov_amount",
    "expense_gpb_amount", "expense_gov_fund_amount", "expense_soe_amount", "opening_balance", "current_income",
    "closing_balance",
})


def printed_unit(text: str, multiplier: str, amount: str) -> str:
    """SQL: the unit of the last printed place of one figure, in yuan — 10^-decimals × multiplier, where
    decimals is the number of digits printed after the point ("2,426.26" → 2, "9,501,164" → 0). Null for a
    blank or zero figure: a printed zero is exact and says nothing about the table's rounding."""
    digits = rf"regexp_replace(regexp_replace(coalesce({text}, ''), '<[^>]*>', '', 'g'), '[,，\s]', '', 'g')"
    decimals = rf"length(regexp_extract({digits}, '\.([0-9]*)$', 1))"
    return (f"(case when {amount} <> 0 then power(10.0, -{decimals}) * coalesce({multiplier}, 1) end)")


CELL_UNIT = printed_unit("raw_text", "multiplier", "amount_yuan")


def _wide(columns: list[str], kinds: list[str]) -> str:
    """Pivot int_table_cells to one row per table row with the given canonical columns; `unit_yuan` is the
    coarsest printed precision among the row's amount columns picked."""
    picks = ",\n        ".join(
        f"max(case when column_name = '{c}' then raw_text end) as {c}_text, "
        f"max(case when column_name = '{c}' then amount_yuan end) as {c}"
        for c in columns
    )
    amounts = ", ".join(f"'{c}'" for c in columns if c in AMOUNT_COLUMNS)
    kind_list = ", ".join(f"'{k}'" for k in kinds)
    return f"""
    select document_id, table_index, any_value(table_kind) as table_kind, row_index,
        any_value(page) as page, any_value(row_type) as row_type,
        max(case when column_name in ({amounts}) then {CELL_UNIT} end) as unit_yuan,
        any_value(subject_code) as subject_code,
        {picks}
    from int_table_cells
    where table_kind in ({kind_list})
    group by document_id, table_index, row_index"""


# The printed precision of every fact line: the coarsest among the amounts of the row it was read from
# (for a class_remainder line, the 收支总表 row whose class amount it completes).
FACT_LINE_UNITS = f"""
    select c.document_id, c.table_index, c.row_index, max({CELL_UNIT}) as unit_yuan
    from int_table_cells c
    join (select distinct document_id, table_index, row_index from fact_expenditure) f
        using (document_id, table_index, row_index)
    where c.column_name in ({", ".join(f"'{c}'" for c in sorted(AMOUNT_COLUMNS))})
    group by c.document_id, c.table_index, c.row_index"""

# The coarsest printed precision of the figures a document states its totals in (the tables
# mart_unit_budget reads: 支出总表, 一般公共预算支出表, 收入总表).
DOCUMENT_TOTAL_UNITS = f"""
    select document_id, max({CELL_UNIT}) as unit_yuan
    from int_table_cells
    where table_kind in ('expenditure_summary', 'gpb_expenditure', 'income_summary')
      and column_name in ('total', 'amount', 'basic', 'project', 'personnel', 'public')
    group by document_id"""


# Jiangsu prints 支出合计 under 功能分类 (expense_item) and its amount under 支出用途 (purpose_amount).
INCOME_EQUALS_EXPENDITURE = f"""
with w as ({_wide(["income_item", "income_amount", "expense_item", "expense_amount", "purpose_item", "purpose_amount"],
                  ["income_expenditure_summary", "fiscal_income_expenditure_summary"])})
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计', '总计')) as page,
    any_value(subject_code) as subject_code, '收入总计 = 支出总计' as item,
    coalesce(max(income_amount) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计', '总计')), 0)
        as expected,
    coalesce(max(coalesce(expense_amount, purpose_amount)) filter (
        where replace(coalesce(expense_item_text, '') || coalesce(purpose_item_text, ''), ' ', '')
              in ('支出总计', '支出合计', '总计')), 0) as actual,
    1 as n_terms, max(unit_yuan) as unit_yuan
from w
group by document_id, table_index
having count(*) filter (where replace(income_item_text, ' ', '') in ('收入总计', '收入合计', '总计')) > 0
"""

# Jiangsu's 支出预算总表 adds 单位预留机动经费 (reserve) and 结转下年资金 (carry_forward) to the total. A final
# accounts' 支出决算表 prints 上缴上级支出, 经营支出 and 对附属单位补助支出 beside 基本 and 项目 as parts of 本年支出合计;
# a budget's 支出总表 prints the same three under 其中 (parts of its other figures), so they are added for
# final accounts only.
LINE_TOTAL = f"""
with w as ({_wide(["total", "basic", "project", "personnel", "public", "reserve", "carry_forward",
                   "remit_upper", "operating", "subsidy_subordinate"],
                  ["expenditure_summary", "gpb_expenditure"])}),
parts as (
    select w.*, case when d.statement = 'final_accounts' then remit_upper end as fa_remit_upper,
        case when d.statement = 'final_accounts' then operating end as fa_operating,
        case when d.statement = 'final_accounts' then subsidy_subordinate end as fa_subsidy_subordinate
    from w left join int_documents d using (document_id)
)
select document_id, table_index, table_kind, page, subject_code,
    'row ' || row_index as item,
    total as expected,
    coalesce(basic, personnel + public, personnel, public, 0) + coalesce(project, 0)
      + coalesce(reserve, 0) + coalesce(carry_forward, 0)
      + coalesce(fa_remit_upper, 0) + coalesce(fa_operating, 0) + coalesce(fa_subsidy_subordinate, 0) as actual,
    (case when basic is null and personnel is not null then 3 else 2 end)
      + (reserve is not null)::int + (carry_forward is not null)::int
      + (fa_remit_upper is not null)::int + (fa_operating is not null)::int
      + (fa_subsidy_subordinate is not null)::int as n_terms,
    unit_yuan
from parts
where row_type in ('data', 'total', 'group')
  and total is not null
  and (basic is not null or project is not null or personnel is not null)
"""

LINES_SUM_TO_TOTAL = f"""
with w as ({_wide(["total", "basic", "project"],
                  ["expenditure_summary", "gpb_expenditure", "gpb_basic_expenditure", "project_expenditure"])}),
long as (
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'total' as col, total as v
    from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'basic', basic from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'project', project from w
)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where row_type = 'total') as page, any_value(subject_code) as subject_code,
    'Σ lines ' || col || ' = 合计' as item,
    max(v) filter (where row_type = 'total') as expected,
    coalesce(sum(v) filter (where row_type = 'data'), 0) as actual,
    count(v) filter (where row_type = 'data') as n_terms,
    max(unit_yuan) as unit_yuan
from long
group by document_id, table_index, col
having count(v) filter (where row_type = 'total') = 1 and count(v) filter (where row_type = 'data') > 0
"""

# The facts hold the whole document: Σ fact_expenditure = the total expenditure the document states, for
# the document (its own part: the department in a department document, the unit in a unit document) and
# for each unit part it itemises separately (the statement mart_unit_budget would pick: 支出总表 合计 first).
FACTS_SUM_TO_STATED_TOTAL = f"""
with docs as (
    select document_id, case when doc_kind = 'department' then coalesce(department_code, subject_code)
                             else subject_code end as own_code
    from int_documents where status = 'current'
),
stated as (
    select t.document_id, t.unit_code, t.total_yuan, t.source, t.page,
        coalesce(t.unit_code, '') = coalesce(d.own_code, '') as is_own
    from int_unit_totals t join docs d using (document_id)
    where t.total_yuan is not null
    qualify row_number() over (partition by t.document_id, t.unit_code order by t.priority, t.source, t.page) = 1
),
lines as (
    select f.document_id, case when f.unit_key = 'unknown' then null else split_part(f.unit_key, '-', 2) end
            as unit_code,
        f.amount_yuan, u.unit_yuan
    from fact_expenditure f
    left join ({FACT_LINE_UNITS}) u using (document_id, table_index, row_index)
),
parts as (  -- the document as a whole, then each unit part other than its own
    select d.document_id, d.own_code as unit_code, true as is_own, sum(l.amount_yuan) as amount,
        count(l.amount_yuan) as n, max(l.unit_yuan) as unit_yuan
    from docs d left join lines l using (document_id)
    group by d.document_id, d.own_code
    union all
    select l.document_id, l.unit_code, false, sum(l.amount_yuan), count(*), max(l.unit_yuan)
    from lines l join docs d using (document_id)
    where l.unit_code is not null and l.unit_code <> coalesce(d.own_code, '')
    group by l.document_id, l.unit_code
)
select coalesce(p.document_id, s.document_id) as document_id, null::int as table_index,
    split_part(s.source, ' ', 1) as table_kind, s.page, coalesce(p.unit_code, s.unit_code) as subject_code,
    case when coalesce(p.is_own, s.is_own) then 'Σ fact_expenditure = stated total expenditure (' || s.source || ')'
         else 'Σ fact_expenditure of unit ' || coalesce(p.unit_code, s.unit_code)
              || ' = its stated total expenditure (' || s.source || ')' end as item,
    s.total_yuan as expected, coalesce(p.amount, 0) as actual, greatest(coalesce(p.n, 0), 1) as n_terms,
    greatest(p.unit_yuan, tu.unit_yuan) as unit_yuan
from parts p
full join stated s on s.document_id = p.document_id and s.is_own = p.is_own
    and (p.is_own or s.unit_code = p.unit_code)
left join ({DOCUMENT_TOTAL_UNITS}) tu on tu.document_id = coalesce(p.document_id, s.document_id)
where s.total_yuan is not null
  and (p.document_id is not null or s.source like 'expenditure_summary%' or s.source like 'gpb_expenditure 合计%')
"""

# The class amounts a 收支总表 states ("十、卫生健康支出 2,426.26") against the class sums of the fact lines.
FUNCTION_CLASS_TOTALS = f"""
with w as ({_wide(["expense_item", "expense_amount"], ["income_expenditure_summary"])}),
stated as (
    select w.document_id, w.table_index, w.page, w.subject_code, w.unit_yuan,
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
        sum(f.amount_yuan) as amount, count(*) as n, max(u.unit_yuan) as unit_yuan
    from fact_expenditure f
    left join ({FACT_LINE_UNITS}) u using (document_id, table_index, row_index)
    group by all
)
select s.document_id, s.table_index, 'income_expenditure_summary' as table_kind, s.page, s.subject_code,
    c.class_code || ' ' || s.class_name as item,
    s.stated as expected,
    coalesce(sum(l.amount), 0) as actual,
    greatest(coalesce(sum(l.n), 0), 1) as n_terms,
    greatest(max(s.unit_yuan), max(l.unit_yuan)) as unit_yuan
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
    select document_id, min(page) as page, max(unit_yuan) as unit_yuan,
        coalesce(max(income_amount) filter (where label in ('本年收入合计', '当年收入小计', '本年收入小计')),
                 max(income_amount) filter (where label in ('收入总计', '收入合计', '总计'))) as current_income,
        max(income_amount) filter (where label like '财政拨款%') as fiscal,
        max(income_amount) filter (where label like '一般公共预算%') as gpb
    from l group by document_id
),
lines as (
    select document_id,
        any_value(source_table_kind) filter (where line_basis = 'printed_line') as line_table,
        sum(amount_yuan) filter (where line_basis = 'class_remainder') as remainders,
        count(*) filter (where line_basis = 'class_remainder') as n,
        max(u.unit_yuan) filter (where line_basis = 'class_remainder') as unit_yuan
    from fact_expenditure
    left join ({FACT_LINE_UNITS}) u using (document_id, table_index, row_index)
    group by document_id
)
select i.document_id, null::int as table_index, 'income_expenditure_summary' as table_kind, i.page,
    null as subject_code, 'Σ class remainders = 本年收入 − income of the itemised ' || l.line_table as item,
    i.current_income - coalesce(case l.line_table when 'gpb_expenditure' then i.gpb else i.fiscal end, 0)
        as expected,
    l.remainders as actual, l.n + 2 as n_terms, greatest(i.unit_yuan, l.unit_yuan) as unit_yuan
from income i join lines l using (document_id)
where l.n > 0
"""

# 收入总计 = 本年收入合计 + 上年结转结余 (and the other top-level items printed between them).
# 决算 adds 使用非财政拨款结余 on the income side and 结余分配 on the expenditure side
CARRY_IN = ("(label like '上年结转%' or label like '年初%结转%' "
            "or label in ('用事业基金弥补收支差额', '上年实户资金余额', '使用非财政拨款结余'))")
CARRY_OUT = ("(label like '年终结转%' or label like '年末%结转%' "
             "or label in ('结转下年', '未安排支出的实户资金', '结余分配'))")
INCOME_TOTAL_PARTS = f"""
with w as ({_wide(["income_item", "income_amount"], SUMMARY_KINDS)}),
l as (select *, {_label("income_item")} as label,
             starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '（')
             or starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '(') as is_child from w)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where label in ('收入总计', '收入合计', '总计')) as page, any_value(subject_code) as subject_code,
    '收入总计 = 本年收入合计 + 上年结转结余' as item,
    max(income_amount) filter (where label in ('收入总计', '收入合计', '总计')) as expected,
    coalesce(max(income_amount) filter (where label in ('本年收入合计', '本年收入')), 0)
      + coalesce(sum(income_amount) filter (where not is_child and {CARRY_IN}), 0) as actual,
    1 + count(income_amount) filter (where not is_child and {CARRY_IN}) as n_terms,
    max(unit_yuan) as unit_yuan
from l group by document_id, table_index
having count(*) filter (where label in ('收入总计', '收入合计', '总计')) > 0
   and count(*) filter (where label in ('本年收入合计', '本年收入')) > 0
"""

EXPENDITURE_TOTAL_PARTS = f"""
with w as ({_wide(["expense_item", "expense_amount"], SUMMARY_KINDS)}),
l as (select *, {_label("expense_item")} as label from w)
select document_id, table_index, any_value(table_kind) as table_kind,
    min(page) filter (where label in ('支出总计', '支出合计', '总计')) as page, any_value(subject_code) as subject_code,
    '支出总计 = 本年支出合计 + 年终结转结余' as item,
    max(expense_amount) filter (where label in ('支出总计', '支出合计', '总计')) as expected,
    coalesce(max(expense_amount) filter (where label in ('本年支出合计', '本年支出')), 0)
      + coalesce(sum(expense_amount) filter (where {CARRY_OUT}), 0) as actual,
    1 + count(expense_amount) filter (where {CARRY_OUT}) as n_terms,
    max(unit_yuan) as unit_yuan
from l group by document_id, table_index
having count(*) filter (where label in ('支出总计', '支出合计', '总计')) > 0
   and count(*) filter (where label in ('本年支出合计', '本年支出')) > 0
"""

BASIC_PARTS = f"""
with w as ({_wide(["total", "basic", "personnel", "public"],
                  ["gpb_expenditure", "gpb_basic_expenditure", "gpb_basic_expenditure_function"])})
select document_id, table_index, table_kind, page, subject_code, 'row ' || row_index as item,
    coalesce(basic, total) as expected, coalesce(personnel, 0) + coalesce(public, 0) as actual,
    2 as n_terms, unit_yuan
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
    greatest(p.unit_yuan, max(ch.unit_yuan)) as unit_yuan
from parents p
join children ch on ch.document_id = p.document_id and ch.table_index = p.table_index
    and starts_with(ch.code, p.code)
    and length(ch.code) = (select min(length(x.code)) from children x
                           where x.document_id = p.document_id and x.table_index = p.table_index
                             and starts_with(x.code, p.code) and length(x.code) > length(p.code))
group by p.document_id, p.table_index, p.table_kind, p.page, p.subject_code, p.code, p.total, p.unit_yuan
"""

# One document's totals agree across its tables.
CROSS_TABLE_TOTALS = f"""
with w as ({_wide(["total", "basic", "project", "amount"],
                  ["expenditure_summary", "gpb_expenditure", "gpb_basic_expenditure", "project_expenditure"])}),
totals as (
    select document_id, table_kind, coalesce(subject_code, '') as subject, min(page) as page,
        max(unit_yuan) as unit_yuan, max(total) as total, max(basic) as basic, max(project) as project
    from w where row_type = 'total' group by all
),
gpb_only as (  -- all funding is general public budget: 一般公共预算 income = 收入总计
    select document_id from ({_wide(["income_item", "income_amount"], ["income_expenditure_summary"])})
    group by document_id
    having max(income_amount) filter (where replace(income_item_text, ' ', '') like '%一般公共预算%')
         = max(income_amount) filter (where replace(income_item_text, ' ', '') in ('本年收入合计'))
),
pairs as (
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan) as unit_yuan, o.page,
           '支出总表 合计 = 一般公共预算财政拨款支出表 合计' as item, s.total as expected, o.total as actual
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_expenditure'
      and s.document_id in (select document_id from gpb_only)
    union all
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan), o.page, 'Σ 项目支出表 = 支出总表 项目支出', s.project, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'project_expenditure'
    union all
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan), o.page, 'Σ 基本支出表 = 支出总表 基本支出', s.basic, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_basic_expenditure'
      and s.document_id in (select document_id from gpb_only)
)
select document_id, null::int as table_index, 'cross_table' as table_kind, page,
    nullif(subject, '') as subject_code, item, expected, actual, 1 as n_terms, unit_yuan
from pairs where expected is not null and actual is not null
"""

# Economic classes of the basic-expenditure table equal those of the 支出总表's basic column.
ECON_CLASS_BASIC = f"""
with s as ({_wide(["econ_dept", "basic"], ["expenditure_summary"])}),
b as ({_wide(["econ_dept", "econ_dept_code", "total"], ["gpb_basic_expenditure"])}),
sc as (select document_id, left(regexp_extract(replace(econ_dept_text, ' ', ''), '^[0-9]+'), 3) as cls,
              sum(basic) as amount, count(basic) as n, max(unit_yuan) as unit_yuan
       from s where row_type = 'data' and basic is not null group by all),
bc as (select document_id, left(regexp_extract(replace(coalesce(econ_dept_text, econ_dept_code_text), ' ', ''),
                                 '^[0-9]+'), 3) as cls,
              sum(total) as amount, count(total) as n, min(page) as page, max(unit_yuan) as unit_yuan
       from b where row_type = 'data' and total is not null group by all)
select sc.document_id, null::int as table_index, 'gpb_basic_expenditure' as table_kind, bc.page,
    null as subject_code, '经济分类 ' || sc.cls || ': 基本支出表 = 支出总表' as item,
    sc.amount as expected, coalesce(bc.amount, 0) as actual, sc.n + coalesce(bc.n, 0) as n_terms,
    greatest(sc.unit_yuan, bc.unit_yuan) as unit_yuan
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
    4 as n_terms, unit_yuan
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
    4 as n_terms, max(unit_yuan) as unit_yuan
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
    count(amount) filter (where row_type = 'data') as n_terms, max(unit_yuan) as unit_yuan
from w group by document_id, table_index
having count(amount) filter (where row_type = 'total') = 1 and any_value(table_kind) <> 'special_program_expenditure'
"""

# A department document's figures for a unit = the unit's own document (same unit, same year).
CROSS_DOCUMENT = f"""
select u.document_id, null::int as table_index, 'cross_document' as table_kind, u.source_page as page,
    split_part(u.unit_key, '-', 2) as subject_code,
    'unit document total = department document figure for ' || u.unit_key as item,
    d.total_yuan as expected, u.total_yuan as actual, 1 as n_terms,
    greatest(uu.unit_yuan, du.unit_yuan) as unit_yuan
from mart_unit_budget u
join dim_document ud on ud.document_id = u.document_id and ud.doc_kind = 'unit'
join mart_unit_budget d on d.unit_key = u.unit_key and d.fiscal_year = u.fiscal_year
    and d.statement = u.statement and d.document_id <> u.document_id
join dim_document dd on dd.document_id = d.document_id and dd.doc_kind = 'department'
left join ({DOCUMENT_TOTAL_UNITS}) uu on uu.document_id = u.document_id
left join ({DOCUMENT_TOTAL_UNITS}) du on du.document_id = d.document_id
"""

# Amounts stated in the explanation text agree with the tables.
NARRATIVE_AMOUNTS = f"""
with claims as (
    select document_id, claim_label, amount_yuan, page,
        {printed_unit('amount_text', 'multiplier', 'amount_yuan')} as unit_yuan
    from int_narrative_claims
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
    c.amount_yuan as actual, 1 as n_terms, greatest(c.unit_yuan, t.unit_yuan) as unit_yuan
from claims c join subject s using (document_id)
left join ({DOCUMENT_TOTAL_UNITS}) t using (document_id)
"""

IDENTITIES: list[Identity] = [
    Identity("income_total_equals_expenditure_total", "收入总计 = 支出总计 in every 收支总表 and 财政拨款收支总表",
             "ERROR", "mart_unit_budget", INCOME_EQUALS_EXPENDITURE),
    Identity("income_total_equals_current_plus_carryover", "收入总计 = 本年收入合计 + 上年结转结余",
             "ERROR", "mart_unit_budget", INCOME_TOTAL_PARTS),
    Identity("expenditure_total_equals_current_plus_carryover", "支出总计 = 本年支出合计 + 年终结转结余",
             "ERROR", "mart_unit_budget", EXPENDITURE_TOTAL_PARTS),
    Identity("line_total_equals_basic_plus_project",
             "Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column; "
             "决算: + 上缴上级支出 + 经营支出 + 对附属单位补助支出)",
             "ERROR", "fact_expenditure", LINE_TOTAL),
    Identity("basic_equals_personnel_plus_public", "基本支出 = 人员经费 + 公用经费 where both are given",
             "ERROR", "fact_expenditure", BASIC_PARTS),
    Identity("lines_sum_to_stated_total", "Σ leaf lines = the table's 合计 row, for 合计, 基本支出 and 项目支出",
             "ERROR", "fact_expenditure", LINES_SUM_TO_TOTAL),
    Identity("facts_sum_to_stated_total",
             "Σ fact_expenditure = the stated total expenditure, for the document and for each unit part",
             "ERROR", "fact_expenditure", FACTS_SUM_TO_STATED_TOTAL),
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
    # 决算: the identity is a dbt model (dbt/models/checks/chk_fund_balances.sql, _final_accounts_checks.yml)
    Identity("fund_balances",
             "年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余: every line of the 政府性基金 / 国有资本经营 决算表, "
             "each fund of the 财政拨款收入支出决算总表, all money of the 收入支出决算总表 (+ 使用非财政拨款结余 − 结余分配)",
             "ERROR", "mart_fund_balances", "select * from checks.chk_fund_balances"),
]
