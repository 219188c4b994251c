"""Resources, configured in one place (definitions.py)."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from .events.store import EventStore
from .settings import Paths


class WarehouseResource(ConfigurableResource):
    """Where the raw documents are and where the warehouse is published."""

    raw_dir: str
    warehouse: str

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.raw_dir), Path(self.warehouse))

    @property
    def store(self) -> EventStore:
        return EventStore(self.paths.events_db)
