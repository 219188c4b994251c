"""Where `make test` spends its CPU: a pytest plugin that appends, for every test, the CPU seconds of the
worker itself and of the subprocesses it waited for (a `budgetwh build`, dbt), and its wall time.

    PYTHONPATH=benchmarks BUDGETWH_TEST_CPU=/tmp/test_cpu.tsv .venv/bin/pytest -n 3 --dist loadscope -p pytest_cpu
    .venv/bin/python benchmarks/pytest_cpu.py /tmp/test_cpu.tsv     # CPU seconds per module, largest first

A module-scoped build is counted in the first test that asks for it; servers that detach (PostgreSQL,
`dagster dev`'s processes) are not counted.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections import defaultdict

import pytest


def _cpu() -> tuple[float, float]:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    (own, children), started = _cpu(), time.time()
    yield
    own_after, children_after = _cpu()
    with open(os.environ.get("BUDGETWH_TEST_CPU", "test_cpu.tsv"), "a", encoding="utf-8") as out:
        out.write(f"{item.nodeid}\t{own_after - own:.1f}\t{children_after - children:.1f}\t"
                  f"{time.time() - started:.1f}\n")


def by_module(path: str) -> list[tuple[str, float, float]]:
    """(module, CPU seconds, wall seconds) from the plugin's file, largest CPU first."""
    cpu: dict[str, float] = defaultdict(float)
    wall: dict[str, float] = defaultdict(float)
    with open(path, encoding="utf-8") as rows:
        for row in rows:
            nodeid, own, children, seconds = row.rstrip("\n").split("\t")
            module = nodeid.split("::")[0]
            cpu[module] += float(own) + float(children)
            wall[module] += float(seconds)
    return sorted(((m, cpu[m], wall[m]) for m in cpu), key=lambda r: -r[1])


if __name__ == "__main__":
    rows = by_module(sys.argv[1])
    for module, cpu_seconds, wall_seconds in rows:
        print(f"{cpu_seconds:8.1f} CPU-s {wall_seconds:8.1f} s  {module}")
    print(f"{sum(r[1] for r in rows):8.1f} CPU-s in all")
