-- One row per document: its newest registration, metadata assertions applied, and its status.
with registrations as (
    select * from (
        select *, row_number() over (partition by document_id order by recorded_at desc, event_id) as registration_rank
        from {{ ref('stg_document_registrations') }}
    ) as ranked
    where registration_rank = 1
),

lifecycle as (select * from {{ ref('stg_document_lifecycle') }}),

-- MetadataAsserted (sidecar files, manual fixes): the newest value of each field wins.
asserted as (
    select
        document_id,
        {{ agg_first(json_text('asserted_fields', 'fiscal_year'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'fiscal_year') ~ ' is not null') }} as fiscal_year,
        {{ agg_first(json_text('asserted_fields', 'region_code'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'region_code') ~ ' is not null') }} as region_code,
        {{ agg_first(json_text('asserted_fields', 'region_name'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'region_name') ~ ' is not null') }} as region_name,
        {{ agg_first(json_text('asserted_fields', 'doc_kind'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'doc_kind') ~ ' is not null') }} as doc_kind,
        {{ agg_first(json_text('asserted_fields', 'statement'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'statement') ~ ' is not null') }} as statement,
        {{ agg_first(json_text('asserted_fields', 'subject_code'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'subject_code') ~ ' is not null') }} as subject_code,
        {{ agg_first(json_text('asserted_fields', 'department_code'), 'recorded_at desc, event_id',
                     json_text('asserted_fields', 'department_code') ~ ' is not null') }} as department_code
    from lifecycle
    where event_type = 'MetadataAsserted'
    group by document_id
),

extracted as (
    select document_id, max(recorded_at) as extracted_at
    from {{ ref('stg_table_extractions') }}
    group by document_id
),

status as (
    select
        document_id,
        max(case when event_type = 'DocumentRetracted' then recorded_at end) as retracted_at,
        {{ agg_first('reason', 'recorded_at desc, event_id', "event_type = 'DocumentRetracted'") }} as retraction_reason,
        {{ agg_first('superseded_by', 'recorded_at desc, event_id', "event_type = 'DocumentSuperseded'") }} as superseded_by,
        {{ agg_first('reason', 'recorded_at desc, event_id', "event_type = 'ExtractionFailed'") }} as failure_reason,
        -- a sidecar refused (MetadataRejected) and not followed by an accepted assertion
        {{ agg_first("case when event_type = 'MetadataRejected' then reason end", 'recorded_at desc, event_id',
                     "event_type in ('MetadataAsserted', 'MetadataRejected')") }} as sidecar_rejected_reason
    from lifecycle
    group by document_id
)

select
    r.document_id,
    r.file_name,
    r.file_format,
    r.size_bytes,
    r.page_count,
    coalesce(a.doc_kind, r.doc_kind) as doc_kind,
    coalesce(a.statement, r.statement, 'budget') as statement,
    coalesce({{ cast_or_null('a.fiscal_year', 'integer') }}, r.fiscal_year) as fiscal_year,
    coalesce(a.region_code, r.region_code) as region_code,
    coalesce(a.region_name, r.region_name) as region_name,
    r.province,
    r.city,
    r.district,
    coalesce(a.department_code, r.department_code) as department_code,
    r.department_name,
    coalesce(a.subject_code, r.subject_code) as subject_code,
    r.subject_name,
    r.currency_unit,
    r.units,
    r.evidence,
    r.recorded_at as registered_at,
    s.superseded_by,
    s.retraction_reason,
    s.failure_reason,
    s.sidecar_rejected_reason,
    case
        when s.retracted_at is not null then 'retracted'
        when s.superseded_by is not null then 'superseded'
        when e.document_id is null and s.failure_reason is not null then 'failed'
        when e.document_id is null then 'registered'
        else 'current'
    end as status
from registrations r
left join asserted a using (document_id)
left join extracted e using (document_id)
left join status s using (document_id)
