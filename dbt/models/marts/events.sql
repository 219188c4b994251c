{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_events_not_in_log() }}",
) }}
-- depends_on: {{ ref('stg_events') }}
-- The whole event log, published with the warehouse so analysts and auditors can read it with SQL.
-- Incremental: a run copies only the events appended since the last one.
select event_id, event_type, recorded_at, document_id, producer_version, payload
from {{ ref('stg_events') }}
{% if is_incremental_load() %}
where event_id not in (select event_id from {{ this }})
{% endif %}
