-- 类 = Σ 款 and 款 = Σ 项 in tables that print the hierarchy (Hebei 支出总表, Xi'an 表5–8).
with w as (
    {{ wide_cells(['function_code', 'econ_dept_code', 'total'],
                  ['expenditure_summary', 'gpb_expenditure', 'gpb_basic_expenditure',
                   'gpb_basic_expenditure_function', 'gpb_expenditure_econ']) }}
),

c as (
    select *, {{ regex_extract("replace(coalesce(function_code_text, econ_dept_code_text, ''), ' ', '')", "'^[0-9]+'") }}
            as code
    from w where row_type in ('data', 'group')
),

parents as (select * from c where row_type = 'group' and length(code) in (3, 5) and total is not null),

children as (select * from c where length(code) in (5, 7))

select p.document_id, p.table_kind, p.table_index, p.page, p.subject_code,
    p.code || ' = Σ ' || (case when length(p.code) = 3 and {{ agg_any('length(ch.code)') }} = 5 then '款' else '项' end)
        as item,
    p.total as expected, coalesce(sum(ch.total), 0) as actual, greatest(count(ch.total), 1) as n_terms,
    greatest(p.unit_yuan, max(ch.unit_yuan)) as unit_yuan
from parents p
join children ch on ch.document_id = p.document_id and ch.table_index = p.table_index
    and starts_with(ch.code, p.code)
    and length(ch.code) = (select min(length(x.code)) from children x
                           where x.document_id = p.document_id and x.table_index = p.table_index
                             and starts_with(x.code, p.code) and length(x.code) > length(p.code))
group by p.document_id, p.table_index, p.table_kind, p.page, p.subject_code, p.code, p.total, p.unit_yuan
