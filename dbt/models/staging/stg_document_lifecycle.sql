-- Events that change a document's status or metadata after registration.
select
    event_id,
    recorded_at,
    document_id,
    event_type,
    {{ json_text('payload', 'reason') }} as reason,
    {{ json_text('payload', 'superseded_by') }} as superseded_by,
    {{ json_value('payload', 'fields') }} as asserted_fields
from {{ ref('stg_events') }}
where event_type in ('ExtractionFailed', 'DocumentSuperseded', 'DocumentRetracted', 'MetadataAsserted', 'MetadataRejected')
