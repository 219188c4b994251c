{# The measures of a rollup of fact_expenditure (its rows aliased `lines`): the amount, its split by
   expenditure type, and the number of lines summed (tested by rollup_of_fact_expenditure). #}
{% macro spending_rollup_measures(lines) -%}
    cast(sum({{ lines }}.amount_yuan) as decimal(20, 2)) as amount_yuan,
    cast(coalesce(sum(case when {{ lines }}.expenditure_type = 'basic' then {{ lines }}.amount_yuan end), 0) as decimal(20, 2)) as basic_yuan,
    cast(coalesce(sum(case when {{ lines }}.expenditure_type = 'project' then {{ lines }}.amount_yuan end), 0) as decimal(20, 2)) as project_yuan,
    cast(coalesce(sum(case when {{ lines }}.expenditure_type = 'unspecified' then {{ lines }}.amount_yuan end), 0) as decimal(20, 2)) as unspecified_yuan,
    cast(coalesce(sum(case when {{ lines }}.expenditure_type in ('remit_upper', 'operating', 'subsidy_subordinate') then {{ lines }}.amount_yuan end), 0) as decimal(20, 2)) as other_kinds_yuan,
    cast(count(*) as integer) as line_count
{%- endmacro %}
