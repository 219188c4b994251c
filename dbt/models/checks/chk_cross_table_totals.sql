-- One document's totals agree across its tables: 支出总表 = 一般公共预算财政拨款支出表 (when all funding is
-- general public budget); Σ 项目支出表 = the 支出总表's 项目支出; Σ 基本支出表 = its 基本支出.
with w as (
    {{ wide_cells(['total', 'basic', 'project', 'amount'],
                  ['expenditure_summary', 'gpb_expenditure', 'gpb_basic_expenditure', 'project_expenditure']) }}
),

totals as (
    select document_id, table_kind, coalesce(subject_code, '') as subject, min(page) as page,
        max(unit_yuan) as unit_yuan, max(total) as total, max(basic) as basic, max(project) as project
    from w where row_type = 'total'
    group by document_id, table_kind, coalesce(subject_code, '')
),

income as ({{ wide_cells(['income_item', 'income_amount'], ['income_expenditure_summary']) }}),

-- the label as printed (spaces removed, ordinal kept): seed label_rules, vocabularies gpb_income_printed and
-- summary_income_row
printed as (
    select *,
        {{ label_in('gpb_income_printed', "replace(income_item_text, ' ', '')") }} as is_gpb,
        {{ label_in('summary_income_row', "replace(income_item_text, ' ', '')", ['current_total']) }} as is_current
    from income
),

gpb_only as (  -- all funding is general public budget: 一般公共预算 income = 本年收入合计
    select document_id from printed
    group by document_id
    having max(income_amount) filter (where is_gpb) = max(income_amount) filter (where is_current)
),

pairs as (
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan) as unit_yuan, o.page,
           '支出总表 合计 = 一般公共预算财政拨款支出表 合计' as item, s.total as expected, o.total as actual
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_expenditure'
      and s.document_id in (select document_id from gpb_only)
    union all
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan), o.page, 'Σ 项目支出表 = 支出总表 项目支出',
        s.project, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'project_expenditure'
    union all
    select s.document_id, s.subject, greatest(s.unit_yuan, o.unit_yuan), o.page, 'Σ 基本支出表 = 支出总表 基本支出',
        s.basic, o.total
    from totals s join totals o on o.document_id = s.document_id and o.subject = s.subject
    where s.table_kind = 'expenditure_summary' and o.table_kind = 'gpb_basic_expenditure'
      and s.document_id in (select document_id from gpb_only)
)

select document_id, 'cross_table' as table_kind, cast(null as integer) as table_index, page,
    nullif(subject, '') as subject_code, item, expected, actual, 1 as n_terms, unit_yuan
from pairs where expected is not null and actual is not null
