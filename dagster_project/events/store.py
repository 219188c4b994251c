"""The append-only event store: the single source of truth every warehouse table is replayed from.

One table, `events`, in one of two stores that implement `EventLog` (choose with `open_event_store`, the one
home of that choice):

- `EventStore`, the embedded default: a DuckDB file beside the warehouse (warehouse/events.duckdb). Writers
  are serialised by a lock file because DuckDB allows only one writing process.
- `PostgresEventStore` (`BUDGETWH_EVENT_STORE=postgresql://…`, `budgetwh build --event-store URL` or the
  warehouse resource's `event_store` config): the table `event_store.events` on a PostgreSQL server. Writers
  on any number of processes and machines append concurrently without a lock; a trigger refuses UPDATE,
  DELETE and TRUNCATE.

Both keep the same guarantees: rows are only ever inserted; `event_id` is a content hash, so appending an
event that is already stored is a no-op (`insert … on conflict do nothing`) and re-running the pipeline on
unchanged files appends nothing; each append is one transaction (a crash leaves either all of a batch or
none of it). Reads (`query`) are DuckDB SQL over the log: the Postgres store answers them from a local
DuckDB replica of the log (`replica()`, brought up to date before each read), which is also what the
embedded dbt build reads; `dbt build --target postgres` reads the server's table itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..resources import StoreBusyError, connect, sql_identifier, warehouse_lock

log = logging.getLogger(__name__)

__all__ = [
    "EVENT_TYPES",
    "Event",
    "EventLog",
    "EventStore",
    "PostgresEventStore",
    "StoreBusyError",
    "canonical_json",
    "open_event_store",
]

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
        return content_id(
            self.event_type, self.document_id, self.producer_version, canonical_json(self.payload)
        )


def content_id(event_type: str, document_id: str | None, producer_version: str, payload_text: str) -> str:
    """An event's id: the sha256 of its type, document, producer version and canonical payload text (a
    stored row can be checked against its id with this)."""
    key = "|".join([event_type, document_id or "", producer_version, payload_text])
    return hashlib.sha256(key.encode()).hexdigest()


COLUMNS = ("event_id", "event_type", "recorded_at", "document_id", "producer_version", "payload")


def event_row(e: Event) -> tuple:
    """An event as the row both stores insert (COLUMNS order)."""
    return (
        e.event_id,
        e.event_type,
        e.recorded_at,
        e.document_id,
        e.producer_version,
        canonical_json(e.payload),
    )


def insert_into_duckdb(con, rows: list[tuple]) -> int:
    """Insert rows the table lacks in one transaction; returns how many were new."""
    con.execute("begin transaction")
    before = con.execute("select count(*) from events").fetchone()[0]
    con.executemany("insert into events values (?, ?, ?, ?, ?, ?) on conflict (event_id) do nothing", rows)
    after = con.execute("select count(*) from events").fetchone()[0]
    con.execute("commit")
    return after - before


class EventLog(ABC):
    """What every event store offers; the pipeline, the CLI and the commands use only this."""

    def append(self, events: list[Event]) -> int:
        """Append the events not stored yet, all in one transaction. Returns how many were new."""
        return self.append_rows([event_row(e) for e in events]) if events else 0

    @abstractmethod
    def append_rows(self, rows: list[tuple]) -> int:
        """Append stored rows (COLUMNS order, payload as canonical JSON text) the log lacks, in one
        transaction; returns how many were new. `append` and `copy_log` go through here."""

    @abstractmethod
    def ensure(self) -> None:
        """Create the store (empty) so readers such as dbt can attach it before the first event."""

    @abstractmethod
    def exists(self) -> bool:
        """Whether the store has been created (a missing one is a typo in --warehouse / --event-store)."""

    @abstractmethod
    def replica(self) -> Path:
        """A DuckDB file holding the whole log as of now (table `events`), for DuckDB readers: dbt's embedded
        build attaches it. Call it without holding `lock()`."""

    @abstractmethod
    def lock(self) -> contextlib.AbstractContextManager[None]:
        """The warehouse lock: held by every writer of this machine's DuckDB files (the event file or replica,
        dbt's build file, the checks, publish), so concurrent budgetwh runs serialise instead of colliding."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the log is, for messages (a path, or a URL without its password)."""

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple]:
        """Read-only DuckDB SQL against the log (waits for a writer to finish)."""
        path = self.replica()
        if not path.exists():
            return []
        with self.lock():
            with connect(path, read_only=True) as con:
                return con.execute(sql, params or []).fetchall()

    def latest_payloads(self, event_type: str) -> dict[str, dict[str, Any]]:
        """document_id → payload of the newest event of a type."""
        rows = self.query(
            """select document_id, payload from events where event_type = ?
               qualify row_number() over (partition by document_id order by recorded_at desc, event_id) = 1""",
            [event_type],
        )
        return {doc: json.loads(p) for doc, p in rows}


