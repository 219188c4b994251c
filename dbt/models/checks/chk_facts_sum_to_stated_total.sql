-- The facts hold the whole document: Σ fact_expenditure = the total expenditure the document states, for
-- the document (its own part: the department in a department document, the unit in a unit document) and
-- for each unit part it itemises separately (the statement mart_unit_budget would pick: 支出总表 合计 first).
with docs as (
    select document_id, case when doc_kind = 'department' then coalesce(department_code, subject_code)
                             else subject_code end as own_code
    from {{ ref('int_documents') }} where status = 'current'
),

ranked as (
    select t.document_id, t.unit_code, t.total_yuan, t.source, t.page,
        coalesce(t.unit_code, '') = coalesce(d.own_code, '') as is_own,
        row_number() over (partition by t.document_id, t.unit_code order by t.priority, t.source, t.page) as n
    from {{ ref('int_unit_totals') }} t join docs d on d.document_id = t.document_id
    where t.total_yuan is not null
),

stated as (select document_id, unit_code, total_yuan, source, page, is_own from ranked where n = 1),

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
)

select coalesce(p.document_id, s.document_id) as document_id, split_part(s.source, ' ', 1) as table_kind,
    cast(null as integer) as table_index, s.page, coalesce(p.unit_code, s.unit_code) as subject_code,
    case when coalesce(p.is_own, s.is_own) then 'Σ fact_expenditure = stated total expenditure (' || s.source || ')'
         else 'Σ fact_expenditure of unit ' || coalesce(p.unit_code, s.unit_code)
              || ' = its stated total expenditure (' || s.source || ')' end as item,
    s.total_yuan as expected, coalesce(p.amount, 0) as actual, greatest(coalesce(p.n, 0), 1) as n_terms,
    greatest(p.unit_yuan, tu.unit_yuan) as unit_yuan
from parts p
full join stated s on s.document_id = p.document_id and s.is_own = p.is_own
    and (p.is_own or s.unit_code = p.unit_code)
left join {{ ref('precision_document_totals') }} tu on tu.document_id = coalesce(p.document_id, s.document_id)
where s.total_yuan is not null
  and (p.document_id is not null or s.source like 'expenditure_summary%' or s.source like 'gpb_expenditure 合计%')
