-- The class amounts a 收支总表 states ("十、卫生健康支出 2,426.26") against the class sums of the fact lines.
with w as ({{ wide_cells(['expense_item', 'expense_amount'], ['income_expenditure_summary']) }}),

stated as (
    select w.document_id, w.table_index, w.page, w.subject_code, w.unit_yuan,
        regexp_replace(replace(w.expense_item_text, ' ', ''), '^[一二三四五六七八九十百零〇0-9]+[、.．]', '')
            as class_name,
        w.expense_amount as stated
    from w
    where w.expense_amount is not null and w.row_type = 'data'
),

classes as (
    select distinct class_code, class_name from {{ ref('dim_function_code') }} where class_code is not null
    union
    select function_code, function_name from {{ ref('dim_function_code') }} where level = 'class'
),

docs as (select document_id, subject_code as doc_subject, department_code from {{ ref('int_documents') }}),

lines as (
    select f.document_id, split_part(f.unit_key, '-', 2) as unit_code, left(f.function_code, 3) as class_code,
        sum(f.amount_yuan) as amount, count(*) as n, max(u.unit_yuan) as unit_yuan
    from {{ ref('fact_expenditure') }} f
    left join {{ ref('precision_fact_lines') }} u
        on u.document_id = f.document_id and u.table_index = f.table_index and u.row_index = f.row_index
    group by f.document_id, split_part(f.unit_key, '-', 2), left(f.function_code, 3)
)

select s.document_id, 'income_expenditure_summary' as table_kind, s.table_index, s.page, s.subject_code,
    c.class_code || ' ' || s.class_name as item,
    s.stated as expected,
    coalesce(sum(l.amount), 0) as actual,
    greatest(coalesce(sum(l.n), 0), 1) as n_terms,
    greatest(max(s.unit_yuan), max(l.unit_yuan)) as unit_yuan
from stated s
join classes c on c.class_name = s.class_name
join docs d on d.document_id = s.document_id
left join lines l
    on l.document_id = s.document_id and l.class_code = c.class_code
    and (s.subject_code is null or s.subject_code in (d.doc_subject, d.department_code)
         or l.unit_code = s.subject_code)
group by s.document_id, s.table_index, s.page, s.subject_code, c.class_code || ' ' || s.class_name, s.stated
