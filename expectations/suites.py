"""Great Expectations (1.x) suites for the accounting identities, validated on DataFrames read from DuckDB
(or from PostgreSQL: dagster_project/postgres.py).

Each identity's rows come from its dbt model (`dbt/models/checks/chk_<name>.sql`, registered in
identities.py), read into pandas: GX's SQL datasources do not work on DuckDB. One suite per identity, one
expectation: |expected − actual| ≤ tolerance (the rule: `tolerance` below, and dbt/macros/checks.sql for
the printed precision `unit_yuan`). GX decides pass/fail per row; this module turns its verdict into
`check_results` rows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.bi_surface import BI_SCHEMA
from dagster_project.resources import connect, sql_identifier, sql_string
from dagster_project.settings import CHECKS_SCHEMA

from .identities import IDENTITIES, IDENTITY_COLUMNS, Identity

# The table's description and its columns' (DuckDB comments in the published file, as dbt writes the marts').
CHECK_RESULTS_DESCRIPTION = (
    "核对结果 Accounting identity checks (Great Expectations suites over the dbt models checks.chk_*, "
    "expectations/identities.py): one row per evaluated place (document, table, row or item) and identity, "
    "with both sides in yuan. Documents with a failed error-severity identity are `incomplete` in dim_document.")
CHECK_RESULTS_COLUMN_DESCRIPTIONS = {
    "checked_at": "核对时间 When the suites ran (UTC).",
    "document_id": "文档ID Document checked (dim_document.document_id).",
    "identity": "恒等式 Identity name (expectations/identities.py; its rows: the dbt model checks.chk_<identity>), "
                "e.g. line_total_equals_basic_plus_project.",
    "severity": "严重性 ERROR (a failure makes the document incomplete) or WARNING.",
    "status": "结果 pass, pass_within_tolerance (differs within the rounding the printed figures allow) or fail.",
    "table_kind": "表类型 Kind of the table checked (expenditure_summary, …).",
    "table_index": "表序号 Table within the document (0-based).",
    "page": "页码 Page the checked figures are printed on.",
    "subject_code": "主体编码 Unit or department the checked figures belong to.",
    "item": "项目 What was compared, e.g. the row label or 'Σ lines total = 合计'.",
    "expected_yuan": "应为（元） The stated side (e.g. the printed 合计), in yuan.",
    "actual_yuan": "实际（元） The computed side (e.g. the sum of the lines), in yuan.",
    "difference_yuan": "差额（元） actual_yuan − expected_yuan.",
    "tolerance_yuan": "容差（元） The rounding difference the printed figures allow.",
    "note": "备注 Why a difference still passes, when it does.",
}
CHECK_RESULTS_COLUMNS = list(CHECK_RESULTS_COLUMN_DESCRIPTIONS)


def tolerance(n_terms: pd.Series, unit_yuan: pd.Series) -> pd.Series:
    """The rounding an identity over n printed terms allows, in yuan: (n + 1) × half the coarsest unit of
    the last printed place among the figures compared (`unit_yuan`: macro printed_unit, dbt/macros/checks.sql).
    No unit means no non-zero figure was printed: the sides must then agree exactly."""
    return ((n_terms.astype(float) + 1) * 0.5 * unit_yuan.astype(float).fillna(0.0)).round(6)


def identity_query(identity: Identity) -> str:
    """The SQL that reads an identity's rows from its dbt model, on DuckDB and PostgreSQL alike: the rows of
    current documents only. A superseded or retracted document is incomplete for that reason already
    (int_document_completeness), and its lines have left the facts that several identities compare with."""
    columns = ", ".join(f"c.{c}" for c in IDENTITY_COLUMNS)
    return (
        f"select {columns} from {sql_identifier(CHECKS_SCHEMA)}.{sql_identifier(identity.model)} c "
        f"where exists (select 1 from {sql_identifier(BI_SCHEMA)}.dim_document d "
        "where d.document_id = c.document_id and d.status = 'current')"
    )


def identity_rows(con: duckdb.DuckDBPyConnection, identity: Identity) -> pd.DataFrame:
    """The rows of the identity's dbt model (the identity contract, identities.IDENTITY_COLUMNS)."""
    return con.execute(identity_query(identity)).df()


