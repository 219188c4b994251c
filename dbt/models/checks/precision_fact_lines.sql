-- The printed precision of every fact line: the coarsest among the amounts of the row it was read from
-- (for a class_remainder line, the 收支总表 row whose class amount it completes).
select c.document_id, c.table_index, c.row_index, max({{ cell_unit() }}) as unit_yuan
from {{ ref('int_table_cells') }} c
join (select distinct document_id, table_index, row_index from {{ ref('fact_expenditure') }}) f
    on f.document_id = c.document_id and f.table_index = c.table_index and f.row_index = c.row_index
where c.column_name in ({{ sql_literals(check_amount_columns() | sort) }})
group by c.document_id, c.table_index, c.row_index
