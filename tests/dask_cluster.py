"""Killing a Dask worker in the middle of a task, for the tests of extraction on Dask
(tests/test_dask_extraction.py, tests/test_scale_out.py).

    with local_cluster(workers=2) as cluster, WorkerKiller(cluster) as killer:
        for raw, events in extract_documents_dask(raws, limits, cluster.address):
            ...
    killer.killed  # the worker's address, pid and the task keys it was executing when it got SIGKILL

`WorkerKiller` watches the cluster from a thread; as soon as a worker is executing a task, it sends that
worker's process (not its nanny, which then starts a new one) SIGKILL, once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass

from dagster_project.extraction_dask import LocalDaskCluster


@dataclass(frozen=True)
class Killed:
    worker: str
    pid: int
    executing: list[str]  # task keys


class WorkerKiller:
    def __init__(self, cluster: LocalDaskCluster, timeout_s: float = 120.0):
        self.cluster = cluster
        self.timeout_s = timeout_s
        self.killed: Killed | None = None
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="dask-worker-killer", daemon=True)

    def __enter__(self) -> WorkerKiller:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        try:

            def executing_tasks(dask_worker) -> list[str]:  # runs on each worker (Client.run); a nested
                # function travels by value (the workers cannot import this test helper)
                return [
                    str(k)
                    for k, ts in dask_worker.state.tasks.items()
                    if ts.state in ("executing", "long-running")
                ]

            with self.cluster.client() as client:
                deadline = time.monotonic() + self.timeout_s
                while not self._stop.is_set() and time.monotonic() < deadline:
                    answers = client.run(executing_tasks, on_error="return")
                    if answers and all(isinstance(a, BaseException) for a in answers.values()):
                        raise next(iter(answers.values()))
                    busy = {w: keys for w, keys in answers.items() if isinstance(keys, list) and keys}
                    if busy:
                        worker, keys = next(iter(busy.items()))
                        pid = client.run(os.getpid, workers=[worker])[worker]
                        os.kill(pid, signal.SIGKILL)
                        self.killed = Killed(worker, pid, keys)
                        return
                    time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 - reported to the test through .error
            self.error = exc
