"""Raw documents → per-document extraction into the append-only event store, and the sensor watching
the raw folder."""


import hashlib
import json
import os
from collections import Counter
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetObservation,
    BackfillPolicy,
    Config,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    asset,
    sensor,
)
from pydantic import Field

from ..events.commands import supersede_events
from ..events.store import EventLog
from ..extraction_dask import extract, scheduler_address
from ..ingest import (
    EXTRACTOR_VERSION,
    Limits,
    RawFile,
    document_paths,
    scan_raw,
    sidecar_events,
    sidecar_path,
    skipped_files,
)
from ..progress import Progress, report
from ..resources import WarehouseResource
from .partitions import (
    FILES_TAG,
    document_ids_of,
    documents_partitions,
    files_tag,
    partition_key,
    partition_range_tags,
)

EVENT_STORE_KEY = AssetKey(["event_store", "events"])


class ExtractionConfig(Config):
    """Per-document bounds of an extraction (the launchpad shows them): a document over one of them ends as
    ExtractionFailed with the reason, the others go on."""

    timeout_s: float = Limits.timeout_s
    memory_mb: int = Limits.memory_mb
    max_inflated_mb: int = Limits.max_inflated_mb
    max_objects: int = Limits.max_objects
    dask_scheduler: str | None = Field(
        default=None,
        description="A dask.distributed scheduler (tcp://host:8786) to extract on, one task per document "
        "(dagster_project/extraction_dask.py); unset: $BUDGETWH_DASK_SCHEDULER, else worker processes here.",
    )

    def limits(self) -> Limits:
        return Limits(timeout_s=self.timeout_s, memory_mb=self.memory_mb, max_inflated_mb=self.max_inflated_mb,
                      max_objects=self.max_objects)


def extraction_backfill_policy() -> BackfillPolicy:
    """On one machine a range of documents is one run whose step extracts them in parallel processes. On a
    cluster, BUDGETWH_PARTITIONS_PER_RUN=k splits a backfill into runs of k documents, each launched
    where the run launcher puts it (docs/dagster.md: beyond one machine)."""
    per_run = os.environ.get("BUDGETWH_PARTITIONS_PER_RUN")
    return BackfillPolicy.multi_run(int(per_run)) if per_run else BackfillPolicy.single_run()


@asset(
    group_name="raw",
    kinds={"pdf"},
    owners=["team:data-engineering"],
    description="Every document file in the raw folder, identified by the sha256 of its bytes (document_id).",
)
def raw_documents(context: AssetExecutionContext, warehouse: WarehouseResource) -> list[RawFile]:
    raw_dir = warehouse.paths.raw_dir
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"the raw folder {raw_dir} does not exist")
    files = scan_raw(raw_dir, cache=warehouse.paths.raw_index)
    skipped = skipped_files(raw_dir)
    for path, reason in skipped:
        context.log.info(f"skipped {path.relative_to(raw_dir)}: {reason}")
    context.add_output_metadata(
        {
            "documents": len(files),
            "raw_dir": str(raw_dir),
            "skipped_files": len(skipped),
            "skipped": MetadataValue.md(
                "| file | why |\n|---|---|\n"
                + "\n".join(f"| {p.relative_to(raw_dir)} | {r} |" for p, r in skipped)),
            "files": MetadataValue.md(
                "| file | format | document_id |\n|---|---|---|\n"
                + "\n".join(f"| {f.file_name} | {f.format} | `{f.document_id[:12]}` |" for f in files)
            ),
        }
    )
    return files


def extracted_ids(store: EventLog) -> set[str]:
    """Documents this extractor version has already read (successfully or not)."""
    return {
        doc
        for (doc,) in store.query(
            "select distinct document_id from events where event_type in ('TablesExtracted', 'ExtractionFailed')"
            " and producer_version = ?",
            [EXTRACTOR_VERSION],
        )
    }


def _outcome(events: list) -> str:
    """How a document's extraction went, in a few words: `ok: 27 pages, 18 tables` or `FAILED: <reason>`."""
    last = events[-1].payload
    if events[-1].event_type == "ExtractionFailed":
        return f"FAILED: {last['reason']}"
    return f"ok: {last['page_count']} pages, {len(last['tables'])} tables"


