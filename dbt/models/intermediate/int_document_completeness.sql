-- Whether the warehouse holds each document whole, as far as the event log, the tables and the facts
-- tell (one row per document). A budget document (department or unit, current) is incomplete when:
--   * its subject unit is unknown (no 预算单位 name or unit code found) or its name is not a name;
--   * no expenditure line reached fact_expenditure, or it states no total expenditure to compare with;
--   * a table with figures on it is left `other` (its kind not understood). The one rule that says an
--     `other` table is not financial: none of its cells is printed as money (digits with a decimal point
--     or thousands separators), e.g. a list of the units a document covers ("序号 1, 2").
-- Narrative-only documents, documents whose extraction failed or has not run, and superseded or
-- retracted documents (their figures are not in the facts) are not_applicable.
-- The identity part of the verdict (Σ fact_expenditure = stated totals per document and unit part, and
-- every other error-severity accounting identity) is judged by Great Expectations after dbt:
-- expectations/completeness.py adds those failures to dim_document.completeness_reasons (docs/architecture.md).
with docs as (select * from {{ ref('int_documents') }}),

tables as (select * from {{ ref('int_tables') }}),

facts as (select document_id, count(*) as n from {{ ref('fact_expenditure') }} group by document_id),

stated as (
    select distinct document_id from {{ ref('int_unit_totals') }} where total_yuan is not null
),

not_applicable as (
    select document_id,
        case
            when status = 'failed' then 'extraction failed: ' || coalesce(failure_reason, 'no reason recorded')
            when status = 'registered' then 'not extracted yet'
            when status = 'superseded' then 'superseded by ' || coalesce(superseded_by, '?')
                                            || ': its figures are not in the facts'
            when status = 'retracted' then 'retracted: ' || coalesce(retraction_reason, 'no reason recorded')
            when doc_kind = 'narrative' then 'narrative only: the document prints no budget tables'
        end as reason
    from docs
),

-- Cells printed as money: "1,234.56", "0.43", "9,501,164" (whole yuan with separators).
money_cells as (
    select c.document_id, c.table_index, {{ agg_first('c.raw_text', 'c.row_index, c.column_name') }} as example
    from {{ ref('int_table_cells') }} c
    where c.table_kind = 'other' and coalesce(c.amount_yuan, 0) <> 0
      and ({{ regex_like('trim(c.raw_text)', "'^-?[0-9]+[.][0-9]+$'") }}
           or {{ regex_like('trim(c.raw_text)', "'^-?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$'") }})
    group by c.document_id, c.table_index
),

reasons as (
    select document_id, 1 as reason_order,
        'subject unit unknown: no 预算单位 name or unit code was found in the text (metadata evidence: '
            || coalesce({{ json_text('evidence', 'department_code') }}, 'none') || ')' as reason
    from docs where subject_code is null
    union all
    select document_id, 2,
        'subject unit doubtful: code ' || subject_code || ' is named ''' || coalesce(subject_name, '') || ''' ('
            || coalesce({{ json_text('evidence', 'department_code') }}, 'no evidence') || '): not a unit name'
    from docs
    where subject_code is not null and not {{ regex_like("coalesce(subject_name, '')", "'[A-Za-z一-龥]'") }}
    union all
    select d.document_id, 3, 'no tables extracted from a budget document'
    from docs d where not exists (select 1 from tables t where t.document_id = d.document_id)
    union all
    select d.document_id, 4,
        'no expenditure lines: no 支出总表, 财政拨款支出表 or 一般公共预算支出表 row with a 7-digit function code was understood'
    from docs d left join facts f using (document_id)
    where coalesce(f.n, 0) = 0 and exists (select 1 from tables t where t.document_id = d.document_id)
    union all
    select d.document_id, 5,
        'no stated total expenditure: no 合计 row of a 支出总表 or 一般公共预算支出表 (nor a 收入总表 unit row) was understood'
    from docs d
    where not exists (select 1 from stated s where s.document_id = d.document_id)
      and exists (select 1 from tables t where t.document_id = d.document_id)
    union all
    select t.document_id, 10 + t.table_index,
        'p' || cast(t.page as varchar) || ' table ' || cast(t.table_index as varchar)
            || ' left ''other'' with figures on it (e.g. ' || m.example || '): '
            || case when coalesce(trim(t.title), '') = '' then 'no title found'
                    else 'title ''' || t.title || ''' not understood' end
    from tables t
    join money_cells m using (document_id, table_index)
    where t.table_kind = 'other'
)

select
    d.document_id,
    case
        when n.reason is not null then 'not_applicable'
        when exists (select 1 from reasons r where r.document_id = d.document_id) then 'incomplete'
        else 'complete'
    end as completeness,
    case
        when n.reason is not null then {{ list_literal('n.reason') }}
        else coalesce(
            (select {{ agg_list('r.reason', 'r.reason_order, r.reason') }} from reasons r
             where r.document_id = d.document_id),
            {{ list_literal('', 'text') }})
    end as completeness_reasons
from docs d
join not_applicable n using (document_id)
