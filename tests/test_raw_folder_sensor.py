"""The raw-folder sensor adds a `documents` partition per new file and requests a build over the new
partitions when documents are added or changed, and only then."""

from __future__ import annotations

import shutil

from dagster import DagsterInstance, build_sensor_context, materialize

from dagster_project.assets.documents import extracted_documents, raw_documents, raw_folder_sensor
from dagster_project.assets.partitions import (
    FILES_TAG,
    RANGE_END_TAG,
    RANGE_START_TAG,
    document_ids_of,
    document_key,
    documents_partitions,
    partition_range_tags,
)
from dagster_project.events.store import EventStore
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

        first_key, second_key = (document_key(p.name, sha256_file(p)) for p in (first, second))
        shutil.copy(first, raw / first.name)
        one = tick(None)
        assert run_range(one) == (first_key,) * 2 and one.cursor
        assert not tick(one.cursor).run_requests  # nothing changed

        shutil.copy(second, raw / second.name)  # a new document: a partition and a run of it alone
        two = tick(one.cursor)
        assert run_range(two) == (second_key,) * 2 and two.cursor != one.cursor
        assert instance.get_dynamic_partitions(documents_partitions.name) == [first_key, second_key]

        (raw / f"{second.name}.meta.yaml").write_text("fiscal_year: 2024\n")  # a sidecar is a change too
        sidecar = tick(two.cursor)
        assert len(sidecar.run_requests) == 1 and not sidecar.dynamic_partitions_requests
        (raw / "notes.txt").write_text("not a document")
        assert not tick(sidecar.cursor).run_requests


def test_partition_keys_name_the_files_and_stand_for_their_documents(tmp_path):
    """What the partition picker shows: one key per file, its name first; every key maps back to the
    document id (the sha256 of the bytes), whatever the name."""
    resource = WarehouseResource(raw_dir=str(SAMPLES), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
    with DagsterInstance.ephemeral() as instance:
        result = raw_folder_sensor(build_sensor_context(instance=instance, resources={"warehouse": resource}))
    keys = list(result.dynamic_partitions_requests[0].partition_keys)
    files = {p.name: sha256_file(p) for p in SAMPLES.glob("*.pdf")}
    assert len(keys) == len(files)
    named = {name: [k for k in keys if k.startswith(f"{name}·")] for name in files}
    assert all(len(found) == 1 for found in named.values()), keys
    ids = document_ids_of(keys, [(name, doc) for name, doc in files.items()])
    assert {name: ids[found[0]] for name, found in named.items()} == files
    # the run over them names the files, and its range is the new keys in the order they were added
    (request,) = result.run_requests
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (keys[0], keys[-1])
    assert first_of(request.tags[FILES_TAG]) in files
    # a key of a file since renamed, or of an older instance (the bare id), still finds its document
    doc = files[min(files)]
    assert document_ids_of([document_key("renamed.pdf", doc), doc], files.items()) == {
        document_key("renamed.pdf", doc): doc, doc: doc}
    assert document_ids_of(["gone.pdf·0123456789ab"], files.items()) == {"gone.pdf·0123456789ab": None}
    # what Dagster does not allow in a key ("..." is its range separator) never reaches it
    assert document_key("a...b\n.pdf", doc) == f"a…b .pdf·{doc[:12]}"


def first_of(files_tag_value: str) -> str:
    return files_tag_value.split(", ")[0]


def test_same_bytes_under_two_names_are_two_partitions_read_once(tmp_path):
    """Two names of one document are two partitions, read once; a renamed file is a new partition of a
    document already read; a key of an older instance (the bare document id) still finds its document."""
    raw = tmp_path / "raw"
    raw.mkdir()
    resource = WarehouseResource(raw_dir=str(raw), warehouse=str(tmp_path / "wh" / "budget.duckdb"))
    sample = min(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)
    shutil.copy(sample, raw / sample.name)
    shutil.copy(sample, raw / "copy.pdf")
    doc = sha256_file(sample)
    with DagsterInstance.ephemeral() as instance:
        def tick():
            result = raw_folder_sensor(build_sensor_context(instance=instance, resources={"warehouse": resource}))
            keys = list(result.dynamic_partitions_requests[0].partition_keys)
            instance.add_dynamic_partitions(documents_partitions.name, keys)
            return keys

        def extract(keys):
            assert materialize([raw_documents, extracted_documents], instance=instance,
                               resources={"warehouse": resource}, tags=partition_range_tags(keys)).success
            event = instance.get_latest_materialization_event(extracted_documents.key)
            return {k: v.value for k, v in event.asset_materialization.metadata.items()}

        keys = tick()
        assert sorted(keys) == sorted([document_key(sample.name, doc), document_key("copy.pdf", doc)])
        assert extract(keys)["documents_read"] == 1
        observed = instance.fetch_observations(extracted_documents.key, limit=10).records
        assert sorted(r.partition_key for r in observed) == sorted(keys)  # each name gets the outcome
        registered = EventStore(resource.paths.events_db).query(
            "select document_id from events where event_type = 'DocumentRegistered'")
        assert registered == [(doc,)]

        (raw / "copy.pdf").rename(raw / "renamed.pdf")
        (renamed,) = tick()
        assert renamed == document_key("renamed.pdf", doc)
        meta = extract([renamed])
        assert meta["documents_read"] == 0 and "renamed.pdf | already extracted" in meta["documents"]
        instance.add_dynamic_partitions(documents_partitions.name, [doc])
        assert "already extracted" in extract([doc])["documents"]
