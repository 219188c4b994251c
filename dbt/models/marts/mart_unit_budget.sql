-- Grain: one row per current document × unit (or department) the document states totals for. A unit
-- document reports its own unit only; a department document reports itself and each of its units.
with docs as (select * from {{ ref('int_documents') }} where status = 'current'),
candidates as (select * from {{ ref('int_unit_totals') }}),

picked as (
    select
        c.document_id,
        c.unit_code,
        first(c.total_yuan order by c.priority, c.source, c.page) filter (where c.total_yuan is not null) as total_yuan,
        first(c.basic_yuan order by c.priority, c.source, c.page) filter (where c.basic_yuan is not null) as basic_yuan,
        first(c.project_yuan order by c.priority, c.source, c.page) filter (where c.project_yuan is not null) as project_yuan,
        first(c.source order by c.priority, c.source, c.page) filter (where c.total_yuan is not null) as total_source,
        first(c.page order by c.priority, c.source, c.page) filter (where c.total_yuan is not null) as source_page
    from candidates c
    group by c.document_id, c.unit_code
)

select
    p.document_id,
    d.region_code || '-' || p.unit_code as unit_key,
    coalesce(d.fiscal_year, -1) as fiscal_year,
    cast(p.total_yuan as decimal(20, 2)) as total_yuan,
    cast(p.basic_yuan as decimal(20, 2)) as basic_yuan,
    cast(p.project_yuan as decimal(20, 2)) as project_yuan,
    p.unit_code = d.subject_code as is_document_subject,
    p.total_source,
    p.source_page
from picked p
join docs d using (document_id)
where p.total_yuan is not null
  and d.region_code is not null
  and (d.doc_kind <> 'unit' or p.unit_code = d.subject_code)
  and (p.unit_code = d.subject_code
       or p.unit_code = d.department_code
       or list_contains(json_extract_string(d.units, '$[*].unit_code'), p.unit_code))
