"""The one Dagster Definitions object: raw → extracted → events → dbt (staging/intermediate/marts) → checks → publish,
and a partition per document for the per-document view."""

from __future__ import annotations

from dagster import Definitions, load_assets_from_modules

from .assets import checks, dbt, document_reports, documents, publish, warehouse_report
from .events.store import event_store_setting
from .jobs import build_job
from .resources import WarehouseResource, dbt_resource
from .settings import current_paths

_paths = current_paths()

defs = Definitions(
    assets=[*load_assets_from_modules([documents, checks, publish, document_reports, warehouse_report]), dbt.dbt_models],
    asset_checks=[checks.identity_checks],
    jobs=[build_job, document_reports.document_report_job],
    sensors=[documents.raw_folder_sensor, document_reports.document_partitions],
    resources={
        "warehouse": WarehouseResource(raw_dir=str(_paths.raw_dir), warehouse=str(_paths.warehouse),
                                       event_store=event_store_setting()),
        "dbt": dbt_resource(),
    },
)
