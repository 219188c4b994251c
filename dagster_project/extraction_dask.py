"""Extraction fanned out over a dask.distributed cluster: one task per document (issue #21, part 3).

Without a scheduler nothing changes: `extract` hands the documents to `ingest.extract_documents` (forked
worker processes on this machine). With one — `budgetwh build --dask-scheduler tcp://host:8786`, the
`dask_scheduler` field of the `extracted_documents` run config, or `BUDGETWH_DASK_SCHEDULER` — each
document becomes one task on the cluster and its events come back as the task finishes.

API (the `extracted_documents` asset, tests/test_dask_extraction.py, tests/test_scale_out.py and
benchmarks/dask_scaling.py call these):

    extract_documents_dask(raws, limits, scheduler) -> Iterator[tuple[RawFile, list[Event]]]
        Submits one task per document to the cluster at `scheduler` and yields (raw, events) in the order
        the tasks finish (`as_completed`): the events `ingest.extract_documents` yields for the document on
        this machine, byte for byte (so the same content-hash event ids). The caller appends each
        document's events as they arrive (one transaction per document). A task that could not run at all
        (the file is not where the worker looks, workers that may not start processes, a task whose worker
        died more often than the scheduler allows) yields nothing; after every other document has been
        yielded, DaskExtractionError names them. A document that fails to extract is not such an error: it
        yields its ExtractionFailed event, as locally.
    extract(raws, limits, scheduler=None)
        The dispatch: Dask when a scheduler is named, else the local process pool.
    scheduler_address(configured=None) -> str | None
        The scheduler to use: the configured address, else $BUDGETWH_DASK_SCHEDULER, else None (checked).
    local_cluster(workers=2, threads=1) -> context manager yielding a LocalDaskCluster
        `dask scheduler` and `dask worker` processes on this machine (tests, benchmarks, one-machine use):
        `.address` for the above, `.client()` to look at it.

How a task stays bounded. The task runs in a thread of a Dask worker and hands its document to
`ingest.extract_documents` — the same code and the same `ingest.Limits` as on one machine — which reads it
in a child process under the memory rlimit, killed at the wall-clock timeout. The child is forked from a
forkserver (a clean single-threaded process with the extraction modules imported once per worker), not
from the worker, whose threads make a plain fork unsafe. A pathological document ends a child, never the
worker; it yields ExtractionFailed with the same reason as locally.

Raw files stay on shared storage. A task carries the document's path and id, not its bytes: every worker
must see the raw folder at the same path as the process that scans it (an NFS/SMB/CephFS mount at one
mount point, e.g. /mnt/budget/raw). Before reading, the worker checks the file's sha256 against the
document id; a missing or different file is a DaskExtractionError, never an event.

Workers. A daemonic process may not start child processes, and a Nanny starts its worker as a daemon by
default: run workers with `DASK_DISTRIBUTED__WORKER__DAEMON=False` (`local_cluster` does). Each worker
needs this package installed (the same version: the events carry EXTRACTOR_VERSION). `--nthreads` is the
number of documents a worker reads at once (one per core); the nanny's memory limit does not see the
children, whose bound is `Limits.memory_mb` each.

A lost worker. When a worker dies mid-task the scheduler runs its tasks again elsewhere. Only a finished
task's result reaches this process, once; and a task run twice produces the same events with the same ids,
which the event store's `insert … on conflict do nothing` turns into a no-op — nothing is lost or doubled.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client

    from .events.store import Event
    from .ingest import Limits, RawFile

# Light on purpose: a worker unpickles a task (this module's function and its arguments) in its event loop,
# so the task carries plain values and the extraction modules (which import Dagster) are imported in the
# task's thread.

log = logging.getLogger(__name__)

SCHEDULER_ENV = "BUDGETWH_DASK_SCHEDULER"
# Imported once per worker by its forkserver, so that each document's child starts with them loaded.
FORKSERVER_PRELOAD = ["dagster_project.ingest", "dagster_project.extraction.warm"]
ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?[\w.\-\[\]:]+:\d{1,5}$")
CONNECT_TIMEOUT = "30s"


class DaskExtractionError(RuntimeError):
    """Documents the cluster could not run (never a document that failed to extract: that is an event)."""

    def __init__(self, failures: dict[str, str]):
        self.failures = failures  # file name → reason
        listed = "; ".join(f"{name}: {reason}" for name, reason in list(failures.items())[:5])
        more = f" (and {len(failures) - 5} more)" if len(failures) > 5 else ""
        super().__init__(f"{len(failures)} document(s) not extracted on the Dask cluster: {listed}{more}")


def check_address(address: str) -> str:
    """A scheduler address as Dask takes it (`tcp://host:8786`, `tls://host:8786`, `host:8786`)."""
    address = address.strip()
    if not ADDRESS.match(address):
        raise ValueError(f"Dask scheduler address {address!r} is not of the form tcp://host:port")
    return address


def scheduler_address(configured: str | None = None) -> str | None:
    """The scheduler extraction uses: the run config's (or --dask-scheduler's), else $BUDGETWH_DASK_SCHEDULER,
    else None: the local process pool."""
    address = configured or os.environ.get(SCHEDULER_ENV) or None
    return check_address(address) if address else None


def extract(
    raws: list[RawFile], limits: Limits, scheduler: str | None = None, timings: dict[str, float] | None = None
) -> Iterator[tuple[RawFile, list[Event]]]:
    """Each document's events as it is done: on the Dask cluster at `scheduler`, or on this machine (where
    `timings`, if given, receives the seconds each document took: ingest.extract_documents)."""
    if scheduler:
        return extract_documents_dask(raws, limits, scheduler)
    from .ingest import extract_documents

    return extract_documents(raws, limits, timings=timings)


def prepare_worker() -> None:
    """Import the extraction modules and start this worker's forkserver with them imported (what the first
    task on a worker does; `client.run(prepare_worker)` does it ahead of time)."""
    import importlib
    from multiprocessing import forkserver

    importlib.import_module("dagster_project.ingest")  # what the worker's own thread runs
    multiprocessing.get_context("forkserver").set_forkserver_preload(FORKSERVER_PRELOAD)
    forkserver.ensure_running()


def task_args(raw: RawFile, limits: Limits) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a task carries: the document's path (on shared storage), id, format and size, and the limits."""
    return {**asdict(raw), "path": str(raw.path)}, asdict(limits)


