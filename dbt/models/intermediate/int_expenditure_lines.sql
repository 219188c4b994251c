-- The finest expenditure lines of each document, from exactly one source so nothing is counted twice: the
-- lines (printed and class_remainder) of the source int_line_source_choice picks among the candidates of
-- int_line_source_lines — the first by rank (支出总表, 财政拨款支出表, 一般公共预算支出表) whose Σ equals the
-- stated totals, else the first by rank. line_source names it for every line (a class_remainder line's own
-- table_kind is the 收支总表 it completes); dim_document.line_source_reason says why.
select l.document_id, l.table_kind, l.table_index, l.row_index, l.page, l.unit_code, l.function_code,
    l.function_name, l.econ_dept_code, l.econ_dept_name, l.econ_gov_code, l.econ_gov_name, l.total_yuan,
    l.basic_yuan, l.project_yuan, l.remit_upper_yuan, l.operating_yuan, l.subsidy_subordinate_yuan,
    l.correction_event_id, l.line_basis, l.line_source
from {{ ref('int_line_source_lines') }} l
join {{ ref('int_line_source_choice') }} c on c.document_id = l.document_id and c.source_rank = l.source_rank
