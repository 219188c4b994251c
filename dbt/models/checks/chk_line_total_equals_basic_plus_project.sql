-- Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column).
-- Jiangsu's 支出预算总表 adds 单位预留机动经费 (reserve) and 结转下年资金 (carry_forward) to the total. A final
-- accounts' 支出决算表 prints 上缴上级支出, 经营支出 and 对附属单位补助支出 beside 基本 and 项目 as parts of
-- 本年支出合计; a budget's 支出总表 prints the same three under 其中 (parts of its other figures), so they are
-- added for final accounts only.
with w as (
    {{ wide_cells(['total', 'basic', 'project', 'personnel', 'public', 'reserve', 'carry_forward',
                   'remit_upper', 'operating', 'subsidy_subordinate'],
                  ['expenditure_summary', 'gpb_expenditure']) }}
),

parts as (
    select w.*,
        case when d.statement = 'final_accounts' then w.remit_upper end as fa_remit_upper,
        case when d.statement = 'final_accounts' then w.operating end as fa_operating,
        case when d.statement = 'final_accounts' then w.subsidy_subordinate end as fa_subsidy_subordinate
    from w
    left join {{ ref('int_documents') }} d on d.document_id = w.document_id
)

select document_id, table_kind, table_index, page, subject_code,
    'row ' || row_index as item,
    total as expected,
    coalesce(basic, personnel + public, personnel, public, 0) + coalesce(project, 0)
      + coalesce(reserve, 0) + coalesce(carry_forward, 0)
      + coalesce(fa_remit_upper, 0) + coalesce(fa_operating, 0) + coalesce(fa_subsidy_subordinate, 0) as actual,
    (case when basic is null and personnel is not null then 3 else 2 end)
      + cast(reserve is not null as integer) + cast(carry_forward is not null as integer)
      + cast(fa_remit_upper is not null as integer) + cast(fa_operating is not null as integer)
      + cast(fa_subsidy_subordinate is not null as integer) as n_terms,
    unit_yuan
from parts
where row_type in ('data', 'total', 'group')
  and total is not null
  and (basic is not null or project is not null or personnel is not null)
