{# Budget execution compares one document per unit × fiscal year × statement: the unit's own document
   (own_document = 1) before its department's, then the newest registered, then the smallest id.
   `candidates` is a CTE or relation with unit_key, fiscal_year, statement, document_id, own_document and
   registered_at (one row per line is fine); the result has one row per unit × year × statement. The one
   home of that choice for mart_budget_execution and mart_three_public_execution. #}
{% macro chosen_statement_documents(candidates) -%}
    select unit_key, fiscal_year, statement, document_id
    from (
        select unit_key, fiscal_year, statement, document_id,
               row_number() over (partition by unit_key, fiscal_year, statement
                                  order by own_document desc, registered_at desc, document_id) as document_rank
        from (select distinct unit_key, fiscal_year, statement, document_id, own_document, registered_at
              from {{ candidates }}) as d
    ) as ranked
    where document_rank = 1
{%- endmacro %}
