"""Publish the finished warehouse atomically, so BI tools never see a half-built file."""

from __future__ import annotations

import os
import shutil

import duckdb
from dagster import AssetExecutionContext, MaterializeResult, asset

from ..resources import WarehouseResource

SUMMARY_SQL = {
    "documents": "select count(*) from dim_document",
    "tables": "select count(*) from int_tables",
    "fact_rows": "select count(*) from fact_expenditure",
    "checks_passed": "select count(*) from check_results where status <> 'fail'",
    "checks_failed": "select count(*) from check_results where status = 'fail'",
}


def summarize(db_path) -> dict[str, int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return {k: con.execute(sql).fetchone()[0] for k, sql in SUMMARY_SQL.items()}
    finally:
        con.close()


@asset(
    group_name="publish",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    deps=["check_results"],
    description="Copies the build file next to the published warehouse and renames it over the published "
    "file in one step (os.replace): a reader holding the old file keeps reading it whole.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    paths = warehouse.paths
    tmp = paths.warehouse.with_name(f".{paths.warehouse.name}.publishing")
    shutil.copyfile(paths.build_db, tmp)
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, paths.warehouse)
    summary = summarize(paths.warehouse)
    return MaterializeResult(metadata={"path": str(paths.warehouse), **summary})