def extract_on_worker(raw_fields: dict[str, Any], limit_fields: dict[str, Any]) -> list[Event]:
    """The task: one document's events, read in a child process of this worker's forkserver under the limits."""
    from .ingest import Limits, RawFile, extract_documents, sha256_file

    raw = RawFile(**{**raw_fields, "path": Path(raw_fields["path"])})
    limits = Limits(**limit_fields)
    if multiprocessing.current_process().daemon:
        raise RuntimeError(
            "this Dask worker is a daemonic process and may not start the child that reads a "
            "document: start workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
        )
    if not raw.path.is_file():
        raise FileNotFoundError(
            f"{raw.path} is not on this worker ({os.uname().nodename}): the raw folder "
            "must be mounted at the same path on every worker"
        )
    if sha256_file(raw.path) != raw.document_id:
        raise ValueError(
            f"{raw.path} on worker {os.uname().nodename} is not document {raw.document_id[:12]} "
            "(changed since the scan, or another file at that path)"
        )
    prepare_worker()
    [(_, events)] = extract_documents([raw], replace(limits, workers=1), start_method="forkserver")
    return events


def task_key(raw: RawFile, limits: Limits) -> str:
    """The task's name on the dashboard; equal for the same document, limits and extractor version, so two
    builds submitting the same document to one scheduler share one task."""
    from dask.base import tokenize

    from .ingest import EXTRACTOR_VERSION

    return f"budgetwh-extract-{raw.file_name[:40]}-{tokenize(raw.document_id, str(raw.path), limits, EXTRACTOR_VERSION)}"


