-- Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column).
-- Jiangsu's 支出预算总表 adds 单位预留机动经费 (reserve) and 结转下年资金 (carry_forward) to the total.
with w as (
    {{ wide_cells(['total', 'basic', 'project', 'personnel', 'public', 'reserve', 'carry_forward'],
                  ['expenditure_summary', 'gpb_expenditure']) }}
)

select document_id, table_kind, table_index, page, subject_code,
    'row ' || row_index as item,
    total as expected,
    coalesce(basic, personnel + public, personnel, public, 0) + coalesce(project, 0)
      + coalesce(reserve, 0) + coalesce(carry_forward, 0) as actual,
    (case when basic is null and personnel is not null then 3 else 2 end)
      + cast(reserve is not null as integer) + cast(carry_forward is not null as integer) as n_terms,
    unit_yuan
from w
where row_type in ('data', 'total', 'group')
  and total is not null
  and (basic is not null or project is not null or personnel is not null)
