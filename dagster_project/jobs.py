"""The pipeline job: everything but the per-document reports."""

from dagster import AssetSelection, define_asset_job

build_job = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all() - AssetSelection.assets("document_report"),
    description="raw → extracted (the run's `documents` partitions) → event log → dbt → identity checks → "
    "published warehouse: what `budgetwh build` runs over every partition and the raw-folder sensor over the "
    "new ones. Documents already extracted by this extractor version are not read again.",
)
