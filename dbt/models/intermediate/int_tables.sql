-- Every table of each document's newest extraction (older extractions stay in the event log).
with latest as (
    select * from (
        select *, row_number() over (partition by document_id order by recorded_at desc, event_id) as extraction_rank
        from {{ ref('stg_table_extractions') }}
    ) as ranked
    where extraction_rank = 1
),

tables as (
    select
        latest.document_id,
        latest.event_id as extraction_event_id,
        latest.extractor_version,
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
    {{ json_array_size('tbl', 'rows') }} as row_count,
    extraction_event_id,
    extractor_version
from tables
