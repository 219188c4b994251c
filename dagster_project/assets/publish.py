"""Publish the finished warehouse atomically, so BI tools never see a half-built file."""


import os
import shutil
import time

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from ..bi_surface import BI_SCHEMA, published_models, shape_for_bi
from ..progress import Progress, report
from ..resources import WarehouseResource, connect, sql_identifier, sql_string
from .dbt import dbt_project

SUMMARY_SQL = {
    "documents": "select count(*) from dim_document",
    "tables": "select count(*) from intermediate.int_tables",
    "fact_rows": "select count(*) from fact_expenditure",
    "checks_passed": "select count(*) from check_results where status = 'pass'",
    "checks_within_tolerance": "select count(*) from check_results where status = 'pass_within_tolerance'",
    "checks_failed": "select count(*) from check_results where status = 'fail'",
}


MARTS_FOR_EXPORT_SQL = f"""select table_name from information_schema.tables
    where table_catalog = current_database() and table_schema = '{BI_SCHEMA}' order by table_name"""


def export_parquet(db_path, out_dir) -> list[str]:
    """Every mart as Parquet for engines other than DuckDB (written beside the published file)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with connect(db_path, read_only=True) as con:
        names = [r[0] for r in con.execute(MARTS_FOR_EXPORT_SQL).fetchall()]
        for name in names:
            tmp = out_dir / f".{name}.parquet.tmp"
            # COPY takes no parameter for its file: the path is a quoted literal, the name a quoted identifier
            con.execute(f"copy (select * from {sql_identifier(name)}) to {sql_string(tmp)} (format parquet)")
            os.replace(tmp, out_dir / f"{name}.parquet")
        return names


def summarize(db_path) -> dict[str, int]:
    with connect(db_path, read_only=True) as con:
        return {k: con.execute(sql).fetchone()[0] for k, sql in SUMMARY_SQL.items()}


@asset(
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    # every dbt model the published file shows in `main` (bi_surface.published_models) and check_results
    deps=[AssetKey(name) for name in published_models(dbt_project.manifest_path)] + ["check_results"],
    description="Copies the build file next to the published warehouse, leaves out what a BI tool must not "
    "see (the staging views over the event store; bi_surface.py) and renames it over the published "
    "file in one step (os.replace): a reader holding the old file keeps reading it whole. `main` holds the "
    "marts, dimensions, events and check_results, with every dbt description as a DuckDB comment.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    paths = warehouse.paths
    tmp = paths.warehouse.with_name(f".{paths.warehouse.name}.publishing")
    started = time.monotonic()
    with warehouse.store.lock():
        shutil.copyfile(paths.build_db, tmp)
        dropped = shape_for_bi(tmp, dbt_project.manifest_path)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, paths.warehouse)
        exported = export_parquet(paths.warehouse, paths.warehouse.parent / "parquet")
    summary = summarize(paths.warehouse)
    context.log.info(f"published {paths.warehouse}: {summary}")
    report(context.log, Progress("publish", item=str(paths.warehouse), seconds=time.monotonic() - started,
                                 outcome=f"{len(exported)} tables also as Parquet"))
    return MaterializeResult(
        metadata={"path": str(paths.warehouse), "parquet_tables": len(exported), **summary,
                  "left_out": ", ".join(dropped)}
    )
