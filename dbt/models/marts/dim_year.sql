select distinct fiscal_year
from {{ ref('int_documents') }}
where fiscal_year is not null
union all
select -1
