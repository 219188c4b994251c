select
    event_id,
    recorded_at,
    document_id,
    cast(json_extract_string(payload, '$.table_index') as integer) as table_index,
    cast(json_extract_string(payload, '$.row_index') as integer) as row_index,
    json_extract_string(payload, '$.column') as column_name,
    json_extract_string(payload, '$.value') as corrected_text,
    json_extract_string(payload, '$.reason') as reason,
    json_extract_string(payload, '$.author') as author
from {{ ref('stg_events') }}
where event_type = 'CellCorrected'
