-- One row per table row with the classification and amount columns the marts need side by side.
select
    document_id,
    table_index,
    any_value(table_kind) as table_kind,
    row_index,
    any_value(page) as page,
    any_value(row_type) as row_type,
    any_value(subject_code) as subject_code,
    any_value(multiplier) as multiplier,
    coalesce(
        max(code) filter (where column_name = 'function'),
        max(code) filter (where column_name = 'function_code')
    ) as function_code,
    coalesce(
        max(name) filter (where column_name = 'function'),
        max(raw_text) filter (where column_name = 'function_name')
    ) as function_name,
    coalesce(
        max(code) filter (where column_name = 'econ_dept'),
        max(code) filter (where column_name = 'econ_dept_code')
    ) as econ_dept_code,
    coalesce(
        max(name) filter (where column_name = 'econ_dept'),
        max(raw_text) filter (where column_name = 'econ_dept_name')
    ) as econ_dept_name,
    coalesce(
        max(code) filter (where column_name = 'econ_gov'),
        max(code) filter (where column_name = 'econ_gov_code')
    ) as econ_gov_code,
    coalesce(
        max(name) filter (where column_name = 'econ_gov'),
        max(raw_text) filter (where column_name = 'econ_gov_name')
    ) as econ_gov_name,
    coalesce(
        max(code) filter (where column_name = 'unit'),
        max(code) filter (where column_name = 'unit_code')
    ) as unit_code,
    coalesce(
        max(name) filter (where column_name = 'unit' and code is not null),
        max(raw_text) filter (where column_name = 'unit_name')
    ) as unit_name,
    -- tables with a single amount column (金额) state the line's total there
    coalesce(
        max(amount_yuan) filter (where column_name = 'total'),
        max(amount_yuan) filter (where column_name = 'amount')
    ) as total_yuan,
    max(amount_yuan) filter (where column_name = 'basic') as basic_yuan,
    max(amount_yuan) filter (where column_name = 'project') as project_yuan,
    max(amount_yuan) filter (where column_name = 'personnel') as personnel_yuan,
    max(amount_yuan) filter (where column_name = 'public') as public_yuan,
    max(correction_event_id) as correction_event_id
from {{ ref('int_table_cells') }}
group by document_id, table_index, row_index
