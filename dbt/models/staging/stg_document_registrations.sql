select
    event_id,
    recorded_at,
    document_id,
    json_extract_string(payload, '$.file_name') as file_name,
    json_extract_string(payload, '$.format') as file_format,
    try_cast(json_extract_string(payload, '$.size_bytes') as bigint) as size_bytes,
    try_cast(json_extract_string(payload, '$.page_count') as integer) as page_count,
    json_extract_string(payload, '$.doc_kind') as doc_kind,
    try_cast(json_extract_string(payload, '$.fiscal_year') as integer) as fiscal_year,
    json_extract_string(payload, '$.region_code') as region_code,
    json_extract_string(payload, '$.region_name') as region_name,
    json_extract_string(payload, '$.province') as province,
    json_extract_string(payload, '$.city') as city,
    json_extract_string(payload, '$.district') as district,
    json_extract_string(payload, '$.department_code') as department_code,
    json_extract_string(payload, '$.department_name') as department_name,
    json_extract_string(payload, '$.subject_code') as subject_code,
    json_extract_string(payload, '$.subject_name') as subject_name,
    json_extract_string(payload, '$.currency_unit') as currency_unit,
    json_extract(payload, '$.units') as units,
    json_extract(payload, '$.evidence') as evidence
from {{ ref('stg_events') }}
where event_type = 'DocumentRegistered'