def _report_row(raw: RawFile, events: list) -> str:
    failed = [e for e in events if e.event_type == "ExtractionFailed"]
    if failed:
        return f"| {raw.file_name} | **failed**: {failed[0].payload['reason']} | | |"
    extracted = events[1].payload
    kinds = Counter(t["table_kind"] for t in extracted["tables"])
    return (f"| {raw.file_name} | ok | {extracted['page_count']} | {len(extracted['tables'])} "
            f"({', '.join(f'{k}×{n}' for k, n in sorted(kinds.items()))}) |")


@asset(
    partitions_def=documents_partitions,
    backfill_policy=extraction_backfill_policy(),
    group_name="extracted",
    kinds={"python", "pdfplumber"},
    owners=["team:data-engineering"],
    description=(
        "One partition per document: the document read with pdfplumber — metadata (region, department, "
        "units, year, kind) and every table (page, kind from its title, header rows, body rows) — appended "
        "to the event log as DocumentRegistered + TablesExtracted, or ExtractionFailed with the reason. "
        "A run over several partitions extracts them in parallel worker processes, or one task per document "
        "on a Dask cluster (config dask_scheduler / BUDGETWH_DASK_SCHEDULER; docs/scale-out.md); a "
        "document already extracted by this extractor version is not read again."
    ),
)
def extracted_documents(
    context: AssetExecutionContext, warehouse: WarehouseResource, raw_documents: list[RawFile],
    config: ExtractionConfig,
) -> MaterializeResult:
    store = warehouse.store
    store.ensure()
    done = extracted_ids(store)
    keys = context.partition_keys
    # a key is a file name and the start of a document id: the file of that name, else another copy of the
    # document (a renamed file's old key, an older instance's key that is the id itself)
    by_key = {partition_key(raw): raw for raw in raw_documents}
    by_id = {raw.document_id: raw for raw in raw_documents}
    doc_of = document_ids_of(keys, [(raw.file_name, raw.document_id) for raw in raw_documents])
    raw_of = {k: by_key.get(k) or by_id[doc] for k, doc in doc_of.items() if doc}
    keys_of: dict[str, list[str]] = {}
    for k, raw in raw_of.items():
        keys_of.setdefault(raw.document_id, []).append(k)
    # a document is read once, however many of its names the run covers
    todo = [raw_of[ks[0]] for doc, ks in keys_of.items() if doc not in done]
    status = {k: f"| `{k}` | no longer in the raw folder | | |" for k in keys if k not in raw_of}
    status |= {k: f"| {raw.file_name} | already extracted | | |" for k, raw in raw_of.items()
               if raw.document_id in done}
    appended = failures = 0
    scheduler = scheduler_address(config.dask_scheduler)
    if todo:
        context.log.info(f"extracting {len(todo)} documents on " + (f"Dask ({scheduler})" if scheduler
                                                                     else "local worker processes"))
    else:
        report(context.log, Progress("extract", outcome=f"nothing to read: {len(keys)} document(s) already in the "
                                                        "event log for this extractor version"))
    timings: dict[str, float] = {}
    for n, (raw, doc_events) in enumerate(extract(todo, config.limits(), scheduler, timings), start=1):
        appended += store.append(doc_events)  # one transaction per document, as soon as it is read
        outcome = _outcome(doc_events)
        seconds = timings.get(raw.document_id)  # none when read on Dask
        report(context.log, Progress("extract", n, len(todo), raw.file_name, seconds, outcome))
        for k in keys_of[raw.document_id]:  # each name of the document in the run
            status[k] = _report_row(raw_of[k], doc_events)
            # the partition's page lists the file with the outcome
            context.log_event(AssetObservation(asset_key=context.asset_key, partition=k,
                                               metadata={"file_name": raw_of[k].file_name, "outcome": outcome}))
        if doc_events[-1].event_type == "ExtractionFailed":
            failures += 1
            context.log.warning(f"{raw.file_name}: {doc_events[-1].payload['reason']}")
    return MaterializeResult(
        metadata={
            "documents_read": len(todo),
            "extracted_on": scheduler or "local worker processes",
            "new_events": appended,
            "failures": failures,
            "documents": MetadataValue.md("| file | status | pages | tables |\n|---|---|---|---|\n"
                                          + "\n".join(status[k] for k in keys)),
        }
    )


