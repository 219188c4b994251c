"""python -m tools.synthcorpus --n 200 --out DIR --seed 1: DIR/raw/*.pdf and DIR/gold/*.json."""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import Variant, build_document, plan


def _one(args: tuple[Variant, Path, Path]) -> tuple[str, int]:
    v, raw, gold = args
    with tempfile.TemporaryDirectory(prefix="synthcorpus-") as work:
        build_document(v, raw, gold, Path(work))
    return v.name, (raw / f"{v.name}.pdf").stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    raw, gold = args.out / "raw", args.out / "gold"
    raw.mkdir(parents=True, exist_ok=True)
    gold.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    variants = plan(args.n, args.seed)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for name, size in pool.map(_one, [(v, raw, gold) for v in variants]):
            print(f"{name}.pdf {size // 1024} KB", flush=True)
    print(f"{len(variants)} documents in {raw} (gold in {gold}), {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
