-- Grain: one row per item line of the 政府采购预算明细表 (procurement) of a current document: unit ×
-- 采购类别 (A-货物 goods / B-工程 works / C-服务 services, or the printed item). Data rows only (not the
-- 合计 row), so Σ amount_yuan per document = the table's 合计.
with parts as ({{ fact_parts('procurement') }}),

lines as (
    select
        document_id,
        table_index,
        row_index,
        any_value(page) as page,
        max(code) filter (where column_name = 'unit_code') as unit_code,
        max({{ prefix_code('raw_text') }}) filter (where column_name = 'category') as category_code,
        max({{ prefix_name('raw_text') }}) filter (where column_name = 'category') as category_name,
        max(amount_yuan) filter (where column_name = 'amount') as amount_yuan,
        max(correction_event_id) as correction_event_id
    from {{ ref('int_table_cells') }}
    where table_kind = 'procurement' and row_type = 'data'
    group by document_id, table_index, row_index
)

select
    l.document_id,
    coalesce(p.region_code || '-' || coalesce(l.unit_code, p.unit_code), 'unknown') as unit_key,
    p.fiscal_year,
    l.category_code,
    l.category_name,
    -- 政府采购品目分类目录: A 货物, B 工程, C 服务
    case
        when upper(l.category_code) like 'A%' or l.category_name like '%货物%' then 'goods'
        when upper(l.category_code) like 'B%' or l.category_name like '%工程%' then 'works'
        when upper(l.category_code) like 'C%' or l.category_name like '%服务%' then 'services'
        else 'unspecified'
    end as procurement_type,
    cast(l.amount_yuan as decimal(20, 2)) as amount_yuan,
    {{ provenance_columns('l') }}
from lines l
join parts p using (document_id, table_index)
where l.amount_yuan is not null and l.amount_yuan <> 0
