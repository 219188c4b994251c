"""Synthetic budget documents with ground truth known by construction (issue #7).

Each document is one of the six seed texts of tools/samplegen (five budgets, one final accounts), rewritten
before parsing:

* region: the district name (东城区 → 海淀区, 丰润区 → 玉田县, 碑林区 → 雁塔区; only names cpca resolves to
  the intended division) and its bare stem (东城 → 海淀) are replaced everywhere;
* unit codes: the department code and the unit codes under it (201, 201002, …) are replaced by a
  new 3-digit department code wherever they stand before a unit name;
* fiscal year: every year 2000–2039 in the text is shifted by the same offset (上年 stays 上年);
* amounts: every amount cell (a number with a decimal point or thousands separator, or a whole number
  in a column that holds such amounts — Chaoyang prints some yuan amounts without decimals — outside
  the performance tables, whose whole numbers are indicator values) and every number followed by
  万元/元 in the narrative is multiplied by an integer factor k, exactly (Decimal), keeping the
  printed decimals and separators.  Multiplying all amounts by an integer needs no re-rounding,
  so every accounting identity that holds exactly in the seed holds exactly in the copy, and
  percentages stay true.  The two Dongcheng seeds print figures that already differ by 0.01 (their
  sample findings (docs/identities.md), at the edge of the rounding tolerance); k × 0.01 would fail the tolerance, so
  their copies keep k = 1;
* page count and layout: page margins, cell type size and the landscape threshold vary, and part of
  the narrative after the opening pages may be left out.

Every (seed, region, year) is used at most once and every document gets its own department code, so
no document supersedes another (metadata.py keys documents by region, subject unit, year and kind).
The gold JSON has the tables as printed (like tests/gold) plus the variant and the expected metadata.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.samplegen.render_pdf import Layout

SEEDS = Path(__file__).resolve().parents[1] / "samplegen" / "seeds"


@dataclass(frozen=True)
class SeedInfo:
    stem: str
    district: str  # as printed in the seed
    pool: tuple[str, ...]  # replacement districts of the same city (all resolve with cpca)
    dept_code: str
    anchor: str  # what follows a unit code in the seed (start of the unit name)
    year: int
    scalable: bool  # False: the seed's printed rounding differences leave no room for k > 1
    region_codes: dict[str, str]


BEIJING = ("东城区 西城区 朝阳区 丰台区 石景山区 海淀区 门头沟区 房山区 通州区 顺义区 昌平区 大兴区 怀柔区 平谷区 "
           "密云区 延庆区").split()
BEIJING_CODES = dict(zip(BEIJING, "110101 110102 110105 110106 110107 110108 110109 110111 110112 110113 110114 "
                                   "110115 110116 110117 110118 110119".split()))
TANGSHAN = "丰润区 路南区 路北区 古冶区 开平区 丰南区 曹妃甸区 滦南县 乐亭县 迁西县 玉田县 遵化市 迁安市".split()
TANGSHAN_CODES = dict(zip(TANGSHAN, "130208 130202 130203 130204 130205 130207 130209 130224 130225 130227 130229 "
                                     "130281 130283".split()))
XIAN = "碑林区 新城区 莲湖区 雁塔区 灞桥区 未央区 阎良区 临潼区 长安区 高陵区 蓝田县 周至县".split()
XIAN_CODES = dict(zip(XIAN, "610103 610102 610104 610113 610111 610112 610114 610115 610116 610117 610122 "
                             "610124".split()))

SEED_INFO = [
    SeedInfo("beijing-chaoyang-medical-security-bureau-2023-department-budget", "朝阳区", tuple(BEIJING), "807",
             "北京市", 2023, True, BEIJING_CODES),
    SeedInfo("beijing-dongcheng-medical-insurance-center-2023-unit-budget", "东城区", tuple(BEIJING), "201",
             "北京市", 2023, False, BEIJING_CODES),
    SeedInfo("beijing-dongcheng-medical-security-bureau-2026-department-budget", "东城区", tuple(BEIJING), "201",
             "北京市", 2026, False, BEIJING_CODES),
    SeedInfo("hebei-fengrun-medical-security-bureau-2023-department-budget", "丰润区", tuple(TANGSHAN), "450",
             "丰润区", 2023, True, TANGSHAN_CODES),
    SeedInfo("shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget", "碑林区", tuple(XIAN), "231",
             "西安市", 2024, True, XIAN_CODES),
    # last, so that the first five of a corpus are still one of each budget seed; the Dongcheng unit's
    # final accounts (决算), written so that every identity closes exactly: scalable
    SeedInfo("beijing-dongcheng-medical-insurance-center-2023-unit-final-accounts", "东城区", tuple(BEIJING), "201",
             "北京市", 2023, True, BEIJING_CODES),
]
SEED_CODES = {s.dept_code for s in SEED_INFO}
YEAR_OFFSETS = range(-5, 4)  # seed year - 5 … seed year + 3
FACTORS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Variant:
    name: str
    seed: str
    district: str
    region_code: str
    fiscal_year: int
    dept_code: str
    factor: int
    layout: Layout
    narrative_keep: float  # share of the narrative after the first 40 text blocks that is printed


def plan(n: int, seed: int = 1) -> list[Variant]:
    """n distinct variants, round-robin over the seeds; deterministic for a given seed."""
    rng = random.Random(seed)
    combos: dict[str, list[tuple[str, int]]] = {}
    for info in SEED_INFO:
        pairs = [(d, info.year + o) for d in info.pool for o in YEAR_OFFSETS
                 if (d, info.year + o) != (info.district, info.year)]
        rng.shuffle(pairs)
        combos[info.stem] = pairs
    codes = [f"{c:03d}" for c in range(600, 1000) if f"{c:03d}" not in SEED_CODES]
    codes += [f"{c:03d}" for c in range(300, 600) if f"{c:03d}" not in SEED_CODES]
    if n > len(codes) or n > sum(len(v) for v in combos.values()):
        raise ValueError(f"at most {min(len(codes), sum(len(v) for v in combos.values()))} distinct documents")
    out: list[Variant] = []
    i = 0
    while len(out) < n:
        info = SEED_INFO[i % len(SEED_INFO)]
        i += 1
        if not combos[info.stem]:
            continue
        district, year = combos[info.stem].pop()
        code = codes[len(out)]
        layout = Layout(margin_mm=rng.choice((10, 15, 20)), cell_scale=rng.choice((0.9, 1.0, 1.1)),
                        landscape_min_cols=rng.choice((7, 8, 9)))
        province = info.stem.split("-")[0]
        out.append(Variant(
            name=f"synth-{len(out):04d}-{province}-{info.region_codes[district]}-{code}-{year}",
            seed=info.stem, district=district, region_code=info.region_codes[district], fiscal_year=year,
            dept_code=code, factor=rng.choice(FACTORS) if info.scalable else 1, layout=layout,
            narrative_keep=rng.choice((1.0, 1.0, 0.5, 0.0)),
        ))
    return out


YEAR_RE = re.compile(r"(?<![\d.,])(20[0-3]\d)(?![\d.,])")


def rewrite_seed(text: str, info: SeedInfo, v: Variant) -> str:
    """Region, unit codes and years of the seed text (amounts are scaled after parsing)."""
    # unit codes first, while the anchor (start of the unit name) still reads as in the seed
    text = re.sub(rf"(?<![\d.,]){info.dept_code}(?=(?:\d{{3}})?[\s|\-－~～]*{info.anchor})", v.dept_code, text)
    text = text.replace(info.district, v.district)
    stem_old, stem_new = info.district[:-1], v.district[:-1]
    if len(stem_old) >= 2:
        text = text.replace(stem_old, stem_new)
    offset = v.fiscal_year - info.year
    return YEAR_RE.sub(lambda m: str(int(m.group(1)) + offset), text)


AMOUNT_CELL_RE = re.compile(r"^(-?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)$")
INTEGER_RE = re.compile(r"^\d+$")
TEXT_AMOUNT_RE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?=\s*万?元)")


def scale_amount(text: str, k: int) -> str:
    """'3,039.83' × 2 → '6,079.66': same decimals, thousands separators if the original had them."""
    if k == 1:
        return text
    value = Decimal(text.replace(",", "")) * k
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{value:,.{decimals}f}" if "," in text else f"{value:.{decimals}f}"


def scale_cell(cell: str, k: int, whole_numbers: bool = False) -> str:
    s = cell.strip()
    m = AMOUNT_CELL_RE.match(s)
    if k == 1 or not (m or (whole_numbers and INTEGER_RE.match(s))):
        return cell
    number = m.group(2) if m else s
    return cell.replace(number, scale_amount(number, k), 1)


def scale_table(t: dict[str, Any], k: int) -> dict[str, Any]:
    money_cols = {i for r in t["rows"] for i, c in enumerate(r["cells"]) if AMOUNT_CELL_RE.match(c.strip())}
    whole = "绩效" not in t["title"]
    rows = [{**r, "cells": [scale_cell(c, k, whole and i in money_cols) for i, c in enumerate(r["cells"])]}
            for r in t["rows"]]
    return {**t, "rows": rows}


def transform_blocks(blocks: list[dict[str, Any]], v: Variant, rng: random.Random) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    n_text = 0
    for b in blocks:
        if b["type"] == "text":
            n_text += 1
            if n_text > 40 and rng.random() >= v.narrative_keep:
                continue
            out.append({"type": "text", "text": TEXT_AMOUNT_RE.sub(lambda m: scale_amount(m.group(1), v.factor),
                                                                 b["text"])})
            continue
        out.append({"type": "table", "table": scale_table(b["table"], v.factor)})
    return out


def variant_blocks(v: Variant, work_dir: Path) -> list[dict[str, Any]]:
    """The variant's document model: the rewritten seed's text and table blocks (tools/samplegen
    seed_parser shape) with amounts scaled and narrative left out, before any rendering."""
    from tools.samplegen.seed_parser import parse_seed

    info = next(s for s in SEED_INFO if s.stem == v.seed)
    seed_text = (SEEDS / f"{v.seed}.txt").read_text(encoding="utf-8")
    work_dir.mkdir(parents=True, exist_ok=True)
    # parse_seed picks the layout parser from the file name's prefix: keep the seed's name
    tmp = work_dir / f"{v.seed}.txt"
    tmp.write_text(rewrite_seed(seed_text, info, v), encoding="utf-8")
    return transform_blocks(parse_seed(tmp), v, random.Random(v.name))


def build_document(v: Variant, out_dir: Path, gold_dir: Path, work_dir: Path) -> dict[str, Any]:
    """Render one variant: out_dir/<name>.pdf and gold_dir/<name>.json; returns the gold."""
    import json

    from tools.samplegen.render_pdf import render

    blocks = variant_blocks(v, work_dir)
    pdf = out_dir / f"{v.name}.pdf"
    title = next((b["text"] for b in blocks if b["type"] == "text"), v.name)
    tables = render(blocks, pdf, title, v.layout)
    gold = {"document": v.name, "variant": {**asdict(v), "layout": asdict(v.layout)}, "tables": tables}
    (gold_dir / f"{v.name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return gold
