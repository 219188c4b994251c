-- The printed precision of every fact line: the coarsest among the amounts of the row it was read from
-- (for a class_remainder line, the 收支总表 row whose class amount it completes). Macro line_precision,
-- which int_line_source_candidates applies to every candidate line.
{{ line_precision(ref('fact_expenditure')) }}
