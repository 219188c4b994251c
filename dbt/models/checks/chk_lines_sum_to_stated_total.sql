-- Σ leaf lines = the table's 合计 row, for 合计, 基本支出 and 项目支出.
with w as (
    {{ wide_cells(['total', 'basic', 'project'],
                  ['expenditure_summary', 'gpb_expenditure', 'gpb_basic_expenditure', 'project_expenditure']) }}
),

long as (
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'total' as col, total as v
    from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'basic', basic from w
    union all
    select document_id, table_index, table_kind, page, subject_code, row_type, unit_yuan, 'project', project from w
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where row_type = 'total') as page, {{ agg_any('subject_code') }} as subject_code,
    'Σ lines ' || col || ' = 合计' as item,
    max(v) filter (where row_type = 'total') as expected,
    coalesce(sum(v) filter (where row_type = 'data'), 0) as actual,
    count(v) filter (where row_type = 'data') as n_terms,
    max(unit_yuan) as unit_yuan
from long
group by document_id, table_index, col
having count(v) filter (where row_type = 'total') = 1 and count(v) filter (where row_type = 'data') > 0
