select
    event_id,
    recorded_at,
    document_id,
    {{ json_text('payload', 'file_name') }} as file_name,
    {{ json_text('payload', 'format') }} as file_format,
    {{ cast_or_null(json_text('payload', 'size_bytes'), 'bigint') }} as size_bytes,
    {{ cast_or_null(json_text('payload', 'page_count'), 'integer') }} as page_count,
    {{ json_text('payload', 'doc_kind') }} as doc_kind,
    {{ cast_or_null(json_text('payload', 'fiscal_year'), 'integer') }} as fiscal_year,
    {{ json_text('payload', 'region_code') }} as region_code,
    {{ json_text('payload', 'region_name') }} as region_name,
    {{ json_text('payload', 'province') }} as province,
    {{ json_text('payload', 'city') }} as city,
    {{ json_text('payload', 'district') }} as district,
    {{ json_text('payload', 'department_code') }} as department_code,
    {{ json_text('payload', 'department_name') }} as department_name,
    {{ json_text('payload', 'subject_code') }} as subject_code,
    {{ json_text('payload', 'subject_name') }} as subject_name,
    {{ json_text('payload', 'currency_unit') }} as currency_unit,
    {{ json_value('payload', 'units') }} as units,
    {{ json_value('payload', 'evidence') }} as evidence
from {{ ref('stg_events') }}
where event_type = 'DocumentRegistered'
