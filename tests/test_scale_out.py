"""The warehouse beyond one process, on a real PostgreSQL server (tests/pgserver.py starts a throwaway one
from Debian's packages; no skip: a server that cannot start is a failure that says why).

One `budgetwh build --event-store postgresql://… --dask-scheduler tcp://…` of the samples plus the real
documents (../shared/real) extracts on a local Dask scheduler with two worker processes (one is killed with
SIGKILL while it executes a task), appends the log to the server and builds the embedded DuckDB warehouse
from it; one `budgetwh postgres-marts --compare` then runs `dbt build --target postgres` and the identity
suites on the server from the same log. Asserted: the server's log holds exactly the events of the embedded
session builds (`sample_build` + `real_build`: nothing lost or doubled by the killed worker), the Postgres
marts and check results equal the DuckDB build of the same log row for row, documents complete there are
complete on the server, the log refuses UPDATE / DELETE / TRUNCATE, and two processes appending at once
lose and duplicate nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pandas as pd
import pytest

from dagster_project.bi_surface import published_models
from dagster_project.events.store import content_id
from dagster_project.extraction_dask import local_cluster
from dagster_project.postgres import (
    Table,
    compare,
    compare_published,
    export_marts,
    mark_identity_failures,
    pg_connect,
    read_duckdb,
    read_postgres,
)
from expectations.completeness import failure_reason

from .conftest import REAL, SAMPLES, build, cli, query
from .dask_cluster import WorkerKiller
from .pgserver import ServerUnavailable, postgres_server


@pytest.fixture(scope="module")
def pg_url():
    try:
        with postgres_server() as url:
            yield url
    except ServerUnavailable as exc:
        pytest.fail(f"the PostgreSQL server for the scale-out tests did not start: {exc}")


@pytest.fixture(scope="module")
def pg_build(pg_url, tmp_path_factory):
    """(warehouse, dbt target dir, postgres-marts output) of the one build of samples + real documents with the
    Postgres log: `budgetwh build --event-store` (extraction, the embedded DuckDB build from the replica) and
    `budgetwh postgres-marts --compare` (dbt build --target postgres, the identity suites on the server, every
    published table compared with the embedded build)."""
    root = tmp_path_factory.mktemp("scale_out")
    raw = root / "raw"
    shutil.copytree(SAMPLES, raw / "samples")
    (raw / "real").mkdir()
    for pdf in sorted(REAL.glob("*.pdf")):
        shutil.copy(pdf, raw / "real" / pdf.name)
    warehouse = root / "wh" / "budget.duckdb"
    started = time.monotonic()
    # extraction on a local Dask scheduler with two worker processes, one of them killed mid-task
    with local_cluster(workers=2, threads=1) as cluster, WorkerKiller(cluster, timeout_s=900) as killer:
        build(raw, warehouse, "--event-store", pg_url, "--dask-scheduler", cluster.address)
    assert killer.error is None, killer.error
    assert killer.killed is not None, "no Dask worker was ever seen executing a task"
    built = time.monotonic()
    marts = cli("postgres-marts", "--event-store", pg_url, "--warehouse", str(warehouse), "--compare")
    print(
        f"budgetwh build --event-store: {built - started:.0f} s; budgetwh postgres-marts --compare: "
        f"{time.monotonic() - built:.0f} s"
    )
    return warehouse, warehouse.parent / "postgres" / "target", marts, killer.killed


def pg_rows(url: str, sql: str, params=None) -> list[tuple]:
    with pg_connect(url) as con, con.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def test_the_log_on_the_server_holds_exactly_the_embedded_builds_events(
    pg_url, pg_build, sample_build, real_build
):
    embedded = set()
    for warehouse, _ in (sample_build, real_build):
        embedded |= {r[0] for r in query(warehouse.parent / "events.duckdb", "select event_id from events")}
    rows = pg_rows(
        pg_url,
        "select event_id, event_type, document_id, producer_version, payload::text from event_store.events",
    )
    assert {r[0] for r in rows} == embedded
    assert len(rows) == len(embedded)
    # 0 duplicates by content as well as by id (the id is the content's hash)
    assert len({r[1:] for r in rows}) == len(rows)
    # every stored row is the text its id hashes, on the server and in the replica the DuckDB build read
    replica = pg_build[0].parent / "events-replica.duckdb"
    replica_rows = query(
        replica, "select event_id, event_type, document_id, producer_version, payload from events"
    )
    for stored in (rows, replica_rows):
        assert [r[0] for r in stored if content_id(*r[1:]) != r[0]] == []
    assert {r[0] for r in replica_rows} == embedded
    assert not (pg_build[0].parent / "events.duckdb").exists()


def test_the_marts_on_postgres_equal_the_duckdb_build_of_the_same_log(
    pg_url, pg_build, sample_build, real_build
):
    warehouse, target, marts, _ = pg_build
    assert marts.returncode == 0, marts.stdout[-3000:] + marts.stderr[-3000:]
    assert "identical to the embedded build: every published table" in marts.stdout
    tables = published_models(target / "manifest.json")
    assert {"dim_document", "fact_expenditure", "mart_unit_budget", "events"} <= set(tables)
    assert (
        compare_published(warehouse.parent / "build" / warehouse.name, pg_url, target / "manifest.json") == {}
    )
    # and they are the tables of both embedded builds together (not two empty builds compared)
    for table in ("dim_document", "fact_expenditure", "fact_income", "mart_unit_budget", "check_results"):
        embedded = sum(query(w, f"select count(*) from {table}")[0][0] for w, _ in (sample_build, real_build))
        assert pg_rows(pg_url, f"select count(*) from main.{table}")[0][0] == embedded > 0, table


def test_the_postgres_marts_export_to_a_duckdb_file(pg_url, pg_build, tmp_path):
    exported = export_marts(pg_url, tmp_path / "marts.duckdb")
    assert set(published_models(pg_build[1] / "manifest.json")) | {"check_results"} <= set(exported)
    differ = {
        n: compare(read_duckdb(tmp_path / "marts.duckdb", "main", n), read_postgres(pg_url, "main", n))
        for n in exported
    }
    assert {n: d for n, d in differ.items() if d} == {}


def test_documents_complete_in_the_embedded_builds_are_complete_on_postgres(
    pg_url, pg_build, sample_build, real_build
):
    complete = set()
    for warehouse, _ in (sample_build, real_build):
        complete |= {
            r[0]
            for r in query(warehouse, "select document_id from dim_document where completeness = 'complete'")
        }
    assert complete
    on_server = dict(pg_rows(pg_url, "select document_id, completeness from main.dim_document"))
    assert {d: on_server.get(d) for d in complete} == {d: "complete" for d in complete}


def test_a_failed_identity_makes_a_document_incomplete_on_the_server(pg_url, pg_build):
    """What the embedded build does in its file, on the server's dim_document (in a transaction rolled back)."""
    doc = pg_rows(pg_url, "select min(document_id) from main.dim_document where completeness = 'complete'")[0][0]
    failure = {"document_id": doc, "identity": "line_total_equals_basic_plus_project", "page": 3,
               "table_kind": "expenditure_summary", "item": "row 5", "expected_yuan": 100.0, "actual_yuan": 90.0}
    results = pd.DataFrame([{**failure, "severity": "ERROR", "status": "fail"},
                            {**failure, "severity": "WARN", "status": "fail", "item": "a warning only"}])
    with pg_connect(pg_url) as con, con.cursor() as cur:
        assert mark_identity_failures(cur, results) == 1
        cur.execute("select completeness, completeness_reasons from main.dim_document where document_id = %s", [doc])
        completeness, reasons = cur.fetchone()
        con.rollback()
    assert completeness == "incomplete"
    assert reasons == [failure_reason(3, "expenditure_summary", "row 5", 100.0, 90.0)]


