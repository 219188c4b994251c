"""`budgetwh`: build the warehouse in-process (the same asset graph `dagster dev` shows) and inspect it.

Every command answers a bad argument, a missing warehouse or a missing match with one line on stderr and
a non-zero exit status, never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any, TextIO

from .progress import LOGGER as PROGRESS
from .progress import ProgressPrinter, status_counts
from .settings import REPO_ROOT, Paths, current_paths
from .validation import check_document_prefix, parse_amount_text, parse_as_of

BAD_ARGUMENT = 2  # argparse's exit status for a bad argument; also a missing warehouse or match
FAILED = 1


def paths_from_args(args: argparse.Namespace) -> Paths:
    """The raw folder and warehouse a command works on: its options, else the defaults (settings.py)."""
    default = current_paths()
    raw = getattr(args, "raw_dir", None)
    wh = getattr(args, "warehouse", None)
    return Paths(Path(raw).resolve() if raw else default.raw_dir, Path(wh).resolve() if wh else default.warehouse)


def event_store_from_args(args: argparse.Namespace) -> str:
    """--event-store, else BUDGETWH_EVENT_STORE; empty: the DuckDB file beside the warehouse."""
    from .events.store import event_store_setting

    return event_store_setting(getattr(args, "event_store", None))


def build_run_config(paths: Paths, as_of: str | None, full_refresh: bool, *, event_store: str = "",
                     dask_scheduler: str | None = None) -> dict[str, Any]:
    """The run config of a `budgetwh build` run: paths and the event store as the warehouse resource's
    config, the dbt options as the dbt asset's config and a Dask scheduler as the extraction's (what the
    launchpad shows), no environment variables (extraction still honours $BUDGETWH_DASK_SCHEDULER when no
    scheduler is given)."""
    ops: dict[str, Any] = {"dbt_models": {"config": {"as_of": as_of, "full_refresh": full_refresh}}}
    if dask_scheduler:
        ops["extracted_documents"] = {"config": {"dask_scheduler": dask_scheduler}}
    return {
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        "resources": {"warehouse": {"config": {"raw_dir": str(paths.raw_dir), "warehouse": str(paths.warehouse),
                                               "event_store": event_store}}},
        "ops": ops,
    }


def cmd_build(args: argparse.Namespace) -> int:
    paths = paths_from_args(args)
    as_of = parse_as_of(args.as_of) if args.as_of else None  # refused here, before anything runs
    from .extraction_dask import scheduler_address

    scheduler = scheduler_address(args.dask_scheduler)  # a malformed address (or $BUDGETWH_DASK_SCHEDULER) too
    if not paths.raw_dir.is_dir():
        raise ValueError(f"--raw-dir {paths.raw_dir} is not a folder")
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    log_path = paths.warehouse.parent / "logs" / "build.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w") as log, build_output(log, sys.stdout) as printer:
        return _build(args, paths, as_of, scheduler, log, log_path, printer)


@contextmanager
def build_output(log: TextIO, terminal: TextIO) -> Iterator[ProgressPrinter]:
    """Where a build's output goes: progress records to the terminal (and the log); Python warnings — the
    libraries' BetaWarning, ExperimentalWarning, deprecations, including those raised while the asset graph
    is imported — to the log file only."""
    printer = ProgressPrinter(terminal)
    to_log = logging.StreamHandler(log)
    to_log.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    warnings_logger = logging.getLogger("py.warnings")
    saved = (PROGRESS.level, PROGRESS.propagate, warnings_logger.propagate)
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False
    PROGRESS.addHandler(printer)
    PROGRESS.addHandler(to_log)
    warnings_logger.propagate = False
    warnings_logger.addHandler(to_log)
    logging.captureWarnings(True)
    try:
        yield printer
    finally:
        printer.finish()
        logging.captureWarnings(False)
        for logger in (PROGRESS, warnings_logger):
            logger.removeHandler(to_log)
        PROGRESS.removeHandler(printer)
        PROGRESS.setLevel(saved[0])  # setLevel, not .level =: it clears the logger's isEnabledFor cache
        PROGRESS.propagate, warnings_logger.propagate = saved[1:]


def _build(args: argparse.Namespace, paths: Paths, as_of: str | None, scheduler: str | None, log: TextIO,
           log_path: Path, printer: ProgressPrinter) -> int:
    from dagster import AssetCheckSeverity, DagsterInstance

    from .assets.documents import extracted_documents
    from .assets.partitions import documents_partitions, partition_keys, partition_range_tags
    from .assets.publish import summarize
    from .definitions import defs
    from .ingest import scan_raw, skipped_files

    job = defs.resolve_job_def("build_warehouse")
    print(f"building {paths.warehouse} from {paths.raw_dir} (log: {log_path})", flush=True)
    if scheduler:
        print(f"  extracting on the Dask cluster at {scheduler}", flush=True)
    skipped = skipped_files(paths.raw_dir)
    for path, reason in skipped[:10]:
        print(f"  skipped {path.relative_to(paths.raw_dir)}: {reason}")
    if len(skipped) > 10:
        print(f"  … and {len(skipped) - 10} more files skipped (listed in the raw_documents metadata)")
    # One run over every file's partition: extraction skips the documents already in the event log.
    keys = partition_keys(scan_raw(paths.raw_dir, cache=paths.raw_index))
    # dbt's, Dagster's and the libraries' own output goes to the log file; the terminal gets the progress
    # records (dagster_project/progress.py) and the summary.
    with DagsterInstance.ephemeral() as instance, redirect_stdout(log), redirect_stderr(log):
        instance.add_dynamic_partitions(documents_partitions.name, keys)
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config=build_run_config(paths, as_of, args.full_refresh, event_store=event_store_from_args(args),
                                        dask_scheduler=scheduler if keys else None),
            tags=partition_range_tags(keys) if keys else None,
            # no documents: nothing to extract, the rest still builds (an empty warehouse)
            asset_selection=None if keys else [k for k in job.asset_layer.executable_asset_keys
                                              if k != extracted_documents.key],
        )
    printer.finish()
    failed_steps = [e.step_key for e in result.all_events if e.is_step_failure]
    check_failures = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
    if failed_steps:
        log.flush()
        tail = "".join(log_path.read_text(errors="replace").splitlines(keepends=True)[-40:])
        print(f"{tail}\nbudgetwh build FAILED in: {', '.join(failed_steps)} (full log: {log_path})",
              file=sys.stderr)
        return 1
    # a failed check of severity WARN (e.g. codes not in the catalogue) is news, not a failure
    failed_checks = [
        f"{'warning' if ev.severity == AssetCheckSeverity.WARN else 'failed check'}: "
        f"{ev.asset_key.to_user_string()} / {ev.check_name}"
        for ev in check_failures
    ]
    print("\n".join(summary_lines(paths.warehouse, summarize(paths.warehouse), failed_checks,
                                  _verdicts(paths.warehouse))))
    return 0


def summary_lines(warehouse: Path, s: dict[str, int], failed_checks: list[str], verdicts: list) -> list[str]:
    """The end of `budgetwh build`: what the warehouse holds, the checks by status (passed / within
    tolerance / failed), the identities that failed, and each failed or incomplete document with its first
    reason."""
    from expectations.completeness import summary_lines as completeness_lines

    counts = {"pass": s["checks_passed"], "pass_within_tolerance": s["checks_within_tolerance"],
              "fail": s["checks_failed"]}
    return [
        f"warehouse: {warehouse}",
        f"documents: {s['documents']}  tables: {s['tables']}  fact rows: {s['fact_rows']}",
        f"checks: {status_counts(counts)}",
        *(f"  {line}" for line in failed_checks),
        *completeness_lines(verdicts),
    ]


def cmd_status(args: argparse.Namespace) -> int:
    paths = paths_from_args(args)
    store = _store(paths, args)
    rows = store.query(
        """select r.document_id, json_extract_string(r.payload, '$.file_name'),
                  coalesce(f.reason, case when t.document_id is null then 'registered'
                                          when json_extract_string(r.payload, '$.doc_kind') = 'narrative'
                                          then 'ok: narrative only, no tables' else 'ok' end),
                  m.sidecar_rejected
           from (select * from events where event_type = 'DocumentRegistered'
                 qualify row_number() over (partition by document_id order by recorded_at desc) = 1) r
           left join (select document_id, json_extract_string(payload, '$.reason') as reason from events
                      where event_type = 'ExtractionFailed') f using (document_id)
           left join (select distinct document_id from events where event_type = 'TablesExtracted') t
             using (document_id)
           left join (select document_id,
                             case when event_type = 'MetadataRejected'
                                  then json_extract_string(payload, '$.reason') end as sidecar_rejected
                      from events where event_type in ('MetadataAsserted', 'MetadataRejected')
                      qualify row_number() over (partition by document_id
                                                 order by recorded_at desc, event_id) = 1) m
             using (document_id)
           order by 2"""
    )
    if not rows:
        print(f"no documents in {store.location}")
        return 0
    checks: dict[str, str] = {}
    verdicts: dict = {}
    line_sources: dict[str, str] = {}
    if paths.warehouse.exists():  # none before the first build
        from expectations.completeness import verdicts as read_verdicts

        from .resources import connect

        with connect(paths.warehouse, read_only=True) as con:
            checks = _failed_checks(con)
            verdicts = {v.document_id: v for v in read_verdicts(con)}
            line_sources = _line_sources(con)
    for doc, name, status, sidecar in rows:
        v = verdicts.get(doc)
        note = f"  (sidecar rejected: {sidecar})" if sidecar else ""
        print(f"{doc[:12]}  {status:<40}  {checks.get(doc, ''):<36}  {v.completeness if v else '':<14}  {name}{note}")
        if doc in line_sources:
            print(f"{'':14}lines: {line_sources[doc]}")
        if v and v.completeness != "complete":
            for reason in v.reasons:
                print(f"{'':14}- {reason}")
    return 0


def _verdicts(warehouse: Path) -> list:
    """Each document's completeness verdict from the published warehouse (none before the first build)."""
    if not warehouse.exists():
        return []
    from expectations.completeness import verdicts

    from .resources import connect

    with connect(warehouse, read_only=True) as con:
        return verdicts(con)


