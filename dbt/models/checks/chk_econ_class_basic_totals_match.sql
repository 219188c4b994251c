-- Economic classes of the basic-expenditure table equal those of the 支出总表's basic column.
with s as ({{ wide_cells(['econ_dept', 'basic'], ['expenditure_summary']) }}),

b as ({{ wide_cells(['econ_dept', 'econ_dept_code', 'total'], ['gpb_basic_expenditure']) }}),

sc as (
    select document_id, left({{ regex_extract("replace(econ_dept_text, ' ', '')", "'^[0-9]+'") }}, 3) as cls,
        sum(basic) as amount, count(basic) as n, max(unit_yuan) as unit_yuan
    from s where row_type = 'data' and basic is not null
    group by document_id, left({{ regex_extract("replace(econ_dept_text, ' ', '')", "'^[0-9]+'") }}, 3)
),

bc as (
    select document_id,
        left({{ regex_extract("replace(coalesce(econ_dept_text, econ_dept_code_text), ' ', '')", "'^[0-9]+'") }}, 3)
            as cls,
        sum(total) as amount, count(total) as n, min(page) as page, max(unit_yuan) as unit_yuan
    from b where row_type = 'data' and total is not null
    group by document_id,
        left({{ regex_extract("replace(coalesce(econ_dept_text, econ_dept_code_text), ' ', '')", "'^[0-9]+'") }}, 3)
)

select sc.document_id, 'gpb_basic_expenditure' as table_kind, cast(null as integer) as table_index, bc.page,
    cast(null as varchar) as subject_code, '经济分类 ' || sc.cls || ': 基本支出表 = 支出总表' as item,
    sc.amount as expected, coalesce(bc.amount, 0) as actual, sc.n + coalesce(bc.n, 0) as n_terms,
    greatest(sc.unit_yuan, bc.unit_yuan) as unit_yuan
from sc left join bc on bc.document_id = sc.document_id and bc.cls = sc.cls
where sc.cls <> '' and sc.document_id in (select distinct document_id from b)
