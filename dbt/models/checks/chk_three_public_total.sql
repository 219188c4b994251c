-- 三公 total = 出国 + 接待 + 用车(购置 + 运维): as columns (most layouts), and as rows (Hebei:
-- “三公”经费小计 = 一、因公出国（境）费 + 二、公务用车购置及运维费 + 三、公务接待费); in final accounts also the
-- 预算数 beside the 决算数.
with w as (
    {{ wide_cells(['total', 'travel_abroad', 'reception', 'vehicles', 'vehicle_purchase', 'vehicle_operation'],
                  ['three_public']) }}
),

columns_ as (
    select document_id, table_kind, table_index, page, subject_code,
        '三公 = 出国 + 接待 + 用车(购置 + 运维)' as item, total as expected,
        coalesce(travel_abroad, 0) + coalesce(reception, 0)
          + coalesce(vehicles, coalesce(vehicle_purchase, 0) + coalesce(vehicle_operation, 0)) as actual,
        4 as n_terms, unit_yuan
    from w where total is not null and row_type = 'data'
      and coalesce(travel_abroad, reception, vehicles, vehicle_purchase, vehicle_operation) is not null
),

-- 决算: the 预算数 printed beside each 决算数 (`<item>_budget`, docs/final-accounts.md) adds up the same way
budget_w as (
    {{ wide_cells(['total_budget', 'travel_abroad_budget', 'reception_budget', 'vehicles_budget',
                   'vehicle_purchase_budget', 'vehicle_operation_budget'], ['three_public']) }}
),

budget_columns as (
    select document_id, table_kind, table_index, page, subject_code,
        '三公预算数 = 出国 + 接待 + 用车(购置 + 运维)' as item, total_budget as expected,
        coalesce(travel_abroad_budget, 0) + coalesce(reception_budget, 0)
          + coalesce(vehicles_budget, coalesce(vehicle_purchase_budget, 0) + coalesce(vehicle_operation_budget, 0))
          as actual,
        4 as n_terms, unit_yuan
    from budget_w where total_budget is not null and row_type = 'data'
      and coalesce(travel_abroad_budget, reception_budget, vehicles_budget, vehicle_purchase_budget,
                   vehicle_operation_budget) is not null
),

by_row as ({{ wide_cells(['item', 'total'], ['three_public']) }}),  -- its precision: the total column's

l as (select *, replace(coalesce(item_text, ''), ' ', '') as label from by_row),

-- the “三公”经费小计 row: seed label_rules, vocabulary three_public_row; its three items are the rows numbered
-- 一、二、三 (the numbering is the table's structure, not a label vocabulary)
marked as (
    select *, {{ label_in('three_public_row', 'label', ['subtotal']) }} as is_subtotal from l
),

rows_ as (
    select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
        min(page) filter (where is_subtotal) as page, {{ agg_any('subject_code') }} as subject_code,
        '三公小计 = 出国 + 用车 + 接待 (rows)' as item,
        coalesce(max(total) filter (where is_subtotal), 0) as expected,
        coalesce(sum(total) filter (where {{ regex_like('label', "'^[一二三]、(因公出国|公务用车|公务接待)'") }}), 0) as actual,
        4 as n_terms, max(unit_yuan) as unit_yuan
    from marked group by document_id, table_index
    having count(*) filter (where is_subtotal) = 1
)

select * from columns_
union all
select * from budget_columns
union all
select * from rows_
