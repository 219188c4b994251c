-- Amounts the explanation text states ("支出预算 3039.83 万元，其中：基本支出 2228.96 万元，占 73.33%").
with latest as (
    select * from {{ ref('stg_table_extractions') }}
    qualify row_number() over (partition by document_id order by recorded_at desc, event_id) = 1
)

select
    latest.document_id,
    json_extract_string(c.claim, '$.label') as claim_label,
    cast({{ parse_amount("json_extract_string(c.claim, '$.amount_text')") }}
         * cast(json_extract_string(c.claim, '$.multiplier') as integer) as decimal(20, 2)) as amount_yuan,
    try_cast(json_extract_string(c.claim, '$.percent') as decimal(6, 2)) as percent,
    cast(json_extract_string(c.claim, '$.multiplier') as integer) as multiplier,
    cast(json_extract_string(c.claim, '$.page') as integer) as page,
    json_extract_string(c.claim, '$.sentence') as sentence
from latest, unnest(cast(json_extract(coalesce(latest.narrative_claims, '[]'), '$[*]') as json[])) as c(claim)
