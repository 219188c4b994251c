-- One row per extracted document: its newest extraction and its newest cell corrections, hashed into
-- document_version. The per-document incremental models reload a document when its version changes.
with extractions as (
    select document_id, event_id
    from (
        select document_id, event_id,
               row_number() over (partition by document_id order by recorded_at desc, event_id) as extraction_rank
        from {{ ref('stg_table_extractions') }}
    ) as ranked
    where extraction_rank = 1
),

corrections as (
    select document_id, string_agg(event_id, ',' order by event_id) as correction_event_ids
    from {{ ref('int_cell_corrections') }}
    group by document_id
)

select
    e.document_id,
    e.event_id as extraction_event_id,
    md5(concat_ws('|', e.event_id, c.correction_event_ids)) as document_version
from extractions e
left join corrections c on c.document_id = e.document_id
