"""Progress of a build's long steps: one typed record per finished piece of work.

The assets report here as they go (each document extracted, each dbt model built, the checks, the publish
step). A record goes to the run's own log (Dagster's `context.log`, what the UI's run view shows) and to the
Python logger `budgetwh.progress`, which nobody listens to except `budgetwh build`: it attaches a
`ProgressPrinter` that writes the records to the terminal. No Dagster import here: the CLI attaches the
printer before it imports the asset graph.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

LOGGER = logging.getLogger("budgetwh.progress")
STAGE_WIDTH = 7  # "extract", "publish": the stage names line up

# dagster-dbt already logs each model in the run log: the per-model progress line goes there as debug only
RUN_LOG_LEVEL = {"dbt": logging.DEBUG}


# check_results.status → how a summary names it, in the order a summary lists them
CHECK_STATUSES = {"pass": "passed", "pass_within_tolerance": "within tolerance", "fail": "failed"}


def status_counts(counts: Mapping[str, int]) -> str:
    """`800 passed / 73 within tolerance / 0 failed` from check_results status → row count."""
    return " / ".join(f"{int(counts.get(status, 0))} {name}" for status, name in CHECK_STATUSES.items())


@dataclass(frozen=True)
class Progress:
    """One step of a stage: `done` of `total` (total 0: a stage with no count), what it was and how it went."""

    stage: str  # extract | dbt | checks | publish
    done: int = 0
    total: int = 0
    item: str = ""  # a file name, a model name, a path
    seconds: float | None = None
    outcome: str = ""  # "ok: 18 tables", "FAILED: no text layer …", "873 evaluated …"

    def line(self) -> str:
        width = len(str(self.total))
        count = f"{self.done:>{width}}/{self.total}" if self.total else ""
        seconds = f"{self.seconds:.1f} s" if self.seconds is not None else ""
        return "  ".join(
            p for p in (f"{self.stage:<{STAGE_WIDTH}}", count, self.item, seconds, self.outcome) if p
        )

    @property
    def unfinished(self) -> bool:
        """A step a later record of the same stage follows (a terminal may overwrite its line)."""
        return bool(self.total) and self.done < self.total


def report(run_log: logging.Logger | logging.LoggerAdapter, progress: Progress) -> None:
    """Record progress in the run's log and for a terminal listening on LOGGER."""
    line = progress.line()
    run_log.log(RUN_LOG_LEVEL.get(progress.stage, logging.INFO), line)
    LOGGER.info(line, extra={"progress": progress})


class ProgressPrinter(logging.Handler):
    """Writes progress records to a terminal. On a TTY the steps of one stage (the dbt models) update one
    line in place; elsewhere (a pipe, a CI log) each record is a plain line."""

    def __init__(self, stream: TextIO, tty: bool | None = None):
        super().__init__(logging.INFO)
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.pending: Progress | None = None  # the record whose line a TTY may still overwrite

    def emit(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        if not isinstance(progress, Progress):
            return
        if self.pending is not None:
            self.stream.write("\r\x1b[K" if self.pending.stage == progress.stage else "\n")
        transient = self.tty and progress.stage == "dbt" and progress.unfinished
        self.stream.write(progress.line() + ("" if transient else "\n"))
        self.pending = progress if transient else None
        self.stream.flush()

    def finish(self) -> None:
        """End a line left open (a run that stopped in the middle of a stage)."""
        if self.pending is not None:
            self.stream.write("\n")
            self.stream.flush()
            self.pending = None
