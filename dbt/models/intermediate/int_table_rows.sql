-- One row per table row with the classification and amount columns the marts need side by side.
-- A classification is printed either as one "code-name" cell (column `function`) or as two columns
-- (`function_code`, `function_name`); both shapes end up in <dimension>_code and <dimension>_name.
{% set dimensions = ['function', 'econ_dept', 'econ_gov', 'unit'] %}
{% set amounts = ['basic', 'project', 'personnel', 'public'] %}
-- depends_on: {{ ref('int_document_versions') }} (read by the by-document pre-hook, dbt_project.yml)

with wide as (
select
    document_id,
    table_index,
    -- (one value per table or row: max picks it)
    max(table_kind) as table_kind,
    row_index,
    max(page) as page,
    max(row_type) as row_type,
    max(subject_code) as subject_code,
    max(multiplier) as multiplier,
    {%- for d in dimensions %}
    coalesce(
        max(case when column_name = '{{ d }}' then code end),
        max(case when column_name = '{{ d }}_code' then code end)
    ) as {{ d }}_code,
    coalesce(
        max(case when column_name = '{{ d }}' and code is not null then name end),
        max(case when column_name = '{{ d }}_name' then raw_text end)
    ) as {{ d }}_name,
    {%- endfor %}
    -- tables with a single amount column (金额) state the line's total there
    coalesce(
        max(case when column_name = 'total' then amount_yuan end),
        max(case when column_name = 'amount' then amount_yuan end)
    ) as total_yuan,
    {%- for a in amounts %}
    max(case when column_name = '{{ a }}' then amount_yuan end) as {{ a }}_yuan,
    {%- endfor %}
    max(correction_event_id) as correction_event_id,
    max(document_version) as document_version
from {{ ref('int_table_cells') }}
where {{ is_document_to_load('document_id') }}
group by document_id, table_index, row_index
)

-- A "科目编码" column holds economic codes in some tables (Hebei's 基本支出表): function codes start with
-- 2, department economic codes with 3 and government ones with 5, so such codes move to their scheme.
select
    document_id, table_index, table_kind, row_index, page, row_type, subject_code, multiplier,
    case when function_code like '3%' or function_code like '5%' then null else function_code end as function_code,
    case when function_code like '3%' or function_code like '5%' then null else function_name end as function_name,
    coalesce(econ_dept_code, case when function_code like '3%' then function_code end) as econ_dept_code,
    coalesce(econ_dept_name, case when function_code like '3%' then function_name end) as econ_dept_name,
    coalesce(econ_gov_code, case when function_code like '5%' then function_code end) as econ_gov_code,
    coalesce(econ_gov_name, case when function_code like '5%' then function_name end) as econ_gov_name,
    unit_code, unit_name, total_yuan,
    {%- for a in amounts %} {{ a }}_yuan,{% endfor %}
    correction_event_id,
    document_version
from wide
