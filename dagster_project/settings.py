"""Where things live. The defaults can be overridden by environment variables (for `dagster dev`); `budgetwh`
names its paths with --raw-dir / --warehouse and passes them as run config."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = REPO_ROOT / "dbt"
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# The schema dbt builds the identity models in (dbt/dbt_project.yml `checks: +schema`; tests/test_check_models.py
# holds the two together): the Great Expectations suites read them there (expectations/suites.py).
CHECKS_SCHEMA = "checks"


@dataclass(frozen=True)
class Paths:
    raw_dir: Path
    warehouse: Path  # the published file BI tools open

    @property
    def events_db(self) -> Path:
        return self.warehouse.parent / "events.duckdb"

    @property
    def build_db(self) -> Path:
        # Builds write here; the finished file is then published atomically over `warehouse`.
        return self.warehouse.parent / "build" / self.warehouse.name

    @property
    def dbt_target_dir(self) -> Path:
        # dbt's target folder for this warehouse's builds (compiled SQL, run results, dbt.log), reused by the
        # next build: its partial-parse state is valid only for the same database paths (dbt reparses the
        # whole project when the profile's paths change)
        return self.build_db.parent / "dbt"

    @property
    def raw_index(self) -> Path:
        # the hashes of the raw files, reused while a file's size and modification time are unchanged
        return self.warehouse.parent / "raw_index.json"

    @property
    def report_dir(self) -> Path:
        # the charts page (`budgetwh report`, the `warehouse_report` asset)
        return self.warehouse.parent / "report"

    @property
    def gx_dir(self) -> Path:
        return self.warehouse.parent / "gx"

    def export_env(self, events_db: Path | None = None) -> None:
        """dbt's profiles.yml reads these (events_db: the DuckDB file holding the log, when it is a replica
        of a Postgres event store rather than events.duckdb)."""
        os.environ["BUDGETWH_EVENTS_DB"] = str(events_db or self.events_db)
        os.environ["BUDGETWH_BUILD_DB"] = str(self.build_db)


def current_paths() -> Paths:
    return Paths(
        raw_dir=Path(os.environ.get("BUDGETWH_RAW_DIR", REPO_ROOT / "raw")).resolve(),
        warehouse=Path(os.environ.get("BUDGETWH_WAREHOUSE", REPO_ROOT / "warehouse" / "budget.duckdb")).resolve(),
    )
