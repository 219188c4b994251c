"""The pipeline job: everything but the per-document reports."""

from dagster import AssetSelection, define_asset_job, in_process_executor

build_job = define_asset_job(
    "build_warehouse",
    selection=AssetSelection.all() - AssetSelection.assets("document_report"),
    # One process per run: the steps run one after another anyway (each waits for the one before it, and
    # extraction parallelises inside its step), so the multiprocess executor's only effect was a Python
    # process per step, each importing Dagster, dbt and the project again (~10 s apiece on 2 cores).
    executor_def=in_process_executor,
    description="raw → extracted (the run's `documents` partitions) → event log → dbt → identity checks → "
    "published warehouse: what `budgetwh build` runs over every partition and the raw-folder sensor over the "
    "new ones. Documents already extracted by this extractor version are not read again.",
)
