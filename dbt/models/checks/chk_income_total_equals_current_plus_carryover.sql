-- 收入总计 = 本年收入合计 + 上年结转结余 (and the other top-level items printed between them, not their
-- （一）… children); 决算 adds 使用非财政拨款结余 on the income side. The rows' labels: seed label_rules,
-- vocabulary summary_income_row.
{{ total_equals_current_plus_carry(
    'income', 'carried_in', '收入总计 = 本年收入合计 + 上年结转结余',
    "not (starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '（')
          or starts_with(replace(coalesce(income_item_text, ''), ' ', ''), '('))") }}
