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
        any_value(page) as page,
        max(code) filter (where column_name in ('unit', 'unit_code')) as unit_code,
        max(trim(raw_text)) filter (where column_name = 'project_name') as project_name,
        max({{ prefix_code('raw_text') }}) filter (where column_name = 'project_type') as project_type_code,
        max({{ prefix_name('raw_text') }}) filter (where column_name = 'project_type') as project_type,
        max(code) filter (where column_name in ('function', 'function_code')) as function_code,
        max(code) filter (where column_name in ('econ_dept', 'econ_dept_code')) as econ_dept_code,
        max(code) filter (where column_name in ('econ_gov', 'econ_gov_code')) as econ_gov_code,
        coalesce(max(amount_yuan) filter (where column_name = 'total'),
                 max(amount_yuan) filter (where column_name = 'amount')) as amount_yuan,
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
