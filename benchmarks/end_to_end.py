"""End-to-end build: wall time and peak memory of `budgetwh build` for N synthetic documents, and the
time to add one document to an already-built warehouse.

For each N in --sizes: N files of a tools.synthcorpus corpus are copied into a fresh raw folder and
`budgetwh build` runs as a subprocess; its process tree (the build, its per-document extraction
workers, dbt) is sampled with psutil every 0.1 s: peak RSS = the largest sum over the tree at one
sample (short-lived peaks between samples can be missed), and the same sum of PSS (shared pages of the
forked workers divided among them rather than counted once per process); the largest single process's max RSS
(getrusage RUSAGE_CHILDREN ru_maxrss) is reported too.  Then one more corpus file is copied in and
the build runs again: "add one" time.  The synthetic ground truth is checked on every built
warehouse (tools/synthcorpus/verify.py).

    .venv/bin/python benchmarks/end_to_end.py [--sizes 5,50,200] [--corpus DIR] [--work DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    BUDGETWH,
    ROOT,
    corpus_files,
    ensure_corpus,
    fresh_raw,
    markdown,
    merge_summary,
    write_result,
)
from tools.synthcorpus.verify import verify  # noqa: E402

HEADER = ["N", "build s", "s/doc", "peak tree RSS MB", "peak tree PSS MB", "max single-process RSS MB",
          "add one doc s", "ground truth ok", "exit codes"]


def tree_memory(proc) -> tuple[int, int]:
    """(RSS, PSS) summed over a process and its children. Forked extraction workers share their parent's
    pages: RSS counts a shared page once per process, PSS divides it among them."""
    import psutil

    rss = pss = 0
    try:
        tree = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for p in tree:
        try:
            info = p.memory_full_info()
            rss, pss = rss + info.rss, pss + info.pss
        except psutil.Error:
            pass
    return rss, pss


def timed_build(raw: Path, warehouse: Path, log: Path) -> tuple[float, float, float, int]:
    """(seconds, peak tree RSS MB, peak tree PSS MB, exit code)."""
    import psutil

    start = time.perf_counter()
    with log.open("a") as out:
        proc = psutil.Popen([str(BUDGETWH), "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
                            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        peak_rss = peak_pss = 0
        while proc.poll() is None:
            rss, pss = tree_memory(proc)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.1)
    return time.perf_counter() - start, peak_rss / 2**20, peak_pss / 2**20, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5,50,200")
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/budgetwh-bench/corpus"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/budgetwh-bench/e2e"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ensure_corpus(args.corpus, max(sizes) + 1)
    gold = args.corpus / "gold"
    rows, add_one, peaks, pss_peaks = [], {}, {}, {}
    for n in sizes:
        work = args.work / f"n{n}"
        files = corpus_files(args.corpus, n + 1)
        raw, warehouse, log = fresh_raw(work, files[:n]), work / "wh" / "budget.duckdb", work / "bench.log"
        seconds, peak_mb, pss_mb, rc = timed_build(raw, warehouse, log)
        maxrss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        checked = verify(warehouse, gold) if rc == 0 else []
        shutil.copy2(files[n], raw / files[n].name)
        add_s, _, _, rc2 = timed_build(raw, warehouse, log)
        add_one[n], peaks[n], pss_peaks[n] = add_s, peak_mb, pss_mb
        ok = sum(r["ok"] for r in checked)
        rows.append([n, f"{seconds:.1f}", f"{seconds / n:.2f}", f"{peak_mb:.0f}", f"{pss_mb:.0f}", f"{maxrss_mb:.0f}",
                     f"{add_s:.1f}", f"{ok}/{len(checked)}", f"{rc}/{rc2}"])
        print(markdown(HEADER, rows[-1:]), flush=True)
    ratio = None
    if 5 in add_one and 200 in add_one:
        ratio = round(add_one[200] / add_one[5], 3)
    text = "\n".join([
        "# End-to-end build (`budgetwh build`, synthetic corpus)", "",
        markdown(HEADER, rows), "",
        f"add one document, N=200 vs N=5: {ratio if ratio is not None else 'not measured'}",
        "(max single-process RSS is cumulative over this benchmark's children: a floor, not per N)",
    ])
    print(text)
    write_result("end_to_end.md", text)
    merge_summary({"add_one_doc_ratio_n200_vs_n5": ratio,
                   "peak_rss_mb_n200": round(peaks[200], 1) if 200 in peaks else None,
                   "peak_pss_mb_n200": round(pss_peaks[200], 1) if 200 in pss_peaks else None})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
