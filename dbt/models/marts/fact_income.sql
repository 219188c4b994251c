-- Grain: one row per current document × unit × function code (where the 收入总表 gives one) × income
-- source, from the 收入总表 (income_summary). Leaf cells only: data rows (no 合计 / 类 / 款 / department
-- rows, which restate their parts) and source columns (no 合计 / 小计 columns), so Σ amount_yuan per
-- document = the table's 合计 (本年收入合计 + 上年结转结余) and nothing is counted twice.
with parts as ({{ fact_parts('income_summary') }}),

sources as (select * from {{ ref('income_sources') }}),

row_keys as (
    select r.document_id, r.table_index, r.row_index, r.unit_code, r.function_code,
        nullif(s.raw_text, '') as row_source
    from {{ ref('int_table_rows') }} r
    -- a table that prints its sources as rows names each row's source in a derived column (classify.py)
    left join {{ ref('int_table_cells') }} s
        on s.document_id = r.document_id and s.table_index = r.table_index and s.row_index = r.row_index
       and s.column_name = 'income_source'
    where r.table_kind = 'income_summary' and r.row_type = 'data'
),

cells as (
    select c.*
    from {{ ref('int_table_cells') }} c
    where c.table_kind = 'income_summary' and c.row_type = 'data'
      and c.amount_yuan is not null and c.amount_yuan <> 0
      -- classification, sequence and 合计/小计 columns are not income sources
      and c.column_name not in ('seq', 'item', 'remark', 'function', 'function_code', 'function_name',
                                'unit', 'unit_code', 'unit_name', 'total', 'current_subtotal', 'carryover_subtotal')
      and c.column_name not like '%_code_part_%'  -- 类 | 款 | 项 printed in separate columns (Shanghai)
),

keyed as (
    -- the source a cell speaks for: its row's (sources printed as rows) else its column's
    select c.*, coalesce(r.row_source, c.column_name) as income_source, r.unit_code as row_unit_code,
        r.function_code as row_function_code
    from cells c
    join row_keys r using (document_id, table_index, row_index)
)

select
    k.document_id,
    coalesce(p.region_code || '-' || coalesce(k.row_unit_code, p.unit_code), 'unknown') as unit_key,
    p.fiscal_year,
    coalesce(case when length(k.row_function_code) in (3, 5, 7) then k.row_function_code end, 'unspecified')
        as function_code,
    k.income_source,
    coalesce(s.name_zh, '(未识别的列 ' || k.column_name || ')') as income_source_name,
    coalesce(s.is_carryover, k.income_source like 'carryover%') as is_carryover,
    cast(k.amount_yuan as decimal(20, 2)) as amount_yuan,
    k.page as source_page,
    k.table_index,
    k.row_index,
    k.correction_event_id
from keyed k
join parts p on p.document_id = k.document_id and p.table_index = k.table_index
left join sources s on s.code = k.income_source
