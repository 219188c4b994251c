-- depends_on: {{ ref('int_document_versions') }} (read by the by-document pre-hook, dbt_project.yml)
-- Long format: one row per extracted cell, typed. A CellCorrected event replaces the printed text of its
-- cell (the newest correction wins) and is named in correction_event_id. Incremental by document.
with rows as (
    select
        t.document_id,
        t.table_index,
        t.table_kind,
        t.multiplier,
        t.subject_code,
        t.columns,
        t.extraction_event_id,
        t.document_version,
        cast({{ json_text('r.row', 'row_index') }} as integer) as row_index,
        cast({{ json_text('r.row', 'page') }} as integer) as page,
        {{ json_text('r.row', 'row_type') }} as row_type,
        {{ json_text_list('r.row', 'cells') }} as cells
    from {{ ref('int_tables') }} as t, {{ json_array_elements('t.table_rows', 'r', 'row') }}
    where {{ is_document_to_load('t.document_id') }}
),

cells as (
    select
        document_id, table_index, table_kind, multiplier, subject_code, extraction_event_id, document_version,
        row_index, page, row_type,
        unnest(columns) as column_name,
        unnest(cells) as printed_text
    from rows
),

typed as (
    select
        c.document_id,
        c.table_index,
        c.table_kind,
        c.row_index,
        c.page,
        c.row_type,
        c.column_name,
        c.printed_text,
        coalesce(k.corrected_text, c.printed_text) as raw_text,
        k.event_id as correction_event_id,
        c.multiplier,
        c.subject_code,
        c.extraction_event_id,
        c.document_version
    from cells c
    left join {{ ref('int_cell_corrections') }} k
        on k.document_id = c.document_id and k.table_index = c.table_index
        and k.row_index = c.row_index and k.column_name = c.column_name
    where c.column_name is not null
)

select
    *,
    cast({{ parse_amount('raw_text') }} * coalesce(multiplier, 1) as decimal(20, 2)) as amount_yuan,
    {{ leading_code('raw_text') }} as code,
    {{ trailing_name('raw_text') }} as name
from typed
