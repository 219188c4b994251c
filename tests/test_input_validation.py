"""Hostile input refused without a build: the validators, the raw-folder rules, the PDF cost scan, SQL
quoting, the as-of macro and the CLI's answers to bad arguments (issue #20)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dagster_project.assets.dbt import DbtBuildConfig, dbt_build_args
from dagster_project.assets.publish import export_parquet
from dagster_project.ingest import (
    Limits,
    RawFile,
    document_events,
    inflated_size,
    pdf_cost_reason,
    sha256_file,
    walk_raw,
)
from dagster_project.resources import MissingDatabaseError, connect, sql_identifier, sql_string
from dagster_project.validation import (
    AS_OF_PATTERN,
    MAX_SIDECAR_BYTES,
    check_document_prefix,
    division_codes,
    parse_amount_text,
    parse_as_of,
    parse_sidecar,
)

from .conftest import BUDGETWH, SAMPLES
from .hostile import bomb_stream, hostile_sidecars, mutated_pdfs

REPO = Path(__file__).resolve().parents[1]
INJECTION = "2026-12-03 08:00:00' as timestamp) or (1=1) or recorded_at > cast('2000-01-01"


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([BUDGETWH, *args], capture_output=True, text=True, timeout=timeout)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The command's error: exactly one line on stderr apart from library warnings, no traceback."""
    lines = [ln for ln in proc.stderr.splitlines()
             if ln.strip() and "Warning" not in ln and not ln.startswith("  return fn(")]
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    return lines[0]


# --- as-of --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2026-12-03 08:00:00", "2026-12-03 08:00:00.000000"),
    ("2026-12-03", "2026-12-03 00:00:00.000000"),
    ("2026-12-03T08:00:00+08:00", "2026-12-03 00:00:00.000000"),
    ("2026-12-03 08:00:00.5", "2026-12-03 08:00:00.500000"),
])
def test_as_of_is_read_as_a_utc_timestamp(text, expected):
    assert parse_as_of(text) == expected
    assert re.fullmatch(AS_OF_PATTERN, parse_as_of(text))


@pytest.mark.parametrize("text", [INJECTION, "not a date", "", "2026-13-01", "2026-12-03 08:00:00'", "now"])
def test_as_of_refuses_anything_else(text):
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_as_of(text)
    with pytest.raises(ValueError):
        DbtBuildConfig(as_of=text or "x")


def test_as_of_reaches_dbt_as_the_canonical_var():
    args = dbt_build_args(DbtBuildConfig(as_of="2026-12-03T08:00:00Z", full_refresh=True))
    skip_unit_tests = ["--exclude-resource-type", "unit_test"]
    assert args == ["build", "--vars", '{"as_of": "2026-12-03 08:00:00.000000"}', "--full-refresh", *skip_unit_tests]
    assert dbt_build_args(DbtBuildConfig()) == ["build", *skip_unit_tests]
    assert dbt_build_args(DbtBuildConfig(unit_tests=True)) == ["build"]


def test_build_refuses_the_injection_at_once_in_one_line(tmp_path):
    started = time.monotonic()
    proc = cli("build", "--raw-dir", str(SAMPLES), "--warehouse", str(tmp_path / "wh" / "b.duckdb"),
               "--as-of", INJECTION)
    assert proc.returncode == 2 and "--as-of" in one_line_error(proc)
    assert time.monotonic() - started < 20  # refused before Dagster or dbt run
    assert not (tmp_path / "wh").exists()


def _dbt_compile(tmp_path: Path, as_of: str) -> subprocess.CompletedProcess:
    from dagster_project.events.store import EventStore

    EventStore(tmp_path / "events.duckdb").ensure()
    env = {**os.environ, "BUDGETWH_EVENTS_DB": str(tmp_path / "events.duckdb"),
           "BUDGETWH_BUILD_DB": str(tmp_path / "build.duckdb")}
    return subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "compile", "--select", "stg_events",
         "--project-dir", str(REPO / "dbt"), "--profiles-dir", str(REPO / "dbt"),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--vars", json.dumps({"as_of": as_of})],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


def test_dbt_macro_refuses_the_injection_even_without_the_cli(tmp_path):
    """A var that skipped the CLI (dbt run by hand, another orchestrator) is checked by the macro."""
    proc = _dbt_compile(tmp_path, INJECTION)
    assert proc.returncode != 0 and "var as_of must be a UTC timestamp" in proc.stdout + proc.stderr
    compiled = list((tmp_path / "target").rglob("stg_events.sql"))
    assert not compiled or "1=1" not in compiled[0].read_text()
    good = _dbt_compile(tmp_path, "2026-12-03 08:00:00.000000")
    assert good.returncode == 0, good.stdout[-2000:]
    sql = next((tmp_path / "target").rglob("stg_events.sql")).read_text()
    assert "recorded_at <= cast('2026-12-03 08:00:00.000000' as timestamp)" in sql


