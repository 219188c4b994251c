"""Helpers shared by the benchmarks: the repo root, markdown tables, results files and summary.json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUDGETWH = Path(sys.executable).with_name("budgetwh")  # the CLI of the venv running the benchmark
RESULTS = ROOT / "benchmarks" / "results"
SUMMARY_KEYS = (
    "extraction_speedup_vs_pdfplumber",
    "extraction_speedup_vs_camelot",
    "extraction_cell_f1",
    "add_one_doc_ratio_n200_vs_n5",
    "query_p95_ms_10m_rows",
    "peak_rss_mb_n200",
    "dask_speedup_2_workers",
    "dask_docs_per_hour_per_worker",
)


def markdown(head: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def write_result(name: str, text: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def merge_summary(values: dict[str, Any]) -> dict[str, Any]:
    """Merge measured headline figures into results/summary.json; keys not measured stay null."""
    path = RESULTS / "summary.json"
    summary: dict[str, Any] = dict.fromkeys(SUMMARY_KEYS)
    if path.exists():
        summary.update(json.loads(path.read_text(encoding="utf-8")))
    summary.update(values)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def ensure_corpus(out: Path, n: int, seed: int = 1) -> Path:
    """A synthetic corpus of at least n documents in out/raw (+ out/gold), generated when missing.
    tools.synthcorpus.plan is prefix-stable, so the first n files of a larger corpus are this one."""
    raw = out / "raw"
    if len(list(raw.glob("*.pdf"))) < n:
        subprocess.run([sys.executable, "-m", "tools.synthcorpus", "--n", str(n), "--out", str(out),
                        "--seed", str(seed)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return out


def corpus_files(out: Path, n: int) -> list[Path]:
    return sorted((out / "raw").glob("*.pdf"))[:n]


def fresh_raw(work: Path, files: list[Path]) -> Path:
    """Empty `work`, then copy `files` into work/raw (a raw folder for `budgetwh build`); returns it."""
    shutil.rmtree(work, ignore_errors=True)
    raw = work / "raw"
    raw.mkdir(parents=True)
    for f in files:
        shutil.copy2(f, raw / f.name)
    return raw
