select
    event_id,
    recorded_at,
    document_id,
    cast({{ json_text('payload', 'table_index') }} as integer) as table_index,
    cast({{ json_text('payload', 'row_index') }} as integer) as row_index,
    {{ json_text('payload', 'column') }} as column_name,
    {{ json_text('payload', 'value') }} as corrected_text,
    {{ json_text('payload', 'reason') }} as reason,
    {{ json_text('payload', 'author') }} as author
from {{ ref('stg_events') }}
where event_type = 'CellCorrected'
