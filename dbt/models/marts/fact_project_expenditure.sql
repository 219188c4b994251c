-- Grain: one row per project line of the 项目支出表 (project_expenditure) of a current document: unit ×
-- project × function × economic class as printed. Data rows only (the 合计 row restates them), so
-- Σ amount_yuan per document = the table's 合计 = the document's 项目支出 total.
with parts as ({{ fact_parts('project_expenditure') }}),

cells as (
    select * from {{ ref('int_table_cells') }}
    where table_kind = 'project_expenditure' and row_type = 'data'
),

lines as (
    select
        document_id,
        table_index,
        row_index,
        max(page) as page,
        max(case when column_name in ('unit', 'unit_code') then code end) as unit_code,
        max(case when column_name = 'project_name' then trim(raw_text) end) as project_name,
        max(case when column_name = 'project_type' then {{ prefix_code('raw_text') }} end) as project_type_code,
        max(case when column_name = 'project_type' then {{ prefix_name('raw_text') }} end) as project_type,
        max(case when column_name in ('function', 'function_code') then code end) as function_code,
        max(case when column_name in ('econ_dept', 'econ_dept_code') then code end) as econ_dept_code,
        max(case when column_name in ('econ_gov', 'econ_gov_code') then code end) as econ_gov_code,
        coalesce(max(case when column_name = 'total' then amount_yuan end),
                 max(case when column_name = 'amount' then amount_yuan end)) as amount_yuan,
        max(correction_event_id) as correction_event_id
    from cells
    group by document_id, table_index, row_index
)

select
    l.document_id,
    coalesce(p.region_code || '-' || coalesce(l.unit_code, p.unit_code), 'unknown') as unit_key,
    p.fiscal_year,
    l.project_name,
    l.project_type_code,
    l.project_type,
    coalesce(l.function_code, 'unspecified') as function_code,
    coalesce(l.econ_dept_code, 'unspecified') as econ_dept_code,
    coalesce(l.econ_gov_code, 'unspecified') as econ_gov_code,
    cast(l.amount_yuan as decimal(20, 2)) as amount_yuan,
    {{ provenance_columns('l') }}
from lines l
join parts p using (document_id, table_index)
where l.amount_yuan is not null and l.amount_yuan <> 0
