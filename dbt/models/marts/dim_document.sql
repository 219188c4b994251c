select
    d.document_id,
    d.file_name,
    coalesce(d.doc_kind, 'unknown') as doc_kind,
    d.statement,
    d.region_code,
    d.region_name,
    d.fiscal_year,
    d.currency_unit,
    d.status,
    d.page_count,
    d.department_code,
    d.subject_code,
    d.registered_at,
    d.superseded_by,
    coalesce(d.retraction_reason, d.failure_reason) as status_reason,
    -- the verdict as dbt sees it; the check_results step adds the failed error-severity identities
    -- (expectations/completeness.py) before the warehouse is published
    c.completeness,
    c.completeness_reasons,
    d.sidecar_rejected_reason,
    -- which table gives the expenditure lines, and why (int_line_source_choice)
    l.line_source,
    l.line_source_reason
from {{ ref('int_documents') }} d
left join {{ ref('int_document_completeness') }} c using (document_id)
left join {{ ref('int_line_source_choice') }} l using (document_id)
