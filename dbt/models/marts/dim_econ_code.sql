-- 支出经济分类科目, both schemes: 部门预算 (3xx, scheme 'department') and 政府预算 (5xx, 'government').
-- Class (3 digits) → item (5 digits). Names as printed, else the catalogue seed (econ_classes); codes
-- missing from the catalogue are kept and flagged. Department items carry the government item they map
-- to (econ_dept_to_gov). 'unspecified' is the member facts point at when a table does not cross function
-- with economic class.
with printed as (
    select econ_dept_code as code, econ_dept_name as name, d.fiscal_year
    from {{ ref('int_table_rows') }} r join {{ ref('int_documents') }} d using (document_id)
    where length(econ_dept_code) in (3, 5)
    union all
    select econ_gov_code, econ_gov_name, d.fiscal_year
    from {{ ref('int_table_rows') }} r join {{ ref('int_documents') }} d using (document_id)
    where length(econ_gov_code) in (3, 5)
),

names as (
    select code, {{ agg_first('name', 'fiscal_year desc nulls last, name', 'name is not null') }} as name
    from printed group by code
),

catalogue as (select * from {{ ref('econ_classes') }}),
mapping as (select * from {{ ref('econ_dept_to_gov') }}),

codes as (
    select code from names
    union select left(code, 3) from names
    union select econ_code from catalogue
)

select
    c.code as econ_code,
    case left(c.code, 1) when '3' then 'department' when '5' then 'government' else 'other' end as scheme,
    coalesce(n.name, k.name_zh) as econ_name,
    case when length(c.code) = 3 then 'class' else 'item' end as level,
    case when length(c.code) > 3 then left(c.code, 3) end as parent_code,
    coalesce(k.name_en, kp.name_en) as econ_class_name_en,
    k.econ_code is not null as in_catalogue,
    m.econ_gov_code_agency as gov_code_agency,
    m.econ_gov_code_institution as gov_code_institution
from codes c
left join names n on n.code = c.code
left join catalogue k on k.econ_code = c.code
left join catalogue kp on kp.econ_code = left(c.code, 3)
left join mapping m on m.econ_dept_code = c.code
union all
select 'unspecified', 'unspecified', '(not stated)', 'unspecified', null, null, false, null, null
