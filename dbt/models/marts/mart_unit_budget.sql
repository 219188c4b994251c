-- Grain: one row per current document × unit (or department) the document states totals for. A unit
-- document reports its own unit only; a department document reports itself and each of its units.
-- Expenditure figures are the statements picked from int_unit_totals; income by source is Σ fact_income
-- for the unit (for a department's own row in a department document: the whole document), null when the
-- document prints no 收入总表 for it.
with docs as (select * from {{ ref('int_documents') }} where status = 'current'),
candidates as (select * from {{ ref('int_unit_totals') }}),

picked as (
    select
        c.document_id,
        c.unit_code,
        {{ agg_first('c.total_yuan', 'c.priority, c.source, c.page', 'c.total_yuan is not null') }} as total_yuan,
        {{ agg_first('c.basic_yuan', 'c.priority, c.source, c.page', 'c.basic_yuan is not null') }} as basic_yuan,
        {{ agg_first('c.project_yuan', 'c.priority, c.source, c.page', 'c.project_yuan is not null') }} as project_yuan,
        {{ agg_first('c.personnel_yuan', 'c.priority, c.source, c.page', 'c.personnel_yuan is not null') }} as personnel_yuan,
        {{ agg_first('c.public_yuan', 'c.priority, c.source, c.page', 'c.public_yuan is not null') }} as public_yuan,
        {{ agg_first('c.source', 'c.priority, c.source, c.page', 'c.total_yuan is not null') }} as total_source,
        {{ agg_first('c.page', 'c.priority, c.source, c.page', 'c.total_yuan is not null') }} as source_page
    from candidates c
    group by c.document_id, c.unit_code
),

units as (
    select
        p.*,
        d.region_code || '-' || p.unit_code as unit_key,
        coalesce(d.fiscal_year, -1) as fiscal_year,
        d.statement,
        p.unit_code = d.subject_code as is_document_subject,
        -- a department's own row in its department document speaks for the whole document
        d.doc_kind = 'department' and p.unit_code = d.department_code as is_whole_document
    from picked p
    join docs d using (document_id)
    where p.total_yuan is not null
      and d.region_code is not null
      and (d.doc_kind <> 'unit' or p.unit_code = d.subject_code)
      and (p.unit_code = d.subject_code
           or p.unit_code = d.department_code
           or {{ json_array_has('d.units', 'unit_code', 'p.unit_code') }})
),

income as (
    select
        u.document_id,
        u.unit_key,
        sum(i.amount_yuan) as income_yuan,
        coalesce(sum(case when not i.is_carryover then i.amount_yuan end), 0) as current_income_yuan,
        coalesce(sum(case when i.income_source = 'gpb' then i.amount_yuan end), 0) as gpb_yuan,
        coalesce(sum(case when i.income_source = 'gov_fund' then i.amount_yuan end), 0) as gov_fund_yuan,
        coalesce(sum(case when i.income_source = 'soe' then i.amount_yuan end), 0) as soe_yuan,
        coalesce(sum(case when i.income_source = 'fiscal_appropriation' then i.amount_yuan end), 0) as fiscal_appropriation_yuan,
        coalesce(sum(case when i.income_source = 'special_account' then i.amount_yuan end), 0) as special_account_yuan,
        coalesce(sum(case when i.income_source = 'business_income' then i.amount_yuan end), 0) as business_income_yuan,
        coalesce(sum(case when i.income_source = 'operating_income' then i.amount_yuan end), 0) as operating_income_yuan,
        coalesce(sum(case
            when not i.is_carryover and i.income_source not in
                ('gpb', 'gov_fund', 'soe', 'fiscal_appropriation', 'special_account', 'business_income', 'operating_income')
            then i.amount_yuan end), 0) as other_income_yuan,
        coalesce(sum(case when i.is_carryover then i.amount_yuan end), 0) as carryover_yuan
    from units u
    join {{ ref('fact_income') }} i
        on i.document_id = u.document_id and (u.is_whole_document or i.unit_key = u.unit_key)
    group by u.document_id, u.unit_key
)

select
    u.document_id,
    u.unit_key,
    u.fiscal_year,
    u.statement,
    cast(u.total_yuan as decimal(20, 2)) as total_yuan,
    cast(u.basic_yuan as decimal(20, 2)) as basic_yuan,
    cast(u.project_yuan as decimal(20, 2)) as project_yuan,
    u.is_document_subject,
    u.total_source,
    u.source_page,
    cast(u.personnel_yuan as decimal(20, 2)) as personnel_yuan,
    cast(u.public_yuan as decimal(20, 2)) as public_yuan,
    cast(i.income_yuan as decimal(20, 2)) as income_yuan,
    cast(i.current_income_yuan as decimal(20, 2)) as current_income_yuan,
    cast(i.gpb_yuan as decimal(20, 2)) as gpb_yuan,
    cast(i.gov_fund_yuan as decimal(20, 2)) as gov_fund_yuan,
    cast(i.soe_yuan as decimal(20, 2)) as soe_yuan,
    cast(i.fiscal_appropriation_yuan as decimal(20, 2)) as fiscal_appropriation_yuan,
    cast(i.special_account_yuan as decimal(20, 2)) as special_account_yuan,
    cast(i.business_income_yuan as decimal(20, 2)) as business_income_yuan,
    cast(i.operating_income_yuan as decimal(20, 2)) as operating_income_yuan,
    cast(i.other_income_yuan as decimal(20, 2)) as other_income_yuan,
    cast(i.carryover_yuan as decimal(20, 2)) as carryover_yuan
from units u
left join income i using (document_id, unit_key)
