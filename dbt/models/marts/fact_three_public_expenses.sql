-- Grain: one row per current document × unit × budget year × category of the 财政拨款“三公”经费支出表
-- (three_public). Leaf categories only: 因公出国（境）费 travel_abroad, 公务接待费 reception, 公务用车购置费
-- vehicle_purchase, 公务用车运行维护费 vehicle_operation (the combined 公务用车购置及运行维护费 `vehicles`
-- only where the split is not printed), plus 会议费 meeting / 培训费 training where the table lists them
-- (is_three_public = false). The table's 合计 and the “三公”小计 / 用车小计 are never rows, so
-- Σ amount_yuan per document and budget year = the table's stated total.
-- Two layouts: Beijing prints one row per year with a column per category (the `year` column says
-- which year, e.g. 2022 and 2023); Hebei prints one row per category (`item`) for the budget year.
-- A final accounts' 三公 table (决算) prints 预算数 beside each 决算数 (columns `<category>_budget`,
-- classify.py): amount_yuan is what was spent, budget_amount_yuan the year's budget printed beside it.
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

-- Beijing: a column per category, a row per year; 决算: a 预算数 column beside each
by_column as (
    select c.*, l.printed_year, replace(c.column_name, '_budget', '') as category,
        right(c.column_name, 7) = '_budget' as is_budget
    from cells c join row_labels l using (document_id, table_index, row_index)
    where replace(c.column_name, '_budget', '')
          in (select category from {{ ref('three_public_categories') }} where is_three_public)
),

-- Hebei: a row per category, amount in the 合计 column (all funding sources)
by_row as (
    select c.*, l.printed_year,
        {{ label_rule('three_public_item', 'l.label') }} as category,
        false as is_budget
    from cells c join row_labels l using (document_id, table_index, row_index)
    where c.column_name = 'total' and l.label is not null
),

candidates as (
    select * from by_column
    union all  -- same columns in the same order: the cell's, printed_year, category, is_budget
    select * from by_row
),

dated as (
    select c.*, coalesce(c.printed_year, p.fiscal_year) as budget_year, p.fiscal_year, p.region_code, p.unit_code
    from candidates c join parts p using (document_id, table_index)
    where c.category is not null
),

leaves as (
    select d.* from dated d
    -- the combined vehicle figure only where neither of its parts is printed
    where d.category <> 'vehicles' or not exists (
        select 1 from dated s
        where s.document_id = d.document_id and s.table_index = d.table_index and s.budget_year = d.budget_year
          and s.category in ('vehicle_purchase', 'vehicle_operation') and s.amount_yuan is not null
    )
),

figures as (  -- one row per category and year: the amount spent and, in 决算, the budget beside it
    select document_id, table_index, budget_year, category,
        min(region_code) as region_code, min(unit_code) as unit_code, min(fiscal_year) as fiscal_year,
        sum(case when not is_budget then amount_yuan end) as amount_yuan,
        sum(case when is_budget then amount_yuan end) as budget_amount_yuan,
        min(case when not is_budget then page end) as page,
        min(case when not is_budget then row_index end) as row_index,
        max(case when not is_budget then correction_event_id end) as correction_event_id,
        min(page) as any_page, min(row_index) as any_row_index
    from leaves
    where amount_yuan is not null
    group by document_id, table_index, budget_year, category
)

select
    f.document_id,
    coalesce(f.region_code || '-' || f.unit_code, 'unknown') as unit_key,
    f.fiscal_year,
    f.budget_year,
    f.budget_year = f.fiscal_year as is_current_year,
    f.category,
    k.category_name,
    k.is_three_public,
    cast(coalesce(f.amount_yuan, 0) as decimal(20, 2)) as amount_yuan,
    cast(f.budget_amount_yuan as decimal(20, 2)) as budget_amount_yuan,
    coalesce(f.page, f.any_page) as source_page,
    f.table_index,
    coalesce(f.row_index, f.any_row_index) as row_index,
    f.correction_event_id
from figures f
join categories k using (category)
where coalesce(f.amount_yuan, 0) <> 0 or coalesce(f.budget_amount_yuan, 0) <> 0
