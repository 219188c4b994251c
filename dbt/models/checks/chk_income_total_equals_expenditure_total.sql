-- 收入总计 = 支出总计 in every 收支总表 and 财政拨款收支总表. Jiangsu prints 支出合计 under 功能分类
-- (expense_item) and its amount under 支出用途 (purpose_amount).
with w as (
    {{ wide_cells(['income_item', 'income_amount', 'expense_item', 'expense_amount', 'purpose_item', 'purpose_amount'],
                  summary_table_kinds()) }}
),

-- the 总计 rows (spaces removed): seed label_rules, vocabularies summary_income_row and summary_expense_row
marked as (
    select *,
        {{ label_in('summary_income_row', "replace(income_item_text, ' ', '')", ['total']) }} as is_income_total,
        {{ label_in('summary_expense_row',
                    "replace(coalesce(expense_item_text, '') || coalesce(purpose_item_text, ''), ' ', '')",
                    ['total']) }} as is_expense_total
    from w
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where is_income_total) as page,
    {{ agg_any('subject_code') }} as subject_code, '收入总计 = 支出总计' as item,
    coalesce(max(income_amount) filter (where is_income_total), 0) as expected,
    coalesce(max(coalesce(expense_amount, purpose_amount)) filter (where is_expense_total), 0) as actual,
    1 as n_terms, max(unit_yuan) as unit_yuan
from marked
group by document_id, table_index
having count(*) filter (where is_income_total) > 0
