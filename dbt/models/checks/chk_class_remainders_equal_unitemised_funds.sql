-- Where a document itemises only 财政拨款 (or only 一般公共预算) lines, fact_expenditure adds class-level
-- remainders up to the 收支总表's all-fund class amounts (int_expenditure_lines). Their sum must be the
-- income those lines do not cover: 本年收入 − 财政拨款 (or − 一般公共预算) as the 收支总表 prints them.
-- int_line_source_candidates makes the same comparison for every candidate source (macros summary_income,
-- unitemised_funds), so the choice of the line source and this check agree.
with income as ({{ summary_income() }}),

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
    {{ unitemised_funds('i', 'l.line_table') }} as expected,
    l.remainders as actual, l.n + 2 as n_terms, greatest(i.unit_yuan, l.unit_yuan) as unit_yuan
from income i join lines l on l.document_id = i.document_id
where l.n > 0
