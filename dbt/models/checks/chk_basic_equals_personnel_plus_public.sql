-- 基本支出 = 人员经费 + 公用经费 where both are given (the row's 合计 where no 基本支出 column is printed).
with w as (
    {{ wide_cells(['total', 'basic', 'personnel', 'public'],
                  ['gpb_expenditure', 'gpb_basic_expenditure', 'gpb_basic_expenditure_function']) }}
)

select document_id, table_kind, table_index, page, subject_code, 'row ' || row_index as item,
    coalesce(basic, total) as expected, coalesce(personnel, 0) + coalesce(public, 0) as actual,
    2 as n_terms, unit_yuan
from w
where row_type in ('data', 'total', 'group') and (personnel is not null or public is not null)
  and (basic is not null or table_kind <> 'gpb_expenditure') and coalesce(basic, total) is not null
