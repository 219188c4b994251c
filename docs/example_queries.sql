-- name: largest_function_class_totals
-- The 20 largest function-class (类) totals of any document, in 万元 (mart_function_class_spending: Σ fact_expenditure by document × 类).
select file_name, fiscal_year, class_code, class_name, class_name_en, round(amount_yuan / 10000, 2) as wan_yuan
from mart_function_class_spending
order by amount_yuan desc, file_name, class_code
limit 20;

-- name: dongcheng_2023_vs_2026
-- The Dongcheng insurance centre (unit 201002) in 2023 (its own unit document) and 2026 (the bureau's document).
select m.fiscal_year, d.doc_kind, m.unit_key, u.unit_name,
       round(m.total_yuan / 10000, 2) as total_wan, round(m.basic_yuan / 10000, 2) as basic_wan,
       round(m.project_yuan / 10000, 2) as project_wan
from mart_unit_budget m
join dim_document d using (document_id)
join dim_unit u using (unit_key)
where m.unit_key = '110101-201002' and m.statement = 'budget'
order by m.fiscal_year;

-- name: commissioned_services_30227
-- 委托业务费 (department economic code 30227) across all units and documents (mart_unit_econ_spending: Σ fact_expenditure by unit × economic code).
select region_name, unit_name, fiscal_year, round(sum(amount_yuan) / 10000, 2) as wan_yuan
from mart_unit_econ_spending
where econ_dept_code = '30227'
group by all
order by wan_yuan desc;

-- name: basic_vs_project_shares
-- Basic (personnel + public) vs project shares of the documents' stated totals, per fiscal year: the medians over documents and the spread (10th–90th percentile) of the project share.
select fiscal_year, count(*) as documents,
       round(median(100 * basic_yuan / total_yuan), 2) as median_basic_pct,
       round(median(100 * project_yuan / total_yuan), 2) as median_project_pct,
       round(quantile_cont(100 * project_yuan / total_yuan, 0.1), 2) as p10_project_pct,
       round(quantile_cont(100 * project_yuan / total_yuan, 0.9), 2) as p90_project_pct
from mart_unit_budget
where is_document_subject and statement = 'budget'
group by fiscal_year
order by fiscal_year;

-- name: budget_execution
-- Budget (预算) vs final accounts (决算) per unit and year: the stated totals side by side and the execution rate (mart_budget_execution_totals; by function and economic code: mart_budget_execution).
select e.fiscal_year, u.unit_name, round(e.budget_total_yuan / 10000, 2) as budget_wan,
       round(e.final_total_yuan / 10000, 2) as final_wan, round(100 * e.execution_rate, 1) as execution_pct
from mart_budget_execution_totals e
join dim_unit u using (unit_key)
where e.final_total_yuan is not null
order by e.fiscal_year, e.final_total_yuan desc
limit 20;