# --- amounts and document ids -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1,234.56", "-12.5", "0", "  42 ", "", "-", "1，234"])
def test_amounts_and_blanks_are_accepted(value):
    assert parse_amount_text(value) == value.strip()


@pytest.mark.parametrize("value", ["abc", "1e309", "'; drop table events; --", "inf", "NaN", "1.2.3",
                                   "9" * 19, "١٢٣"])
def test_nonsense_amounts_are_refused(value):
    with pytest.raises(ValueError):
        parse_amount_text(value)


@pytest.mark.parametrize("prefix", ["%", "_", "3f2a%", "abc'--", "", "x" * 3, "0" * 65])
def test_document_prefix_is_hex_only(prefix):
    with pytest.raises(ValueError):
        check_document_prefix(prefix)
    assert check_document_prefix("3F2A9C") == "3f2a9c"


# --- sidecars -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data, says", [
    (b'!!python/object/apply:os.system ["id"]\n', "constructor"),
    (b"fiscal_year: [2024\n", "not valid YAML"),
    (b"- 1\n- 2\n", "mapping"),
    (b'fiscal_year: "abc"\n', "fiscal_year"),
    (b"fiscal_year: 1999\n", "2000"),
    (b"region_code: -1\n", "region_code"),
    (b"region_code: 999999\n", "division table"),
    (b"region_name: " + b"x" * 1000 + b"\n", "characters"),
    (b"region_name: " + b"x" * 1_000_000 + b"\n", "too large"),
    (b"a: &a [1, 2]\nfiscal_year: *a\n", "aliases"),
    (b"evil: 1\n", "unknown fields"),
])
def test_issue_sidecars_are_rejected_with_a_reason(data, says):
    result = parse_sidecar(data)
    assert result.fields is None and says in result.reason


def test_valid_sidecar_is_typed():
    result = parse_sidecar("fiscal_year: '2024'\nregion_code: 110101\nregion_name: 北京市东城区\n"
                           "doc_kind: unit\nsubject_code: 201002\n".encode())
    assert result.reason is None
    assert result.fields == {"fiscal_year": 2024, "region_code": "110101", "region_name": "北京市东城区",
                             "doc_kind": "unit", "subject_code": "201002"}


def test_division_codes_come_from_cpca():
    codes = division_codes()
    assert {"110101", "130208", "110000"} <= codes and "999999" not in codes and len(codes) > 3000


def test_every_generated_sidecar_is_rejected_quickly():
    started = time.monotonic()
    results = [(cat, parse_sidecar(data)) for cat, data in hostile_sidecars(220)]
    assert time.monotonic() - started < 30
    accepted = [cat for cat, r in results if r.fields is not None or not r.reason]
    assert not accepted
    assert not Path("/tmp/budgetwh-pwned").exists()


def test_alias_bomb_does_not_expand():
    bomb = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
                     + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)])
    assert len(bomb) < MAX_SIDECAR_BYTES
    started = time.monotonic()
    assert "aliases" in parse_sidecar(bomb.encode()).reason
    assert time.monotonic() - started < 1


# --- raw folder ---------------------------------------------------------------------------------------


