-- Amounts stated in the explanation text agree with the tables (the document's own unit in mart_unit_budget).
with claims as (
    select document_id, claim_label, amount_yuan, page,
        {{ printed_unit('amount_text', 'multiplier', 'amount_yuan') }} as unit_yuan
    from {{ ref('int_narrative_claims') }}
),

subject as (
    select m.document_id, m.total_yuan, m.basic_yuan, m.project_yuan
    from {{ ref('mart_unit_budget') }} m join {{ ref('int_documents') }} i on i.document_id = m.document_id
    where m.unit_key = i.region_code || '-' || i.subject_code
)

select c.document_id, 'narrative' as table_kind, cast(null as integer) as table_index, c.page,
    cast(null as varchar) as subject_code,
    '说明: ' || c.claim_label as item,
    case c.claim_label when '基本支出' then s.basic_yuan when '项目支出' then s.project_yuan
         else s.total_yuan end as expected,
    c.amount_yuan as actual, 1 as n_terms, greatest(c.unit_yuan, t.unit_yuan) as unit_yuan
from claims c join subject s on s.document_id = c.document_id
left join {{ ref('precision_document_totals') }} t on t.document_id = c.document_id