class EventStore(EventLog):
    """The embedded store: one DuckDB file, writers serialised by a lock file beside it."""

    def __init__(self, path: str | Path, lock_timeout_s: float = 1800.0):
        self.path = Path(path)
        self.lock_timeout_s = lock_timeout_s

    @property
    def location(self) -> str:
        return str(self.path)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with warehouse_lock(self.path.with_suffix(self.path.suffix + ".lock"), self.lock_timeout_s):
            yield

    def append_rows(self, rows: list[tuple]) -> int:
        with self.lock():
            with connect(self.path, read_only=False) as con:
                con.execute(SCHEMA)
                return insert_into_duckdb(con, rows)

    def ensure(self) -> None:
        with self.lock():
            with connect(self.path, read_only=False) as con:
                con.execute(SCHEMA)

    def exists(self) -> bool:
        return self.path.exists()

    def replica(self) -> Path:
        return self.path


def events_schema() -> str:
    """The Postgres schema of the events table; dbt's source (dbt/models/staging/_sources.yml) reads the same
    variable with the same default."""
    return os.environ.get("BUDGETWH_EVENTS_SCHEMA", "event_store")


def redact(url: str) -> str:
    """A connection URL without its password, for messages and metadata."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


@contextmanager
def pg_connect(url: str) -> Iterator[Any]:
    """A psycopg2 connection that returns json / jsonb values as their text (as DuckDB does), not decoded."""
    import psycopg2
    from psycopg2.extras import register_default_json, register_default_jsonb

    con = psycopg2.connect(url)
    register_default_json(con, loads=lambda text: text)
    register_default_jsonb(con, loads=lambda text: text)
    try:
        yield con
    finally:
        con.close()


def postgres_ddl(schema: str) -> list[str]:
    """The events table on Postgres: the DuckDB columns (payload as `json`, which keeps the canonical text
    exactly), and a trigger that refuses every UPDATE, DELETE and TRUNCATE."""
    s = sql_identifier(schema)
    return [
        f"create schema if not exists {s}",
        f"""create table if not exists {s}.events (
                event_id         text primary key,
                event_type       text not null,
                recorded_at      timestamp not null,
                document_id      text,
                producer_version text not null,
                payload          json not null)""",
        f"""create or replace function {s}.events_append_only() returns trigger language plpgsql as $$
            begin
                raise exception 'the event log is append-only: % on %.events is refused', tg_op, tg_table_schema
                    using errcode = 'insufficient_privilege';
            end $$""",
        f"""create or replace trigger events_append_only before update or delete on {s}.events
            for each statement execute function {s}.events_append_only()""",
        f"""create or replace trigger events_no_truncate before truncate on {s}.events
            for each statement execute function {s}.events_append_only()""",
    ]


class PostgresEventStore(EventLog):
    """The log in a PostgreSQL table: concurrent appends from any process or machine, no lock file.

    Reads go through a DuckDB replica beside the warehouse (`replica_path`), synced from the server before
    each read: the log is append-only with content-hash ids, so the replica is always a subset of the
    server's table and equal row counts mean equal logs."""

    def __init__(self, url: str, replica_path: str | Path, lock_timeout_s: float = 1800.0):
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"--event-store {redact(url)!r} is not a postgresql:// URL")
        self.url = url
        self.schema = events_schema()
        self.replica_path = Path(replica_path)
        self.lock_timeout_s = lock_timeout_s
        self._ensured = False

    @property
    def location(self) -> str:
        return f"{redact(self.url)} ({self.schema}.events)"

    @property
    def table(self) -> str:
        return f"{sql_identifier(self.schema)}.events"

    @contextmanager
    def lock(self) -> Iterator[None]:
        with warehouse_lock(
            self.replica_path.with_suffix(self.replica_path.suffix + ".lock"), self.lock_timeout_s
        ):
            yield

    def ensure(self) -> None:
        """Create the table and its triggers when missing. A process whose table is complete only looks: the
        DDL would lock the table against the other writers' inserts for a moment."""
        if self._ensured:
            return
        with pg_connect(self.url) as con, con.cursor() as cur:
            cur.execute(
                "select count(*) from pg_trigger where tgrelid = to_regclass(%s) and tgname in %s",
                [self.table, ("events_append_only", "events_no_truncate")],
            )
            if cur.fetchone()[0] < 2:
                # two processes creating the table at once would collide in the catalogue: serialise them
                cur.execute("select pg_advisory_xact_lock(hashtext(%s))", [f"budgetwh:{self.schema}.events"])
                for statement in postgres_ddl(self.schema):
                    cur.execute(statement)
            con.commit()
        self._ensured = True

    def exists(self) -> bool:
        with pg_connect(self.url) as con, con.cursor() as cur:
            cur.execute("select to_regclass(%s) is not null", [self.table])
            return bool(cur.fetchone()[0])

    def append_rows(self, rows: list[tuple]) -> int:
        from psycopg2.extras import execute_values

        self.ensure()
        with pg_connect(self.url) as con, con.cursor() as cur:  # one transaction: committed whole or not at all
            inserted = execute_values(
                cur,
                f"insert into {self.table} ({', '.join(COLUMNS)}) values %s "
                "on conflict (event_id) do nothing returning event_id",
                rows,
                page_size=500,
                fetch=True,
            )
            con.commit()
        return len(inserted)

    def replica(self) -> Path:
        """Copy the events the replica lacks from the server (in one DuckDB transaction) and return its path."""
        self.ensure()
        self.replica_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock(), connect(self.replica_path, read_only=False) as local, pg_connect(self.url) as con:
            local.execute(SCHEMA)
            with con.cursor() as cur:
                cur.execute(f"select count(*) from {self.table}")
                have, server = local.execute("select count(*) from events").fetchone()[0], int(cur.fetchone()[0])
            if have > server:
                raise ValueError(
                    f"{self.replica_path} holds events {self.location} lacks (another server?): "
                    "delete the replica and build again"
                )
            if have == server:
                return self.replica_path
            known = {r[0] for r in local.execute("select event_id from events").fetchall()}
            with con.cursor(name="replica_sync") as ids:
                ids.itersize = 500
                ids.execute(f"select event_id from {self.table}")
                missing = [r[0] for r in ids if r[0] not in known]
            rows: list[tuple] = []
            with con.cursor() as cur:
                for i in range(0, len(missing), 500):
                    cur.execute(
                        f"select {', '.join(COLUMNS)} from {self.table} "
                        "where event_id = any(%s)",
                        [missing[i : i + 500]],
                    )
                    rows += cur.fetchall()
            added = insert_into_duckdb(local, rows)
            log.info("replica %s: %d events copied from %s", self.replica_path, added, self.location)
        return self.replica_path


def event_store_setting(option: str | None = None) -> str:
    """The configured event store: an explicit option, else BUDGETWH_EVENT_STORE; empty means the embedded
    DuckDB file."""
    return (option if option is not None else os.environ.get("BUDGETWH_EVENT_STORE", "")).strip()


def open_event_store(setting: str, events_db: Path) -> EventLog:
    """The one place that decides which store holds the log: empty → the DuckDB file `events_db`; a
    postgresql:// URL → that server, with a replica beside `events_db` for DuckDB readers."""
    if not setting:
        return EventStore(events_db)
    return PostgresEventStore(setting, events_db.with_name("events-replica.duckdb"))


def copy_log(source: EventLog, target: EventLog) -> int:
    """Append every event of source that target lacks (one transaction); returns how many were new. Moves
    a log between stores (the embedded file to a server, or a server's log into a DuckDB file)."""
    path = source.replica()
    if not path.exists():
        return 0
    with source.lock(), connect(path, read_only=True) as con:
        rows = con.execute(
            f"select {', '.join(COLUMNS)} from events order by recorded_at, event_id"
        ).fetchall()
    return target.append_rows(rows)