def _line_sources(con) -> dict[str, str]:
    """document_id → which table gives its expenditure lines and why (dim_document.line_source_reason), from
    the published warehouse (empty for one published before the column)."""
    has_column = con.execute(
        """select count(*) from information_schema.columns
           where table_name = 'dim_document' and column_name = 'line_source_reason'""").fetchone()[0]
    if not has_column:
        return {}
    return dict(con.execute(
        "select document_id, line_source_reason from dim_document where line_source_reason is not null"
    ).fetchall())


def _failed_checks(con) -> dict[str, str]:
    """document_id → 'N checks failed, M within tolerance' from the published warehouse."""
    rows = con.execute(
        """select document_id, count(*) filter (where status = 'fail'),
                  count(*) filter (where status = 'pass_within_tolerance')
           from check_results group by 1"""
    ).fetchall()
    return {d: f"{f} checks failed, {w} within tolerance" for d, f, w in rows}


def _store(paths: Paths, args: argparse.Namespace):
    """The event store of the warehouse (--event-store / BUDGETWH_EVENT_STORE, else the file beside it); a
    missing one is an error (a typo in --warehouse or --event-store)."""
    from .events.store import open_event_store

    store = open_event_store(event_store_from_args(args), paths.events_db)
    if not store.exists():
        raise ValueError(f"no warehouse at {paths.warehouse} (no event log at {store.location}; run `budgetwh build`)")
    return store


