-- Amounts the explanation text states ("支出预算 3039.83 万元，其中：基本支出 2228.96 万元，占 73.33%").
with latest as (
    select x.*
    from {{ ref('stg_table_extractions') }} x
    join {{ ref('int_document_versions') }} v on v.extraction_event_id = x.event_id
)

select
    latest.document_id,
    {{ json_text('c.claim', 'label') }} as claim_label,
    cast({{ parse_amount(json_text('c.claim', 'amount_text')) }}
         * cast({{ json_text('c.claim', 'multiplier') }} as integer) as decimal(20, 2)) as amount_yuan,
    {{ json_text('c.claim', 'amount_text') }} as amount_text,
    {{ cast_or_null(json_text('c.claim', 'percent'), 'decimal(6, 2)') }} as percent,
    cast({{ json_text('c.claim', 'multiplier') }} as integer) as multiplier,
    cast({{ json_text('c.claim', 'page') }} as integer) as page,
    {{ json_text('c.claim', 'sentence') }} as sentence
from latest, {{ json_array_elements("coalesce(latest.narrative_claims, '[]')", 'c', 'claim') }}
