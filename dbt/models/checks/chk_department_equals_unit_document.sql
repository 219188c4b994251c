-- A department document's figures for a unit = the unit's own document (same unit, same year, same statement).
select u.document_id, 'cross_document' as table_kind, cast(null as integer) as table_index, u.source_page as page,
    split_part(u.unit_key, '-', 2) as subject_code,
    'unit document total = department document figure for ' || u.unit_key as item,
    d.total_yuan as expected, u.total_yuan as actual, 1 as n_terms,
    greatest(uu.unit_yuan, du.unit_yuan) as unit_yuan
from {{ ref('mart_unit_budget') }} u
join {{ ref('dim_document') }} ud on ud.document_id = u.document_id and ud.doc_kind = 'unit'
join {{ ref('mart_unit_budget') }} d on d.unit_key = u.unit_key and d.fiscal_year = u.fiscal_year
    and d.statement = u.statement and d.document_id <> u.document_id
join {{ ref('dim_document') }} dd on dd.document_id = d.document_id and dd.doc_kind = 'department'
left join {{ ref('precision_document_totals') }} uu on uu.document_id = u.document_id
left join {{ ref('precision_document_totals') }} du on du.document_id = d.document_id