def cmd_correct(args: argparse.Namespace) -> int:
    from .events.commands import correct_cell, resolve_document_id

    value = parse_amount_text(args.value)  # refused before the log is opened
    store = _store(paths_from_args(args), args)
    doc = resolve_document_id(store, args.document)
    ev = correct_cell(store, doc, args.table, args.row, args.column, value, args.reason, args.author)
    print(f"CellCorrected {ev.event_id} appended; run `budgetwh build` to update the marts")
    return 0


def cmd_retract(args: argparse.Namespace) -> int:
    from .events.commands import resolve_document_id, retract_document

    store = _store(paths_from_args(args), args)
    ev = retract_document(store, resolve_document_id(store, args.document), args.reason, args.author)
    print(f"DocumentRetracted {ev.event_id} appended; run `budgetwh build` to update the marts")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from .events.commands import history, resolve_document_id

    store = _store(paths_from_args(args), args)
    doc = resolve_document_id(store, args.document) if args.document else None
    rows = history(store, doc, args.unit)
    if not rows:
        raise ValueError(f"no events for unit {args.unit!r}" if args.unit else f"no events for {doc[:12]}")
    for at, kind, d, event_id, version, detail in rows:
        print(f"{at:%Y-%m-%d %H:%M:%S}  {kind:<19} {d[:12] if d else '-':<12}  {event_id[:12]}  {version:<10} {detail}")
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    from .trace import trace

    document = check_document_prefix(args.document) if args.document else None
    print(trace(paths_from_args(args).warehouse, document, args.unit, args.year, args.code, args.table, args.row))
    return 0


