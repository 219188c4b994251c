-- What each document states for each unit (and the department), source by source; the mart picks
-- the most direct statement: a 合计 row of the 支出总表 beats a 合计 row of the 一般公共预算支出表,
-- which beats the 收入总表's unit row, which beats a sum of unit rows. 人员经费 / 公用经费 also come from
-- the 一般公共预算基本支出表's 合计 row (basic table), which states no total of its own.
with docs as (select * from {{ ref('int_documents') }}),
rows as (select * from {{ ref('int_table_rows') }}),

total_rows as (
    select r.document_id, coalesce(r.subject_code, d.subject_code) as unit_code,
        case r.table_kind when 'expenditure_summary' then 1 else 2 end as priority,
        r.table_kind || ' 合计' as source, r.page,
        r.total_yuan,
        coalesce(r.basic_yuan, case when r.personnel_yuan is not null or r.public_yuan is not null
                                    then coalesce(r.personnel_yuan, 0) + coalesce(r.public_yuan, 0) end) as basic_yuan,
        r.project_yuan,
        r.personnel_yuan,
        r.public_yuan
    from rows r join docs d using (document_id)
    where r.table_kind in ('expenditure_summary', 'gpb_expenditure') and r.row_type = 'total'
),

income_rows as (
    select document_id, unit_code, 3 as priority, 'income_summary unit row' as source, page,
        total_yuan, cast(null as decimal(20, 2)) as basic_yuan, cast(null as decimal(20, 2)) as project_yuan,
        cast(null as decimal(20, 2)) as personnel_yuan, cast(null as decimal(20, 2)) as public_yuan
    from rows
    where table_kind = 'income_summary' and row_type = 'data' and unit_code is not null
),

unit_sums as (
    select document_id, unit_code, 4 as priority, 'gpb_expenditure unit rows' as source, min(page) as page,
        sum(total_yuan) as total_yuan,
        sum(coalesce(basic_yuan, coalesce(personnel_yuan, 0) + coalesce(public_yuan, 0))) as basic_yuan,
        sum(coalesce(project_yuan, 0)) as project_yuan,
        sum(personnel_yuan) as personnel_yuan,
        sum(public_yuan) as public_yuan
    from rows
    where table_kind = 'gpb_expenditure' and row_type = 'data' and unit_code is not null
    group by document_id, unit_code
),

basic_table_rows as (
    select r.document_id, coalesce(r.subject_code, d.subject_code) as unit_code, 5 as priority,
        'gpb_basic_expenditure 合计' as source, r.page,
        cast(null as decimal(20, 2)) as total_yuan, cast(null as decimal(20, 2)) as basic_yuan, cast(null as decimal(20, 2)) as project_yuan,
        r.personnel_yuan, r.public_yuan
    from rows r join docs d using (document_id)
    where r.table_kind = 'gpb_basic_expenditure' and r.row_type = 'total'
)

select * from total_rows
union all select * from income_rows
union all select * from unit_sums
union all select * from basic_table_rows
