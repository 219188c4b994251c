-- Each candidate source of a document's expenditure lines (int_line_source_lines), part by part: one row
-- per document × source × part — the document as a whole (is_own: all the source's lines, against the
-- document's own stated total) and each unit part other than the document's own. `amount` and `n_terms` are
-- what fact_expenditure would hold for the part if the source were chosen (macros line_fact_amount and
-- line_fact_terms), `unit_yuan` the coarsest printed precision of its lines and `totals_unit_yuan` that of
-- the figures the document states its totals in: exactly what chk_facts_sum_to_stated_total compares
-- after the choice, so int_line_source_choice judges each candidate as that check will judge the chosen one.
-- A partial source's class remainders are judged too, as chk_class_remainders_equal_unitemised_funds
-- judges the chosen ones: on the is_own row, their Σ (remainder_amount, remainder_terms, remainder_unit_yuan)
-- and what they must add up to (unitemised_yuan: 本年收入 − the funds the source itemises, its page and
-- precision), where the 收支总表 prints an income side.
with docs as (
    select d.document_id, d.region_code, {{ document_own_code('d') }} as own_code
    from {{ ref('int_documents') }} d
),

source_lines as (select * from {{ ref('int_line_source_lines') }}),

precision as ({{ line_precision('source_lines') }}),

totals_unit as ({{ document_totals_unit() }}),

income as ({{ summary_income() }}),

lines as (
    select l.document_id, l.source_rank, l.line_source, l.line_basis, l.table_index, l.page,
        -- the unit as fact_expenditure keys it (region-unit; unknown without a region)
        case when d.region_code is null or l.unit_code is null then null
             else split_part(d.region_code || '-' || l.unit_code, '-', 2) end as unit_code,
        d.own_code,
        {{ line_fact_amount('l') }} as amount,
        {{ line_fact_terms('l') }} as n_terms,
        u.unit_yuan
    from source_lines l
    join docs d on d.document_id = l.document_id
    left join precision u
        on u.document_id = l.document_id and u.table_index = l.table_index and u.row_index = l.row_index
),

parts as (  -- the document as a whole, then each unit part other than its own
    select document_id, source_rank, {{ agg_any('line_source') }} as line_source,
        {{ agg_any('own_code') }} as unit_code, true as is_own,
        sum(amount) as amount, sum(n_terms) as n_terms, count(*) as n_lines,
        max(case when n_terms > 0 then unit_yuan end) as unit_yuan,
        string_agg(distinct cast(table_index as varchar), ', ' order by cast(table_index as varchar)) as tables,
        min(page) as first_page, max(page) as last_page,
        sum(case when line_basis = 'class_remainder' then amount end) as remainder_amount,
        sum(case when line_basis = 'class_remainder' then n_terms else 0 end) as remainder_terms,
        max(case when line_basis = 'class_remainder' and n_terms > 0 then unit_yuan end) as remainder_unit_yuan
    from lines
    group by document_id, source_rank
    union all
    select document_id, source_rank, {{ agg_any('line_source') }}, unit_code, false,
        sum(amount), sum(n_terms), count(*),
        max(case when n_terms > 0 then unit_yuan end),
        string_agg(distinct cast(table_index as varchar), ', ' order by cast(table_index as varchar)),
        min(page), max(page), null, null, null
    from lines
    where unit_code is not null and unit_code <> coalesce(own_code, '')
    group by document_id, source_rank, unit_code
)

select p.document_id, p.source_rank, p.line_source, p.unit_code, p.is_own, p.amount, p.n_terms, p.n_lines,
    p.unit_yuan, t.unit_yuan as totals_unit_yuan, p.tables, p.first_page, p.last_page,
    p.remainder_amount, p.remainder_terms, p.remainder_unit_yuan,
    -- what the remainders must add up to, where there are any and the 收支总表 prints its income
    case when p.remainder_terms > 0 and i.document_id is not null then {{ unitemised_funds('i', 'p.line_source') }}
        end as unitemised_yuan,
    case when p.remainder_terms > 0 then i.page end as unitemised_page,
    case when p.remainder_terms > 0 then i.unit_yuan end as unitemised_unit_yuan,
    p.remainder_terms > 0 and i.document_id is not null as remainders_compared
from parts p
left join totals_unit t on t.document_id = p.document_id
left join income i on i.document_id = p.document_id and p.is_own
