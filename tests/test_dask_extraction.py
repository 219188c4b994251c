"""Extraction on a dask.distributed cluster (dagster_project/extraction_dask.py): a real `dask scheduler` and
two `dask worker` processes on localhost read the samples one task per document. The events are those of
the embedded build (the same content-hash ids; a worker killed mid-task losing and doubling nothing is
asserted by tests/test_scale_out.py, on the samples and the real documents), a document over its limits ends as ExtractionFailed on the worker as it does locally, a file the workers
cannot see is an error and never an event, and the `extracted_documents` asset and `budgetwh build`
take the scheduler from their config."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from dagster import DagsterInstance, materialize

from dagster_project.assets.documents import extracted_documents, raw_documents
from dagster_project.assets.partitions import documents_partitions, partition_keys, partition_range_tags
from dagster_project.cli import build_run_config
from dagster_project.events.store import EventStore
from dagster_project.extraction_dask import (
    SCHEDULER_ENV,
    DaskExtractionError,
    extract_documents_dask,
    local_cluster,
    prepare_worker,
    scheduler_address,
)
from dagster_project.ingest import Limits, document_ids, scan_raw
from dagster_project.resources import WarehouseResource
from dagster_project.settings import Paths

from .conftest import SAMPLES, cli, copy_raw, query

EXTRACTION_EVENTS = ("DocumentRegistered", "TablesExtracted", "ExtractionFailed")


@pytest.fixture(scope="module")
def cluster():
    with local_cluster(workers=2, threads=1) as c, c.client() as client:
        client.run(prepare_worker)  # each worker's forkserver up before the clocks of the tests start
        yield c


def embedded_extraction_ids(warehouse) -> dict[str, set[str]]:
    """document_id → the ids of its extraction events in the embedded (local process pool) build."""
    rows = query(
        warehouse.parent / "events.duckdb",
        "select document_id, event_id from events where event_type in (?, ?, ?)",
        list(EXTRACTION_EVENTS),
    )
    out: dict[str, set[str]] = {}
    for doc, event_id in rows:
        out.setdefault(doc, set()).add(event_id)
    return out


def worker_pids(cluster) -> dict[str, int]:
    with cluster.client() as client:
        client.wait_for_workers(2, timeout=60)  # a killed worker's nanny starts a new one
        return client.run(os.getpid)


def test_limits_end_a_child_not_the_worker_and_unseen_files_are_errors(cluster, tmp_path):
    pids = worker_pids(cluster)
    [raw] = scan_raw(
        copy_raw(
            SAMPLES, tmp_path / "raw", ["hebei-fengrun-medical-security-bureau-2023-department-budget.pdf"]
        )
    )
    phantom = replace(raw, path=tmp_path / "elsewhere" / raw.file_name)  # not where the workers look
    got, error = {}, None
    try:
        for r, events in extract_documents_dask([phantom, raw], Limits(timeout_s=0.05), cluster.address):
            got[r.path] = events
    except DaskExtractionError as exc:
        error = exc
    # the document over its time limit: an ExtractionFailed event, as the local pool gives it
    assert [e.event_type for e in got[raw.path]] == ["DocumentRegistered", "ExtractionFailed"]
    assert got[raw.path][-1].payload["reason"].startswith("timed out")
    # the file the workers cannot see: no event, an error naming it, after the others were yielded
    assert phantom.path not in got
    assert error is not None and list(error.failures) == [phantom.file_name]
    assert "FileNotFoundError" in error.failures[phantom.file_name]
    assert worker_pids(cluster) == pids  # neither killed a worker


def test_asset_extracts_on_the_scheduler_from_its_config(cluster, sample_build, tmp_path):
    raw_dir = copy_raw(SAMPLES, tmp_path / "raw", [p.name for p in sorted(SAMPLES.glob("*.pdf"))[:2]])
    files = scan_raw(raw_dir)
    ids, keys = document_ids(files), partition_keys(files)
    resource = WarehouseResource(raw_dir=str(raw_dir), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
    config = build_run_config(
        Paths(raw_dir, tmp_path / "wh" / "budget.duckdb"), None, False, dask_scheduler=cluster.address
    )
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(documents_partitions.name, keys)
        result = materialize(
            [raw_documents, extracted_documents],
            instance=instance,
            resources={"warehouse": resource},
            run_config={"ops": {"extracted_documents": config["ops"]["extracted_documents"]}},
            tags=partition_range_tags(keys),
        )
        assert result.success
        meta = {
            k: v.value
            for k, v in instance.get_latest_materialization_event(
                extracted_documents.key
            ).asset_materialization.metadata.items()
        }
    assert meta["extracted_on"] == cluster.address and meta["documents_read"] == 2 and meta["failures"] == 0
    expected = embedded_extraction_ids(sample_build[0])
    rows = EventStore(resource.paths.events_db).query("select document_id, event_id from events")
    assert {d: {e for doc, e in rows if doc == d} for d in ids} == {d: expected[d] for d in ids}


def test_scheduler_setting(monkeypatch):
    monkeypatch.delenv(SCHEDULER_ENV, raising=False)
    assert scheduler_address(None) is None  # without the setting: the local pool
    monkeypatch.setenv(SCHEDULER_ENV, "tcp://10.0.0.5:8786")
    assert scheduler_address(None) == "tcp://10.0.0.5:8786"
    assert scheduler_address("tcp://127.0.0.1:9999") == "tcp://127.0.0.1:9999"  # the run config wins
    with pytest.raises(ValueError, match="not of the form"):
        scheduler_address("http://example:8786/")
    proc = cli(
        "build",
        "--raw-dir",
        str(SAMPLES),
        "--warehouse",
        "/nonexistent/wh.duckdb",
        "--dask-scheduler",
        "not an address",
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "not of the form tcp://host:port" in proc.stderr
