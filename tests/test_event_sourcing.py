"""Event sourcing on the real pipeline: idempotent ingest, versions, corrections, retractions, as-of
rebuilds, replay and crash safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import BUDGETWH, SAMPLES, run_build

MARTS = ["dim_document", "dim_unit", "dim_function_code", "dim_econ_code", "dim_year", "fact_expenditure",
         "fact_income", "fact_project_expenditure", "fact_three_public_expenses", "fact_procurement",
         "fact_purchased_services", "mart_unit_budget", "mart_function_class_spending", "mart_unit_econ_spending",
         "events"]


def pick_samples(n: int = 2) -> list[Path]:
    return sorted(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)[:n]


def checksums(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            t: con.execute(
                f"select count(*) || ':' || coalesce(md5(string_agg(x, '|' order by x)), '') "
                f"from (select cast(t as varchar) as x from {t} t)"
            ).fetchone()[0]
            for t in MARTS
        }
    finally:
        con.close()


def events(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse.parent / "events.duckdb"), read_only=True)
    try:
        return con.execute("select event_id, event_type, document_id from events order by event_id").fetchall()
    finally:
        con.close()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BUDGETWH, *args], capture_output=True, text=True, timeout=600)


def query(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture()
def raw(tmp_path) -> Path:
    d = tmp_path / "raw"
    d.mkdir()
    for p in pick_samples():
        shutil.copy(p, d / p.name)
    return d


def build(raw: Path, wh: Path, *extra: str) -> None:
    proc = run_build(raw, wh, *extra)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]


def test_reingest_appends_nothing_and_replay_is_identical(raw, tmp_path):
    wh = tmp_path / "wh" / "budget.duckdb"
    build(raw, wh)
    first_events, first_marts = events(wh), checksums(wh)
    build(raw, wh)
    assert events(wh) == first_events
    # Replay: drop every derived table (the build and the published file) and rebuild from the log.
    wh.unlink()
    shutil.rmtree(wh.parent / "build")
    build(raw, wh)
    assert events(wh) == first_events
    assert checksums(wh) == first_marts


def test_modified_file_supersedes_its_predecessor(raw, tmp_path):
    wh = tmp_path / "wh" / "budget.duckdb"
    build(raw, wh)
    original = sorted(raw.glob("*.pdf"))[0]
    old_id = query(wh, "select document_id from dim_document where file_name = ?", [original.name])[0][0]
    # A re-published file: same content, different bytes (an incremental-update comment after %%EOF).
    revised = raw / original.name.replace(".pdf", "-revised.pdf")
    revised.write_bytes(original.read_bytes() + b"\n% revised\n")
    build(raw, wh)
    status = dict(query(wh, "select file_name, status from dim_document"))
    assert status[original.name] == "superseded" and status[revised.name] == "current"
    assert query(wh, "select count(*) from fact_expenditure where document_id = ?", [old_id])[0][0] == 0
    assert query(wh, "select count(*) from events where document_id = ?", [old_id])[0][0] >= 2


def test_correction_changes_one_value_and_as_of_restores_the_past(raw, tmp_path):
    wh = tmp_path / "wh" / "budget.duckdb"
    build(raw, wh)
    before = checksums(wh)
    doc, t, r, amount = query(
        wh, """select document_id, table_index, row_index, amount_yuan from fact_expenditure
               where expenditure_type = 'basic' order by document_id, table_index, row_index limit 1""")[0]
    facts_before = set(query(wh, "select * exclude (correction_event_id) from fact_expenditure"))
    time.sleep(1.1)
    cutoff = query(wh, "select cast(now() as timestamp)")[0][0]
    time.sleep(1.1)
    proc = cli("correct", "--warehouse", str(wh), "--document", doc[:16], "--table", str(t), "--row", str(r),
               "--column", "basic", "--value", "1.00", "--reason", "test: typo in the source")
    assert proc.returncode == 0, proc.stderr
    assert cli("correct", "--warehouse", str(wh), "--document", doc[:16], "--table", str(t), "--row", str(r),
               "--column", "basic", "--value", "2.00", "--reason", " ").returncode != 0  # a reason is mandatory
    build(raw, wh)
    facts_after = set(query(wh, "select * exclude (correction_event_id) from fact_expenditure"))
    assert len(facts_before - facts_after) == 1 and len(facts_after - facts_before) == 1
    changed = query(wh, """select amount_yuan, correction_event_id from fact_expenditure
                           where document_id = ? and table_index = ? and row_index = ? and expenditure_type = 'basic'""",
                    [doc, t, r])[0]
    assert changed[0] != amount and changed[1] is not None
    multiplier = query(wh, "select multiplier from intermediate.int_tables where document_id = ? and table_index = ?", [doc, t])[0][0]
    assert float(changed[0]) == 1.00 * multiplier
    # As-of the moment before the correction: every mart as it was.
    build(raw, wh, "--as-of", str(cutoff))
    assert checksums(wh) == before


def test_retraction_removes_from_marts_not_from_log(raw, tmp_path):
    wh = tmp_path / "wh" / "budget.duckdb"
    build(raw, wh)
    doc = query(wh, "select document_id from dim_document order by file_name limit 1")[0][0]
    proc = cli("retract", "--warehouse", str(wh), "--document", doc, "--reason", "withdrawn by the office")
    assert proc.returncode == 0, proc.stderr
    build(raw, wh)
    assert query(wh, "select status from dim_document where document_id = ?", [doc])[0][0] == "retracted"
    assert query(wh, "select count(*) from fact_expenditure where document_id = ?", [doc])[0][0] == 0
    assert query(wh, "select count(*) from mart_unit_budget where document_id = ?", [doc])[0][0] == 0
    kinds = {r[0] for r in query(wh, "select event_type from events where document_id = ?", [doc])}
    assert {"DocumentRegistered", "TablesExtracted", "DocumentRetracted"} <= kinds
    hist = cli("history", "--warehouse", str(wh), "--document", doc[:12])
    assert "DocumentRetracted" in hist.stdout and "withdrawn by the office" in hist.stdout


def test_sigkill_mid_ingest_leaves_exactly_one_clean_run(raw, tmp_path):
    clean = tmp_path / "clean" / "budget.duckdb"
    build(raw, clean)
    expected = events(clean)
    wh = tmp_path / "wh" / "budget.duckdb"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    for delay in (2.0, 6.0, 9.0):
        proc = subprocess.Popen([BUDGETWH, "build", "--raw-dir", str(raw), "--warehouse", str(wh)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    build(raw, wh)
    got = events(wh)
    assert got == expected
    assert len({e[0] for e in got}) == len(got)


def test_concurrent_writers_serialise(raw, tmp_path):
    wh = tmp_path / "wh" / "budget.duckdb"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    procs = [subprocess.Popen([BUDGETWH, "build", "--raw-dir", str(raw), "--warehouse", str(wh)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [p.communicate(timeout=900) for p in procs]
    codes = [p.returncode for p in procs]
    # Either both finish (serialised) or the loser says clearly that another build holds the lock.
    for code, (_, err) in zip(codes, results):
        assert code == 0 or "locked by another budgetwh" in err, err[-2000:]
    assert 0 in codes
    got = events(wh)
    assert len({e[0] for e in got}) == len(got)


def test_sidecar_metadata_overrides_inference(raw, tmp_path):
    pdf = sorted(raw.glob("*.pdf"))[0]
    (raw / (pdf.name + ".meta.yaml")).write_text("fiscal_year: 2099\n", encoding="utf-8")
    wh = tmp_path / "wh" / "budget.duckdb"
    build(raw, wh)
    assert query(wh, "select fiscal_year from dim_document where file_name = ?", [pdf.name])[0][0] == 2099
    assert query(wh, "select count(*) from events where event_type = 'MetadataAsserted'")[0][0] == 1
    assert query(wh, "select count(*) from fact_expenditure where fiscal_year = 2099")[0][0] > 0
