"""How `budgetwh build` writes progress to a terminal and a pipe, and what its summary lists.

The records themselves come from a real build (tests/test_end_to_end.py reads them from the shared sample
build's output); these tests drive the printer and the summary with records and verdicts made here."""

from __future__ import annotations

import io
import logging

import pytest

from dagster_project.progress import LOGGER, Progress, ProgressPrinter, report, status_counts
from expectations.completeness import Verdict, summary_lines

RECORDS = [
    Progress("extract", 1, 2, "a.pdf", 1.25, "ok: 9 pages, 12 tables"),
    Progress("extract", 2, 2, "b.pdf", 0.5, "FAILED: no text layer"),
    Progress("dbt", outcome="building 3 models and seeds"),
    Progress("dbt", 1, 3, "stg_events", 0.1),
    Progress("dbt", 2, 3, "int_tables", 2.0),
    Progress("dbt", 3, 3, "fact_expenditure", 0.3),
    Progress("checks", item="10 evaluated", seconds=4.0, outcome="8 passed / 1 within tolerance / 1 failed"),
]


def printed(tty: bool) -> str:
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=tty)
    LOGGER.addHandler(printer)
    level = LOGGER.level
    LOGGER.setLevel(logging.INFO)  # not `LOGGER.level =`: that keeps a cached "INFO is disabled" answer
    try:
        for record in RECORDS:
            report(logging.getLogger("run"), record)
        printer.finish()
    finally:
        LOGGER.removeHandler(printer)
        LOGGER.setLevel(level)
    return out.getvalue()


def test_a_pipe_gets_one_plain_line_per_record():
    text = printed(tty=False)
    assert "\r" not in text and "\x1b" not in text
    assert text.splitlines() == [r.line() for r in RECORDS]
    assert text.splitlines()[1] == "extract  2/2  b.pdf  0.5 s  FAILED: no text layer"


def test_a_terminal_updates_the_dbt_models_in_place():
    """On a TTY the models overwrite one line (carriage return + erase line); every other record, and the
    last model, stays on its own line."""
    text = printed(tty=True)
    shown = [segment.split("\r\x1b[K")[-1] for segment in text.split("\n")[:-1]]  # what remains visible
    assert shown == [
        RECORDS[0].line(),
        RECORDS[1].line(),
        RECORDS[2].line(),
        RECORDS[5].line(),
        RECORDS[6].line(),
    ]
    assert text.count("\r\x1b[K") == 2  # model 2 over model 1, model 3 over model 2


def test_an_interrupted_stage_leaves_no_open_line():
    out = io.StringIO()
    printer = ProgressPrinter(out, tty=True)
    printer.emit(logging.makeLogRecord({"progress": Progress("dbt", 1, 3, "stg_events")}))
    printer.finish()
    assert out.getvalue().endswith("\n")


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"pass": 8, "pass_within_tolerance": 1, "fail": 1}, "8 passed / 1 within tolerance / 1 failed"),
        ({"pass": 3}, "3 passed / 0 within tolerance / 0 failed"),
    ],
)
def test_check_statuses_are_counted_apart(counts, expected):
    assert status_counts(counts) == expected


def test_summary_lists_failed_and_incomplete_documents_with_their_first_reason():
    verdicts = [
        Verdict("d1", "good.pdf", "complete", [], "current"),
        Verdict("d2", "scan.pdf", "not_applicable", [], "failed", "no text layer: scanned document"),
        Verdict("d3", "half.pdf", "incomplete", ["p4 支出总表: Σ lines fails", "p5 other"], "current"),
    ]
    assert summary_lines(verdicts) == [
        "complete: 1  incomplete: 1  not applicable: 1",
        "  failed: scan.pdf: no text layer: scanned document",
        "  incomplete: half.pdf: p4 支出总表: Σ lines fails (+1 more)",
    ]
