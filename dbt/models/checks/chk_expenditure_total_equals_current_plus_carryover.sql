-- 支出总计 = 本年支出合计 + 年终结转结余; 决算 adds 结余分配 on the expenditure side. The rows' labels: seed
-- label_rules, vocabulary summary_expense_row.
{{ total_equals_current_plus_carry('expense', 'carried_out', '支出总计 = 本年支出合计 + 年终结转结余') }}
