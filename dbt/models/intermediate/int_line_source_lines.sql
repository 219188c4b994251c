-- Every candidate source of each document's expenditure lines, with all of its lines: int_expenditure_lines
-- keeps those of the one source int_line_source_choice picks, so nothing is counted twice. The sources, by
-- their fixed rank (source_rank):
--   1. 支出总表 (expenditure_summary) rows with 7-digit function codes (Beijing 03表: function × economic
--      class; Hebei 支出总表: 项 rows only, 类/款 rows are 'group'). When a document has per-unit parts
--      (Hebei), the unit parts are used and the department part, which restates their sum, is not.
--   2. 财政拨款支出表 (fiscal_expenditure, Jiangsu 公开05表),
--   3. 一般公共预算支出表 (gpb_expenditure) rows (Xi'an 表5, whose 表3 carries no lines).
-- Sources 2 and 3 cover only part of the funds. Where the 收支总表 states a function class for all funds
-- (Jiangsu 公开01表: 201 一般公共服务支出 7,827.46 of which 财政拨款 7,747.46, the rest 其他资金), the
-- difference is added as one class-level line with line_basis 'class_remainder', traced to that 收支总表
-- row: the class totals then match the document, and the remainder is never mistaken for a printed line.
-- A final accounts' 支出决算表 prints 上缴上级支出, 经营支出 and 对附属单位补助支出 beside 基本 and 项目 as parts of
-- the line's 本年支出合计: they are read as their own amounts (a budget's 支出总表 prints those three under
-- 其中, parts of its other figures, and they are not read).
with docs as (select * from {{ ref('int_documents') }}),

candidates as (
    select r.*, d.department_code, d.subject_code as doc_subject,
        case r.table_kind when 'expenditure_summary' then 1 when 'fiscal_expenditure' then 2 else 3 end
            as source_rank,
        r.subject_code is not null and r.subject_code <> coalesce(d.department_code, '') as unit_part
    from {{ ref('int_table_rows') }} r
    join docs d using (document_id)
    where r.table_kind in ('expenditure_summary', 'fiscal_expenditure', 'gpb_expenditure')
      and r.row_type = 'data'
      and length(r.function_code) = 7
),

-- within each source, the unit parts win over the department part of the same document
source_rows as (
    select c.*
    from candidates c
    where c.unit_part or not exists (
        select 1 from candidates u
        where u.document_id = c.document_id and u.source_rank = c.source_rank and u.unit_part
    )
),

-- the final accounts' other kinds of spending on the candidate rows
other_kinds as (
    select c.document_id, c.table_index, c.row_index,
        max(case when c.column_name = 'remit_upper' then c.amount_yuan end) as remit_upper_yuan,
        max(case when c.column_name = 'operating' then c.amount_yuan end) as operating_yuan,
        max(case when c.column_name = 'subsidy_subordinate' then c.amount_yuan end) as subsidy_subordinate_yuan
    from {{ ref('int_table_cells') }} c
    join docs d using (document_id)
    where d.statement = 'final_accounts' and c.table_kind = 'expenditure_summary'
      and c.column_name in ('remit_upper', 'operating', 'subsidy_subordinate')
    group by c.document_id, c.table_index, c.row_index
),

printed as (
    select
        document_id,
        table_kind,
        table_index,
        row_index,
        page,
        coalesce(unit_code, subject_code, doc_subject) as unit_code,
        function_code,
        function_name,
        econ_dept_code,
        econ_dept_name,
        econ_gov_code,
        econ_gov_name,
        total_yuan,
        coalesce(basic_yuan, case when personnel_yuan is not null or public_yuan is not null
                                  then coalesce(personnel_yuan, 0) + coalesce(public_yuan, 0) end) as basic_yuan,
        project_yuan,
        o.remit_upper_yuan,
        o.operating_yuan,
        o.subsidy_subordinate_yuan,
        correction_event_id,
        'printed_line' as line_basis,
        source_rank,
        table_kind as line_source
    from source_rows
    left join other_kinds o using (document_id, table_index, row_index)
),

-- Class amounts the document-level 收支总表 states ("一、一般公共服务支出 7,827.46"), by class code.
stated_classes as (
    select c.document_id, c.table_index, c.row_index, max(c.page) as page,
        max(c.table_kind) as table_kind,
        regexp_replace(replace(max(case when c.column_name = 'expense_item' then c.raw_text end), ' ', ''),
                       '^[一二三四五六七八九十百零〇0-9]+[、.．]', '') as class_name,
        max(case when c.column_name = 'expense_amount' then c.amount_yuan end) as stated_yuan,
        max(c.correction_event_id) as correction_event_id
    from {{ ref('int_table_cells') }} c
    join docs d using (document_id)
    where c.table_kind = 'income_expenditure_summary' and c.row_type = 'data'
      and coalesce(c.subject_code, d.subject_code, '') in (coalesce(d.subject_code, ''), coalesce(d.department_code, ''))
    group by c.document_id, c.table_index, c.row_index
),

remainders as (  -- for each partial source (rank 2 and 3), against its own printed lines
    select s.document_id, src.source_rank, src.line_source, s.table_kind, s.table_index, s.row_index, s.page,
        d.subject_code as unit_code, k.class_code as function_code, s.class_name as function_name,
        s.stated_yuan - coalesce(sum(p.total_yuan), 0) as total_yuan, s.correction_event_id
    from stated_classes s
    join (select distinct class_code, name_zh from {{ ref('function_classes') }}) k on k.name_zh = s.class_name
    join docs d using (document_id)
    join (select distinct document_id, source_rank, line_source from printed where source_rank > 1) src
        on src.document_id = s.document_id
    left join printed p on p.document_id = s.document_id and p.source_rank = src.source_rank
        and left(p.function_code, 3) = k.class_code
    where s.stated_yuan is not null
    group by s.document_id, src.source_rank, src.line_source, s.table_kind, s.table_index, s.row_index, s.page,
        d.subject_code, k.class_code, s.class_name, s.stated_yuan, s.correction_event_id
    having s.stated_yuan - coalesce(sum(p.total_yuan), 0) > 0
)

select * from printed
union all  -- the columns of `printed`, in its order
select document_id, table_kind, table_index, row_index, page, unit_code, function_code, function_name,
    null as econ_dept_code, null as econ_dept_name, null as econ_gov_code, null as econ_gov_name,
    total_yuan, null as basic_yuan, null as project_yuan, null as remit_upper_yuan, null as operating_yuan,
    null as subsidy_subordinate_yuan, correction_event_id, 'class_remainder' as line_basis, source_rank, line_source
from remainders