@asset(
    key=EVENT_STORE_KEY,
    deps=[extracted_documents],
    group_name="events",
    kinds={"duckdb"},
    owners=["team:data-engineering"],
    description="The append-only event log (warehouse/events.duckdb, table `events`): the source of truth "
    "the dbt models replay. Extraction appends each document's events; this step adds the sidecar metadata "
    "and the supersessions. Rows are never updated or deleted; unchanged files append nothing.",
)
def event_store(
    context: AssetExecutionContext, warehouse: WarehouseResource, raw_documents: list[RawFile]
) -> MaterializeResult:
    store = warehouse.store
    store.ensure()
    sidecars = [e for raw in raw_documents for e in sidecar_events(raw)]
    rejected = [e for e in sidecars if e.event_type == "MetadataRejected"]
    for event in rejected:
        context.log.warning(f"{event.payload['source']}: sidecar rejected: {event.payload['reason']}")
    appended = store.append(sidecars)
    appended += store.append(supersede_events(store))
    counts = dict(store.query("select event_type, count(*) from events group by 1 order by 1"))
    return MaterializeResult(
        metadata={
            "appended": appended,
            "sidecars_rejected": len(rejected),
            "total_events": sum(counts.values()),
            **{f"events_{k}": v for k, v in counts.items()},
            "path": store.location,
        }
    )


def raw_fingerprint(raw_dir: Path) -> str:
    """Changes when a document (or its sidecar) is added, replaced or removed below raw_dir; file sizes and
    modification times stand in for the hashes scan_raw computes, so a sensor tick stays cheap."""
    paths = [q for p in document_paths(raw_dir) for q in (p, sidecar_path(p)) if q.exists()]
    stats = [(p, p.stat()) for p in paths]
    files = [(str(p.relative_to(raw_dir)), st.st_size, st.st_mtime_ns) for p, st in stats]
    return hashlib.sha1(json.dumps(files).encode()).hexdigest()


@sensor(job_name="build_warehouse", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="Watches the raw folder: adds a `documents` partition for each new file (a new name or "
        "new content) and runs `build_warehouse` over the new partitions (extraction of the documents not "
        "read yet, then the event log, the dbt models, checks and publish). A changed sidecar re-runs the "
        "build without re-extracting.")
def raw_folder_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource) -> SensorResult:
    raw_dir = warehouse.paths.raw_dir
    if not raw_dir.exists():
        return SensorResult(skip_reason=f"{raw_dir} does not exist")
    fingerprint = raw_fingerprint(raw_dir)
    if fingerprint == context.cursor:
        return SensorResult(skip_reason="no new or changed documents")
    files = scan_raw(raw_dir, cache=warehouse.paths.raw_index)
    names = {partition_key(f): f.file_name for f in files}  # in folder order: the new keys form one range
    keys = list(names)
    known = set(context.instance.get_dynamic_partitions(documents_partitions.name))
    new = [k for k in keys if k not in known]
    # New partitions are appended in order, so they form one range; without new files (a sidecar changed,
    # a file was removed) the run covers the folder's last partition, whose extraction is already done.
    # A renamed file is a new partition of a document already extracted: its run reads nothing.
    target = new or keys[-1:]
    if not target:
        return SensorResult(skip_reason="the raw folder holds no documents", cursor=fingerprint)
    return SensorResult(
        dynamic_partitions_requests=[documents_partitions.build_add_request(new)] if new else [],
        run_requests=[RunRequest(run_key=fingerprint, tags={
            **partition_range_tags(target),
            FILES_TAG: files_tag([names[k] for k in target])})],
        cursor=fingerprint,
    )
