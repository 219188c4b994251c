"""python -m tools.samplegen: raw/samples/*.pdf and tests/gold/*.json from the seed texts."""

from __future__ import annotations

import json
from pathlib import Path

from .render_pdf import render
from .seed_parser import parse_seed

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(__file__).resolve().parent / "seeds"


def main() -> None:
    (ROOT / "raw" / "samples").mkdir(parents=True, exist_ok=True)
    (ROOT / "tests" / "gold").mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        blocks = parse_seed(seed)
        pdf = ROOT / "raw" / "samples" / f"{seed.stem}.pdf"
        title = next((b["text"] for b in blocks if b["type"] == "text"), seed.stem)
        tables = render(blocks, pdf, title)
        gold = {"document": seed.stem, "tables": tables}
        (ROOT / "tests" / "gold" / f"{seed.stem}.json").write_text(
            json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"{pdf.relative_to(ROOT)}: {len(tables)} tables, {pdf.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
