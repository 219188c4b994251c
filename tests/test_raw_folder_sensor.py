"""The raw-folder sensor adds a `documents` partition per new file and requests a build over the new
partitions when documents are added or changed, and only then."""

from __future__ import annotations

import shutil

from dagster import DagsterInstance, build_sensor_context

from dagster_project.assets.documents import raw_folder_sensor
from dagster_project.assets.partitions import RANGE_END_TAG, RANGE_START_TAG, documents_partitions
from dagster_project.ingest import sha256_file
from dagster_project.resources import WarehouseResource

from .conftest import SAMPLES


def test_new_documents_become_partitions_and_only_they_are_run(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
    first, second = sorted(SAMPLES.glob("*.pdf"))[:2]

    with DagsterInstance.ephemeral() as instance:
        def tick(cursor):
            result = raw_folder_sensor(build_sensor_context(instance=instance, cursor=cursor,
                                                            resources={"warehouse": resource}))
            for request in result.dynamic_partitions_requests:  # what the daemon does with them
                instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
            return result

        def run_range(result):
            (request,) = result.run_requests
            return request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]

        shutil.copy(first, raw / first.name)
        one = tick(None)
        assert run_range(one) == (sha256_file(first),) * 2 and one.cursor
        assert not tick(one.cursor).run_requests  # nothing changed

        shutil.copy(second, raw / second.name)  # a new document: a partition and a run of it alone
        two = tick(one.cursor)
        assert run_range(two) == (sha256_file(second),) * 2 and two.cursor != one.cursor
        assert instance.get_dynamic_partitions(documents_partitions.name) == [sha256_file(first), sha256_file(second)]

        (raw / f"{second.name}.meta.yaml").write_text("fiscal_year: 2024\n")  # a sidecar is a change too
        sidecar = tick(two.cursor)
        assert len(sidecar.run_requests) == 1 and not sidecar.dynamic_partitions_requests
        (raw / "notes.txt").write_text("not a document")
        assert not tick(sidecar.cursor).run_requests