def extract_documents_dask(
    raws: list[RawFile], limits: Limits, scheduler: str
) -> Iterator[tuple[RawFile, list[Event]]]:
    """One task per document on the cluster at `scheduler`; (raw, events) as each task finishes (module doc)."""
    if not raws:
        return
    from distributed import Client, as_completed

    client = Client(check_address(scheduler), timeout=CONNECT_TIMEOUT, set_as_default=False)
    futures = {}
    try:
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        log.info("extracting %d documents on %s (%d workers now)", len(raws), scheduler, workers)
        futures = {
            client.submit(
                extract_on_worker, *task_args(raw, limits), key=task_key(raw, limits), retries=0
            ): raw
            for raw in raws
        }
        failures: dict[str, str] = {}
        for future in as_completed(futures, loop=client.loop):
            raw = futures.pop(future)
            if future.status == "error":
                exc = future.exception()
                failures[raw.file_name] = f"{type(exc).__name__}: {exc}"
                log.error("%s: not extracted on the cluster: %s", raw.file_name, failures[raw.file_name])
                continue
            events = future.result()
            future.release()
            yield raw, events
        if failures:
            raise DaskExtractionError(failures)
    finally:
        if futures:  # the caller stopped early or something failed: free the cluster
            client.cancel(list(futures))
        client.close()


# One machine: `dask scheduler` + `dask worker` processes (tests, benchmarks, docs/scale-out.md).


@dataclass
class LocalDaskCluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen] = field(default_factory=list)  # the `dask worker` (nanny) processes

    def client(self) -> Client:
        from distributed import Client

        return Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)


def _dask_cli() -> str:
    beside = Path(sys.executable).with_name("dask")
    return str(beside) if beside.exists() else (shutil.which("dask") or "dask")


def _die_with_parent():
    """A preexec_fn (run in the child between fork and exec) that has the child sent SIGTERM when the
    process that started it dies (Linux prctl PR_SET_PDEATHSIG), so that a killed test run or benchmark
    leaves no cluster behind. prctl is looked up here, in the parent: the child only calls it."""
    import ctypes
    import functools

    pr_set_pdeathsig = 1
    return functools.partial(ctypes.CDLL(None, use_errno=True).prctl, pr_set_pdeathsig, signal.SIGTERM)


def worker_env() -> dict[str, str]:
    """The environment a worker needs: non-daemonic (it starts the children that read documents)."""
    return {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def _stop(procs: list[subprocess.Popen], grace_s: float = 10.0) -> None:
    """SIGTERM to all at once (a nanny then closes its worker), SIGKILL to any still running after grace_s."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def local_cluster(
    workers: int = 2, threads: int = 1, start_timeout_s: float = 90.0
) -> Iterator[LocalDaskCluster]:
    """A Dask scheduler on a free local port and `workers` worker processes (each under its nanny, with
    `threads` threads), as the CLIs start them on a real cluster; stopped on exit."""
    tmp = Path(tempfile.mkdtemp(prefix="budgetwh-dask-"))
    scheduler_file = tmp / "scheduler.json"
    dask = _dask_cli()
    die_with_parent = _die_with_parent()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": open(tmp / "cluster.log", "ab")}  # noqa: SIM115
    scheduler = subprocess.Popen(
        [
            dask,
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(scheduler_file),
        ],
        **quiet,
        preexec_fn=die_with_parent,
    )
    cluster = None
    try:
        deadline = time.monotonic() + start_timeout_s
        while not scheduler_file.exists():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dask scheduler did not start (log: {tmp / 'cluster.log'})")
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        cluster = LocalDaskCluster(address, scheduler)
        for i in range(workers):
            cluster.workers.append(
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--nthreads",
                        str(threads),
                        "--name",
                        f"local-{i}",
                        "--no-dashboard",
                        "--host",
                        "127.0.0.1",
                        "--local-directory",
                        str(tmp / f"worker-{i}"),
                    ],
                    env=worker_env(),
                    **quiet,
                    preexec_fn=die_with_parent,
                )
            )
        with cluster.client() as client:
            client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
        yield cluster
    finally:
        _stop(cluster.workers if cluster else [])
        _stop([scheduler])
        quiet["stderr"].close()
        shutil.rmtree(tmp, ignore_errors=True)