@pytest.mark.parametrize(
    "statement",
    [
        "update event_store.events set event_type = 'CellCorrected'",
        "delete from event_store.events where document_id is not null",
        "truncate event_store.events",
    ],
)
def test_the_log_on_the_server_refuses_changes(pg_url, pg_build, statement):
    import psycopg2

    before = pg_rows(
        pg_url,
        "select count(*), md5(string_agg(event_id || event_type, ',' order by event_id)) "
        "from event_store.events",
    )
    with pg_connect(pg_url) as con, con.cursor() as cur:
        with pytest.raises(psycopg2.Error, match="append-only"):
            cur.execute(statement)
        con.rollback()
    assert (
        pg_rows(
            pg_url,
            "select count(*), md5(string_agg(event_id || event_type, ',' order by event_id)) "
            "from event_store.events",
        )
        == before
    )


APPENDER = """
import json, os, random, sys, time
from dagster_project.events.store import Event, PostgresEventStore
url, first, last, start_at, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
store = PostgresEventStore(url, "/nonexistent/replica.duckdb")
events = [Event("DocumentRegistered", f"doc{i:04d}", {"file_name": f"{i}.pdf"}, "concurrency-test")
          for i in range(first, last)]
random.Random(seed).shuffle(events)
time.sleep(max(0.0, start_at - time.time()))
new = sum(store.append(events[i:i + 10]) for i in range(0, len(events), 10))
print(json.dumps({"new": new}))
"""


