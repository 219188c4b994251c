-- The coarsest printed precision of the figures a document states its totals in (the tables
-- mart_unit_budget reads: 支出总表, 一般公共预算支出表, 收入总表). Macro document_totals_unit, which
-- int_line_source_candidates applies too.
{{ document_totals_unit() }}
