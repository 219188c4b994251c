-- Where a document itemises only 财政拨款 (or only 一般公共预算) lines, fact_expenditure adds class-level
-- remainders up to the 收支总表's all-fund class amounts (int_expenditure_lines). Their sum must be the
-- income those lines do not cover: 本年收入 − 财政拨款 (or − 一般公共预算) as the 收支总表 prints them.
with w as ({{ wide_cells(['income_item', 'income_amount'], ['income_expenditure_summary']) }}),

l as (select *, {{ row_label('income_item') }} as label from w),

-- the rows' labels: seed label_rules, vocabulary summary_income_row
marked as (
    select *,
        {{ label_in('summary_income_row', 'label', ['current_total', 'current_subtotal']) }} as is_current,
        {{ label_in('summary_income_row', 'label', ['total']) }} as is_total,
        {{ label_in('summary_income_row', 'label', ['fiscal']) }} as is_fiscal,
        {{ label_in('summary_income_row', 'label', ['gpb']) }} as is_gpb
    from l
),

income as (
    select document_id, min(page) as page, max(unit_yuan) as unit_yuan,
        coalesce(max(income_amount) filter (where is_current),
                 max(income_amount) filter (where is_total)) as current_income,
        max(income_amount) filter (where is_fiscal) as fiscal,
        max(income_amount) filter (where is_gpb) as gpb
    from marked group by document_id
),

lines as (
    select f.document_id,
        {{ agg_any('f.source_table_kind', "f.line_basis = 'printed_line'") }} as line_table,
        sum(f.amount_yuan) filter (where f.line_basis = 'class_remainder') as remainders,
        count(*) filter (where f.line_basis = 'class_remainder') as n,
        max(u.unit_yuan) filter (where f.line_basis = 'class_remainder') as unit_yuan
    from {{ ref('fact_expenditure') }} f
    left join {{ ref('precision_fact_lines') }} u
        on u.document_id = f.document_id and u.table_index = f.table_index and u.row_index = f.row_index
    group by f.document_id
)

select i.document_id, 'income_expenditure_summary' as table_kind, cast(null as integer) as table_index, i.page,
    cast(null as varchar) as subject_code,
    'Σ class remainders = 本年收入 − income of the itemised ' || l.line_table as item,
    i.current_income - coalesce(case l.line_table when 'gpb_expenditure' then i.gpb else i.fiscal end, 0)
        as expected,
    l.remainders as actual, l.n + 2 as n_terms, greatest(i.unit_yuan, l.unit_yuan) as unit_yuan
from income i join lines l on l.document_id = i.document_id
where l.n > 0
