select
    event_id,
    recorded_at,
    document_id,
    producer_version as extractor_version,
    try_cast(json_extract_string(payload, '$.page_count') as integer) as page_count,
    json_extract(payload, '$.tables') as tables,
    json_extract(payload, '$.narrative_claims') as narrative_claims
from {{ ref('stg_events') }}
where event_type = 'TablesExtracted'
