{# A rollup of fact_expenditure loses and invents nothing: per document, Σ amount_yuan and Σ line_count
   equal fact_expenditure's, and basic + project + other kinds + unspecified = amount on every row. #}
{% test rollup_of_fact_expenditure(model) %}
with facts as (
    select document_id, sum(amount_yuan) as amount, count(*) as n
    from {{ ref('fact_expenditure') }} group by document_id
),

rollup as (
    select document_id, sum(amount_yuan) as amount, sum(line_count) as n,
           sum(case when basic_yuan + project_yuan + other_kinds_yuan + unspecified_yuan <> amount_yuan then 1 else 0 end)
               as bad_rows
    from {{ model }} group by document_id
)

select coalesce(f.document_id, r.document_id) as document_id, f.amount as fact_amount, r.amount as rollup_amount,
       f.n as fact_lines, r.n as rollup_lines, r.bad_rows
from facts f
full outer join rollup r using (document_id)
where f.amount is distinct from r.amount or f.n is distinct from r.n or r.bad_rows > 0
{% endtest %}
