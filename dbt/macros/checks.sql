{#
  The SQL pieces the identity models (models/checks/chk_*.sql) share. Every identity model returns the
  contract expectations/suites.py validates: document_id, table_kind, table_index, page, subject_code, item,
  expected, actual, n_terms, unit_yuan (models/checks/_checks.yml).

  Tolerance rule (expectations/suites.py `tolerance`): every printed amount is rounded to the last place it
  prints, so it is off by at most half a unit of that place: 0.005 万元 = 50 yuan for "2,426.26" in a 万元
  table, 0.5 yuan for "9,501,164" in a whole-yuan table. Comparing a printed figure with an expression of n
  printed terms can therefore differ by up to (n + 1) × 0.5 × unit_yuan without any error in the source (the
  documents warn: "部分数据合计数由于计量单位取舍不同而产生的计算误差"). The precision of a figure is read from
  its cell text (decimals printed or not) and its table's currency multiplier, here (`printed_unit`) and
  nowhere else.
#}

{# The canonical columns that hold amounts (docs/architecture.md); only their figures carry a precision. #}
{% macro check_amount_columns() -%}
{{ return(['total', 'basic', 'project', 'personnel', 'public', 'project_excl_capital', 'operating', 'remit_upper',
           'subsidy_subordinate', 'reserve', 'carry_forward', 'amount', 'travel_abroad', 'reception', 'vehicles',
           'vehicle_purchase', 'vehicle_operation', 'meetings', 'training', 'total_incl_meetings_training',
           'operating_costs', 'income_amount', 'expense_amount', 'purpose_amount', 'econ_dept_amount',
           'econ_gov_amount', 'expense_gpb_amount', 'expense_gov_fund_amount', 'expense_soe_amount',
           'opening_balance', 'current_income', 'closing_balance', 'total_budget', 'travel_abroad_budget',
           'reception_budget', 'vehicles_budget', 'vehicle_purchase_budget', 'vehicle_operation_budget']) }}
{%- endmacro %}

{# SQL list of quoted literals: 'a', 'b'. #}
{% macro sql_literals(values) -%}
{%- for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}

{# The unit of the last printed place of one figure, in yuan: 10^-decimals × multiplier, where decimals is
   the number of digits printed after the point ("2,426.26" → 2, "9,501,164" → 0). Null for a blank or zero
   figure: a printed zero is exact and says nothing about the table's rounding. #}
{% macro printed_unit(text, multiplier, amount) -%}
{%- set digits = "regexp_replace(regexp_replace(coalesce(" ~ text ~ ", ''), '<[^>]*>', '', 'g'), '[,，\\s]', '', 'g')" -%}
(case when {{ amount }} <> 0 then power(10.0, -length({{ regex_extract(digits, "'\\.([0-9]*)$'", 1) }})) * coalesce({{ multiplier }}, 1) end)
{%- endmacro %}

{# printed_unit of a cell of int_table_cells. #}
{% macro cell_unit() -%}
{{ printed_unit('raw_text', 'multiplier', 'amount_yuan') }}
{%- endmacro %}

{# A subquery: int_table_cells of the given table kinds pivoted to one row per table row, with `<c>_text`
   (the text as printed) and `<c>` (the amount in yuan) for each canonical column c; `unit_yuan` is the
   coarsest printed precision among the row's amount columns picked. #}
{% macro wide_cells(columns, kinds) -%}
{%- set amounts = columns | select('in', check_amount_columns()) | list -%}
    select document_id, table_index, {{ agg_any('table_kind') }} as table_kind, row_index,
        {{ agg_any('page') }} as page, {{ agg_any('row_type') }} as row_type,
        {% if amounts -%}
        max(case when column_name in ({{ sql_literals(amounts) }}) then {{ cell_unit() }} end)
        {%- else -%} cast(null as double precision) {%- endif %} as unit_yuan,
        {{ agg_any('subject_code') }} as subject_code
        {%- for c in columns %},
        max(case when column_name = '{{ c }}' then raw_text end) as {{ c }}_text,
        max(case when column_name = '{{ c }}' then amount_yuan end) as {{ c }}
        {%- endfor %}
    from {{ ref('int_table_cells') }}
    where table_kind in ({{ sql_literals(kinds) }})
    group by document_id, table_index, row_index
{%- endmacro %}

{# A row label of a wide_cells column without spaces and without its ordinal prefix ("二、上年结转" →
   "上年结转", "（一）财政拨款" → "财政拨款"). #}
{% macro row_label(column) -%}
regexp_replace(replace(coalesce({{ column }}_text, ''), ' ', ''), '^[一二三四五六七八九十百零〇0-9]+[、.．]|^[（(][一二三四五六七八九十0-9]+[)）]', '')
{%- endmacro %}

{# The 收支总表 kinds: the budget's 收支总表 and the 财政拨款收支总表. #}
{% macro summary_table_kinds() -%}
{{ return(['income_expenditure_summary', 'fiscal_income_expenditure_summary']) }}
{%- endmacro %}

{# One side of a 收支总表: its 总计 = its 本年合计 + the items carried across the year. side is 'income' or
   'expense' (the wide_cells columns <side>_item / <side>_amount); the rows are told apart by the seed
   label_rules, vocabulary summary_<side>_row (values total; current_total and current; `carried`, the value of
   the carried items: carried_in or carried_out); carry_also is a further predicate over the wide row that a
   carried item must meet; item names the identity in check_results. #}
{% macro total_equals_current_plus_carry(side, carried, item, carry_also='true') -%}
{%- set amount = side ~ '_amount' -%}
{%- set vocabulary = 'summary_' ~ side ~ '_row' -%}
with w as ({{ wide_cells([side ~ '_item', amount], summary_table_kinds()) }}),

l as (
    select *, {{ row_label(side ~ '_item') }} as label from w
),

marked as (
    select *,
        {{ label_in(vocabulary, 'label', ['total']) }} as is_total,
        {{ label_in(vocabulary, 'label', ['current_total', 'current']) }} as is_current,
        (({{ carry_also }}) and {{ label_in(vocabulary, 'label', [carried]) }}) as is_carry
    from l
)

select document_id, {{ agg_any('table_kind') }} as table_kind, table_index,
    min(page) filter (where is_total) as page,
    {{ agg_any('subject_code') }} as subject_code,
    '{{ item }}' as item,
    max({{ amount }}) filter (where is_total) as expected,
    coalesce(max({{ amount }}) filter (where is_current), 0)
      + coalesce(sum({{ amount }}) filter (where is_carry), 0) as actual,
    1 + count({{ amount }}) filter (where is_carry) as n_terms,
    max(unit_yuan) as unit_yuan
from marked
group by document_id, table_index
having count(*) filter (where is_total) > 0
   and count(*) filter (where is_current) > 0
{%- endmacro %}
