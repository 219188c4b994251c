"""The per-document view: a sensor adds one `documents` partition per document of the published warehouse,
and a document's partition of `document_report` shows its status, tables and check results."""

from __future__ import annotations

from dagster import AssetMaterialization, DagsterInstance, build_sensor_context, materialize

from dagster_project.assets.document_reports import document_partitions, document_report, documents_partitions
from dagster_project.assets.partitions import document_ids_of, document_key
from dagster_project.assets.publish import published_warehouse
from dagster_project.resources import WarehouseResource

from .conftest import SAMPLES


def test_sensor_adds_a_partition_per_document_and_requests_its_report(sample_build, wh):
    resource = WarehouseResource(raw_dir=str(SAMPLES), warehouse=str(sample_build[0]))
    named = wh.execute("select file_name, document_id from dim_document").fetchall()
    docs = sorted(document_key(name, doc) for name, doc in named)  # a document's key starts with its name
    with DagsterInstance.ephemeral() as instance:
        # the sensor acts on a publish (tests/test_bi_surface.py: and only then)
        instance.report_runless_asset_event(AssetMaterialization(published_warehouse.key))
        result = document_partitions(build_sensor_context(instance=instance, resources={"warehouse": resource}))
        assert sorted(result.dynamic_partitions_requests[0].partition_keys) == docs
        assert sorted(r.partition_key for r in result.run_requests) == docs
        # each key stands for its document: the one the events, dbt and the report join on
        assert sorted(document_ids_of(docs, named).values()) == sorted(doc for _, doc in named)

        instance.add_dynamic_partitions(documents_partitions.name, docs)
        again = document_partitions(build_sensor_context(instance=instance, resources={"warehouse": resource}))
        assert not again.dynamic_partitions_requests  # known documents are not added twice
        # unchanged reports keep their run keys, so Dagster does not run them again
        assert [r.run_key for r in again.run_requests] == [r.run_key for r in result.run_requests]


def test_document_partition_shows_status_tables_and_checks(sample_build, wh):
    doc, file_name = wh.execute(
        "select document_id, file_name from dim_document where file_name like 'beijing-dongcheng%2023-unit-budget%'").fetchone()
    n_tables = wh.execute("select count(*) from intermediate.int_tables where document_id = ?", [doc]).fetchone()[0]
    statuses = dict(wh.execute(
        "select status, count(*) from check_results where document_id = ? group by 1", [doc]).fetchall())
    resource = WarehouseResource(raw_dir=str(SAMPLES), warehouse=str(sample_build[0]))
    key = document_key(file_name, doc)
    with DagsterInstance.ephemeral() as instance:
        instance.add_dynamic_partitions(documents_partitions.name, [key])
        result = materialize([document_report], partition_key=key, instance=instance,
                             resources={"warehouse": resource})
        assert result.success
        event = instance.get_latest_materialization_event(document_report.key)
        meta = {k: v.value for k, v in event.asset_materialization.metadata.items()}
    assert event.asset_materialization.partition == key and key.startswith(file_name)
    assert meta["file_name"] == file_name and meta["status"] == "current"
    assert meta["tables_found"] == n_tables > 0
    assert "project_expenditure" in meta["tables"]
    assert meta["checks_passed"] == statuses.get("pass", 0) > 0
    assert meta["checks_within_tolerance"] == statuses.get("pass_within_tolerance", 0) > 0  # Dongcheng rounding
    assert meta["checks_failed"] == statuses.get("fail", 0)
    assert "pass_within_tolerance" in meta["checks_flagged"]
    # which table gives the lines and why (dim_document.line_source_reason), like the completeness reasons
    assert meta["line_source"] == "expenditure_summary"
    assert meta["line_source_reason"].startswith("支出总表 closes: Σ ") and " ≈ stated " in meta["line_source_reason"]
