-- 支出总计 = 本年支出合计 + 年终结转结余; 决算 adds 结余分配 on the expenditure side.
with w as ({{ wide_cells(['expense_item', 'expense_amount'], summary_table_kinds()) }}),

l as (
    select *, {{ row_label('expense_item') }} as label from w
),

carry_out as (  -- the items carried out of the year
    select *, (label like '年终结转%' or label like '年末%结转%'
               or label in ('结转下年', '未安排支出的实户资金', '结余分配')) as is_carry_out
    from l
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where label in ('支出总计', '支出合计', '总计')) as page,
    {{ agg_any('subject_code') }} as subject_code,
    '支出总计 = 本年支出合计 + 年终结转结余' as item,
    max(expense_amount) filter (where label in ('支出总计', '支出合计', '总计')) as expected,
    coalesce(max(expense_amount) filter (where label in ('本年支出合计', '本年支出')), 0)
      + coalesce(sum(expense_amount) filter (where is_carry_out), 0) as actual,
    1 + count(expense_amount) filter (where is_carry_out) as n_terms,
    max(unit_yuan) as unit_yuan
from carry_out
group by document_id, table_index
having count(*) filter (where label in ('支出总计', '支出合计', '总计')) > 0
   and count(*) filter (where label in ('本年支出合计', '本年支出')) > 0
