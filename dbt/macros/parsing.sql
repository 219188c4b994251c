{# Amount text as printed → decimal: thousands separators, spaces and HTML tags dropped; blank and "-" → null. #}
{% macro parse_amount(text) -%}
{{ cast_or_null("nullif(regexp_replace(regexp_replace(" ~ text ~ ", '<[^>]*>', '', 'g'), '[,，\\s]', '', 'g'), '')", 'decimal(24, 6)') }}
{%- endmacro %}

{# Leading classification code of "2101501-行政运行", "201002~名称", "204 06 07" → digits only. #}
{% macro leading_code(text) -%}
nullif(regexp_replace({{ regex_extract("regexp_replace(" ~ text ~ ", '<[^>]*>', '', 'g')", "'^\\s*([0-9][0-9\\s]*[0-9]|[0-9])'", 1) }}, '\s', '', 'g'), '')
{%- endmacro %}

{# Name part of "2101501-行政运行" (the whole text when there is no code). #}
{% macro trailing_name(text) -%}
nullif(trim(regexp_replace(regexp_replace({{ text }}, '<[^>]*>', '', 'g'), '^\s*[0-9][0-9\s]*\s*[-~－—]?\s*', '')), '')
{%- endmacro %}

{# Events known at the as-of time (all events when as_of is not set). #}
{% macro as_of_filter(column) -%}
{%- if var('as_of') -%} {{ column }} <= {{ as_of_timestamp(var('as_of')) }} {%- else -%} true {%- endif -%}
{%- endmacro %}

{# A timestamp literal from var `as_of`: only the text 'YYYY-MM-DD HH:MM:SS[.ffffff]' (what `budgetwh build
   --as-of` sends, dagster_project/validation.py AS_OF_PATTERN) is accepted; anything else stops the
   compilation, so no text can leave the string literal. #}
{% macro as_of_timestamp(value) -%}
{%- set pattern = '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?$' -%}
{%- if value is not string or modules.re.fullmatch(pattern, value) is none -%}
{{ exceptions.raise_compiler_error("var as_of must be a UTC timestamp 'YYYY-MM-DD HH:MM:SS', not " ~ (value | string | truncate(60))) }}
{%- endif -%}
cast('{{ value }}' as timestamp)
{%- endmacro %}

{# Code of "11010522T000000440054-项目名称", "A-货物", "0115-公共信息与宣传服务": letters and digits before the dash (null when there is none). #}
{% macro prefix_code(text) -%}
nullif({{ regex_extract("regexp_replace(" ~ text ~ ", '<[^>]*>', '', 'g')", "'^\\s*([0-9A-Za-z]+)\\s*[-~－—]'", 1) }}, '')
{%- endmacro %}

{# Name after such a code (the whole text when there is no code). #}
{% macro prefix_name(text) -%}
nullif(trim(regexp_replace(regexp_replace({{ text }}, '<[^>]*>', '', 'g'), '^\s*[0-9A-Za-z]+\s*[-~－—]\s*', '')), '')
{%- endmacro %}

{# The provenance every fact row carries: the page, table and row it was read from, and the correction
   event that changed it, if any. #}
{% macro provenance_columns(alias) -%}
    {{ alias }}.page as source_page,
    {{ alias }}.table_index,
    {{ alias }}.row_index,
    {{ alias }}.correction_event_id
{%- endmacro %}

{# The tables of one kind the facts read (int_table_parts decides which part covers which unit). #}
{% macro fact_parts(kind) -%}
    select * from {{ ref('int_table_parts') }}
    where table_kind = '{{ kind }}' and is_read_by_facts
{%- endmacro %}
