select
    event_id,
    recorded_at,
    document_id,
    producer_version as extractor_version,
    {{ cast_or_null(json_text('payload', 'page_count'), 'integer') }} as page_count,
    {{ json_value('payload', 'tables') }} as tables,
    {{ json_value('payload', 'narrative_claims') }} as narrative_claims,
    {{ json_value('payload', 'narrative_budget_lines') }} as narrative_budget_lines
from {{ ref('stg_events') }}
where event_type = 'TablesExtracted'
