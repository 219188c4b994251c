-- The balances a final accounts (决算) states, one row per document × table subject × fund:
--   fund 'all' from the 收入支出决算总表 (income_expenditure_summary): 年初结转和结余, 本年收入合计,
--     使用非财政拨款结余, 本年支出合计, 结余分配, 年末结转和结余;
--   funds 'gpb' 一般公共预算 / 'gov_fund' 政府性基金 / 'soe' 国有资本经营 from the 财政拨款收入支出决算总表
--     (fiscal_income_expenditure_summary): the fund's 本年收入 row above 年初财政拨款结转和结余, its 年初 row
--     below it, and the fund's columns of the 本年支出合计 and 年末财政拨款结转和结余 rows.
-- Only tables that print a 年末 balance (budgets' 收支总表 do not) are read. The labels are read here once
-- (what each means: seed label_rules, vocabularies fund_balance_row and fiscal_fund); mart_fund_balances,
-- mart_budget_execution_totals and chk_fund_balances use them.
with cells as (
    select c.document_id, c.table_index, c.table_kind, c.row_index, c.page, c.subject_code, c.column_name,
        c.amount_yuan,
        -- the label without spaces, ordinal ("一、", "（一）") and a trailing 收入 ("…财政拨款收入")
        regexp_replace(regexp_replace(replace(replace(coalesce(c.raw_text, ''), ' ', ''), '　', ''),
                                      '^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[)）]', ''),
                       '收入$', '') as label
    from {{ ref('int_table_cells') }} c
    where c.table_kind in ('income_expenditure_summary', 'fiscal_income_expenditure_summary')
),

wide as (
    select document_id, table_index, min(table_kind) as table_kind, row_index, min(page) as page,
        min(subject_code) as subject_code,
        max(case when column_name = 'income_item' then label end) as income_label,
        max(case when column_name = 'income_amount' then amount_yuan end) as income_amount,
        max(case when column_name = 'expense_item' then label end) as expense_label,
        max(case when column_name = 'expense_amount' then amount_yuan end) as expense_amount,
        max(case when column_name = 'expense_gpb_amount' then amount_yuan end) as expense_gpb,
        max(case when column_name = 'expense_gov_fund_amount' then amount_yuan end) as expense_gov_fund,
        max(case when column_name = 'expense_soe_amount' then amount_yuan end) as expense_soe
    from cells
    group by document_id, table_index, row_index
),

marked as (  -- what each side's label is (opening_balance, income, …) and the fund an income row names
    select *,
        {{ label_rule('fund_balance_row', 'income_label') }} as income_row,
        {{ label_rule('fund_balance_row', 'expense_label') }} as expense_row,
        {{ label_rule('fiscal_fund', 'income_label') }} as income_fund
    from wide
),

tables as (  -- the tables that state a closing balance, and where their opening block starts
    select document_id, table_index, min(table_kind) as table_kind, min(subject_code) as subject_code,
        min(case when income_row = 'opening_balance' then row_index end) as opening_row,
        min(case when expense_row = 'closing_balance' then page end) as page
    from marked
    group by document_id, table_index
    having count(case when expense_row = 'closing_balance' then 1 end) > 0
),

whole as (
    select t.document_id, t.table_index, t.table_kind, t.subject_code, t.page, 'all' as fund,
        max(case when w.income_row = 'opening_balance' then w.income_amount end) as opening_balance_yuan,
        max(case when w.income_row = 'income' then w.income_amount end) as income_yuan,
        max(case when w.income_row = 'non_fiscal_surplus_used' then w.income_amount end) as non_fiscal_surplus_used_yuan,
        max(case when w.expense_row = 'expenditure' then w.expense_amount end) as expenditure_yuan,
        max(case when w.expense_row = 'surplus_distribution' then w.expense_amount end) as surplus_distribution_yuan,
        max(case when w.expense_row = 'closing_balance' then w.expense_amount end) as closing_balance_yuan
    from tables t
    join marked w using (document_id, table_index)
    where t.table_kind = 'income_expenditure_summary'
    group by t.document_id, t.table_index, t.table_kind, t.subject_code, t.page
),

funds as (  -- the funds of the 财政拨款收入支出决算总表 (their printed labels: label_rules fiscal_fund)
    select * from (values ('gpb'), ('gov_fund'), ('soe')) as f(fund)
),

by_fund as (
    select t.document_id, t.table_index, t.table_kind, t.subject_code, t.page, f.fund,
        max(case when w.income_fund = f.fund and w.row_index > t.opening_row then w.income_amount end)
            as opening_balance_yuan,
        max(case when w.income_fund = f.fund and w.row_index < t.opening_row then w.income_amount end)
            as income_yuan,
        cast(null as decimal(20, 2)) as non_fiscal_surplus_used_yuan,
        max(case when w.expense_row = 'expenditure' then
                 case f.fund when 'gpb' then w.expense_gpb when 'gov_fund' then w.expense_gov_fund
                                 else w.expense_soe end end) as expenditure_yuan,
        cast(null as decimal(20, 2)) as surplus_distribution_yuan,
        max(case when w.expense_row = 'closing_balance' then
                 case f.fund when 'gpb' then w.expense_gpb when 'gov_fund' then w.expense_gov_fund
                                 else w.expense_soe end end) as closing_balance_yuan
    from tables t
    cross join funds f
    join marked w using (document_id, table_index)
    where t.table_kind = 'fiscal_income_expenditure_summary' and t.opening_row is not null
    group by t.document_id, t.table_index, t.table_kind, t.subject_code, t.page, f.fund
)

select * from whole
union all
select * from by_fund
