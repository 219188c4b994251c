"""The one Dagster Definitions object: raw → extracted → events → dbt (staging/intermediate/marts) → checks → publish."""

from __future__ import annotations

from dagster import Definitions, load_assets_from_modules

from .assets import checks, dbt, documents, publish
from .resources import WarehouseResource
from .settings import current_paths

_paths = current_paths()

defs = Definitions(
    assets=[*load_assets_from_modules([documents, checks, publish]), dbt.dbt_models],
    asset_checks=[checks.identity_checks],
    resources={
        "warehouse": WarehouseResource(raw_dir=str(_paths.raw_dir), warehouse=str(_paths.warehouse)),
        "dbt": dbt.dbt_resource(),
    },
)
