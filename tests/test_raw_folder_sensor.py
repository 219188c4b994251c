"""The raw-folder sensor requests a pipeline run when documents are added or changed, and only then."""

from __future__ import annotations

import shutil

from dagster import DagsterInstance, build_sensor_context

from dagster_project.assets.documents import raw_folder_sensor
from dagster_project.resources import WarehouseResource

from .conftest import SAMPLES


def evaluate(raw, cursor):
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(raw.parent / "wh" / "budget.duckdb"))
    with DagsterInstance.ephemeral() as instance:
        return raw_folder_sensor(build_sensor_context(instance=instance, cursor=cursor,
                                                      resources={"warehouse": resource}))


def test_runs_on_new_and_changed_documents_only(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    first, second = sorted(SAMPLES.glob("*.pdf"))[:2]
    shutil.copy(first, raw / first.name)

    result = evaluate(raw, None)
    assert len(result.run_requests) == 1 and result.cursor
    assert not evaluate(raw, result.cursor).run_requests  # nothing changed

    shutil.copy(second, raw / second.name)  # a new document
    added = evaluate(raw, result.cursor)
    assert len(added.run_requests) == 1 and added.cursor != result.cursor

    (raw / f"{second.name}.meta.yaml").write_text("fiscal_year: 2024\n")  # a sidecar is a change too
    assert len(evaluate(raw, added.cursor).run_requests) == 1
    (raw / "notes.txt").write_text("not a document")
    assert not evaluate(raw, evaluate(raw, added.cursor).cursor).run_requests
