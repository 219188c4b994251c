-- The facts hold the whole document: Σ fact_expenditure = the total expenditure the document states, for
-- the document (its own part: the department in a department document, the unit in a unit document) and
-- for each unit part it itemises separately (the statement mart_unit_budget would pick: 支出总表 合计 first).
-- The comparison (stated_total_expenditure, parts_against_stated_totals, dbt/macros/checks.sql) is the one
-- int_line_source_choice makes for every candidate source of lines, so the choice and this check agree.
with docs as (
    select d.document_id, {{ document_own_code('d') }} as own_code
    from {{ ref('int_documents') }} d where d.status = 'current'
),

stated as ({{ stated_total_expenditure('docs') }}),

lines as (
    select f.document_id, case when f.unit_key = 'unknown' then null else split_part(f.unit_key, '-', 2) end
            as unit_code,
        f.amount_yuan, u.unit_yuan
    from {{ ref('fact_expenditure') }} f
    left join {{ ref('precision_fact_lines') }} u
        on u.document_id = f.document_id and u.table_index = f.table_index and u.row_index = f.row_index
),

parts as (  -- the document as a whole, then each unit part other than its own
    select d.document_id, d.own_code as unit_code, true as is_own, sum(l.amount_yuan) as amount,
        count(l.amount_yuan) as n, max(l.unit_yuan) as unit_yuan
    from docs d left join lines l on l.document_id = d.document_id
    group by d.document_id, d.own_code
    union all
    select l.document_id, l.unit_code, false, sum(l.amount_yuan), count(*), max(l.unit_yuan)
    from lines l join docs d on d.document_id = l.document_id
    where l.unit_code is not null and l.unit_code <> coalesce(d.own_code, '')
    group by l.document_id, l.unit_code
),

compared as ({{ parts_against_stated_totals('parts', 'stated') }})

select c.document_id, split_part(c.source, ' ', 1) as table_kind,
    cast(null as integer) as table_index, c.page, c.unit_code as subject_code,
    case when c.is_own then 'Σ fact_expenditure = stated total expenditure (' || c.source || ')'
         else 'Σ fact_expenditure of unit ' || c.unit_code
              || ' = its stated total expenditure (' || c.source || ')' end as item,
    c.expected, c.actual, c.n_terms,
    greatest(c.lines_unit_yuan, tu.unit_yuan) as unit_yuan
from compared c
left join {{ ref('precision_document_totals') }} tu on tu.document_id = c.document_id
