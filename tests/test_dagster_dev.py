"""`dagster dev` from the repo root serves the asset graph; its raw-folder sensor turns the sample folder into
document partitions and a successful build, and the report sensor then materializes each document's report."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import REPO, SAMPLES


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    r = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": query, "variables": variables or {}},
                      timeout=60)
    r.raise_for_status()
    body = r.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dagster")
    shutil.copy(REPO / "dagster.yaml", tmp / "dagster.yaml")  # the instance `make dev` sets up
    port = free_port()
    bindir = Path(sys.executable).parent
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp),
        "BUDGETWH_RAW_DIR": str(SAMPLES),
        "BUDGETWH_WAREHOUSE": str(tmp / "wh" / "budget.duckdb"),
        "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
    }
    log = open(tmp / "dagster.log", "w")
    (tmp / "started").write_text(str(time.time()))
    proc = subprocess.Popen(
        [str(bindir / "dagster"), "dev", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the webserver, daemon and code server all stop
    )
    try:
        deadline = time.time() + 180
        while True:
            try:
                data = graphql(port, "{ assetNodes { assetKey { path } } }")
                if data["assetNodes"]:
                    break
            except (requests.ConnectionError, AssertionError, requests.HTTPError):
                pass
            assert proc.poll() is None, (tmp / "dagster.log").read_text()[-3000:]
            assert time.time() < deadline, (tmp / "dagster.log").read_text()[-3000:]
            time.sleep(2)
        yield port, tmp
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


LINEAGE = """{ assetNodes { assetKey { path } groupName description
  dependencyKeys { path } assetChecksOrError { ... on AssetChecks { checks { name } } } } }"""


def test_asset_graph_is_connected_from_documents_to_checks(dagster_dev):
    port, _ = dagster_dev
    nodes = {"/".join(n["assetKey"]["path"]): n for n in graphql(port, LINEAGE)["assetNodes"]}

    def upstream(key: str) -> set[str]:
        seen, todo = set(), [key]
        while todo:
            for dep in nodes[todo.pop()]["dependencyKeys"]:
                k = "/".join(dep["path"])
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        return seen

    assert {"raw_documents", "extracted_documents", "event_store/events"} <= upstream("fact_expenditure")
    assert "fact_expenditure" in upstream("published_warehouse") | upstream("check_results")
    checks = {c["name"] for c in nodes["fact_expenditure"]["assetChecksOrError"]["checks"]}
    assert "line_total_equals_basic_plus_project" in checks
    assert all(n["description"] for k, n in nodes.items() if not k.startswith("stg_"))


def test_raw_folder_sensor_builds_the_warehouse(dagster_dev):
    """The raw-folder sensor (on by default) adds one `documents` partition per file and launches
    `build_warehouse` over them: extraction of those partitions, then the event log, dbt, checks, publish."""
    port, tmp = dagster_dev
    n_docs = len(list(SAMPLES.glob("*.pdf")))
    deadline = time.time() + 1200
    run = None
    while time.time() < deadline:
        runs = graphql(port, RUNS)["runsOrError"]["results"]
        run = runs[-1] if runs else None  # the oldest: the sensor's first tick
        if run and run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            break
        time.sleep(3)
    assert run and run["status"] == "SUCCESS", (tmp / "dagster.log").read_text()[-4000:]
    assert (tmp / "wh" / "budget.duckdb").exists()
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert tags["dagster/sensor_name"] == "raw_folder_sensor" and "dagster/asset_partition_range_start" in tags
    # the run names its files (as many as FILES_TAG_MAX characters hold, then how many more)
    named = [p.name for p in SAMPLES.glob("*.pdf") if p.name in tags["budgetwh/files"]]
    assert named and (len(named) == n_docs or tags["budgetwh/files"].endswith(f"(+{n_docs - len(named)} more)"))
    started = (tmp / "started").read_text()
    print(f"dagster dev start → build run finished: {run['endTime'] - float(started):.0f} s")
    extracted = graphql(port, EXTRACTED)["assetNodeOrError"]
    assert len(extracted["partitionKeys"]) == extracted["partitionStats"]["numMaterialized"] == n_docs
    # the partition picker shows the file names (a key is file name·start of document id)
    names = sorted(p.name for p in SAMPLES.glob("*.pdf"))
    assert sorted(k.rsplit("·", 1)[0] for k in extracted["partitionKeys"]) == names
    # each partition is observed with its file name and how its extraction went
    observed = {o["partition"]: {e["label"]: e.get("text") for e in o["metadataEntries"]}
                for o in graphql(port, OBSERVATIONS)["assetOrError"]["assetObservations"]}
    assert set(observed) == set(extracted["partitionKeys"])
    assert sorted(m["file_name"] for m in observed.values()) == names
    assert all(m["outcome"].startswith("ok: ") for m in observed.values()), observed

    # what a data engineer reads on the asset page: row count, the built column schema, a preview
    meta = graphql(port, MATERIALIZATION, {"path": ["fact_expenditure"]})["assetOrError"]
    entries = {e["label"]: e for e in meta["assetMaterializations"][0]["metadataEntries"]}
    assert entries["dagster/row_count"]["intValue"] > 0
    assert "amount_yuan" in {c["name"] for c in entries["dagster/column_schema"]["schema"]["columns"]}
    assert "preview" in entries

    # the report sensor then materializes each document's report (it ticks every 30 s)
    deadline = time.time() + 300
    while time.time() < deadline:
        node = graphql(port, PARTITIONS)["assetNodeOrError"]
        if node["partitionStats"]["numMaterialized"] == n_docs:
            break
        time.sleep(5)
    assert len(node["partitionKeys"]) == node["partitionStats"]["numMaterialized"] == n_docs, node
    # the reports waited for the build (the sensor fires on a publish; runs queue one at a time)
    reports = graphql(port, REPORT_RUNS)["runsOrError"]["results"]
    assert reports and all(r["startTime"] >= run["endTime"] for r in reports)
    assert all(t["key"] != "budgetwh/file_name" or t["value"].endswith(".pdf") for r in reports for t in r["tags"])


MATERIALIZATION = """query ($path: [String!]!) { assetOrError(assetKey: {path: $path}) { ... on Asset {
  assetMaterializations(limit: 1) { metadataEntries { label
    ... on IntMetadataEntry { intValue }
    ... on TableSchemaMetadataEntry { schema { columns { name type } } } } } } } }"""
RUNS = """{ runsOrError(filter: {pipelineName: "build_warehouse"}) { ... on Runs { results {
  runId status startTime endTime tags { key value } } } } }"""
REPORT_RUNS = """{ runsOrError(filter: {pipelineName: "document_reports"}) { ... on Runs { results {
  runId status startTime tags { key value } } } } }"""
EXTRACTED = """{ assetNodeOrError(assetKey: {path: ["extracted_documents"]}) { ... on AssetNode {
  partitionKeys partitionStats { numMaterialized } } } }"""
OBSERVATIONS = """{ assetOrError(assetKey: {path: ["extracted_documents"]}) { ... on Asset {
  assetObservations(limit: 1000) { partition metadataEntries { label ... on TextMetadataEntry { text } } } } } }"""
PARTITIONS = """{ assetNodeOrError(assetKey: {path: ["document_report"]}) { ... on AssetNode {
  partitionKeys partitionStats { numMaterialized } } } }"""