def test_raw_folder_skips_links_hidden_temporary_and_partial_files(tmp_path):
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    (raw / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-1.4 outside")
    (raw / "good.pdf").write_bytes(b"%PDF-1.4 good")
    (raw / "sub" / "nested.xlsx").write_bytes(b"PK nested")
    (raw / "link.pdf").symlink_to(outside / "secret.pdf")
    (raw / "linked-folder").symlink_to(outside, target_is_directory=True)
    (raw / ".hidden.pdf").write_bytes(b"hidden")
    (raw / ".cache").mkdir()
    (raw / ".cache" / "x.pdf").write_bytes(b"cached")
    for name in ["~$budget.docx", "download.pdf.part", "file.pdf.crdownload", "x.pdf.tmp"]:
        (raw / name).write_bytes(b"partial")
    (raw / "good.pdf.meta.yaml").write_text("fiscal_year: 2024\n")
    (raw / "notes.txt").write_text("not a document")
    documents, skipped = walk_raw(raw)
    assert documents == [raw / "good.pdf", raw / "sub" / "nested.xlsx"]
    reasons = {p.name: r for p, r in skipped}
    assert reasons["link.pdf"].startswith("symbolic link") and reasons["linked-folder"].startswith("symbolic link")
    assert reasons[".hidden.pdf"] == "hidden file" and reasons[".cache"] == "hidden folder"
    assert reasons["~$budget.docx"].startswith("temporary office file")
    assert all(reasons[n].startswith("partial download") for n in
               ["download.pdf.part", "file.pdf.crdownload", "x.pdf.tmp"])
    assert "good.pdf.meta.yaml" not in reasons


def test_symlinked_sidecar_is_rejected_not_read(tmp_path):
    from dagster_project.ingest import sidecar_events

    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    (tmp_path / "elsewhere.yaml").write_text("fiscal_year: 2024\n")
    (tmp_path / "doc.pdf.meta.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    raw = RawFile(tmp_path / "doc.pdf", "d" * 64, "pdf", 4)
    [event] = sidecar_events(raw)
    assert event.event_type == "MetadataRejected" and "symbolic link" in event.payload["reason"]


# --- PDF cost -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb_pdf(tmp_path_factory) -> Path:
    base = sorted(SAMPLES.glob("*.pdf"))[0]
    kind, name, data = next(m for m in mutated_pdfs([base], 3) if m[0] == "inflated")
    path = tmp_path_factory.mktemp("bomb") / name
    path.write_bytes(data)
    return path


def test_inflated_size_stops_at_the_limit():
    stream = bomb_stream(64)
    assert inflated_size(stream, 1 << 30) == 64 << 20
    assert (1 << 20) < inflated_size(stream, 1 << 20) <= (1 << 20) + (8 << 20)


def test_samples_pass_the_cost_scan_and_a_zero_budget_refuses_them():
    for pdf in SAMPLES.glob("*.pdf"):
        assert pdf_cost_reason(pdf, Limits().max_inflated_mb, Limits().max_objects) is None
        assert "inflate" in pdf_cost_reason(pdf, 0, Limits().max_objects)  # the scan does read the streams
        assert "objects" in pdf_cost_reason(pdf, 512, 5)


def test_compression_bomb_fails_fast_with_a_reason(bomb_pdf):
    started = time.monotonic()
    raw = RawFile(bomb_pdf, sha256_file(bomb_pdf), "pdf", bomb_pdf.stat().st_size)
    events = document_events(raw)
    assert time.monotonic() - started < 15  # was 111 s and 2.16 GB
    assert events[-1].event_type == "ExtractionFailed"
    assert events[-1].payload["reason"].startswith("too costly: streams inflate to more than")


# --- SQL from paths -----------------------------------------------------------------------------------


def test_sql_quoting_round_trips():
    with duckdb.connect() as con:
        for text in ["plain", "it's", "'; drop table x; --", '"quoted"', "路径"]:
            assert con.execute(f"select {sql_string(text)}").fetchone()[0] == text
            assert con.execute(f"select 1 as {sql_identifier(text)}").description[0][0] == text


def test_parquet_export_to_a_path_with_an_apostrophe(tmp_path):
    db = tmp_path / "o'brien" / "budget.duckdb"
    db.parent.mkdir()
    with connect(db, read_only=False) as con:
        con.execute("create table dim_x as select 1 as a")
        con.execute('create table "fact_it\'s" as select 2 as b')
    out = tmp_path / "o'brien" / "parquet"
    assert sorted(export_parquet(db, out)) == ["dim_x", "fact_it's"]
    with duckdb.connect() as con:
        parquet = sql_string(out / "fact_it's.parquet")
        assert con.execute(f"select b from read_parquet({parquet})").fetchone()[0] == 2


def test_read_only_open_of_a_missing_file_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(MissingDatabaseError), connect(tmp_path / "none.duckdb"):
        pass
    assert not (tmp_path / "none.duckdb").exists()


def test_duckdb_is_opened_only_through_resources():
    """One place opens DuckDB connections (resources.connect), so read_only and the lock are decided once."""
    offenders = [f"{p.relative_to(REPO)}:{i}" for d in ("dagster_project", "expectations")
                 for p in (REPO / d).rglob("*.py") if p.name != "resources.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1) if "duckdb.connect(" in line]
    assert not offenders


# --- CLI answers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["build", "--raw-dir", "/nonexistent", "--warehouse", "/tmp/budgetwh-x/b.duckdb"],
    ["build", "--as-of", "not a date", "--warehouse", "/tmp/budgetwh-x/b.duckdb"],
    ["trace", "--warehouse", "/nonexistent/x.duckdb", "--document", "ab"],
    ["status", "--warehouse", "/nonexistent/x.duckdb"],
    ["history", "--document", "3f2a9c", "--warehouse", "/nonexistent/x.duckdb"],
    ["correct", "--document", "ab", "--table", "0", "--row", "0", "--column", "total", "--value", "1",
     "--reason", "r", "--warehouse", "/nonexistent/x.duckdb"],
    ["retract", "--document", "ab", "--reason", "r", "--warehouse", "/nonexistent/x.duckdb"],
])
def test_bad_arguments_and_missing_warehouse_are_one_line_and_non_zero(args):
    proc = cli(*args)
    assert proc.returncode != 0
    assert one_line_error(proc).startswith(f"budgetwh {args[0]}:")
    assert not Path("/nonexistent").exists() and not Path("/tmp/budgetwh-x").exists()
