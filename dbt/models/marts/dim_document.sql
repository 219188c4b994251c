select
    document_id,
    file_name,
    coalesce(doc_kind, 'unknown') as doc_kind,
    region_code,
    region_name,
    fiscal_year,
    currency_unit,
    status,
    page_count,
    department_code,
    subject_code,
    registered_at,
    superseded_by,
    coalesce(retraction_reason, failure_reason) as status_reason,
    sidecar_rejected_reason
from {{ ref('int_documents') }}
