"""Shared fixtures: one real build of the bundled samples (PDFs → events → dbt → GX) per test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "raw" / "samples"
BUDGETWH = str(Path(sys.executable).with_name("budgetwh"))


def run_build(raw_dir: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run `budgetwh build` as a user would, in a subprocess."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run(
        [BUDGETWH, "build", "--raw-dir", str(raw_dir), "--warehouse", str(warehouse), *extra],
        capture_output=True, text=True, env=env, timeout=1800,
    )


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    warehouse = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    proc = run_build(SAMPLES, warehouse)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return warehouse, proc


@pytest.fixture()
def wh(sample_build):
    con = duckdb.connect(str(sample_build[0]), read_only=True)
    yield con
    con.close()
