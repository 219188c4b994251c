"""The warehouse on a PostgreSQL server: dbt's `postgres` target from the event store's URL, the marts read
back, compared row for row with a DuckDB build of the same log, and exported for offline analysis.

`dbt build --target postgres` (dbt/profiles.yml) reads the server's address from BUDGETWH_PG_* variables;
`dbt_env` derives them from the one URL the event store is configured with (`BUDGETWH_EVENT_STORE`), so a
deployment names its server once. docs/scale-out.md walks through it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .bi_surface import BI_SCHEMA
from .events.store import canonical_json, pg_connect
from .resources import connect, sql_identifier
from .settings import DBT_DIR, DBT_EXECUTABLE

if TYPE_CHECKING:
    import pandas as pd

    from expectations.identities import Identity

# Floating-point columns (double precision) are summed in a different order by each engine; they agree to
# this many decimal places. Decimal columns must agree exactly.
FLOAT_PLACES = 6


def dbt_env(url: str) -> dict[str, str]:
    """The BUDGETWH_PG_* variables dbt's `postgres` target reads, from a postgresql:// URL."""
    parts = urlsplit(url)
    env = {
        "BUDGETWH_PG_HOST": parts.hostname or "localhost",
        "BUDGETWH_PG_PORT": str(parts.port or 5432),
        "BUDGETWH_PG_USER": unquote(parts.username or "budgetwh"),
        "BUDGETWH_PG_DBNAME": unquote(parts.path.lstrip("/") or "budgetwh"),
    }
    if parts.password is not None:
        env["BUDGETWH_PG_PASSWORD"] = unquote(parts.password)
    return env


