-- Grain: one row per unit × fiscal year: the stated totals of its budget (预算) and final accounts (决算)
-- side by side, from the same documents mart_budget_execution compares (the unit's own document before
-- its department's, then the newest). Without a budget document, the budget total is the sum of what the
-- final accounts restate item by item (budget_source). One side only: the other is null. The final side
-- carries the balances its 收入支出决算总表 states for the document's own unit (int_fund_balances, fund 'all').
with docs as (
    select document_id, registered_at from {{ ref('int_documents') }} where status = 'current'
),

ranked as (
    select u.*, row_number() over (
        partition by u.unit_key, u.fiscal_year, u.statement
        order by case when u.is_document_subject then 0 else 1 end, d.registered_at desc, u.document_id
    ) as document_rank
    from {{ ref('mart_unit_budget') }} u
    join docs d using (document_id)
),

chosen as (select * from ranked where document_rank = 1),

balances as (  -- the document's first 收入支出决算总表 (a department document prints one for the whole)
    select * from (
        select document_id, opening_balance_yuan, income_yuan, surplus_distribution_yuan, closing_balance_yuan,
               row_number() over (partition by document_id order by table_index) as table_rank
        from {{ ref('int_fund_balances') }}
        where fund = 'all'
    ) as b
    where table_rank = 1
),

restated as (
    select document_id, sum(budget_yuan) as budget_yuan
    from {{ ref('int_narrative_budget_lines') }}
    group by document_id
)

select
    k.unit_key,
    k.fiscal_year,
    cast(coalesce(b.total_yuan, r.budget_yuan) as decimal(20, 2)) as budget_total_yuan,
    f.total_yuan as final_total_yuan,
    cast(case when coalesce(b.total_yuan, r.budget_yuan) <> 0 and f.total_yuan is not null
              then f.total_yuan / coalesce(b.total_yuan, r.budget_yuan) end as decimal(20, 6)) as execution_rate,
    b.basic_yuan as budget_basic_yuan,
    f.basic_yuan as final_basic_yuan,
    b.project_yuan as budget_project_yuan,
    f.project_yuan as final_project_yuan,
    cast(fb.opening_balance_yuan as decimal(20, 2)) as final_opening_balance_yuan,
    cast(fb.income_yuan as decimal(20, 2)) as final_income_yuan,
    cast(fb.surplus_distribution_yuan as decimal(20, 2)) as final_surplus_distribution_yuan,
    cast(fb.closing_balance_yuan as decimal(20, 2)) as final_closing_balance_yuan,
    coalesce(b.document_id, r.document_id) as budget_document_id,
    f.document_id as final_document_id,
    case when b.document_id is not null then 'budget_document'
         when r.document_id is not null then 'final_accounts_document' end as budget_source
from (select distinct unit_key, fiscal_year from chosen) as k
left join chosen b on b.unit_key = k.unit_key and b.fiscal_year = k.fiscal_year and b.statement = 'budget'
left join chosen f on f.unit_key = k.unit_key and f.fiscal_year = k.fiscal_year and f.statement = 'final_accounts'
-- the restated budget of a final accounts about this unit itself
left join restated r on b.document_id is null and r.document_id = f.document_id and f.is_document_subject
left join balances fb on fb.document_id = f.document_id and f.is_document_subject
