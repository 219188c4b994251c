-- 收入总计 = 本年收入合计 + 上年结转结余 (and the other top-level items printed between them); 决算 adds
-- 使用非财政拨款结余 on the income side.
with w as ({{ wide_cells(['income_item', 'income_amount'], summary_table_kinds()) }}),

l as (
    select *, {{ row_label('income_item') }} as label,
        starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '（')
        or starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '(') as is_child
    from w
),

carry_in as (  -- the top-level items carried into the year
    select *, not is_child and (label like '上年结转%' or label like '年初%结转%'
                                or label in ('用事业基金弥补收支差额', '上年实户资金余额', '使用非财政拨款结余'))
              as is_carry_in
    from l
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where label in ('收入总计', '收入合计', '总计')) as page,
    {{ agg_any('subject_code') }} as subject_code,
    '收入总计 = 本年收入合计 + 上年结转结余' as item,
    max(income_amount) filter (where label in ('收入总计', '收入合计', '总计')) as expected,
    coalesce(max(income_amount) filter (where label in ('本年收入合计', '本年收入')), 0)
      + coalesce(sum(income_amount) filter (where is_carry_in), 0) as actual,
    1 + count(income_amount) filter (where is_carry_in) as n_terms,
    max(unit_yuan) as unit_yuan
from carry_in
group by document_id, table_index
having count(*) filter (where label in ('收入总计', '收入合计', '总计')) > 0
   and count(*) filter (where label in ('本年收入合计', '本年收入')) > 0
