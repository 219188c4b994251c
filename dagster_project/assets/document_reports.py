"""One Dagster partition per document: its status, extracted tables and identity check results.

The partitions are the dynamic `documents` ones (keyed by file name and short document id:
partitions.py). A sensor reads the published warehouse, adds a partition for every new document (under the
name it was registered with) and re-materializes a document's report when what it shows changes, so the
UI's partition view of `document_report` is the per-document page of the warehouse.
"""

import hashlib
from typing import Any

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetSelection,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    asset,
    define_asset_job,
    sensor,
)

from ..resources import WarehouseResource, connect
from .partitions import FILE_NAME_TAG, document_ids_of, document_key, documents_partitions
from .publish import published_warehouse

DOCUMENT_SQL = """select file_name, status, status_reason, doc_kind, fiscal_year, region_name, subject_code,
                         currency_unit, completeness, coalesce(completeness_reasons, []), sidecar_rejected_reason,
                         line_source, line_source_reason
                  from dim_document where document_id = ?"""
TABLES_SQL = """select table_index, table_kind, page, title, row_count, is_empty from intermediate.int_tables
                where document_id = ? order by table_index"""
CHECKS_SQL = """select identity, status, page, item, expected_yuan, actual_yuan, difference_yuan
                from check_results where document_id = ? order by identity, page"""
# What a report shows; a change in it is a reason to materialize the report again.
FINGERPRINT_SQL = """select d.document_id,
        md5(concat_ws('|', d.status, d.completeness, array_to_string(d.completeness_reasons, '|'), d.sidecar_rejected_reason, d.line_source_reason, (select count(*) from intermediate.int_tables t where t.document_id = d.document_id),
            (select string_agg(concat_ws(':', r.identity, r.status, r.page, r.difference_yuan), ','
                    order by r.identity, r.status, r.page, r.difference_yuan)
             from check_results r where r.document_id = d.document_id))) as fingerprint
    from dim_document d"""


def document_report_metadata(con: duckdb.DuckDBPyConnection, document_id: str) -> dict[str, Any]:
    doc = con.execute(DOCUMENT_SQL, [document_id]).fetchone()
    if doc is None:
        raise ValueError(f"document {document_id} is not in the published warehouse")
    (file_name, status, reason, kind, year, region, subject, currency, completeness, reasons, sidecar_rejected,
     line_source, line_source_reason) = doc
    tables = con.execute(TABLES_SQL, [document_id]).df()
    checks = con.execute(CHECKS_SQL, [document_id]).df()
    counts = checks["status"].value_counts()
    return {
        "file_name": file_name,
        "status": status,
        "status_reason": reason or "",
        "doc_kind": kind or "",
        "fiscal_year": year if year is not None else -1,
        "region": region or "",
        "subject_code": subject or "",
        "currency_unit": currency or "",
        "completeness": completeness or "",
        "completeness_reasons": MetadataValue.md("\n".join(f"- {r}" for r in reasons) or "none"),
        "sidecar_rejected_reason": sidecar_rejected or "",
        # which table gives the expenditure lines and why (int_line_source_choice)
        "line_source": line_source or "",
        "line_source_reason": line_source_reason or "",
        "tables_found": len(tables),
        "tables": MetadataValue.md(tables.to_markdown(index=False)),
        "checks_passed": int(counts.get("pass", 0)),
        "checks_within_tolerance": int(counts.get("pass_within_tolerance", 0)),
        "checks_failed": int(counts.get("fail", 0)),
        "checks_flagged": MetadataValue.md(checks[checks["status"] != "pass"].to_markdown(index=False)),
    }


@asset(
    partitions_def=documents_partitions,
    deps=[published_warehouse],
    group_name="documents",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    description="The per-document view: for one document (partition = its file name·the start of its "
    "document id) its status (current, superseded, retracted, failed), its completeness (complete / "
    "incomplete / not_applicable, with reasons), the table its expenditure lines come from and why, the "
    "tables extracted from it and its identity check "
    "results, read from the published warehouse. Partitions are added by the `document_partitions` sensor.",
)
def document_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    key = context.partition_key
    with warehouse.read() as con:
        documents = con.execute("select file_name, document_id from dim_document").fetchall()
        document_id = document_ids_of([key], documents)[key]
        if document_id is None:
            raise ValueError(f"partition {key}: no such document in the published warehouse")
        return MaterializeResult(metadata=document_report_metadata(con, document_id))


document_report_job = define_asset_job("document_reports", selection=AssetSelection.assets(document_report))


def report_fingerprints(warehouse_file) -> dict[str, str]:
    with connect(warehouse_file, read_only=True) as con:
        return dict(con.execute(FINGERPRINT_SQL).fetchall())


@sensor(job=document_report_job, minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="After each materialization of `published_warehouse`: adds a `documents` partition for "
        "each document in the published warehouse and materializes its report when the document's status, "
        "tables or check results changed. Between publishes it does nothing, so it never races a build.")
def document_partitions(context: SensorEvaluationContext, warehouse: WarehouseResource) -> SensorResult:
    path = warehouse.paths.warehouse
    records = context.instance.fetch_materializations(published_warehouse.key, limit=1).records
    if not records or not path.exists():
        return SensorResult(skip_reason="published_warehouse has not been materialized yet")
    published = records[0]
    if context.cursor == str(published.storage_id):
        return SensorResult(skip_reason="no new publish since the last evaluation")
    fingerprints = report_fingerprints(path)
    names = dict(duckdb_query(path, "select document_id, file_name from dim_document"))
    keys = {doc: document_key(names.get(doc) or "", doc) for doc in fingerprints}  # the registered name
    known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    new = sorted(set(keys.values()) - known)
    return SensorResult(
        dynamic_partitions_requests=[documents_partitions.build_add_request(new)] if new else [],
        # the run key makes Dagster skip a report whose content has not changed since its last run
        run_requests=[RunRequest(partition_key=keys[doc],
                                 run_key=hashlib.sha1(f"{keys[doc]}{fp}".encode()).hexdigest(),
                                 tags={FILE_NAME_TAG: names.get(doc) or ""})
                      for doc, fp in sorted(fingerprints.items())],
        cursor=str(published.storage_id),
    )


def duckdb_query(warehouse_file, sql: str) -> list[tuple]:
    with connect(warehouse_file, read_only=True) as con:
        return con.execute(sql).fetchall()
