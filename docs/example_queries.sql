-- name: spending_by_function_class
-- Spending by function class (类) per document, in 万元 (mart_function_class_spending: Σ fact_expenditure by 类).
select file_name, fiscal_year, class_code, class_name, class_name_en, round(amount_yuan / 10000, 2) as wan_yuan
from mart_function_class_spending
order by file_name, class_code;

-- name: dongcheng_2023_vs_2026
-- The Dongcheng insurance centre (unit 201002) in 2023 (its own unit document) and 2026 (the bureau's document).
select m.fiscal_year, d.doc_kind, m.unit_key, u.unit_name,
       round(m.total_yuan / 10000, 2) as total_wan, round(m.basic_yuan / 10000, 2) as basic_wan,
       round(m.project_yuan / 10000, 2) as project_wan
from mart_unit_budget m
join dim_document d using (document_id)
join dim_unit u using (unit_key)
where m.unit_key = '110101-201002'
order by m.fiscal_year;

-- name: commissioned_services_30227
-- 委托业务费 (department economic code 30227) across all units and documents (mart_unit_econ_spending: Σ fact_expenditure by unit × economic code).
select region_name, unit_name, fiscal_year, round(sum(amount_yuan) / 10000, 2) as wan_yuan
from mart_unit_econ_spending
where econ_dept_code = '30227'
group by all
order by wan_yuan desc;

-- name: basic_vs_project_shares
-- Basic (personnel + public) vs project shares of each document's stated total.
select d.file_name, round(m.total_yuan / 10000, 2) as total_wan,
       round(100 * m.basic_yuan / m.total_yuan, 2) as basic_pct,
       round(100 * m.project_yuan / m.total_yuan, 2) as project_pct
from mart_unit_budget m
join dim_document d using (document_id)
where m.is_document_subject
order by d.file_name;
