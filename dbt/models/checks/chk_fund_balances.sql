{{ config(materialized='table', schema='checks') }}
-- 结转和结余 The balance a final accounts (决算) carries, per fund where printed:
--   年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余
-- on every line and the 合计 of the 政府性基金 / 国有资本经营预算财政拨款收入支出决算表
-- (gov_fund_expenditure / soe_capital_expenditure), for each fund of the 财政拨款收入支出决算总表
-- (int_fund_balances gpb / gov_fund / soe), and for all the money of the 收入支出决算总表 (fund 'all', where
-- 使用非财政拨款结余 adds to the money available and 结余分配 takes from it).
-- Contract of every identity model: document_id, table_kind, table_index, page, subject_code, item,
-- expected (the printed 年末), actual (the other terms), n_terms, unit_yuan (printed precision).
with cell_units as (
    -- printed precision of each figure: 10^-decimals printed × the table's multiplier, null for blank or 0
    -- (the rule of expectations/identities.printed_unit)
    select document_id, table_index, table_kind, row_index, page, subject_code, row_type, column_name,
        amount_yuan, raw_text,
        case when amount_yuan <> 0 then power(10.0, -length({{ regex_extract(
            "regexp_replace(regexp_replace(coalesce(raw_text, ''), '<[^>]*>', '', 'g'), '[,，\\s]', '', 'g')",
            "'\\.([0-9]*)$'", 1) }})) * coalesce(multiplier, 1) end as unit_yuan
    from {{ ref('int_table_cells') }}
    where table_kind in ('gov_fund_expenditure', 'soe_capital_expenditure',
                         'income_expenditure_summary', 'fiscal_income_expenditure_summary')
),

fund_rows as (  -- one row per printed line of the fund tables
    select document_id, table_index, row_index,
        min(table_kind) as table_kind, min(page) as page, min(subject_code) as subject_code,
        min(row_type) as row_type,
        max(case when column_name in ('function_code', 'function', 'item') then raw_text end) as label,
        max(case when column_name = 'opening_balance' then amount_yuan end) as opening,
        max(case when column_name = 'current_income' then amount_yuan end) as income,
        max(case when column_name = 'total' then amount_yuan end) as spent,
        max(case when column_name = 'closing_balance' then amount_yuan end) as closing,
        max(case when column_name in ('opening_balance', 'current_income', 'total', 'closing_balance')
                 then unit_yuan end) as unit_yuan
    from cell_units
    where table_kind in ('gov_fund_expenditure', 'soe_capital_expenditure')
    group by document_id, table_index, row_index
),

table_units as (  -- the coarsest printed precision of a summary table's figures
    select document_id, table_index, max(unit_yuan) as unit_yuan
    from cell_units
    where column_name in ('income_amount', 'expense_amount', 'expense_gpb_amount', 'expense_gov_fund_amount',
                          'expense_soe_amount')
    group by document_id, table_index
)

select document_id, table_kind, table_index, page, subject_code,
    coalesce(nullif(trim(label), ''), 'row ' || cast(row_index as varchar))
        || ': 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余' as item,
    coalesce(closing, 0) as expected,
    coalesce(opening, 0) + coalesce(income, 0) - coalesce(spent, 0) as actual,
    3 as n_terms, unit_yuan
from fund_rows
where row_type in ('data', 'group', 'total')
  and coalesce(opening, income, spent, closing) is not null

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
left join table_units u using (document_id, table_index)
where coalesce(b.opening_balance_yuan, b.income_yuan, b.expenditure_yuan, b.closing_balance_yuan) is not null
