-- Grain: one row per unit × fiscal year × function code × economic code: what the budget planned (预算)
-- next to what the final accounts spent (决算), at the finest grain both statements share for that unit
-- and year (economic codes only where both print them; otherwise by function code, econ 'unspecified').
-- Each side comes from one current document per unit, year and statement: the unit's own document before
-- its department's, then the newest. Without a budget document, the budget side is what the final
-- accounts restate item by item in their explanation (全年预算, int_narrative_budget_lines), and
-- budget_source says so. A unit × year with one side only is here with the other side null; a line one
-- side does not print is 0 on that side when that side's document exists.
with docs as (
    select document_id, region_code || '-' || subject_code as subject_key, registered_at
    from {{ ref('int_documents') }}
    where status = 'current'
),

lines as (
    select f.unit_key, f.fiscal_year, f.statement, f.document_id, f.function_code, f.econ_dept_code,
           f.amount_yuan, case when d.subject_key = f.unit_key then 1 else 0 end as own_document, d.registered_at
    from {{ ref('fact_expenditure') }} f
    join docs d using (document_id)
),

chosen as ({{ chosen_statement_documents('lines') }}),

printed as (
    select l.unit_key, l.fiscal_year, l.statement, l.document_id, l.function_code, l.econ_dept_code, l.amount_yuan,
           case when l.statement = 'budget' then 'budget_document' end as budget_source
    from lines l
    join chosen c using (unit_key, fiscal_year, statement, document_id)
),

-- the budget a final accounts restates, for its own unit, where no budget document is chosen
restated as (
    select c.unit_key, c.fiscal_year, 'budget' as statement, n.document_id, n.function_code,
           'unspecified' as econ_dept_code, n.budget_yuan as amount_yuan,
           'final_accounts_document' as budget_source
    from {{ ref('int_narrative_budget_lines') }} n
    join docs d using (document_id)
    join chosen c on c.document_id = n.document_id and c.statement = 'final_accounts' and c.unit_key = d.subject_key
    where not exists (
        select 1 from chosen b
        where b.unit_key = c.unit_key and b.fiscal_year = c.fiscal_year and b.statement = 'budget'
    )
),

picked as (select * from printed union all select * from restated),

sides as (
    select unit_key, fiscal_year,
           max(case when statement = 'budget' then document_id end) as budget_document_id,
           max(case when statement = 'final_accounts' then document_id end) as final_document_id,
           max(budget_source) as budget_source,
           -- 1 where economic detail is compared: both sides print it (or the one side there is does)
           case when count(distinct statement) = 2 then min(has_econ) else max(has_econ) end as by_econ
    from (
        select unit_key, fiscal_year, statement, document_id, max(budget_source) as budget_source,
               max(case when econ_dept_code <> 'unspecified' then 1 else 0 end) as has_econ
        from picked
        group by unit_key, fiscal_year, statement, document_id
    ) as per_side
    group by unit_key, fiscal_year
),

summed as (
    select
        p.unit_key,
        p.fiscal_year,
        p.function_code,
        case when s.by_econ = 1 then p.econ_dept_code else 'unspecified' end as econ_dept_code,
        sum(case when p.statement = 'budget' then p.amount_yuan end) as budget_yuan,
        sum(case when p.statement = 'final_accounts' then p.amount_yuan end) as final_yuan
    from picked p
    join sides s using (unit_key, fiscal_year)
    group by p.unit_key, p.fiscal_year, p.function_code, case when s.by_econ = 1 then p.econ_dept_code else 'unspecified' end
)

select
    m.unit_key,
    m.fiscal_year,
    m.function_code,
    m.econ_dept_code,
    cast(coalesce(m.budget_yuan, case when s.budget_document_id is not null then 0 end) as decimal(20, 2)) as budget_yuan,
    cast(coalesce(m.final_yuan, case when s.final_document_id is not null then 0 end) as decimal(20, 2)) as final_yuan,
    cast(case when m.budget_yuan <> 0 and s.final_document_id is not null
              then coalesce(m.final_yuan, 0) / m.budget_yuan end as decimal(20, 6)) as execution_rate,
    s.budget_document_id,
    s.final_document_id,
    s.budget_source
from summed m
join sides s using (unit_key, fiscal_year)
