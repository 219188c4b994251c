-- 支出总计 = 本年支出合计 + 年终结转结余; 决算 adds 结余分配 on the expenditure side.
{{ total_equals_current_plus_carry(
    'expense', ['支出总计', '支出合计', '总计'], ['本年支出合计', '本年支出'],
    "label like '年终结转%' or label like '年末%结转%' or label in ('结转下年', '未安排支出的实户资金', '结余分配')",
    '支出总计 = 本年支出合计 + 年终结转结余') }}
