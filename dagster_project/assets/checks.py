"""Accounting identities (Great Expectations suites in expectations/) as a results table and asset checks.

Each identity's rows are a dbt model (dbt/models/checks/chk_<identity>.sql), so the asset graph draws what
every check reads: int_table_cells, fact_expenditure, … → chk_<identity> → check_results and the identity's
asset check.
"""

import time

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MetadataValue,
    asset,
    multi_asset_check,
)

from expectations.completeness import add_identity_failures
from expectations.identities import IDENTITIES
from expectations.suites import data_docs_index, run_all, write_check_results

from ..progress import Progress, report, status_counts
from ..resources import WarehouseResource, connect

# A dbt model's asset key is its name (assets/dbt.py LayerTranslator). check_results reads the identity
# models and then updates dim_document's completeness (expectations/completeness.py).
IDENTITY_MODEL_KEYS = [AssetKey(i.model) for i in IDENTITIES]


@asset(
    group_name="checks",
    kinds={"great_expectations", "duckdb"},
    owners=["team:data-engineering"],
    deps=[*IDENTITY_MODEL_KEYS, AssetKey("dim_document")],
    description="Runs every Great Expectations identity suite on the rows of its dbt model (checks.chk_*) and "
    "stores one row per evaluated place in the warehouse table `check_results` (pass / pass_within_tolerance / fail); documents "
    "with a failed error-severity identity become `incomplete` in dim_document (expectations/completeness.py).",
)
def check_results(context: AssetExecutionContext, warehouse: WarehouseResource) -> None:
    started = time.monotonic()
    report(context.log, Progress("checks", outcome=f"running {len(IDENTITIES)} identity suites"))
    with warehouse.store.lock():
        results = run_all(warehouse.paths.build_db, warehouse.paths.gx_dir)
        write_check_results(warehouse.paths.build_db, results)
        made_incomplete = add_identity_failures(warehouse.paths.build_db, results)
    counts = results.groupby("status").size().to_dict() if len(results) else {}
    report(context.log, Progress("checks", item=f"{len(results)} evaluated", seconds=time.monotonic() - started,
                                 outcome=status_counts(counts)))
    context.add_output_metadata(
        {
            "rows": len(results),
            "documents_incomplete_by_identities": made_incomplete,
            **{f"status_{k}": int(v) for k, v in counts.items()},
            "data_docs": MetadataValue.url(data_docs_index(warehouse.paths.gx_dir).as_uri()),
        }
    )


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            name=i.name,
            asset=AssetKey(i.asset),
            description=f"{i.description} (dbt model `{i.model}`, GX suite `{i.name}`; severity {i.severity})",
            additional_deps=[AssetKey(i.model), AssetKey("check_results")],
        )
        for i in IDENTITIES
    ],
    can_subset=True,
)
def identity_checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
    selected = {k.name for k in context.selected_asset_check_keys}
    identities = [i for i in IDENTITIES if i.name in selected]
    with warehouse.store.lock():
        with connect(warehouse.paths.build_db, read_only=True) as con:
            rows_by_identity = {
                i.name: con.execute(
                    """select document_id, status, table_kind, page, item, expected_yuan, actual_yuan,
                              difference_yuan, tolerance_yuan
                       from check_results where identity = ? order by status, document_id""",
                    [i.name],
                ).fetchall()
                for i in identities
            }
    for identity in identities:
        rows = rows_by_identity[identity.name]
        failed = [r for r in rows if r[1] == "fail"]
        within = sum(r[1] == "pass_within_tolerance" for r in rows)
        table = "| document | table | page | item | expected | actual | difference | tolerance |\n|---|---|---|---|---|---|---|---|\n"
        table += "\n".join(
            f"| {r[0][:12]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:,.2f} | {r[6]:,.2f} | {r[7]:,.2f} | {r[8]:,.2f} |"
            for r in failed[:50]
        )
        yield AssetCheckResult(
            check_name=identity.name,
            asset_key=AssetKey(identity.asset),
            passed=not failed,
            severity=AssetCheckSeverity.ERROR if identity.severity == "ERROR" else AssetCheckSeverity.WARN,
            metadata={
                "evaluated": len(rows),
                "failed": len(failed),
                "passed_within_tolerance": within,
                "failures": MetadataValue.md(table if failed else "none"),
                "data_docs": MetadataValue.url(data_docs_index(warehouse.paths.gx_dir).as_uri()),
            },
        )
