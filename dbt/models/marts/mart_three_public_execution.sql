-- Grain: one row per unit × fiscal year × 三公 category (fact_three_public_expenses' categories): what the
-- budget planned for the year next to what the final accounts spent, with the same choice of documents and
-- the same budget_source rule as mart_budget_execution. The budget side is the unit's budget document for
-- that year when the warehouse holds one that prints a 三公 table (0 for a category it leaves blank);
-- otherwise the 预算数 the final accounts print beside each 决算数 (budget_source
-- 'final_accounts_document'). final_accounts_budget_yuan keeps that printed 预算数 in every case: it is the
-- year's adjusted budget and may differ from the budget document's.
with docs as (
    select document_id, statement, region_code || '-' || subject_code as subject_key, registered_at
    from {{ ref('int_documents') }}
    where status = 'current'
),

three_public_tables as (  -- the documents that print a 三公 table for a unit, even an empty one
    select distinct p.document_id, p.region_code || '-' || p.unit_code as unit_key, p.fiscal_year
    from {{ ref('int_table_parts') }} p
    where p.table_kind = 'three_public' and p.is_read_by_facts and p.unit_code is not null
),

candidates as (
    select t.unit_key, t.fiscal_year, d.statement, t.document_id,
           case when d.subject_key = t.unit_key then 1 else 0 end as own_document, d.registered_at
    from three_public_tables t
    join docs d using (document_id)
),

chosen as ({{ chosen_statement_documents('candidates') }}),

figures as (  -- the chosen documents' figures for their fiscal year
    select c.unit_key, c.fiscal_year, c.statement, f.category, f.category_name, f.is_three_public,
           f.amount_yuan, f.budget_amount_yuan
    from chosen c
    join {{ ref('fact_three_public_expenses') }} f
        on f.document_id = c.document_id and f.unit_key = c.unit_key and f.budget_year = c.fiscal_year
),

sides as (
    select unit_key, fiscal_year,
           max(case when statement = 'budget' then document_id end) as budget_document_id,
           max(case when statement = 'final_accounts' then document_id end) as final_document_id
    from chosen
    group by unit_key, fiscal_year
),

categories as (
    select unit_key, fiscal_year, category,
           max(category_name) as category_name,
           max(case when is_three_public then 1 else 0 end) as is_three_public,
           sum(case when statement = 'budget' then amount_yuan end) as budget_document_yuan,
           sum(case when statement = 'final_accounts' then amount_yuan end) as final_yuan,
           sum(case when statement = 'final_accounts' then budget_amount_yuan end) as printed_budget_yuan
    from figures
    group by unit_key, fiscal_year, category
),

sourced as (
    select c.*, s.budget_document_id as budget_document, s.final_document_id,
           case when s.budget_document_id is not null then 'budget_document'
                when c.printed_budget_yuan is not null then 'final_accounts_document' end as budget_source
    from categories c
    join sides s using (unit_key, fiscal_year)
),

measured as (
    select *,
           case budget_source
               when 'budget_document' then coalesce(budget_document_yuan, 0)
               when 'final_accounts_document' then printed_budget_yuan
           end as budget_yuan
    from sourced
)

select
    unit_key,
    fiscal_year,
    category,
    category_name,
    is_three_public = 1 as is_three_public,
    cast(budget_yuan as decimal(20, 2)) as budget_yuan,
    cast(coalesce(final_yuan, case when final_document_id is not null then 0 end) as decimal(20, 2)) as final_yuan,
    cast(case when budget_yuan <> 0 and final_document_id is not null
              then coalesce(final_yuan, 0) / budget_yuan end as decimal(20, 6)) as execution_rate,
    cast(printed_budget_yuan as decimal(20, 2)) as final_accounts_budget_yuan,
    case budget_source when 'budget_document' then budget_document
                       when 'final_accounts_document' then final_document_id end as budget_document_id,
    final_document_id,
    budget_source
from measured
