{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ delete_stale_document_versions() }}",
) }}
-- Every table of each document's newest extraction (older extractions stay in the event log).
-- Incremental by document (macros/incremental.sql): a run unnests only new or changed documents.
with latest as (
    select x.*, v.document_version
    from {{ ref('stg_table_extractions') }} x
    join {{ ref('int_document_versions') }} v on v.extraction_event_id = x.event_id
    where {{ is_document_to_load('x.document_id') }}
),

tables as (
    select
        latest.document_id,
        latest.event_id as extraction_event_id,
        latest.extractor_version,
        latest.document_version,
        t.tbl
    from latest, unnest(cast(json_extract(latest.tables, '$[*]') as json[])) as t(tbl)
)

select
    document_id,
    cast(json_extract_string(tbl, '$.table_index') as integer) as table_index,
    json_extract_string(tbl, '$.table_kind') as table_kind,
    json_extract_string(tbl, '$.title') as title,
    cast(json_extract_string(tbl, '$.page') as integer) as page,
    json_extract_string(tbl, '$.currency_unit') as currency_unit,
    try_cast(json_extract_string(tbl, '$.multiplier') as integer) as multiplier,
    json_extract_string(tbl, '$.subject_code') as subject_code,
    json_extract_string(tbl, '$.subject_name') as subject_name,
    json_extract_string(tbl, '$.section') as section,
    cast(json_extract_string(tbl, '$.is_empty') as boolean) as is_empty,
    json_extract_string(tbl, '$.columns[*]') as columns,
    json_extract(tbl, '$.header_rows') as header_rows,
    json_extract(tbl, '$.rows') as table_rows,
    json_array_length(json_extract(tbl, '$.rows')) as row_count,
    extraction_event_id,
    extractor_version,
    document_version
from tables
