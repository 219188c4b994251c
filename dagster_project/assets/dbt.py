"""The dbt project (staging → intermediate → marts → checks) as Dagster assets."""


import json
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import duckdb
from dagster import AssetExecutionContext, AssetKey, Config, MetadataValue, Output, TableColumn, TableSchema
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from pydantic import Field, field_validator

from ..progress import Progress, report
from ..resources import WarehouseResource, connect, sql_identifier, warehouse_lock
from ..settings import DBT_DIR, DBT_EXECUTABLE
from ..validation import parse_as_of

dbt_project = DbtProject(project_dir=DBT_DIR, profiles_dir=DBT_DIR)


def ensure_manifest() -> None:
    """dagster-dbt reads target/manifest.json at import time: (re)build it with `dbt parse` when it is
    missing or older than any file of the dbt project. Processes that import this at once (pytest workers,
    dagster dev's) take turns on a lock file, so none reads a manifest another is still writing."""
    manifest = dbt_project.manifest_path
    with warehouse_lock(manifest.parent / ".manifest.lock", timeout_s=600):
        sources = [p for d in ("models", "tests", "seeds", "macros") for p in (DBT_DIR / d).rglob("*") if p.is_file()]
        newest = max([p.stat().st_mtime for p in sources] + [(DBT_DIR / "dbt_project.yml").stat().st_mtime])
        if not manifest.exists() or manifest.stat().st_mtime < newest:
            subprocess.run(
                [DBT_EXECUTABLE, "parse", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--quiet"],
                check=True,
            )


ensure_manifest()


class LayerTranslator(DagsterDbtTranslator):
    """Group dbt models by their folder (staging / intermediate / checks / marts), seeds in `catalogues`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        # A model's key is its name, whatever schema dbt_project.yml builds it in (dagster-dbt would prefix
        # the configured schema: `intermediate/int_tables`); sources keep theirs (`event_store/events`).
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "catalogues"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "marts"


class DbtBuildConfig(Config):
    """How `dbt build` runs (the launchpad shows these; `budgetwh build --as-of/--full-refresh` sets them)."""

    as_of: str | None = Field(
        default=None,
        description="Rebuild as known at this UTC timestamp, e.g. '2026-12-03 08:00:00': events recorded "
        "later are ignored. Empty: every event.")
    full_refresh: bool = Field(
        default=False, description="Rebuild the incremental models from the whole event log.")
    unit_tests: bool = Field(
        default=False, description="Also run dbt's unit tests. They check the SQL of tricky models on fixed "
        "rows and read nothing of the warehouse, so a build skips them (dbt's advice for production runs); "
        "`make test` runs them on their own (tests/test_check_models.py).")

    @field_validator("as_of")
    @classmethod
    def _timestamp(cls, value: str | None) -> str | None:
        return parse_as_of(value) if value else None


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    """`dbt build` arguments: the as-of time reaches dbt as a typed var the macro checks again."""
    args = ["build"]
    if config.as_of:
        args += ["--vars", json.dumps({"as_of": parse_as_of(config.as_of)})]
    if config.full_refresh:
        args += ["--full-refresh"]
    if not config.unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return args


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=LayerTranslator())
def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource,
               config: DbtBuildConfig):
    paths = warehouse.paths
    store = warehouse.store
    # profiles.yml reads the two database paths (dbt has no other way in); a Postgres log is read from its
    # local replica, brought up to date here
    paths.export_env(store.replica())
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    with store.lock():  # dbt reads the event store and writes the build file
        events = list(_with_progress(context, dbt.cli(dbt_build_args(config), context=context,
                                                       target_path=paths.dbt_target_dir).stream()))
        # Row counts and a preview of each table, read once dbt has released the build file.
        with connect(paths.build_db, read_only=True) as con:
            for event in events:
                if isinstance(event, Output):
                    key = context.asset_key_for_output(event.output_name)
                    declared = context.assets_def.metadata_by_key[key].get("dagster/column_schema")
                    descriptions = {c.name: c.description for c in declared.columns} if declared else {}
                    event = event.with_metadata(
                        {**event.metadata, **table_metadata(con, key.path[-1], descriptions)})
                yield event


def _with_progress(context: AssetExecutionContext, stream: Iterable[Any]) -> Iterator[Any]:
    """dbt's events as they come, reporting each model or seed built (n of the run's selection)."""
    total = len(context.selected_asset_keys)  # the models and seeds of this run (not the dbt tests)
    report(context.log, Progress("dbt", outcome=f"building {total} models and seeds"))
    built = 0
    for event in stream:
        if isinstance(event, Output):
            built += 1
            duration = event.metadata.get("Execution Duration")
            seconds = getattr(duration, "value", duration)
            report(context.log, Progress("dbt", built, total, context.asset_key_for_output(event.output_name)
                                         .to_user_string(), float(seconds) if seconds is not None else None))
        yield event


def table_metadata(con: duckdb.DuckDBPyConnection, name: str, descriptions: dict[str, str] | None = None
                   ) -> dict[str, Any]:
    # The schema as built (what dagster-dbt's fetch_column_metadata reads, which cannot open the DuckDB
    # file while the dbt process holds it): read here once dbt has released the file. No columns: no table.
    # The schema the model lives in is dbt's (dbt_project.yml: main, intermediate, checks, catalogues, staging).
    columns = con.execute(
        """select table_schema, column_name, data_type from information_schema.columns
           where table_catalog = current_database() and table_name = ? order by ordinal_position""",
        [name],
    ).fetchall()
    if not columns or name.startswith("stg_"):
        return {}
    relation = f"{sql_identifier(columns[0][0])}.{sql_identifier(name)}"
    columns = [(c, t) for _, c, t in columns]
    rows = con.execute(f"select count(*) from {relation}").fetchone()[0]
    preview = con.execute(f"select * from {relation} limit 5").df()
    for col in preview.columns:
        if preview[col].dtype == object:
            preview[col] = preview[col].astype(str).str.slice(0, 40)
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": TableSchema(
            columns=[TableColumn(c, t.lower(), (descriptions or {}).get(c)) for c, t in columns]),
        "preview": MetadataValue.md(preview.to_markdown(index=False)),
    }

