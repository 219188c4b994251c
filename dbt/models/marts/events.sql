-- The whole event log, published with the warehouse so analysts and auditors can read it with SQL.
select event_id, event_type, recorded_at, document_id, producer_version, payload
from {{ ref('stg_events') }}
