-- One row per table of a current document: the unit the table speaks for and whether the facts read it.
-- Documents split into per-unit parts (Hebei 第二部分 部门所属单位预算) print each table once for the
-- department, restating the sum of its units, and again for every unit. For each table kind the facts
-- read the unit parts and skip the department part (as int_expenditure_lines does), so no amount is
-- counted twice; a kind printed only once (Beijing, Xi'an) is read as printed.
with docs as (select * from {{ ref('int_documents') }} where status = 'current'),

tables as (
    select
        t.document_id,
        t.table_index,
        t.table_kind,
        t.title,
        t.page,
        t.multiplier,
        t.is_empty,
        coalesce(t.subject_code, d.subject_code) as unit_code,
        t.subject_code is not null and t.subject_code <> coalesce(d.department_code, '') as is_unit_part,
        d.region_code,
        coalesce(d.fiscal_year, -1) as fiscal_year
    from {{ ref('int_tables') }} t
    join docs d using (document_id)
)

select
    t.*,
    t.is_unit_part or not exists (
        select 1 from tables u
        where u.document_id = t.document_id and u.table_kind = t.table_kind and u.is_unit_part
    ) as is_read_by_facts
from tables t
