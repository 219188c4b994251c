-- Codes the documents use that the catalogue seeds do not list (function_classes / function_items /
-- econ_classes). They stay in the dimensions (in_catalogue = false); this warning lists them so the
-- catalogue can be extended. Severity warn: a new code is news, not an error.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'dim_function_code'}}}) }}

select 'function' as scheme, function_code as code, function_name as name
from {{ ref('dim_function_code') }}
where not in_catalogue and function_code <> 'unspecified'
union all
select scheme, econ_code, econ_name
from {{ ref('dim_econ_code') }}
where not in_catalogue and econ_code <> 'unspecified'
