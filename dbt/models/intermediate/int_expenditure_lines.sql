-- The finest expenditure lines of each document, from exactly one source so nothing is counted twice:
--   1. 支出总表 (expenditure_summary) rows with 7-digit function codes (Beijing 03表: function × economic
--      class; Hebei 支出总表: 项 rows only, 类/款 rows are 'group'). When a document has per-unit parts
--      (Hebei), the unit parts are used and the department part, which restates their sum, is not.
--   2. otherwise 财政拨款支出表 (fiscal_expenditure, Jiangsu 公开05表),
--   3. otherwise 一般公共预算支出表 (gpb_expenditure) rows (Xi'an 表5, whose 表3 carries no lines).
with docs as (select * from {{ ref('int_documents') }}),

candidates as (
    select r.*, d.department_code, d.subject_code as doc_subject,
        case r.table_kind when 'expenditure_summary' then 1 when 'fiscal_expenditure' then 2 else 3 end
            as source_rank,
        r.subject_code is not null and r.subject_code <> coalesce(d.department_code, '') as unit_part
    from {{ ref('int_table_rows') }} r
    join docs d using (document_id)
    where r.table_kind in ('expenditure_summary', 'fiscal_expenditure', 'gpb_expenditure')
      and r.row_type = 'data'
      and length(r.function_code) = 7
),

best_source as (
    select document_id, min(source_rank) as source_rank from candidates group by document_id
),

chosen as (
    select c.*
    from candidates c
    join best_source b using (document_id, source_rank)
    -- unit parts win over the department part of the same document
    where c.unit_part or not exists (
        select 1 from candidates u
        where u.document_id = c.document_id and u.source_rank = c.source_rank and u.unit_part
    )
)

select
    document_id,
    table_kind,
    table_index,
    row_index,
    page,
    coalesce(unit_code, subject_code, doc_subject) as unit_code,
    function_code,
    function_name,
    econ_dept_code,
    econ_dept_name,
    econ_gov_code,
    econ_gov_name,
    total_yuan,
    coalesce(basic_yuan, case when personnel_yuan is not null or public_yuan is not null
                              then coalesce(personnel_yuan, 0) + coalesce(public_yuan, 0) end) as basic_yuan,
    project_yuan,
    correction_event_id
from chosen
