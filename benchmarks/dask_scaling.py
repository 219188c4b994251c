"""Extraction throughput on a local Dask cluster: 1 vs 2 worker processes on the same corpus.

The corpus (default: raw/samples and ../shared/real, or --synthetic N documents of a tools.synthcorpus
corpus) is extracted through `extraction_dask.extract_documents_dask` — one task per document — on a
`dask scheduler` with 1 and then 2 `dask worker` processes of one thread each (local_cluster), and, for
reference, through the local process pool (`ingest.extract_documents`) with 1 and 2 processes. Each
worker's forkserver is started before the clock starts (`prepare_worker`), as on a long-running cluster.
Throughput is documents per hour of wall time (submit to last result); the speedup is 2 workers over 1.
The event ids of every run are compared: each run must produce the same events.

Note that a 2-core machine shared with other work bounds the speedup below 2 (the scheduler, the client
and whatever else runs take their share); the load average is printed with the figures.

    .venv/bin/python benchmarks/dask_scaling.py [--dirs raw/samples ../shared/real] [--synthetic N --corpus DIR]
        [--rounds 2]

Writes benchmarks/results/dask_scaling.md and merges `dask_speedup_2_workers`,
`dask_docs_per_hour_per_worker` (1 worker, wall clock), `dask_docs_per_hour_2_workers` and
`dask_docs_per_core_hour` (1 worker, CPU time of every process involved) into summary.json.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import ROOT, corpus_files, ensure_corpus, markdown, merge_summary, write_result  # noqa: E402
from dagster_project.extraction_dask import (  # noqa: E402
    extract_documents_dask,
    local_cluster,
    prepare_worker,
)
from dagster_project.ingest import Limits, RawFile, extract_documents, scan_raw  # noqa: E402


def corpus(dirs: list[Path], synthetic: int, synthetic_dir: Path) -> list[RawFile]:
    raws = [raw for d in dirs if d.is_dir() for raw in scan_raw(d)]
    if synthetic:
        ensure_corpus(synthetic_dir, synthetic)
        wanted = set(corpus_files(synthetic_dir, synthetic))
        raws += [raw for raw in scan_raw(synthetic_dir / "raw") if raw.path in wanted]
    return list({raw.document_id: raw for raw in raws}.values())  # one task per distinct document


def own_cpu_s() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def tree_cpu_s(pids: list[int]) -> float:
    """CPU seconds of processes (the cluster's) and all their descendants, living or waited for."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for proc in procs:
            try:
                t = proc.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system + t.children_user + t.children_system
    return total


def timed(run, cluster_pids: list[int] | None = None) -> tuple[float, float, dict[str, frozenset[str]]]:
    """(wall s, CPU s of this process, its children and the cluster, events by document) of one pass."""
    cpu0, started = own_cpu_s() + tree_cpu_s(cluster_pids or []), time.perf_counter()
    events = {raw.document_id: frozenset(e.event_id for e in evs) for raw, evs in run()}
    wall = time.perf_counter() - started
    time.sleep(0.5)  # the forkservers reap their last children
    return wall, own_cpu_s() + tree_cpu_s(cluster_pids or []) - cpu0, events


def on_dask(raws: list[RawFile], workers: int) -> tuple[float, float, dict]:
    with local_cluster(workers=workers, threads=1) as cluster, cluster.client() as client:
        client.run(prepare_worker)
        pids = [cluster.scheduler.pid, *(w.pid for w in cluster.workers)]
        return timed(lambda: extract_documents_dask(raws, Limits(), cluster.address), pids)


def on_local_pool(raws: list[RawFile], workers: int) -> tuple[float, float, dict]:
    return timed(lambda: extract_documents(raws, Limits(workers=workers)))


def per_hour(n: int, seconds: float) -> float:
    return n * 3600 / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--dirs", nargs="*", type=Path, default=[ROOT / "raw" / "samples", ROOT.parent / "shared" / "real"]
    )
    ap.add_argument(
        "--synthetic", type=int, default=0, help="add the first N documents of a synthetic corpus"
    )
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/budgetwh-bench/corpus"))
    ap.add_argument("--rounds", type=int, default=2, help="timed passes per setup (the best one counts)")
    args = ap.parse_args()

    raws = corpus(args.dirs, args.synthetic, args.corpus)
    if not raws:
        sys.exit("no documents in the corpus")
    n = len(raws)
    print(
        f"{n} documents ({sum(r.size_bytes for r in raws) / 1e6:.1f} MB) from "
        f"{', '.join(str(d) for d in args.dirs)}{f' + {args.synthetic} synthetic' if args.synthetic else ''}"
    )
    setups = [
        ("Dask", 1, on_dask),
        ("Dask", 2, on_dask),
        ("local process pool", 1, on_local_pool),
        ("local process pool", 2, on_local_pool),
    ]
    best: dict[tuple[str, int], float] = {}
    cpu: dict[tuple[str, int], float] = {}
    events_of_runs: list[dict] = []
    for rnd in range(args.rounds):  # rounds outside, setups inside: each setup sees the machine's load alike
        for name, workers, run in setups:
            seconds, cpu_s, events = run(raws, workers)
            best[name, workers] = min(seconds, best.get((name, workers), seconds))
            cpu[name, workers] = min(cpu_s, cpu.get((name, workers), cpu_s))
            events_of_runs.append(events)
            print(
                f"  pass {rnd + 1}: {name}, {workers} worker(s): {seconds:.1f} s wall, {cpu_s:.1f} CPU s "
                f"({per_hour(n, seconds):,.0f} documents/hour)  load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    identical = len(events_of_runs[0]) == n and all(e == events_of_runs[0] for e in events_of_runs)

    rows = []
    for (name, workers), seconds in best.items():
        cpu_per_doc = cpu[name, workers] / n
        rows.append(
            [
                name,
                workers,
                n,
                f"{seconds:.1f}",
                f"{per_hour(n, seconds):,.0f}",
                f"{per_hour(n, seconds) / workers:,.0f}",
                f"{best[name, 1] / seconds:.2f}",
                f"{cpu_per_doc:.2f}",
                f"{3600 / cpu_per_doc:,.0f}",
            ]
        )
    speedup = best["Dask", 1] / best["Dask", 2]
    corpus_text = (
        f"{', '.join(str(d) for d in args.dirs)}{f' + {args.synthetic} synthetic' if args.synthetic else ''}"
    )
    text = "\n".join(
        [
            "# Extraction throughput on Dask: 1 vs 2 local workers",
            "",
            f"Corpus: {n} documents ({corpus_text}); machine: {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} at the end; best of {args.rounds} pass(es). Workers have one thread each. "
            "Wall-clock throughput is documents per hour from submit to the last result; CPU s/doc counts every "
            "process involved (the client, and the scheduler, nannies, workers, forkservers and document children, "
            "or the local pool's children), so docs per core-hour (3600 / CPU s/doc) is what one fully available "
            "core extracts whatever else runs on the machine (benchmarks/dask_scaling.py).",
            "",
            markdown(
                [
                    "setup",
                    "workers",
                    "documents",
                    "wall s",
                    "docs/hour",
                    "docs/hour per worker",
                    "speedup vs 1",
                    "CPU s/doc",
                    "docs per core-hour",
                ],
                rows,
            ),
            "",
            f"Events of all runs identical (event ids per document): {'yes' if identical else 'NO'}",
        ]
    )
    path = write_result("dask_scaling.md", text)
    merge_summary(
        {
            "dask_speedup_2_workers": round(speedup, 2),
            "dask_docs_per_hour_per_worker": round(per_hour(n, best["Dask", 1])),
            "dask_docs_per_hour_2_workers": round(per_hour(n, best["Dask", 2])),
            "dask_docs_per_core_hour": round(3600 * n / cpu["Dask", 1]),
        }
    )
    print(text)
    print(f"written {path}")
    if not identical:
        sys.exit("the runs produced different events")


if __name__ == "__main__":
    main()
