-- Units and departments, keyed by region: unit codes repeat across districts (two districts can both
-- have a unit 201001), so unit_key = region_code || '-' || unit_code.
with docs as (
    select * from {{ ref('int_documents') }} where status in ('current', 'superseded')
),

listed as (
    select
        d.region_code,
        d.province,
        d.city,
        d.district,
        d.region_name,
        {{ json_text('u.unit', 'unit_code') }} as unit_code,
        {{ json_text('u.unit', 'unit_name') }} as unit_name,
        cast({{ json_text('u.unit', 'is_department') }} as boolean) as is_department,
        d.department_code,
        d.department_name,
        d.fiscal_year,
        d.registered_at
    from docs d, {{ json_array_elements('d.units', 'u', 'unit') }}
),

latest as (
    select * from (
        select *, row_number() over (
            partition by region_code, unit_code order by fiscal_year desc nulls last, registered_at desc
        ) as unit_rank
        from listed
        where region_code is not null and unit_code is not null
    ) as ranked
    where unit_rank = 1
)

select
    region_code || '-' || unit_code as unit_key,
    region_code,
    region_name,
    province,
    city,
    district,
    unit_code,
    unit_name,
    case when is_department then null else department_code end as department_code,
    case when is_department then null else department_name end as department_name,
    is_department,
    case when is_department then null else region_code || '-' || department_code end as parent_unit_key
from latest
union all
select 'unknown', null, null, null, null, null, null, '(unknown unit)', null, null, false, null
