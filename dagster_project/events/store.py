"""The append-only event store: the single source of truth every warehouse table is replayed from.

One DuckDB file with one table, `events`. Rows are only ever inserted, never updated or deleted.
`event_id` is a content hash, so appending an event that is already stored is a no-op: re-running the
pipeline on unchanged files appends nothing. Each append is one transaction (a crash leaves either all
of a batch or none of it), and writers are serialised by a lock file because DuckDB allows only one
writing process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..resources import StoreBusyError, connect, warehouse_lock

__all__ = ["EVENT_TYPES", "Event", "EventStore", "StoreBusyError", "canonical_json"]

SCHEMA = """
create table if not exists events (
    event_id         varchar primary key,
    event_type       varchar not null,
    recorded_at      timestamp not null,
    document_id      varchar,
    producer_version varchar not null,
    payload          json not null
)
"""

EVENT_TYPES = (
    "DocumentRegistered",
    "TablesExtracted",
    "ExtractionFailed",
    "DocumentSuperseded",
    "DocumentRetracted",
    "CellCorrected",
    "MetadataAsserted",
    "MetadataRejected",
)


def canonical_json(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Event:
    event_type: str
    document_id: str | None
    payload: dict[str, Any]
    producer_version: str
    recorded_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))

    def __post_init__(self) -> None:
        if self.event_type not in EVENT_TYPES:
            raise ValueError(f"unknown event type {self.event_type!r}")

    @property
    def event_id(self) -> str:
        key = "|".join(
            [self.event_type, self.document_id or "", self.producer_version, canonical_json(self.payload)]
        )
        return hashlib.sha256(key.encode()).hexdigest()


class EventStore:
    def __init__(self, path: str | Path, lock_timeout_s: float = 1800.0):
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

    @contextmanager
    def lock(self) -> Iterator[None]:
        """The warehouse lock: held by every writer of the event store and of the build file
        (appends, dbt, checks, publish), so concurrent budgetwh runs serialise instead of colliding."""
        with warehouse_lock(self.path.with_suffix(self.path.suffix + ".lock"), self.lock_timeout_s):
            yield

    def append(self, events: list[Event]) -> int:
        """Append the events not stored yet, all in one transaction. Returns how many were new."""
        if not events:
            return 0
        with self.lock():
            with connect(self.path, read_only=False) as con:
                con.execute(SCHEMA)
                rows = [
                    (e.event_id, e.event_type, e.recorded_at, e.document_id, e.producer_version,
                     canonical_json(e.payload))
                    for e in events
                ]
                con.execute("begin transaction")
                before = con.execute("select count(*) from events").fetchone()[0]
                con.executemany(
                    "insert into events values (?, ?, ?, ?, ?, ?) on conflict (event_id) do nothing", rows
                )
                after = con.execute("select count(*) from events").fetchone()[0]
                con.execute("commit")
                return after - before

    def ensure(self) -> None:
        """Create the store (empty) so readers such as dbt can attach it before the first event."""
        with self.lock():
            with connect(self.path, read_only=False) as con:
                con.execute(SCHEMA)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Read-only query against the log (waits for a writer to finish)."""
        if not self.path.exists():
            return []
        with self.lock():
            with connect(self.path, read_only=True) as con:
                return con.execute(sql, params or []).fetchall()

    def latest_payloads(self, event_type: str) -> dict[str, dict[str, Any]]:
        """document_id → payload of the newest event of a type."""
        rows = self.query(
            """select document_id, payload from events where event_type = ?
               qualify row_number() over (partition by document_id order by recorded_at desc, event_id) = 1""",
            [event_type],
        )
        return {doc: json.loads(p) for doc, p in rows}
