"""Shared fixtures and helpers.

A cold `budgetwh build` costs 20–45 s on two cores (Dagster, dbt and the GX suites start whatever the
documents), so the suite builds each warehouse once per session and shares it read-only:

- `sample_build`: the bundled samples (raw/samples) built by a real `budgetwh build` subprocess into a
  fresh directory; `wh` is a read-only connection to it.
- `real_build`: every document in ../shared/real as its office published it; `real_wh` reads it.

A test that appends events or rebuilds never touches a shared build: it takes a private copy with
`scratch_copy(sample_build[0], tmp_path / "wh")` (published file, event log, build file, raw-file index)
and, when it changes the raw folder, `copy_raw(SAMPLES, tmp_path / "raw")`; then it appends events
(`budgetwh correct`/`retract`, dagster_project/events/commands.py, sidecars, new files) and runs one
`build(raw, warehouse)`. Several scenarios can share that one build when each touches its own document
(tests/test_event_sourcing.py). The shared directories are checked unchanged at the end of the session.

`make test` runs three pytest-xdist workers with `--dist loadscope`: a module's tests stay on one worker, so
a module-scoped build (test_identity_violations, test_unseen_layout, test_bad_inputs, the `evolved`
scenario) is made once; a session build is made by the first worker that asks and reused by the other.
A new test that needs a built warehouse should use `sample_build`/`wh` or `real_build`/`real_wh`, and one
that changes it `scratch_copy` — not a build of its own. A module that does need a build of its own (a
folder of scenario documents) belongs in LONG_MODULES, so that it starts early.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL = SHARED / "real"
SAMPLES = REPO / "raw" / "samples"
BUDGETWH = str(Path(sys.executable).with_name("budgetwh"))

# The modules with the longest wall time, handed out first (`make test` passes --no-loadscope-reorder, which
# keeps this order; xdist's default sorts modules by their number of tests): `dagster dev` mostly waits for
# sensor ticks and would otherwise start last and run alone. Other modules follow in file-name order.
LONG_MODULES = ["test_dagster_dev.py", "test_scale_out.py", "test_event_sourcing.py", "test_crash_safety.py", "test_identity_violations.py",
                "test_hostile_input.py", "test_unseen_layout.py", "test_completeness.py", "test_incremental.py",
                "test_line_source.py", "test_real_documents.py", "test_bad_inputs.py", "test_serving.py"]


def pytest_collection_modifyitems(items) -> None:
    rank = {name: i for i, name in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a module's tests keep their order


# every table a rebuild must reproduce (checksums)
MARTS = ["dim_document", "dim_unit", "dim_function_code", "dim_econ_code", "dim_year", "fact_expenditure",
         "fact_income", "fact_project_expenditure", "fact_three_public_expenses", "fact_procurement",
         "fact_purchased_services", "mart_unit_budget", "mart_function_class_spending", "mart_unit_econ_spending",
         "mart_budget_execution", "mart_budget_execution_totals", "events"]


def run_build(raw_dir: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run `budgetwh build` as a user would, in a subprocess."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [BUDGETWH, "build", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse), *extra],
        capture_output=True, text=True, env=env, timeout=1800,
    )


def build(raw: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    """`budgetwh build` that must succeed."""
    proc = run_build(raw, warehouse, *extra)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


def cli(*args: str) -> subprocess.CompletedProcess:
    """Any other `budgetwh` command (correct, retract, history, status, trace)."""
    return subprocess.run([BUDGETWH, *args], capture_output=True, text=True, timeout=600)


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def events(warehouse: Path) -> list[tuple]:
    """(event_id, event_type, document_id) of the event log beside a published warehouse."""
    return query(warehouse.parent / "events.duckdb",
                 "select event_id, event_type, document_id from events order by event_id")


def checksums(warehouse: Path) -> dict[str, str]:
    """Row count and content hash of every mart."""
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


def scratch_copy(warehouse: Path, dest: Path) -> Path:
    """A private copy of a built warehouse's directory at dest (which must not exist yet): the published
    file, the event log, the build file, the raw-file index, Parquet and GX output. Returns the copy's
    published-file path; building into it continues from where the copied build ended."""
    shutil.copytree(warehouse.parent, dest, ignore=shutil.ignore_patterns("*.lock", "logs"))
    return dest / warehouse.name


def copy_raw(src: Path, dest: Path, names: list[str] | None = None) -> Path:
    """A raw folder a test may add files to: copies of src's PDFs (or just `names`)."""
    dest.mkdir(parents=True)
    for p in sorted(src.glob("*.pdf")):
        if names is None or p.name in names:
            shutil.copy(p, dest / p.name)
    return dest


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.endswith(".lock")}


@contextmanager
def _locked(path: Path):
    with open(path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _shared(tmp_path_factory, name: str, raw: Path):
    """Build raw into a fresh directory once, yield (warehouse, process), then check nobody wrote to it.

    Under pytest-xdist each worker has its own session: the first worker to ask builds, the others wait
    for it and reuse the result (the directory is in the run's temp root that the workers share)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    warehouse = root / name / "budget.duckdb"
    result = root / f"{name}.json"
    with _locked(root / f"{name}.lock"):
        if not result.exists():
            warehouse.parent.mkdir(parents=True, exist_ok=True)
            proc = run_build(raw() if callable(raw) else raw, warehouse)
            result.write_text(json.dumps([proc.args, proc.returncode, proc.stdout, proc.stderr]))
    proc = subprocess.CompletedProcess(*json.loads(result.read_text()))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    before = _snapshot(warehouse.parent)
    yield warehouse, proc
    changed = sorted(set(before.items()) ^ set(_snapshot(warehouse.parent).items()))
    assert not changed, f"a test wrote to the shared build {warehouse.parent} (use scratch_copy): {changed}"


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """(warehouse path, CompletedProcess) of the one build of the samples from a fresh directory. Read-only."""
    yield from _shared(tmp_path_factory, "sample_wh", SAMPLES)


@pytest.fixture()
def wh(sample_build):
    con = duckdb.connect(str(sample_build[0]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def real_build(tmp_path_factory):
    """(warehouse path, CompletedProcess) of one build of every PDF in ../shared/real (never copied into
    git; a copy of the folder is built, so nothing is written beside the originals). Read-only."""
    assert sorted(REAL.glob("*.pdf")), f"no documents in {REAL}"
    yield from _shared(tmp_path_factory, "real_wh", lambda: copy_raw(REAL, tmp_path_factory.mktemp("real_raw")
                                                                         / "raw"))


@pytest.fixture()
def real_wh(real_build):
    con = duckdb.connect(str(real_build[0]), read_only=True)
    yield con
    con.close()
