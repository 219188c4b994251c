-- The coarsest printed precision of the figures a document states its totals in (the tables
-- mart_unit_budget reads: 支出总表, 一般公共预算支出表, 收入总表).
select document_id, max({{ cell_unit() }}) as unit_yuan
from {{ ref('int_table_cells') }}
where table_kind in ('expenditure_summary', 'gpb_expenditure', 'income_summary')
  and column_name in ('total', 'amount', 'basic', 'project', 'personnel', 'public')
group by document_id
