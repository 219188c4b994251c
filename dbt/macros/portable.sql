{#
  The engine-specific SQL of the project, and only it. Each macro dispatches on the adapter:
  `duckdb__…` is what the warehouse runs (DuckDB, exactly the SQL the models used to inline), `default__…`
  is standard SQL / Postgres (dbt-postgres; `dbt compile --target portable_check`, checked by
  tests/test_dbt_portability.py). Another adapter adds its own `<adapter>__…` implementations here.
  Arguments are SQL text (column expressions, quoted literals); JSON keys and aliases are bare names.
  Subqueries inside the Postgres forms name their own relations json_items, matrix_rows, matrix_cells and
  list_elements, so an argument can refer to any other alias of the model (a correlated reference).
  Lists are DuckDB lists / Postgres arrays, 1-based. Documented in macros/_macros.yml.
#}

{# ------------------------------------------------------------------------------------------ JSON #}

{# Text of a top-level key of a JSON object (null when absent). #}
{% macro json_text(json, key) -%}
{{ return(adapter.dispatch('json_text')(json, key)) }}
{%- endmacro %}
{% macro duckdb__json_text(json, key) -%}
json_extract_string({{ json }}, '$.{{ key }}')
{%- endmacro %}
{% macro default__json_text(json, key) -%}
(cast({{ json }} as jsonb) ->> '{{ key }}')
{%- endmacro %}

{# A top-level key of a JSON object, as JSON. #}
{% macro json_value(json, key) -%}
{{ return(adapter.dispatch('json_value')(json, key)) }}
{%- endmacro %}
{% macro duckdb__json_value(json, key) -%}
json_extract({{ json }}, '$.{{ key }}')
{%- endmacro %}
{% macro default__json_value(json, key) -%}
(cast({{ json }} as jsonb) -> '{{ key }}')
{%- endmacro %}

{# A key holding a JSON array of strings, as a list of text. #}
{% macro json_text_list(json, key) -%}
{{ return(adapter.dispatch('json_text_list')(json, key)) }}
{%- endmacro %}
{% macro duckdb__json_text_list(json, key) -%}
json_extract_string({{ json }}, '$.{{ key }}[*]')
{%- endmacro %}
{% macro default__json_text_list(json, key) -%}
(array(select json_items.value from jsonb_array_elements_text(cast({{ json }} as jsonb) -> '{{ key }}')
       with ordinality as json_items(value, ordinality) order by json_items.ordinality))
{%- endmacro %}

{# Number of elements of the JSON array under a key. #}
{% macro json_array_size(json, key) -%}
{{ return(adapter.dispatch('json_array_size')(json, key)) }}
{%- endmacro %}
{% macro duckdb__json_array_size(json, key) -%}
json_array_length(json_extract({{ json }}, '$.{{ key }}'))
{%- endmacro %}
{% macro default__json_array_size(json, key) -%}
jsonb_array_length(cast({{ json }} as jsonb) -> '{{ key }}')
{%- endmacro %}

{# Whether a JSON array of objects has an element whose `key` equals `value` (a SQL expression). #}
{% macro json_array_has(json, key, value) -%}
{{ return(adapter.dispatch('json_array_has')(json, key, value)) }}
{%- endmacro %}
{% macro duckdb__json_array_has(json, key, value) -%}
list_contains(json_extract_string({{ json }}, '$[*].{{ key }}'), {{ value }})
{%- endmacro %}
{% macro default__json_array_has(json, key, value) -%}
exists (select 1 from jsonb_array_elements(cast({{ json }} as jsonb)) as json_items(element)
        where json_items.element ->> '{{ key }}' = {{ value }})
{%- endmacro %}

{# FROM item: one row per element of a JSON array, as `alias(column)` (a JSON value). Join it to the
   relation holding the array with a comma: `from t, {{ json_array_elements('t.doc', 'x', 'item') }}`. #}
{% macro json_array_elements(json, alias, column) -%}
{{ return(adapter.dispatch('json_array_elements')(json, alias, column)) }}
{%- endmacro %}
{% macro duckdb__json_array_elements(json, alias, column) -%}
unnest(cast(json_extract({{ json }}, '$[*]') as json[])) as {{ alias }}({{ column }})
{%- endmacro %}
{% macro default__json_array_elements(json, alias, column) -%}
jsonb_array_elements(cast({{ json }} as jsonb)) as {{ alias }}({{ column }})
{%- endmacro %}

{# FROM item: a JSON array of arrays of strings (a table's header rows), one row per inner array, as
   `alias(row_position, cells)`: the 1-based position and the strings as a list of text. #}
{% macro json_text_matrix_rows(json, alias) -%}
{{ return(adapter.dispatch('json_text_matrix_rows')(json, alias)) }}
{%- endmacro %}
{% macro duckdb__json_text_matrix_rows(json, alias) -%}
(select generate_subscripts(header.matrix, 1) as row_position, unnest(header.matrix) as cells
 from (select cast({{ json }} as varchar[][]) as matrix) as header) as {{ alias }}
{%- endmacro %}
{% macro default__json_text_matrix_rows(json, alias) -%}
lateral (
    select matrix_rows.ordinality as row_position,
           array(select matrix_cells.value
                 from jsonb_array_elements_text(matrix_rows.value) with ordinality as matrix_cells(value, ordinality)
                 order by matrix_cells.ordinality) as cells
    from jsonb_array_elements(cast({{ json }} as jsonb)) with ordinality as matrix_rows(value, ordinality)
) as {{ alias }}
{%- endmacro %}

{# ---------------------------------------------------------------------------- casts and regexes #}

{# cast that yields null where the text does not convert (DuckDB try_cast). Postgres has no such cast:
   numbers are checked with a pattern first, other types cast as they are. #}
{% macro cast_or_null(expression, type) -%}
{{ return(adapter.dispatch('cast_or_null')(expression, type)) }}
{%- endmacro %}
{% macro duckdb__cast_or_null(expression, type) -%}
try_cast({{ expression }} as {{ type }})
{%- endmacro %}
{% macro default__cast_or_null(expression, type) -%}
{%- set t = type | lower -%}
{%- if t in ('integer', 'int', 'bigint', 'smallint') -%}
case when trim(cast({{ expression }} as text)) ~ '^[+-]?[0-9]+$'
     then cast(trim(cast({{ expression }} as text)) as {{ type }}) end
{%- elif t.startswith('decimal') or t.startswith('numeric') -%}
case when trim(cast({{ expression }} as text)) ~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
     then cast(trim(cast({{ expression }} as text)) as {{ type }}) end
{%- else -%}
cast({{ expression }} as {{ type }})
{%- endif -%}
{%- endmacro %}

{# Whether text matches a regular expression anywhere (pattern: a quoted SQL literal). #}
{% macro regex_like(text, pattern) -%}
{{ return(adapter.dispatch('regex_like')(text, pattern)) }}
{%- endmacro %}
{% macro duckdb__regex_like(text, pattern) -%}
regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro default__regex_like(text, pattern) -%}
({{ text }} ~ {{ pattern }})
{%- endmacro %}

{# Capture group `group` of the first match; '' when there is no match, null when text is null. #}
{% macro regex_extract(text, pattern, group=0) -%}
{{ return(adapter.dispatch('regex_extract')(text, pattern, group)) }}
{%- endmacro %}
{% macro duckdb__regex_extract(text, pattern, group) -%}
regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}
{% macro default__regex_extract(text, pattern, group) -%}
{%- if group == 0 -%}
case when {{ text }} is not null then coalesce(substring({{ text }} from {{ pattern }}), '') end
{%- else -%}
case when {{ text }} is not null then coalesce((regexp_match({{ text }}, {{ pattern }}))[{{ group }}], '') end
{%- endif -%}
{%- endmacro %}

{# ------------------------------------------------------------------------------------- formatting #}

{# An amount as text with thousands separators and two decimals: 12,121,164.00 (as Python's f"{x:,.2f}"). #}
{% macro format_yuan(amount) -%}
{{ return(adapter.dispatch('format_yuan')(amount)) }}
{%- endmacro %}
{% macro duckdb__format_yuan(amount) -%}
format('{:,.2f}', cast({{ amount }} as decimal(38, 2)))
{%- endmacro %}
{% macro default__format_yuan(amount) -%}
to_char(cast({{ amount }} as numeric(38, 2)), 'FM999,999,999,999,999,999,990.00')
{%- endmacro %}

{# ------------------------------------------------------------------------- ordered aggregates #}

{# The value of the first row in `order_by` order (nulls included), among the rows matching `where`. #}
{% macro agg_first(expression, order_by, where=none) -%}
{{ return(adapter.dispatch('agg_first')(expression, order_by, where)) }}
{%- endmacro %}
{% macro duckdb__agg_first(expression, order_by, where) -%}
first({{ expression }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}
{% macro default__agg_first(expression, order_by, where) -%}
(array_agg({{ expression }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %})[1]
{%- endmacro %}

{# Any one value of the group (they are all equal where it is used), among the rows matching `where`.
   DuckDB any_value; Postgres (before 16 it has no any_value) min. #}
{% macro agg_any(expression, where=none) -%}
{{ return(adapter.dispatch('agg_any')(expression, where)) }}
{%- endmacro %}
{% macro duckdb__agg_any(expression, where) -%}
any_value({{ expression }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}
{% macro default__agg_any(expression, where) -%}
min({{ expression }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{# The values in `order_by` order as a list (null when no row matches `where`). #}
{% macro agg_list(expression, order_by, where=none) -%}
{{ return(adapter.dispatch('agg_list')(expression, order_by, where)) }}
{%- endmacro %}
{% macro duckdb__agg_list(expression, order_by, where) -%}
list({{ expression }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}
{% macro default__agg_list(expression, order_by, where) -%}
array_agg({{ expression }} order by {{ order_by }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{# Window function: the last non-null value of `expression` up to the current row. `over` is the
   window: a name or "(partition by … order by … [frame])". #}
{% macro last_non_null(expression, over) -%}
{{ return(adapter.dispatch('last_non_null')(expression, over)) }}
{%- endmacro %}
{% macro duckdb__last_non_null(expression, over) -%}
last_value({{ expression }} ignore nulls) over {{ over }}
{%- endmacro %}
{% macro default__last_non_null(expression, over) -%}
(array_agg({{ expression }}) filter (where {{ expression }} is not null) over {{ over }})[count({{ expression }}) over {{ over }}]
{%- endmacro %}

{# -------------------------------------------------------------------------------------- lists #}

{# A list literal from comma-separated SQL expressions; `type` is the element type of an empty one. #}
{% macro list_literal(items, type='text') -%}
{{ return(adapter.dispatch('list_literal')(items, type)) }}
{%- endmacro %}
{% macro duckdb__list_literal(items, type) -%}
[{{ items }}]
{%- endmacro %}
{% macro default__list_literal(items, type) -%}
{%- if items | trim -%} array[{{ items }}] {%- else -%} cast(array[] as {{ type }}[]) {%- endif -%}
{%- endmacro %}

{# Number of elements. #}
{% macro list_size(list) -%}
{{ return(adapter.dispatch('list_size')(list)) }}
{%- endmacro %}
{% macro duckdb__list_size(list) -%}
len({{ list }})
{%- endmacro %}
{% macro default__list_size(list) -%}
cardinality({{ list }})
{%- endmacro %}

{# Whether the list contains the value. #}
{% macro list_has(list, value) -%}
{{ return(adapter.dispatch('list_has')(list, value)) }}
{%- endmacro %}
{% macro duckdb__list_has(list, value) -%}
list_contains({{ list }}, {{ value }})
{%- endmacro %}
{% macro default__list_has(list, value) -%}
({{ value }} = any({{ list }}))
{%- endmacro %}

{# 1-based position of the value in the list (null when absent). #}
{% macro list_index_of(list, value) -%}
{{ return(adapter.dispatch('list_index_of')(list, value)) }}
{%- endmacro %}
{% macro duckdb__list_index_of(list, value) -%}
list_position({{ list }}, {{ value }})
{%- endmacro %}
{% macro default__list_index_of(list, value) -%}
array_position({{ list }}, {{ value }})
{%- endmacro %}

{# The 0-based positions of a list: [0, 1, …, n - 1]. #}
{% macro list_offsets(list) -%}
{{ return(adapter.dispatch('list_offsets')(list)) }}
{%- endmacro %}
{% macro duckdb__list_offsets(list) -%}
range(len({{ list }}))
{%- endmacro %}
{% macro default__list_offsets(list) -%}
(array(select generate_series(0, cardinality({{ list }}) - 1)))
{%- endmacro %}

{# The elements `var` of the list for which `condition` (SQL using `var`) holds, in order. #}
{% macro list_where(list, var, condition) -%}
{{ return(adapter.dispatch('list_where')(list, var, condition)) }}
{%- endmacro %}
{% macro duckdb__list_where(list, var, condition) -%}
list_filter({{ list }}, {{ var }} -> {{ condition }})
{%- endmacro %}
{% macro default__list_where(list, var, condition) -%}
(array(select list_elements.{{ var }} from unnest({{ list }}) with ordinality as list_elements({{ var }}, ordinality)
       where {{ condition }} order by list_elements.ordinality))
{%- endmacro %}

{# `expression` (SQL using `var`) applied to every element of the list, in order. #}
{% macro list_map(list, var, expression) -%}
{{ return(adapter.dispatch('list_map')(list, var, expression)) }}
{%- endmacro %}
{% macro duckdb__list_map(list, var, expression) -%}
list_transform({{ list }}, {{ var }} -> {{ expression }})
{%- endmacro %}
{% macro default__list_map(list, var, expression) -%}
(array(select {{ expression }} from unnest({{ list }}) with ordinality as list_elements({{ var }}, ordinality)
       order by list_elements.ordinality))
{%- endmacro %}

{# ------------------------------------------------------------------------------------- unit tests #}

{# dbt's unit tests compare the actual and expected rows as text. A Postgres numeric keeps the scale of its
   value (sum of 100.00 → 100.00; the fixture's cast(100 as numeric) → 100), where DuckDB's decimal carries it
   in the type, so on Postgres equal numbers printed with other trailing zeros would differ. Here every
   column is compared as text with a numeric's trailing fractional zeros removed (no cast back to numeric,
   so a branch for another type never raises). #}
{% macro postgres__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
{%- set columns -%}
{%- for c in expected_column_names %}
    case when pg_typeof({{ c }}) = 'numeric'::regtype
         then regexp_replace(cast({{ c }} as text), '([.][0-9]*[1-9])0+$|[.]0+$', '\1')
         else cast({{ c }} as text) end as {{ c }},
{%- endfor %}
{%- endset -%}
with dbt_internal_unit_test_actual as (
  select {{ columns }} {{ dbt.string_literal("actual") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ main_sql }}
  ) _dbt_internal_unit_test_actual
),
dbt_internal_unit_test_expected as (
  select {{ columns }} {{ dbt.string_literal("expected") }} as {{ adapter.quote("actual_or_expected") }}
  from (
    {{ expected_fixture_sql }}
  ) _dbt_internal_unit_test_expected
)
select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}
