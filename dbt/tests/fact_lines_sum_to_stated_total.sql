{{ config(severity="warn", meta={"dagster": {"ref": {"name": "fact_expenditure"}}}) }}
-- A warning, not an error: a wrong number in a source (or a correction) is reported, never fatal.
-- No line counted twice: per document, Σ fact_expenditure = the subject's stated total, within the
-- rounding the printed figures allow ((n + 1) × 0.005 × multiplier yuan for n summed lines).
with lines as (
    select document_id, sum(amount_yuan) as amount, count(*) as n
    from {{ ref('fact_expenditure') }}
    group by document_id
),

stated as (
    select m.document_id, m.total_yuan
    from {{ ref('mart_unit_budget') }} m
    where m.is_document_subject
),

multipliers as (
    select document_id, max(multiplier) as multiplier from {{ ref('int_tables') }} group by document_id
)

select l.document_id, l.amount, s.total_yuan, l.n
from lines l
join stated s using (document_id)
join multipliers m using (document_id)
where abs(l.amount - s.total_yuan) > (l.n + 1) * 0.005 * coalesce(m.multiplier, 1)
