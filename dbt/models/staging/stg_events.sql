-- Every event known at the as-of time (var `as_of`; all events when unset).
select
    event_id,
    event_type,
    recorded_at,
    document_id,
    producer_version,
    payload
from {{ source('event_store', 'events') }}
where {{ as_of_filter('recorded_at') }}
