-- The budget a final accounts restates beside what it spent, item by item, in its explanation
-- ("…行政运行（项）。…全年预算为 52.00 万元，支出决算为 51.32 万元"): mart_budget_execution's budget side where the
-- warehouse holds no budget document for that unit and year.
with latest as (
    select x.*
    from {{ ref('stg_table_extractions') }} x
    join {{ ref('int_document_versions') }} v on v.extraction_event_id = x.event_id
)

select
    latest.document_id,
    {{ json_text('l.line', 'function_code') }} as function_code,
    cast({{ parse_amount(json_text('l.line', 'budget_text')) }}
         * cast({{ json_text('l.line', 'multiplier') }} as integer) as decimal(20, 2)) as budget_yuan,
    cast({{ parse_amount(json_text('l.line', 'final_text')) }}
         * cast({{ json_text('l.line', 'multiplier') }} as integer) as decimal(20, 2)) as final_yuan,
    cast({{ json_text('l.line', 'page') }} as integer) as page,
    {{ json_text('l.line', 'sentence') }} as sentence
from latest, {{ json_array_elements("coalesce(latest.narrative_budget_lines, '[]')", 'l', 'line') }}
