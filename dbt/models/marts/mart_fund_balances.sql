-- Grain: one row per current document × unit × fund: the balances a final accounts (决算) states.
-- fund 'all' is the 收入支出决算总表 (every source of money: 年初结转和结余 + 本年收入合计 + 使用非财政拨款结余 =
-- 本年支出合计 + 结余分配 + 年末结转和结余); 'gpb' / 'gov_fund' / 'soe' are the 财政拨款收入支出决算总表's
-- funds (年初 + 本年收入 − 本年支出 = 年末, the identity chk_fund_balances checks). int_fund_balances reads them.
with docs as (
    select document_id, region_code, subject_code, fiscal_year, statement
    from {{ ref('int_documents') }}
    where status = 'current'
)

select
    b.document_id,
    coalesce(d.region_code || '-' || coalesce(b.subject_code, d.subject_code), 'unknown') as unit_key,
    coalesce(d.fiscal_year, -1) as fiscal_year,
    d.statement,
    b.fund,
    case b.fund when 'all' then '全部资金' when 'gpb' then '一般公共预算财政拨款'
                when 'gov_fund' then '政府性基金预算财政拨款' when 'soe' then '国有资本经营预算财政拨款' end
        as fund_name,
    cast(b.opening_balance_yuan as decimal(20, 2)) as opening_balance_yuan,
    cast(b.income_yuan as decimal(20, 2)) as income_yuan,
    cast(b.non_fiscal_surplus_used_yuan as decimal(20, 2)) as non_fiscal_surplus_used_yuan,
    cast(b.expenditure_yuan as decimal(20, 2)) as expenditure_yuan,
    cast(b.surplus_distribution_yuan as decimal(20, 2)) as surplus_distribution_yuan,
    cast(b.closing_balance_yuan as decimal(20, 2)) as closing_balance_yuan,
    b.page as source_page,
    b.table_index
from {{ ref('int_fund_balances') }} b
join docs d using (document_id)
-- final accounts only; a fund the document leaves blank throughout is not a row
where d.statement = 'final_accounts'
  and coalesce(b.opening_balance_yuan, b.income_yuan, b.non_fiscal_surplus_used_yuan, b.expenditure_yuan,
               b.surplus_distribution_yuan, b.closing_balance_yuan) is not null
