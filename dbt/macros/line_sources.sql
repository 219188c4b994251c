{#
  The pieces fact_expenditure and the choice of a document's line source (int_line_source_candidates,
  int_line_source_choice) share, so that a candidate's Σ is what fact_expenditure would hold if it were
  chosen.
#}

{# The amount columns of an expenditure line that fact_expenditure types (expenditure_type = the column
   without _yuan); a line printed with none of them keeps its total_yuan, typed 'unspecified'. #}
{% macro expenditure_types() -%}
{{ return(['basic', 'project', 'remit_upper', 'operating', 'subsidy_subordinate']) }}
{%- endmacro %}

{# Σ of the fact rows a line of int_expenditure_lines (alias `l`) gives: its typed amounts (each as the
   fact stores it, decimal(20, 2)), or its total when none is printed; zero amounts make no fact row. #}
{% macro line_fact_amount(l='l') -%}
({%- for t in expenditure_types() %}coalesce(cast({{ l }}.{{ t }}_yuan as decimal(20, 2)), 0) + {% endfor -%}
 case when {% for t in expenditure_types() %}{{ l }}.{{ t }}_yuan is null and {% endfor -%}
           {{ l }}.total_yuan is not null
      then cast({{ l }}.total_yuan as decimal(20, 2)) else 0 end)
{%- endmacro %}

{# The number of fact rows a line gives (its non-zero typed amounts, or its non-zero total when none is
   printed). #}
{% macro line_fact_terms(l='l') -%}
({%- for t in expenditure_types() %}case when {{ l }}.{{ t }}_yuan <> 0 then 1 else 0 end + {% endfor -%}
 case when {% for t in expenditure_types() %}{{ l }}.{{ t }}_yuan is null and {% endfor -%}
           {{ l }}.total_yuan <> 0 then 1 else 0 end)
{%- endmacro %}

{# The name a document prints for a source of expenditure lines (expectations/completeness.py TABLE_LABELS). #}
{% macro line_source_label(kind) -%}
case {{ kind }} when 'expenditure_summary' then '支出总表' when 'fiscal_expenditure' then '财政拨款支出表'
     when 'gpb_expenditure' then '一般公共预算支出表' else {{ kind }} end
{%- endmacro %}
