-- Where a document prints a department and a government economic code on one line, the pair should be
-- one the econ_dept_to_gov seed allows (agency or public-institution mapping). Lines that disagree are
-- listed: either the document or the seed is wrong. Severity warn.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'fact_expenditure'}}}) }}

select distinct f.econ_dept_code, f.econ_gov_code, m.econ_gov_code_agency, m.econ_gov_code_institution
from {{ ref('fact_expenditure') }} f
join {{ ref('econ_dept_to_gov') }} m on m.econ_dept_code = f.econ_dept_code
where f.econ_gov_code <> 'unspecified'
  and f.econ_gov_code not in (m.econ_gov_code_agency, m.econ_gov_code_institution)