def cmd_postgres_marts(args: argparse.Namespace) -> int:
    """dbt build --target postgres + the identity suites on the server; with --compare, every published table
    against the embedded build of the same warehouse (docs/scale-out.md)."""
    from .events.store import redact
    from .postgres import build_on_postgres, compare_published

    url = event_store_from_args(args)
    if not url:
        raise ValueError("the marts on PostgreSQL need the server: --event-store postgresql://… or $BUDGETWH_EVENT_STORE")
    paths = paths_from_args(args)
    work_dir = paths.warehouse.parent / "postgres"
    print(f"building the marts on {redact(url)} (dbt output in {work_dir})", flush=True)
    result = build_on_postgres(url, work_dir)
    if result.dbt_returncode:
        print(f"{result.dbt_output}\nbudgetwh postgres-marts: dbt build --target postgres FAILED", file=sys.stderr)
        return FAILED
    counts = result.check_results["status"].value_counts().to_dict()
    print(f"checks: {status_counts(counts)}")
    if not args.compare:
        return 0
    if not paths.build_db.exists():
        raise ValueError(f"--compare: no embedded build at {paths.build_db} (run `budgetwh build` first)")
    diffs = compare_published(paths.build_db, url, work_dir / "target" / "manifest.json")
    for table, problems in diffs.items():
        print(f"{table} differs:\n  " + "\n  ".join(problems))
    print("identical to the embedded build: every published table" if not diffs else
          f"{len(diffs)} tables differ from {paths.build_db}")
    return FAILED if diffs else 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    paths = paths_from_args(args)
    out = Path(args.out).resolve() if args.out else paths.report_dir
    target, _, charts = write_report(paths.warehouse, out, pngs=args.png)
    print(f"report: {target} ({sum(c.figure is not None for c in charts)} charts)")
    return 0


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line (its usage is one `--help` away)."""

    def error(self, message: str):  # noqa: ANN201 - argparse's signature
        self.exit(BAD_ARGUMENT, f"{self.prog}: {message} (see {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="budgetwh", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="ingest raw documents and build + publish the warehouse")
    build.add_argument("--raw-dir", default=None, help=f"documents folder (default {REPO_ROOT / 'raw'})")
    build.add_argument("--warehouse", default=None, help="published DuckDB file (default warehouse/budget.duckdb)")
    build.add_argument("--as-of", default=None, help="rebuild as known at this UTC timestamp (events after it ignored)")
    build.add_argument("--full-refresh", action="store_true",
                       help="rebuild the incremental dbt models from the whole event log")
    build.add_argument("--dask-scheduler", default=None, metavar="ADDRESS",
                       help="extract on this dask.distributed scheduler, one task per document (tcp://host:8786; "
                       "default $BUDGETWH_DASK_SCHEDULER, else worker processes here; docs/scale-out.md)")
    build.set_defaults(func=cmd_build)
    correct = sub.add_parser("correct", help="fix one extracted cell (appends a CellCorrected event)")
    correct.add_argument("--document", required=True, help="document id (a unique prefix is enough)")
    correct.add_argument("--table", type=int, required=True, help="table_index")
    correct.add_argument("--row", type=int, required=True, help="row_index")
    correct.add_argument("--column", required=True, help="canonical column name, e.g. total")
    correct.add_argument("--value", required=True, help="the corrected cell text, e.g. 1,234.56")
    correct.add_argument("--reason", required=True)
    correct.add_argument("--author", default=os.environ.get("USER"))
    correct.add_argument("--warehouse", default=None)
    correct.set_defaults(func=cmd_correct)
    retract = sub.add_parser("retract", help="withdraw a document (appends a DocumentRetracted event)")
    retract.add_argument("--document", required=True)
    retract.add_argument("--reason", required=True)
    retract.add_argument("--author", default=os.environ.get("USER"))
    retract.add_argument("--warehouse", default=None)
    retract.set_defaults(func=cmd_retract)
    hist = sub.add_parser("history", help="the event timeline of a document or a unit code")
    group = hist.add_mutually_exclusive_group(required=True)
    group.add_argument("--document")
    group.add_argument("--unit")
    hist.add_argument("--warehouse", default=None)
    hist.set_defaults(func=cmd_history)
    status = sub.add_parser("status", help="per-document extraction status from the event log")
    status.add_argument("--warehouse", default=None)
    status.set_defaults(func=cmd_status)
    store_help = ("where the event log is: a postgresql:// URL (default $BUDGETWH_EVENT_STORE; unset: the DuckDB "
                  "file events.duckdb beside the warehouse)")
    for command in (build, correct, retract, hist, status):
        command.add_argument("--event-store", default=None, help=store_help)
    tr = sub.add_parser("trace", help="where a fact_expenditure number comes from: file, page, row, models, checks")
    tr.add_argument("--document", help="document id prefix")
    tr.add_argument("--table", type=int)
    tr.add_argument("--row", type=int)
    tr.add_argument("--unit", help="unit code or unit_key")
    tr.add_argument("--year", type=int)
    tr.add_argument("--code", help="function code (7 digits)")
    tr.add_argument("--warehouse", default=None)
    tr.set_defaults(func=cmd_trace)
    rep = sub.add_parser("report", help="charts of the published warehouse as one self-contained HTML page")
    rep.add_argument("--warehouse", default=None)
    rep.add_argument("--out", default=None, help="folder for index.html (default warehouse/report/)")
    rep.add_argument("--png", action="store_true", help="also write each chart as <chart>.png")
    rep.set_defaults(func=cmd_report)
    pgm = sub.add_parser("postgres-marts", help="build the marts on the PostgreSQL server of the event store "
                         "(dbt build --target postgres, then the identity checks there)")
    pgm.add_argument("--event-store", default=None, help=store_help)
    pgm.add_argument("--warehouse", default=None, help="the embedded warehouse (dbt's output goes beside it)")
    pgm.add_argument("--compare", action="store_true",
                     help="compare every published table with the embedded build of the same log, row for row")
    pgm.set_defaults(func=cmd_postgres_marts)
    args = parser.parse_args(argv)
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run a command; what goes wrong is one line on stderr and a non-zero status, never a traceback."""
    import duckdb
    import psycopg2

    from .resources import StoreBusyError

    try:
        return args.func(args)
    except ValueError as exc:  # a bad argument, a missing warehouse or a missing match
        print(f"budgetwh {args.command}: {_one_line(exc)}", file=sys.stderr)
        return BAD_ARGUMENT
    except (StoreBusyError, OSError, duckdb.Error, psycopg2.Error) as exc:
        print(f"budgetwh {args.command}: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return FAILED
    except Exception as exc:  # a bug: still one line; BUDGETWH_DEBUG=1 shows the traceback
        if os.environ.get("BUDGETWH_DEBUG"):
            raise
        print(f"budgetwh {args.command}: internal error {type(exc).__name__}: {_one_line(exc)} "
              "(BUDGETWH_DEBUG=1 shows where)", file=sys.stderr)
        return FAILED


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


if __name__ == "__main__":
    sys.exit(main())
