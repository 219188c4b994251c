"""Amounts the explanation text states ("支出预算 3039.83 万元，其中：基本支出 2228.96 万元，占 73.33%"),
kept as claims so the checks can compare them with the tables."""

from __future__ import annotations

import re
from typing import Any

from .vocabulary import MULTIPLIERS

AMOUNT = r"([\d,]+(?:\.\d+)?)\s*(万元|元)"
TOTAL_RE = re.compile(r"支出预算(?:总额|为|是)?\s*" + AMOUNT)
PART_RE = re.compile(r"(基本支出|项目支出)\s*" + AMOUNT + r"(?:[，,]\s*占\s*([\d.]+)\s*%)?")


def narrative_claims(pages_text: list[str]) -> list[dict[str, Any]]:
    """Claims from the first passage that breaks total expenditure (支出预算) into basic and project."""
    for page, text in enumerate(pages_text, start=1):
        flat = re.sub(r"\s+", " ", text)
        for total in TOTAL_RE.finditer(flat):
            # The breakdown follows within the same explanation item (up to the next "（四）"-style heading).
            window = re.split(r"（[一二三四五六七八九十]+）", flat[total.end() : total.end() + 600])[0]
            parts = PART_RE.findall(window.split("其中", 1)[1]) if "其中" in window else []
            if not parts:
                continue
            sentence = flat[total.start() : total.end()] + window
            claims = [_claim("支出预算", total.group(1), total.group(2), None, page, sentence)]
            seen = set()
            for label, amount, unit, percent in parts:
                if label not in seen:
                    seen.add(label)
                    claims.append(_claim(label, amount, unit, percent or None, page, sentence))
            return claims
    return []


def _claim(label: str, amount: str, unit: str, percent: str | None, page: int, sentence: str) -> dict[str, Any]:
    return {"label": label, "amount_text": amount, "currency_unit": unit, "multiplier": MULTIPLIERS[unit],
            "percent": percent, "page": page, "sentence": sentence[:300]}
