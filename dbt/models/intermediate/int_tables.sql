-- Every table of each document's newest extraction (older extractions stay in the event log).
-- Incremental by document (dbt_project.yml, macros/incremental.sql): a run unnests only new or changed
-- documents.
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
    from latest, {{ json_array_elements('latest.tables', 't', 'tbl') }}
)

select
    document_id,
    cast({{ json_text('tbl', 'table_index') }} as integer) as table_index,
    {{ json_text('tbl', 'table_kind') }} as table_kind,
    {{ json_text('tbl', 'title') }} as title,
    cast({{ json_text('tbl', 'page') }} as integer) as page,
    {{ json_text('tbl', 'currency_unit') }} as currency_unit,
    {{ cast_or_null(json_text('tbl', 'multiplier'), 'integer') }} as multiplier,
    {{ json_text('tbl', 'subject_code') }} as subject_code,
    {{ json_text('tbl', 'subject_name') }} as subject_name,
    {{ json_text('tbl', 'section') }} as section,
    cast({{ json_text('tbl', 'is_empty') }} as boolean) as is_empty,
    {{ json_text_list('tbl', 'columns') }} as columns,
    {{ json_value('tbl', 'header_rows') }} as header_rows,
    {{ json_value('tbl', 'rows') }} as table_rows,
    -- performance tables: their rows read into the indicator fields (int_performance_rows unnests them)
    {{ json_value('tbl', 'performance_rows') }} as performance_rows,
    {{ json_array_size('tbl', 'rows') }} as row_count,
    extraction_event_id,
    extractor_version,
    document_version
from tables
