-- Grain: one row per line of the 政府购买服务预算财政拨款明细表 (purchased_services) of a current
-- document: unit × project (where printed) × 指导性目录 item (一级 / 二级 / 三级) × 服务领域. Data rows only
-- (not the 合计 row), so Σ amount_yuan per document = the table's 合计.
with parts as ({{ fact_parts('purchased_services') }}),

lines as (
    select
        document_id,
        table_index,
        row_index,
        max(page) as page,
        max(case when column_name = 'unit_code' then code end) as unit_code,
        max(case when column_name = 'project_name' then {{ prefix_code('raw_text') }} end) as project_code,
        max(case when column_name = 'project_name' then {{ prefix_name('raw_text') }} end) as project_name,
        max(case when column_name = 'catalogue_level_1' then {{ prefix_code('raw_text') }} end) as catalogue_level_1_code,
        max(case when column_name = 'catalogue_level_1' then {{ prefix_name('raw_text') }} end) as catalogue_level_1_name,
        max(case when column_name = 'catalogue_level_2' then {{ prefix_code('raw_text') }} end) as catalogue_level_2_code,
        max(case when column_name = 'catalogue_level_2' then {{ prefix_name('raw_text') }} end) as catalogue_level_2_name,
        max(case when column_name = 'catalogue_level_3' then {{ prefix_name('raw_text') }} end) as catalogue_level_3_name,
        max(case when column_name = 'service_field' then code end) as service_field_code,
        max(case when column_name = 'service_field' then {{ prefix_name('raw_text') }} end) as service_field_name,
        max(case when column_name = 'amount' then amount_yuan end) as amount_yuan,
        max(correction_event_id) as correction_event_id
    from {{ ref('int_table_cells') }}
    where table_kind = 'purchased_services' and row_type = 'data'
    group by document_id, table_index, row_index
)

select
    l.document_id,
    coalesce(p.region_code || '-' || coalesce(l.unit_code, p.unit_code), 'unknown') as unit_key,
    p.fiscal_year,
    l.project_code,
    l.project_name,
    l.catalogue_level_1_code,
    l.catalogue_level_1_name,
    l.catalogue_level_2_code,
    l.catalogue_level_2_name,
    l.catalogue_level_3_name,
    -- 服务领域 is printed as a function class ("201-一般公共服务支出")
    coalesce(case when length(l.service_field_code) in (3, 5, 7) then l.service_field_code end, 'unspecified')
        as service_field_code,
    l.service_field_name,
    cast(l.amount_yuan as decimal(20, 2)) as amount_yuan,
    {{ provenance_columns('l') }}
from lines l
join parts p using (document_id, table_index)
where l.amount_yuan is not null and l.amount_yuan <> 0
