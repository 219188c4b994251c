-- Amounts the explanation text states ("支出预算 3039.83 万元，其中：基本支出 2228.96 万元，占 73.33%").
with latest as (
    select * from (
        select *, row_number() over (partition by document_id order by recorded_at desc, event_id) as extraction_rank
        from {{ ref('stg_table_extractions') }}
    ) as ranked
    where extraction_rank = 1
)

select
    latest.document_id,
    {{ json_text('c.claim', 'label') }} as claim_label,
    cast({{ parse_amount(json_text('c.claim', 'amount_text')) }}
         * cast({{ json_text('c.claim', 'multiplier') }} as integer) as decimal(20, 2)) as amount_yuan,
    {{ cast_or_null(json_text('c.claim', 'percent'), 'decimal(6, 2)') }} as percent,
    cast({{ json_text('c.claim', 'multiplier') }} as integer) as multiplier,
    cast({{ json_text('c.claim', 'page') }} as integer) as page,
    {{ json_text('c.claim', 'sentence') }} as sentence
from latest, {{ json_array_elements("coalesce(latest.narrative_claims, '[]')", 'c', 'claim') }}