def test_two_processes_appending_at_once_lose_and_duplicate_nothing(pg_url):
    env_schema = {"BUDGETWH_EVENTS_SCHEMA": "concurrency_test"}  # a log of its own, beside the build's
    import os

    env = {**os.environ, **env_schema}
    start_at = time.time() + 4  # both start appending at the same moment, after their imports
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, pg_url, str(a), str(b), str(start_at), str(seed)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for a, b, seed in ((0, 400, 1), (200, 600, 2))
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    new = [json.loads(o[0])["new"] for o in outputs]
    rows = pg_rows(pg_url, "select document_id from concurrency_test.events")
    assert sorted(r[0] for r in rows) == [f"doc{i:04d}" for i in range(600)]  # none lost, none twice
    assert sum(new) == 600 and min(new) >= 200  # each counted only what it added; the overlap went to one


def test_compare_names_the_first_differing_rows():
    left = Table(["id", "amount", "payload"], [(1, 10.0, '{"b": 1, "a": 2}'), (2, 5, None)])
    same = Table(["id", "amount", "payload"], [(2, 5.0, None), (1, 10, {"a": 2, "b": 1})])
    assert compare(left, same) == []
    changed = Table(["id", "amount", "payload"], [(2, 5, None), (1, 10.01, {"a": 2, "b": 1})])
    problems = compare(left, changed)
    assert (
        problems[0] == "2 vs 2 rows"
        and "'amount': '10'" in problems[1]
        and "'amount': '10.01'" in problems[2]
    )


def test_commands_append_to_the_server(pg_url, pg_build):
    """correct / retract / history / status take --event-store like build (runs last: it appends)."""
    warehouse = pg_build[0]
    doc = pg_rows(
        pg_url, "select min(document_id) from event_store.events where event_type = 'TablesExtracted'"
    )[0][0]
    retract = cli(
        "retract",
        "--warehouse",
        str(warehouse),
        "--event-store",
        pg_url,
        "--document",
        doc[:12],
        "--reason",
        "scale-out test",
    )
    assert retract.returncode == 0, retract.stderr
    assert pg_rows(
        pg_url,
        "select count(*) from event_store.events where document_id = %s and event_type = 'DocumentRetracted'",
        [doc],
    ) == [(1,)]
    history = cli("history", "--warehouse", str(warehouse), "--event-store", pg_url, "--document", doc[:12])
    assert "DocumentRetracted" in history.stdout and "scale-out test" in history.stdout
    unreachable = cli(
        "status", "--warehouse", str(warehouse), "--event-store", "postgresql://budgetwh@127.0.0.1:1/x"
    )
    assert unreachable.returncode == 1 and len(unreachable.stderr.strip().splitlines()) == 1
