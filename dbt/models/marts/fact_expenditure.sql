-- Grain: one row per expenditure line × expenditure_type of a current document. Σ amount_yuan per
-- document = its stated total expenditure (lines come from exactly one table per document part).
with docs as (select * from {{ ref('int_documents') }} where status = 'current'),
lines as (select * from {{ ref('int_expenditure_lines') }}),

typed as (
    select *, 'basic' as expenditure_type, basic_yuan as amount_yuan from lines
    union all
    select *, 'project', project_yuan from lines
    union all  -- final accounts: 上缴上级支出, 经营支出, 对附属单位补助支出 (int_expenditure_lines)
    select *, 'remit_upper', remit_upper_yuan from lines
    union all
    select *, 'operating', operating_yuan from lines
    union all
    select *, 'subsidy_subordinate', subsidy_subordinate_yuan from lines
    union all
    -- a line printed with only a total keeps it, typed as unspecified
    select *, 'unspecified', total_yuan from lines
    where basic_yuan is null and project_yuan is null and remit_upper_yuan is null and operating_yuan is null
      and subsidy_subordinate_yuan is null
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
