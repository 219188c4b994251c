-- One row per table row with the classification and amount columns the marts need side by side.
-- A classification is printed either as one "code-name" cell (column `function`) or as two columns
-- (`function_code`, `function_name`); both shapes end up in <dimension>_code and <dimension>_name.
{% set dimensions = ['function', 'econ_dept', 'econ_gov', 'unit'] %}
{% set amounts = ['basic', 'project', 'personnel', 'public'] %}

select
    document_id,
    table_index,
    any_value(table_kind) as table_kind,
    row_index,
    any_value(page) as page,
    any_value(row_type) as row_type,
    any_value(subject_code) as subject_code,
    any_value(multiplier) as multiplier,
    {%- for d in dimensions %}
    coalesce(
        max(code) filter (where column_name = '{{ d }}'),
        max(code) filter (where column_name = '{{ d }}_code')
    ) as {{ d }}_code,
    coalesce(
        max(name) filter (where column_name = '{{ d }}' and code is not null),
        max(raw_text) filter (where column_name = '{{ d }}_name')
    ) as {{ d }}_name,
    {%- endfor %}
    -- tables with a single amount column (金额) state the line's total there
    coalesce(
        max(amount_yuan) filter (where column_name = 'total'),
        max(amount_yuan) filter (where column_name = 'amount')
    ) as total_yuan,
    {%- for a in amounts %}
    max(amount_yuan) filter (where column_name = '{{ a }}') as {{ a }}_yuan,
    {%- endfor %}
    max(correction_event_id) as correction_event_id
from {{ ref('int_table_cells') }}
group by document_id, table_index, row_index
