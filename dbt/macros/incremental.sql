{#
Per-document incremental models (int_tables, int_table_cells, int_table_rows; configured in dbt_project.yml).

Each row carries the `document_version` of its document (int_document_versions: the newest extraction
and the newest correction of each cell). A run first deletes the rows whose document version is no longer
current (re-extracted, corrected, or unknown at the `as_of` time) and then inserts the documents whose
current version is not in the table, so adding one document unnests and types that document only.
#}

{# is_incremental() asks the database whether the table exists. A compile-only check without a server
   (tests/test_dbt_portability.py sets BUDGETWH_COMPILE_ONLY=1) renders the incremental branch instead. #}
{% macro is_incremental_load() -%}
{{ return(env_var('BUDGETWH_COMPILE_ONLY', '') == '1' or is_incremental()) }}
{%- endmacro %}

{# pre_hook: delete the rows of documents whose version changed (all rows when the table predates the column). #}
{% macro delete_stale_document_versions() -%}
{%- if is_incremental() -%}
  {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
  {%- if 'document_version' in columns -%}
    delete from {{ this }} as t
    where not exists (
        select 1 from {{ ref('int_document_versions') }} as v
        where v.document_id = t.document_id and v.document_version = t.document_version
    )
  {%- else -%}
    delete from {{ this }}
  {%- endif -%}
{%- else -%}
  select 1
{%- endif -%}
{%- endmacro %}

{# Filter: true for the documents the run must (re)load — every document on a full build. #}
{% macro is_document_to_load(document_id) -%}
{%- if is_incremental_load() -%}
    {{ document_id }} not in (select document_id from {{ this }})
{%- else -%}
    true
{%- endif -%}
{%- endmacro %}

{# pre_hook of the `events` mart: drop events no longer in the log as of the build (an `as_of` build). #}
{% macro delete_events_not_in_log() -%}
{%- if is_incremental() -%}
    delete from {{ this }} where event_id not in (select event_id from {{ ref('stg_events') }})
{%- else -%}
    select 1
{%- endif -%}
{%- endmacro %}
