"""The pipeline job: everything but the per-document reports (which are partitioned by document)."""

from dagster import AssetSelection, define_asset_job

build_job = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all() - AssetSelection.assets("document_report"),
    description="raw → extracted → event log → dbt → identity checks → published warehouse: what "
    "`budgetwh build` runs. Documents already extracted by this extractor version are not read again.",
)