def dbt_build_postgres(
    url: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`dbt build --target postgres` over the log on the server at url (the marts land in its schemas)."""
    return subprocess.run(
        [
            DBT_EXECUTABLE,
            "build",
            "--target",
            "postgres",
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            *args,
        ],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {}), **dbt_env(url)},
        timeout=3600,
    )


@dataclass(frozen=True)
class Table:
    """A table's rows as read from one engine: column names and tuples of Python values."""

    columns: list[str]
    rows: list[tuple]


def read_postgres(url: str, schema: str, name: str) -> Table:
    with pg_connect(url) as con, con.cursor() as cur:
        cur.execute(f"select * from {sql_identifier(schema)}.{sql_identifier(name)}")
        return Table([d.name for d in cur.description], cur.fetchall())


def read_duckdb(path: Path, schema: str, name: str) -> Table:
    with connect(path, read_only=True) as con:
        cur = con.execute(f"select * from {sql_identifier(schema)}.{sql_identifier(name)}")
        return Table([d[0] for d in cur.description], cur.fetchall())


def postgres_tables(url: str, schema: str) -> list[str]:
    with pg_connect(url) as con, con.cursor() as cur:
        cur.execute(
            "select table_name from information_schema.tables where table_schema = %s order by 1", [schema]
        )
        return [r[0] for r in cur.fetchall()]


def normalise(value: Any) -> Any:
    """One engine-neutral form of a value: numbers as Decimal (floats rounded to FLOAT_PLACES), timestamps
    and dates as ISO text, JSON text re-serialised canonically, lists and arrays as tuples, NaN as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else _number(round(Decimal(repr(value)), FLOAT_PLACES))
    if isinstance(value, int | Decimal):
        return _number(Decimal(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return tuple(normalise(v) for v in value)
    if isinstance(value, dict):
        return canonical_json(value)
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return canonical_json(json.loads(value))
        except ValueError:
            return value
    return value


def _number(value: Decimal) -> str:
    """A number as plain text without trailing zeros: 247200.00 and 247200 are both '247200'."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _sort_key(row: tuple) -> tuple:
    return tuple((v is None, str(v)) for v in row)


def compare(left: Table, right: Table, limit: int = 5) -> list[str]:
    """How two reads of one table differ ([] when equal as multisets of normalised rows, in any order):
    the columns, the row counts and the first rows only one side has."""
    if left.columns != right.columns:
        return [f"columns differ: {left.columns} vs {right.columns}"]
    a = sorted((tuple(normalise(v) for v in r) for r in left.rows), key=_sort_key)
    b = sorted((tuple(normalise(v) for v in r) for r in right.rows), key=_sort_key)
    if a == b:
        return []
    problems = [f"{len(a)} vs {len(b)} rows"]
    in_a, in_b = set(a), set(b)
    only_a = [r for r in a if r not in in_b]
    only_b = [r for r in b if r not in in_a]
    problems += [f"only left:  {dict(zip(left.columns, r, strict=True))}" for r in only_a[:limit]]
    problems += [f"only right: {dict(zip(right.columns, r, strict=True))}" for r in only_b[:limit]]
    return problems


def compare_warehouses(
    duckdb_path: Path, url: str, tables: list[str], schema: str = "main"
) -> dict[str, list[str]]:
    """table → its differences between a DuckDB build file and the Postgres marts (only tables that differ)."""
    diffs = {}
    for name in tables:
        problems = compare(read_duckdb(duckdb_path, schema, name), read_postgres(url, schema, name))
        if problems:
            diffs[name] = problems
    return diffs


def compare_published(duckdb_path: Path, url: str, manifest: Path) -> dict[str, list[str]]:
    """compare_warehouses over every table the published warehouse shows: the dbt models of `main` and
    check_results (without checked_at, the time each engine's suites ran)."""
    from .bi_surface import published_models

    diffs = compare_warehouses(duckdb_path, url, published_models(manifest))
    left, right = (
        read_duckdb(duckdb_path, BI_SCHEMA, "check_results"),
        read_postgres(url, BI_SCHEMA, "check_results"),
    )
    problems = compare(without(left, "checked_at"), without(right, "checked_at"))
    return diffs | ({"check_results": problems} if problems else {})


def without(table: Table, column: str) -> Table:
    """The table without one column."""
    keep = [i for i, c in enumerate(table.columns) if c != column]
    return Table([table.columns[i] for i in keep], [tuple(r[i] for i in keep) for r in table.rows])


def export_marts(url: str, out: Path, schema: str = "main") -> list[str]:
    """Copy every table of the Postgres marts schema into a new DuckDB file (for offline analysis, or
    Parquet from there); column types as DuckDB infers them from the values. Returns the table names."""
    import pandas as pd

    names = postgres_tables(url, schema)
    tmp = out.with_name(f".{out.name}.exporting")
    tmp.unlink(missing_ok=True)
    with connect(tmp, read_only=False) as con:
        for name in names:
            table = read_postgres(url, schema, name)
            frame = pd.DataFrame.from_records(table.rows, columns=table.columns)
            con.register("export_frame", frame)
            con.execute(f"create table {sql_identifier(name)} as select * from export_frame")
            con.unregister("export_frame")
    tmp.replace(out)
    return names


CHECK_RESULTS_DDL = """
create table {table} (
    checked_at timestamp, document_id text, identity text, severity text, status text, table_kind text,
    table_index bigint, page bigint, subject_code text, item text, expected_yuan double precision,
    actual_yuan double precision, difference_yuan double precision, tolerance_yuan double precision,
    note text)"""


def identity_reader(con) -> Callable[[Identity], pd.DataFrame]:
    """Reads an identity's dbt model (schema `checks`) from a Postgres connection into a DataFrame."""

    import pandas as pd

    from expectations.identities import IDENTITY_COLUMNS
    from expectations.suites import identity_query

    def read(identity: Identity) -> pd.DataFrame:
        with con.cursor() as cur:
            cur.execute(identity_query(identity))
            return pd.DataFrame.from_records(cur.fetchall(), columns=list(IDENTITY_COLUMNS))

    return read


def check_postgres(url: str, gx_dir: Path | None = None) -> pd.DataFrame:
    """Run every identity's GX suite on the rows of its dbt model on the server and store the verdicts as
    `main.check_results` there (replaced in one transaction), as the embedded build does in its file."""
    from psycopg2.extras import execute_values

    from expectations.suites import CHECK_RESULTS_COLUMN_DESCRIPTIONS, CHECK_RESULTS_COLUMNS, validate_all

    with pg_connect(url) as con:
        results = validate_all(identity_reader(con), gx_dir)
        stored = results[CHECK_RESULTS_COLUMNS]
        rows = stored.astype(object).where(stored.notna(), None)
        table = f"{sql_identifier(BI_SCHEMA)}.check_results"
        with con.cursor() as cur:
            cur.execute(f"drop table if exists {table}")
            cur.execute(CHECK_RESULTS_DDL.format(table=table))
            execute_values(
                cur,
                f"insert into {table} values %s",
                [tuple(r) for r in rows.itertuples(index=False)],
                page_size=1000,
            )
            for column, text in CHECK_RESULTS_COLUMN_DESCRIPTIONS.items():
                cur.execute(f"comment on column {table}.{sql_identifier(column)} is %s", [text])
            mark_identity_failures(cur, results)
        con.commit()
    return results


def mark_identity_failures(cur, results: pd.DataFrame) -> int:
    """On the server, what completeness.add_identity_failures does in the build file: a document with a failed
    error-severity identity becomes `incomplete`, each failure one more reason. Returns how many changed."""
    from expectations.completeness import failed_identities, identity_reasons

    changed = 0
    for document_id, reasons in identity_reasons(failed_identities(results)).items():
        cur.execute(
            f"""update {sql_identifier(BI_SCHEMA)}.dim_document
                set completeness = 'incomplete',
                    completeness_reasons = coalesce(completeness_reasons, cast(array[] as text[])) || %s::text[]
                where document_id = %s and completeness <> 'not_applicable'""",
            [reasons, document_id],
        )
        changed += cur.rowcount
    return changed


@dataclass(frozen=True)
class PostgresBuild:
    """What `build_on_postgres` did: dbt's exit status and output tail, and the identity verdicts."""

    dbt_returncode: int
    dbt_output: str
    check_results: pd.DataFrame | None


def build_on_postgres(url: str, work_dir: Path, *dbt_args: str) -> PostgresBuild:
    """The marts on the server: `dbt build --target postgres` from the server's log (dbt's target and log
    folders under work_dir, not the repository's dbt/target that the embedded build reads), then the GX
    identity suites on the server's check models (skipped when dbt failed)."""
    proc = dbt_build_postgres(
        url, "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"), *dbt_args
    )
    if proc.returncode:
        return PostgresBuild(proc.returncode, proc.stdout[-5000:] + proc.stderr[-2000:], None)
    return PostgresBuild(0, proc.stdout[-2000:], check_postgres(url, work_dir / "gx"))