def identity_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """An identity model's rows with the columns the suite compares: difference, abs_difference, tolerance."""
    df = rows
    # A blank printed amount is a zero; a row with neither side printed says nothing.
    df = df[df["expected"].notna() | df["actual"].notna()].reset_index(drop=True)
    for col in ("expected", "actual"):
        df[col] = df[col].astype(float).fillna(0.0)
    df["difference"] = (df["actual"] - df["expected"]).round(2)
    df["abs_difference"] = df["difference"].abs()
    df["tolerance"] = tolerance(df["n_terms"], df["unit_yuan"])
    df["row_id"] = range(len(df))
    return df


def validate(df: pd.DataFrame, identity: Identity, context) -> tuple[pd.DataFrame, dict]:
    """Run the identity's GX suite on df; returns df with a `status` column and a summary.

    Results are stored in the GX context, so Data Docs can be built from them afterwards.
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    source = context.data_sources.add_or_update_pandas(name="budget_warehouse")
    asset = next((a for a in source.assets if a.name == identity.name), None) or source.add_dataframe_asset(
        name=identity.name
    )
    batch_definition = next((b for b in asset.batch_definitions if b.name == "all_rows"), None)
    batch_definition = batch_definition or asset.add_batch_definition_whole_dataframe("all_rows")
    suite = context.suites.add_or_update(gx.ExpectationSuite(name=identity.name))
    suite.add_expectation(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="tolerance", column_B="abs_difference", or_equal=True,
            meta={"identity": identity.description, "severity": identity.severity},
        )
    )
    suite.save()
    if df.empty:
        return df.assign(status=pd.Series(dtype=str)), {"success": True, "evaluated": 0}
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=identity.name, data=batch_definition, suite=suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": df},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]},
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


def gx_context(gx_dir: Path | None):
    """A file context under gx_dir (validation results + Data Docs), or an ephemeral one."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="file", project_root_dir=str(gx_dir)) if gx_dir else gx.get_context(
        mode="ephemeral"
    )
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # they would flood the logs
    return context


def data_docs_index(gx_dir: Path) -> Path:
    return gx_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def run_all(db_path: Path, gx_dir: Path | None = None) -> pd.DataFrame:
    """Validate every identity on the built warehouse and return the check_results rows.

    With gx_dir, GX also writes its validation results and Data Docs (HTML) there.
    """
    with connect(db_path, read_only=True) as con:
        return validate_all(lambda identity: identity_rows(con, identity), gx_dir)


def validate_all(read_rows: Callable[[Identity], pd.DataFrame], gx_dir: Path | None = None) -> pd.DataFrame:
    """Validate every identity on the rows read_rows returns for it (its dbt model's rows, from whichever
    engine built them: DuckDB here, PostgreSQL in dagster_project/postgres.py); the check_results rows."""
    context = gx_context(gx_dir)
    now = datetime.now(UTC).replace(tzinfo=None)
    frames = []
    for identity in IDENTITIES:
        df, _ = validate(identity_frame(read_rows(identity)), identity, context)
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
    if gx_dir:
        context.build_data_docs()
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=CHECK_RESULTS_COLUMNS)


def write_check_results(db_path: Path, results: pd.DataFrame) -> None:
    with connect(db_path, read_only=False) as con:
        con.register("results_df", results)
        con.execute("create or replace table check_results as select * from results_df")
        con.execute(f"comment on table check_results is {sql_string(CHECK_RESULTS_DESCRIPTION)}")
        for column, text in CHECK_RESULTS_COLUMN_DESCRIPTIONS.items():
            con.execute(f"comment on column check_results.{column} is {sql_string(text)}")
        con.execute("checkpoint")
