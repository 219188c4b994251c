-- Grain: one row per expenditure line × expenditure_type of a current document. Σ amount_yuan per
-- document = its stated total expenditure (lines come from exactly one table per document part).
with docs as (select * from {{ ref('int_documents') }} where status = 'current'),
lines as (select * from {{ ref('int_expenditure_lines') }}),

typed as (  -- one row per amount column of the line (macro expenditure_types, shared with the line source choice)
    {%- for t in expenditure_types() %}
    select *, '{{ t }}' as expenditure_type, {{ t }}_yuan as amount_yuan from lines
    union all
    {%- endfor %}
    -- a line printed with only a total keeps it, typed as unspecified
    select *, 'unspecified', total_yuan from lines
    where {% for t in expenditure_types() %}{{ t }}_yuan is null{% if not loop.last %} and {% endif %}{% endfor %}
)

select
    t.document_id,
    coalesce(d.region_code || '-' || t.unit_code, 'unknown') as unit_key,
    coalesce(d.fiscal_year, -1) as fiscal_year,
    d.statement,
    t.function_code,
    coalesce(t.econ_dept_code, 'unspecified') as econ_dept_code,
    coalesce(t.econ_gov_code, 'unspecified') as econ_gov_code,
    t.expenditure_type,
    cast(t.amount_yuan as decimal(20, 2)) as amount_yuan,
    t.line_basis,
    t.page as source_page,
    t.table_kind as source_table_kind,
    t.table_index,
    t.row_index,
    t.correction_event_id
from typed t
join docs d using (document_id)
where t.amount_yuan is not null and t.amount_yuan <> 0
