"""Raw documents → extraction → the append-only event store, and the sensor watching the raw folder."""


import hashlib
import json
from collections import Counter
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    asset,
    sensor,
)

from ..events.commands import supersede_events
from ..ingest import (
    EXTRACTOR_VERSION,
    RawFile,
    document_paths,
    extract_documents,
    scan_raw,
    sidecar_events,
    sidecar_path,
)
from ..resources import WarehouseResource

EVENT_STORE_KEY = AssetKey(["event_store", "events"])


@asset(
    group_name="raw",
    kinds={"pdf"},
    owners=["team:data-engineering"],
    description="Every document file in the raw folder, identified by the sha256 of its bytes (document_id).",
)
def raw_documents(context: AssetExecutionContext, warehouse: WarehouseResource) -> list[RawFile]:
    files = scan_raw(warehouse.paths.raw_dir)
    context.add_output_metadata(
        {
            "documents": len(files),
            "raw_dir": str(warehouse.paths.raw_dir),
            "files": MetadataValue.md(
                "| file | format | document_id |\n|---|---|---|\n"
                + "\n".join(f"| {f.file_name} | {f.format} | `{f.document_id[:12]}` |" for f in files)
            ),
        }
    )
    return files


@asset(
    group_name="extracted",
    kinds={"python", "pdfplumber"},
    owners=["team:data-engineering"],
    description=(
        "Each new document read with pdfplumber: metadata (region, department, units, year, kind) and every "
        "table (page, kind from its title, header rows, body rows). Documents already extracted by this "
        "extractor version are skipped; a document that fails becomes an ExtractionFailed event."
    ),
)
def extracted_documents(
    context: AssetExecutionContext, warehouse: WarehouseResource, raw_documents: list[RawFile]
) -> list:
    done = {
        doc
        for (doc,) in warehouse.store.query(
            "select distinct document_id from events where event_type in ('TablesExtracted', 'ExtractionFailed')"
            " and producer_version = ?",
            [EXTRACTOR_VERSION],
        )
    } if warehouse.paths.events_db.exists() else set()
    todo = [raw for raw in raw_documents if raw.document_id not in done]
    extracted = extract_documents(todo)
    events, rows = [], []
    for raw in raw_documents:
        try:
            events += sidecar_events(raw)
        except ValueError as exc:
            context.log.error(str(exc))
        if raw.document_id in done:
            rows.append(f"| {raw.file_name} | already extracted | | |")
            continue
        doc_events = extracted[raw.document_id]
        events += doc_events
        failed = [e for e in doc_events if e.event_type == "ExtractionFailed"]
        if failed:
            rows.append(f"| {raw.file_name} | **failed**: {failed[0].payload['reason']} | | |")
            context.log.warning(f"{raw.file_name}: {failed[0].payload['reason']}")
        else:
            tables = doc_events[1].payload["tables"]
            kinds = Counter(t["table_kind"] for t in tables)
            rows.append(f"| {raw.file_name} | ok | {doc_events[1].payload['page_count']} | {len(tables)} "
                        f"({', '.join(f'{k}×{n}' for k, n in sorted(kinds.items()))}) |")
    context.add_output_metadata(
        {
            "new_events": len(events),
            "failures": sum(e.event_type == "ExtractionFailed" for e in events),
            "documents": MetadataValue.md("| file | status | pages | tables |\n|---|---|---|---|\n" + "\n".join(rows)),
        }
    )
    return events


@asset(
    key=EVENT_STORE_KEY,
    group_name="events",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    description="The append-only event log (warehouse/events.duckdb, table `events`): the source of truth "
    "the dbt models replay. Rows are never updated or deleted; unchanged files append nothing.",
)
def event_store(warehouse: WarehouseResource, extracted_documents: list) -> MaterializeResult:
    store = warehouse.store
    store.ensure()
    appended = store.append(extracted_documents)
    appended += store.append(supersede_events(store))
    counts = dict(store.query("select event_type, count(*) from events group by 1 order by 1"))
    return MaterializeResult(
        metadata={
            "appended": appended,
            "total_events": sum(counts.values()),
            **{f"events_{k}": v for k, v in counts.items()},
            "path": str(warehouse.paths.events_db),
        }
    )


def raw_fingerprint(raw_dir: Path) -> str:
    """Changes when a document (or its sidecar) is added, replaced or removed below raw_dir; file sizes and
    modification times stand in for the hashes scan_raw computes, so a sensor tick stays cheap."""
    paths = [q for p in document_paths(raw_dir) for q in (p, sidecar_path(p)) if q.exists()]
    files = [(str(p.relative_to(raw_dir)), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
    return hashlib.sha1(json.dumps(files).encode()).hexdigest()


@sensor(job_name="build_warehouse", minimum_interval_seconds=30, default_status=DefaultSensorStatus.STOPPED,
        description="Watches the raw folder and runs the pipeline when documents are added or changed; "
        "only the new documents are extracted. Off by default: turn it on under Automation.")
def raw_folder_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource) -> SensorResult:
    raw_dir = warehouse.paths.raw_dir
    if not raw_dir.exists():
        return SensorResult(skip_reason=f"{raw_dir} does not exist")
    fingerprint = raw_fingerprint(raw_dir)
    if fingerprint == context.cursor:
        return SensorResult(skip_reason="no new or changed documents")
    return SensorResult(run_requests=[RunRequest(run_key=fingerprint)], cursor=fingerprint)
