"""The one home of the resources: DuckDB access (read-only or writing, under the warehouse lock), the
warehouse paths and dbt. Every DuckDB connection of the pipeline, the CLI and the GX suites is opened here.

DuckDB allows one writing process or many readers, never both: writers (event appends, dbt, the checks,
publish) hold the warehouse lock (`warehouse_lock`), a file lock beside the event store; readers of the
event store take it too, readers of a published file do not need it (publish renames a finished file).
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

from .settings import Paths


class StoreBusyError(RuntimeError):
    """Another process holds the event store for writing."""


class MissingDatabaseError(ValueError):
    """A database file that should be there (a read-only open never creates one)."""


@contextmanager
def connect(path: str | Path, *, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection closed on exit. A read-only open of a missing file is an error a person reads
    (DuckDB's own message says 'IO Error' and a long path), never a new empty file."""
    path = Path(path)
    if read_only and not path.exists():
        raise MissingDatabaseError(f"no database at {path}")
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def warehouse_lock(lock_path: Path, timeout_s: float) -> Iterator[None]:
    """The lock every writer of the event store and of the build file holds (appends, dbt, checks,
    publish), so concurrent budgetwh runs serialise instead of colliding."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreBusyError(
                        f"{lock_path.with_suffix('')} is locked by another budgetwh process; try again later"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def sql_string(value: str | Path) -> str:
    """A SQL string literal for the places DuckDB takes no parameter (COPY … TO 'file', ATTACH)."""
    text = str(value)
    if "\x00" in text:
        raise ValueError("a NUL character cannot be part of a SQL string")
    return "'" + text.replace("'", "''") + "'"


def sql_identifier(name: str) -> str:
    """A quoted SQL identifier (a table name read from the catalogue)."""
    if "\x00" in name:
        raise ValueError("a NUL character cannot be part of an identifier")
    return '"' + name.replace('"', '""') + '"'


class WarehouseResource(ConfigurableResource):
    """Where the raw documents are and where the warehouse is published (run config can override both:
    `budgetwh build` passes its --raw-dir and --warehouse this way)."""

    raw_dir: str
    warehouse: str
    event_store: str = Field(
        default="",
        description="Where the event log is: empty for the DuckDB file beside the warehouse (events.duckdb), "
        "or a postgresql:// URL (put the password in ~/.pgpass or PGPASSWORD, not here).")

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.raw_dir), Path(self.warehouse))

    @property
    def store(self):
        from .events.store import open_event_store

        return open_event_store(self.event_store, self.paths.events_db)

    def read(self, which: str = "warehouse"):
        """A read-only connection to the published `warehouse` or the `build` file."""
        return connect(self.paths.warehouse if which == "warehouse" else self.paths.build_db, read_only=True)


def dbt_resource():
    """The dbt CLI resource over the project in dbt/."""
    from dagster_dbt import DbtCliResource

    from .assets.dbt import dbt_project
    from .settings import DBT_DIR, DBT_EXECUTABLE

    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_DIR), dbt_executable=DBT_EXECUTABLE)
