-- 政府采购 total = Σ categories; 政府购买服务 total = Σ items.
with w as ({{ wide_cells(['amount'], ['procurement', 'purchased_services', 'special_program_expenditure']) }})

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where row_type = 'total') as page, {{ agg_any('subject_code') }} as subject_code,
    'Σ items = 合计' as item,
    max(amount) filter (where row_type = 'total') as expected,
    coalesce(sum(amount) filter (where row_type = 'data'), 0) as actual,
    count(amount) filter (where row_type = 'data') as n_terms, max(unit_yuan) as unit_yuan
from w group by document_id, table_index
having count(amount) filter (where row_type = 'total') = 1
   and {{ agg_any('table_kind') }} <> 'special_program_expenditure'
