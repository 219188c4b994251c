"""Great Expectations (1.x) suites for the accounting identities, validated on DataFrames read from DuckDB.

GX's SQL datasources do not work on DuckDB, so each identity's rows are read into pandas and validated
there. One suite per identity, one expectation: |expected − actual| ≤ tolerance (see identities.py for
the rule). GX decides pass/fail per row; this module turns its verdict into `check_results` rows.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from .identities import IDENTITIES, Identity

DECIMALS = 2  # budget tables publish amounts with two decimals in both 元 and 万元

CHECK_RESULTS_COLUMNS = [
    "checked_at", "document_id", "identity", "severity", "status", "table_kind", "table_index", "page",
    "subject_code", "item", "expected_yuan", "actual_yuan", "difference_yuan", "tolerance_yuan", "note",
]


def identity_frame(con: duckdb.DuckDBPyConnection, identity: Identity) -> pd.DataFrame:
    df = con.execute(identity.sql).df()
    for col in ("expected", "actual"):
        df[col] = df[col].astype(float)
    df["difference"] = (df["actual"] - df["expected"]).round(2)
    df["abs_difference"] = df["difference"].abs()
    df["tolerance"] = (df["n_terms"] + 1) * 0.5 * 10 ** (-DECIMALS) * df["multiplier"].fillna(1).astype(float)
    df["row_id"] = range(len(df))
    return df


def validate(df: pd.DataFrame, identity: Identity, context=None) -> tuple[pd.DataFrame, dict]:
    """Run the identity's GX suite on df; returns df with a `status` column and the GX result as a dict."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = context or gx.get_context(mode="ephemeral")
    source = context.data_sources.add_or_update_pandas(name="budget_warehouse")
    asset = source.add_dataframe_asset(name=identity.name)
    batch = asset.add_batch_definition_whole_dataframe("all_rows").get_batch(batch_parameters={"dataframe": df})
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=identity.name))
    suite.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="tolerance", column_B="abs_difference", or_equal=True,
            meta={"identity": identity.description, "severity": identity.severity},
        )
    )
    if df.empty:
        return df.assign(status=pd.Series(dtype=str)), {"success": True, "evaluated": 0}
    result = batch.validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]}
    )
    failed: set[int] = set()
    for r in result.results:
        for idx in r.result.get("unexpected_index_list") or []:
            failed.add(int(idx["row_id"]) if isinstance(idx, dict) else int(idx))
    status = [
        "fail" if rid in failed else ("pass_within_tolerance" if diff != 0 else "pass")
        for rid, diff in zip(df["row_id"], df["difference"])
    ]
    return df.assign(status=status), {"success": bool(result.success), "evaluated": len(df)}


def run_all(db_path: Path) -> pd.DataFrame:
    """Validate every identity on the built warehouse and return the check_results rows."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # they would flood the logs
    now = datetime.now(UTC).replace(tzinfo=None)
    frames = []
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        for identity in IDENTITIES:
            df, _ = validate(identity_frame(con, identity), identity, context)
            frames.append(
                pd.DataFrame(
                    {
                        "checked_at": now,
                        "document_id": df["document_id"],
                        "identity": identity.name,
                        "severity": identity.severity,
                        "status": df["status"],
                        "table_kind": df["table_kind"],
                        "table_index": df["table_index"],
                        "page": df["page"],
                        "subject_code": df["subject_code"],
                        "item": df["item"],
                        "expected_yuan": df["expected"],
                        "actual_yuan": df["actual"],
                        "difference_yuan": df["difference"],
                        "tolerance_yuan": df["tolerance"],
                        "note": [
                            "differs within the rounding tolerance" if s == "pass_within_tolerance" else ""
                            for s in df["status"]
                        ],
                    }
                )
            )
    finally:
        con.close()
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_RESULTS_COLUMNS)


def write_check_results(db_path: Path, results: pd.DataFrame) -> None:
    con = duckdb.connect(str(db_path))
    try:
        con.register("results_df", results)
        con.execute("create or replace table check_results as select * from results_df")
        con.execute("checkpoint")
    finally:
        con.close()
