-- 结转和结余 The balance a final accounts (决算) carries, per fund where printed:
--   年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余
-- on every line and the 合计 of the 政府性基金 / 国有资本经营预算财政拨款收入支出决算表
-- (gov_fund_expenditure / soe_capital_expenditure), for each fund of the 财政拨款收入支出决算总表
-- (int_fund_balances gpb / gov_fund / soe), and for all the money of the 收入支出决算总表 (fund 'all', where
-- 使用非财政拨款结余 adds to the money available and 结余分配 takes from it).
with fund_rows as (
    {{ wide_cells(['function_code', 'function', 'item', 'opening_balance', 'current_income', 'total',
                   'closing_balance'],
                  ['gov_fund_expenditure', 'soe_capital_expenditure']) }}
),

table_units as (  -- a summary table's coarsest printed precision (int_fund_balances reads its figures)
    select document_id, table_index, max({{ cell_unit() }}) as unit_yuan
    from {{ ref('int_table_cells') }}
    where table_kind in ('income_expenditure_summary', 'fiscal_income_expenditure_summary')
      and column_name in ('income_amount', 'expense_amount', 'expense_gpb_amount', 'expense_gov_fund_amount',
                          'expense_soe_amount')
    group by document_id, table_index
)

select document_id, table_kind, table_index, page, subject_code,
    coalesce(nullif(trim(coalesce(function_code_text, function_text, item_text)), ''),
             'row ' || cast(row_index as varchar))
        || ': 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余' as item,
    coalesce(closing_balance, 0) as expected,
    coalesce(opening_balance, 0) + coalesce(current_income, 0) - coalesce(total, 0) as actual,
    3 as n_terms, unit_yuan
from fund_rows
where row_type in ('data', 'group', 'total')
  and coalesce(opening_balance, current_income, total, closing_balance) is not null

union all

select b.document_id, b.table_kind, b.table_index, b.page, b.subject_code,
    case b.fund
        when 'all' then '年初结转和结余 + 本年收入合计 + 使用非财政拨款结余 − 本年支出合计 − 结余分配 = 年末结转和结余'
        else (case b.fund when 'gpb' then '一般公共预算财政拨款' when 'gov_fund' then '政府性基金预算财政拨款'
                          else '国有资本经营预算财政拨款' end)
             || ': 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余'
    end as item,
    coalesce(b.closing_balance_yuan, 0) as expected,
    coalesce(b.opening_balance_yuan, 0) + coalesce(b.income_yuan, 0) + coalesce(b.non_fiscal_surplus_used_yuan, 0)
      - coalesce(b.expenditure_yuan, 0) - coalesce(b.surplus_distribution_yuan, 0) as actual,
    case when b.fund = 'all' then 5 else 3 end as n_terms,
    u.unit_yuan
from {{ ref('int_fund_balances') }} b
left join table_units u on u.document_id = b.document_id and u.table_index = b.table_index
where coalesce(b.opening_balance_yuan, b.income_yuan, b.expenditure_yuan, b.closing_balance_yuan) is not null
