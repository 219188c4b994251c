-- Grain: one row per item line of the 政府采购预算明细表 (procurement) of a current document: unit ×
-- 采购类别 (A-货物 goods / B-工程 works / C-服务 services, or the printed item). Data rows only (not the
-- 合计 row), so Σ amount_yuan per document = the table's 合计.
with parts as ({{ fact_parts('procurement') }}),

rows as (
    select
        document_id,
        table_index,
        row_index,
        max(page) as page,
        max(row_type) as row_type,
        max(case when column_name = 'unit_code' then code end) as unit_code,
        max(case when column_name = 'category' then nullif(trim(raw_text), '') end) as category_text,
        max(case when column_name = 'amount' then amount_yuan end) as amount_yuan,
        max(correction_event_id) as correction_event_id
    from {{ ref('int_table_cells') }}
    where table_kind = 'procurement' and row_type in ('data', 'group')
    group by document_id, table_index, row_index
),

-- Jiangsu prints the category once, on a group row above its items ("一、货物A"): items inherit it.
lines as (
    select *,
        {{ prefix_code('category') }} as category_code,
        {{ prefix_name('category') }} as category_name
    from (
        select *, {{ last_non_null('category_text',
            '(partition by document_id, table_index order by row_index rows unbounded preceding)') }} as category
        from rows
    ) as filled
    where row_type = 'data'
)

select
    l.document_id,
    -- a row's unit code counts only if the document lists that unit (Xi'an 表12 prints 款/项 codes under
    -- its 单位编码 header); otherwise the row belongs to the unit the table speaks for
    coalesce(u.unit_key, p.region_code || '-' || p.unit_code, 'unknown') as unit_key,
    p.fiscal_year,
    l.category_code,
    l.category_name,
    -- 政府采购品目分类目录 (A 货物, B 工程, C 服务): seed label_rules
    coalesce({{ label_rule('procurement_type', 'l.category_name', 'l.category_code') }}, 'unspecified')
        as procurement_type,
    cast(l.amount_yuan as decimal(20, 2)) as amount_yuan,
    {{ provenance_columns('l') }}
from lines l
join parts p using (document_id, table_index)
left join {{ ref('dim_unit') }} u on u.unit_key = p.region_code || '-' || l.unit_code
where l.amount_yuan is not null and l.amount_yuan <> 0
