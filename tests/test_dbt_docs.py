"""`dbt docs generate` works on a built warehouse and documents every mart column (Chinese term + English)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def test_dbt_docs_generate_documents_every_mart_column(sample_build, tmp_path):
    warehouse = sample_build[0]
    build = tmp_path / "budget.duckdb"  # a copy: dbt opens its database for writing
    shutil.copyfile(warehouse.parent / "build" / warehouse.name, build)
    env = {**os.environ, "BUDGETWH_BUILD_DB": str(build), "BUDGETWH_EVENTS_DB": str(warehouse.parent / "events.duckdb")}
    dbt = str(Path(sys.executable).with_name("dbt"))
    proc = subprocess.run(
        [dbt, "docs", "generate", "--project-dir", str(REPO / "dbt"), "--profiles-dir", str(REPO / "dbt"),
         "--target-path", str(tmp_path / "target")],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    marts = {k: v for k, v in manifest["nodes"].items() if v["resource_type"] == "model" and "marts" in v["fqn"]}
    assert {"model.budget_warehouse.fact_expenditure", "model.budget_warehouse.fact_income"} <= set(marts)
    for key, node in marts.items():
        assert node["description"], key
        built = set(catalog["nodes"][key]["columns"])
        documented = {c for c, spec in node["columns"].items() if spec["description"]}
        assert built == documented, (key, built ^ documented)
