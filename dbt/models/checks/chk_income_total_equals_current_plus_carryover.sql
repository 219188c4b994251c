-- 收入总计 = 本年收入合计 + 上年结转结余 (and the other top-level items printed between them, not their
-- （一）… children); 决算 adds 使用非财政拨款结余 on the income side.
{{ total_equals_current_plus_carry(
    'income', ['收入总计', '收入合计', '总计'], ['本年收入合计', '本年收入'],
    "not (starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '（')
          or starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '('))
     and (label like '上年结转%' or label like '年初%结转%'
          or label in ('用事业基金弥补收支差额', '上年实户资金余额', '使用非财政拨款结余'))",
    '收入总计 = 本年收入合计 + 上年结转结余') }}
