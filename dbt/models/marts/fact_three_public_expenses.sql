-- Grain: one row per current document × unit × budget year × category of the 财政拨款“三公”经费支出表
-- (three_public). Leaf categories only: 因公出国（境）费 travel_abroad, 公务接待费 reception, 公务用车购置费
-- vehicle_purchase, 公务用车运行维护费 vehicle_operation (the combined 公务用车购置及运行维护费 `vehicles`
-- only where the split is not printed), plus 会议费 meeting / 培训费 training where the table lists them
-- (is_three_public = false). The table's 合计 and the “三公”小计 / 用车小计 are never rows, so
-- Σ amount_yuan per document and budget year = the table's stated total.
-- Two layouts: Beijing prints one row per year with a column per category (the `year` column says
-- which year, e.g. 2022 and 2023); Hebei prints one row per category (`item`) for the budget year.
with parts as ({{ fact_parts('three_public') }}),

categories as (
    select category, category_name, is_three_public from {{ ref('three_public_categories') }}
),

cells as (
    select c.*
    from {{ ref('int_table_cells') }} c
    join parts p using (document_id, table_index)
    where c.row_type = 'data'
),

row_labels as (
    select
        document_id, table_index, row_index,
        -- "二、公务用车购置及运维费", "其中：公务用车购置费" → the label without numbering
        max(case when column_name = 'item'
                 then regexp_replace(regexp_replace(raw_text, '\s', '', 'g'), '^([一二三四五六七八九十]+、|其中[:：])', '') end)
            as label,
        max(case when column_name = 'year' then {{ cast_or_null('code', 'integer') }} end) as printed_year
    from cells
    group by document_id, table_index, row_index
),

-- Beijing: a column per category, a row per year
by_column as (
    select c.*, l.printed_year, c.column_name as category
    from cells c join row_labels l using (document_id, table_index, row_index)
    where c.column_name in ('travel_abroad', 'reception', 'vehicle_purchase', 'vehicle_operation', 'vehicles')
),

-- Hebei: a row per category, amount in the 合计 column (all funding sources)
by_row as (
    select c.*, l.printed_year,
        {{ label_rule('three_public_item', 'l.label') }} as category
    from cells c join row_labels l using (document_id, table_index, row_index)
    where c.column_name = 'total' and l.label is not null
),

candidates as (
    select * from by_column
    union all  -- same columns in the same order: the cell's, printed_year, category
    select * from by_row
),

dated as (
    select c.*, coalesce(c.printed_year, p.fiscal_year) as budget_year, p.fiscal_year, p.region_code, p.unit_code
    from candidates c join parts p using (document_id, table_index)
    where c.category is not null
),

leaves as (
    select * from dated d
    -- the combined vehicle figure only where neither of its parts is printed
    where d.category <> 'vehicles' or not exists (
        select 1 from dated s
        where s.document_id = d.document_id and s.table_index = d.table_index and s.budget_year = d.budget_year
          and s.category in ('vehicle_purchase', 'vehicle_operation') and s.amount_yuan is not null
    )
)

select
    l.document_id,
    coalesce(l.region_code || '-' || l.unit_code, 'unknown') as unit_key,
    l.fiscal_year,
    l.budget_year,
    l.budget_year = l.fiscal_year as is_current_year,
    l.category,
    k.category_name,
    k.is_three_public,
    cast(l.amount_yuan as decimal(20, 2)) as amount_yuan,
    {{ provenance_columns('l') }}
from leaves l
join categories k using (category)
where l.amount_yuan is not null and l.amount_yuan <> 0
