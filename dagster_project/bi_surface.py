"""What the published warehouse shows a BI tool, decided once, from the dbt manifest.

The build file holds every dbt relation in the schema dbt_project.yml gives it: marts in `main`, intermediate
models in `intermediate`, the identity models in `checks`, seeds in `catalogues`, staging views in `staging`.
The published file is a copy of it, shaped by `shape_for_bi` before it is renamed into place:
- `staging` is dropped: its views read the attached event store (`event_store.events`), which a reader of the
  published file does not have, so every one of them would fail on open.
- `main` keeps the dbt models the manifest puts there plus `check_results`; anything else found there (a
  relation from an older layout of the build file) is dropped and logged.
- A `regclass` type alias is created (see REGCLASS_SHIM).
The same manifest selection is what `published_warehouse` depends on in the asset graph.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from .resources import connect

log = logging.getLogger(__name__)

BI_SCHEMA = "main"
UNPUBLISHED_SCHEMAS = ("staging",)
NON_DBT_TABLES = ("check_results",)  # written by the check_results asset (expectations/suites.py)

# SQLAlchemy's PostgreSQL reflection, which duckdb-engine inherits, casts to REGCLASS when it reads primary
# and foreign keys (`inspect(engine).get_pk_constraint` / `get_foreign_keys`, what Superset calls when a table
# is browsed); DuckDB has no such type and the call fails. An alias in the published file lets those queries
# bind. DuckDB's pg_catalog does not expose key columns, so they return no keys: the keys themselves are in
# duckdb_constraints() / information_schema.table_constraints and docs/bi.md.
REGCLASS_SHIM = "create type regclass as varchar"


def manifest_models(manifest_path: Path) -> list[dict]:
    """dbt models and seeds of the project with their schema, name and materialization."""
    manifest = json.loads(Path(manifest_path).read_text())
    return [
        {"unique_id": uid, "name": n.get("alias") or n["name"], "schema": n["schema"],
         "materialized": n["config"]["materialized"], "resource_type": n["resource_type"]}
        for uid, n in manifest["nodes"].items()
        if n["resource_type"] in ("model", "seed") and n["config"].get("enabled", True)
    ]


def published_models(manifest_path: Path) -> list[str]:
    """The dbt models a BI tool sees in `main` of the published file."""
    return sorted(m["name"] for m in manifest_models(manifest_path)
                  if m["schema"] == BI_SCHEMA and m["materialized"] != "ephemeral")


def shape_for_bi(db_path: Path, manifest_path: Path) -> list[str]:
    """Shape a copy of the build file into the published file (module docstring). Returns what it dropped."""
    keep = set(published_models(manifest_path)) | set(NON_DBT_TABLES)
    with connect(db_path, read_only=False) as con:
        dropped = []
        for schema in UNPUBLISHED_SCHEMAS:
            if con.execute("select count(*) from information_schema.schemata where schema_name = ?",
                           [schema]).fetchone()[0]:
                con.execute(f'drop schema "{schema}" cascade')
                dropped.append(f"schema {schema}")
        strays = con.execute(
            """select table_name, table_type from information_schema.tables
               where table_catalog = current_database() and table_schema = ? order by table_name""",
            [BI_SCHEMA],
        ).fetchall()
        # views first (they may read the tables), then tables whose foreign keys point at others
        for name, kind in sorted(strays, key=lambda r: r[1] != "VIEW"):
            if name not in keep:
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} "{BI_SCHEMA}"."{name}"')
                dropped.append(f"{BI_SCHEMA}.{name}")
        if not con.execute("select count(*) from duckdb_types() where database_name = current_database() "
                           "and not internal and type_name = 'regclass'").fetchone()[0]:
            con.execute(REGCLASS_SHIM)
        con.execute("checkpoint")
    for item in dropped:
        if not item.startswith("schema "):
            log.warning("not published: %s is in the build file's %s schema but no dbt model of the marts "
                        "builds it (left from an older build layout?)", item, BI_SCHEMA)
    return dropped
