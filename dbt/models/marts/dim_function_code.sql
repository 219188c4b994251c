-- 支出功能分类科目: 类 (3 digits) → 款 (5) → 项 (7). Names as printed in the most recent document that
-- prints the code, else the catalogue seeds' (function_classes, function_items; the name valid in the
-- newest year). Codes missing from the catalogue are kept and flagged (in_catalogue = false).
with printed as (
    select r.function_code as code, r.function_name as name, d.fiscal_year
    from {{ ref('int_table_rows') }} r
    join {{ ref('int_documents') }} d using (document_id)
    where length(r.function_code) in (3, 5, 7) and r.function_name is not null
),

names as (
    select code, {{ agg_first('name', 'fiscal_year desc nulls last, name') }} as name
    from printed group by code
),

catalogue as (
    select class_code, {{ agg_first('name_zh', 'coalesce(last_year, 9999) desc, name_zh') }} as name_zh,
           {{ agg_first('name_en', 'coalesce(last_year, 9999) desc, name_zh') }} as name_en
    from {{ ref('function_classes') }} group by class_code
),

items as (
    select function_code, {{ agg_first('name_zh', 'coalesce(last_year, 9999) desc') }} as name_zh
    from {{ ref('function_items') }} group by function_code
),

codes as (
    select code from names
    union select left(code, 3) from names
    union select left(code, 5) from names where length(code) >= 5
    union select class_code from catalogue
    union select function_code from items
)

select
    c.code as function_code,
    coalesce(n.name, i.name_zh, case when length(c.code) = 3 then k.name_zh end) as function_name,
    case length(c.code) when 3 then 'class' when 5 then 'section' else 'item' end as level,
    left(c.code, 3) as class_code,
    coalesce(nc.name, k.name_zh) as class_name,
    k.name_en as class_name_en,
    case when length(c.code) >= 5 then left(c.code, 5) end as section_code,
    case when length(c.code) >= 5 then coalesce(ns.name, si.name_zh) end as section_name,
    case when length(c.code) = 3 then k.class_code is not null else i.function_code is not null end as in_catalogue
from codes c
left join names n on n.code = c.code
left join names nc on nc.code = left(c.code, 3)
left join names ns on ns.code = left(c.code, 5)
left join catalogue k on k.class_code = left(c.code, 3)
left join items i on i.function_code = c.code
left join items si on si.function_code = left(c.code, 5)
union all
select 'unspecified', '(not stated)', 'unspecified', null, null, null, null, null, false
