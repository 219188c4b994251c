"""Amounts the explanation text states ("支出预算 3039.83 万元，其中：基本支出 2228.96 万元，占 73.33%"; final
accounts: "本年支出合计 307.82 万元，其中：基本支出 105.58 万元"), kept as claims so the checks can compare them
with the tables."""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Any

from .text_normalize import squash
from .vocabulary import MULTIPLIERS

AMOUNT = r"([\d,]+(?:\.\d+)?)\s*(万元|元)"
# the total of a budget (支出预算 …) or of final accounts (本年支出合计 …)
TOTAL_RE = re.compile(r"(支出预算|本年支出合计)(?:总额|为|是)?\s*" + AMOUNT)
PART_RE = re.compile(r"(基本支出|项目支出)\s*" + AMOUNT + r"(?:[，,]\s*占\s*([\d.]+)\s*%)?")


def narrative_claims(pages_text: list[str]) -> list[dict[str, Any]]:
    """Claims from the first passage that breaks total expenditure (支出预算 / 本年支出合计) into basic and project."""
    for page, text in enumerate(pages_text, start=1):
        flat = re.sub(r"\s+", " ", text)
        for total in TOTAL_RE.finditer(flat):
            # The breakdown follows within the same explanation item (up to the next "（四）"-style heading).
            window = re.split(r"（[一二三四五六七八九十]+）", flat[total.end() : total.end() + 600])[0]
            parts = PART_RE.findall(window.split("其中", 1)[1]) if "其中" in window else []
            if not parts:
                continue
            sentence = flat[total.start() : total.end()] + window
            claims = [_claim(total.group(1), total.group(2), total.group(3), None, page, sentence)]
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


# Final accounts explain each 项 they spent on: "1、一般公共服务支出（类）社会工作事务（款）行政运行（项）。…全年预算为
# 52.00 万元，支出决算为 51.32 万元": the budget the final accounts restate beside what was spent.
ITEM_RE = re.compile(r"([^（）、，。；：\d]+)（类）([^（）、，。；：]+)（款）([^（）、，。；：]+)（项）")
ITEM_BUDGET_RE = re.compile(r"全年预算(?:数)?为(\d[\d,]*(?:\.\d+)?)(万元|元)[，,]支出决算(?:数)?为(\d[\d,]*(?:\.\d+)?)(万元|元)")
FUNCTION_KINDS = ("gpb_expenditure", "expenditure_summary", "fiscal_expenditure")


def function_codes_by_name(tables: list[dict[str, Any]]) -> dict[tuple[str, str, str], str]:
    """(类 name, 款 name, 项 name) → 7-digit code, from the function tables' rows in their printed order."""
    found: dict[tuple[str, str, str], str] = {}
    for t in tables:
        cols = t.get("columns", [])
        if t.get("table_kind") not in FUNCTION_KINDS or "function_code" not in cols or "function_name" not in cols:
            continue
        names = {3: "", 5: ""}
        for r in t.get("rows", []):
            cells = dict(zip(cols, r["cells"]))
            code, name = squash(cells["function_code"]), squash(cells["function_name"])
            if not code.isdigit() or not name:
                continue
            if len(code) in names:
                names[len(code)] = name
                if len(code) == 3:
                    names[5] = ""
            elif len(code) == 7:
                found.setdefault((names[3], names[5], name), code)
    return found


def item_budget_lines(pages_text: list[str], tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 项 a final accounts' explanation names with 全年预算 and 支出决算 figures, with the code its own
    function tables print for that 类 / 款 / 项 (items whose code the tables do not give are left out)."""
    codes = function_codes_by_name(tables)
    squashed = [squash(t) for t in pages_text]
    text = "".join(squashed)
    starts = list(itertools.accumulate((len(t) for t in squashed), initial=0))[:-1]  # page i starts here
    items = list(ITEM_RE.finditer(text))
    lines = []
    for i, item in enumerate(items):
        end = items[i + 1].start() if i + 1 < len(items) else len(text)
        figures = ITEM_BUDGET_RE.search(text, item.end(), end)
        code = codes.get((item.group(1), item.group(2), item.group(3)))
        if not figures or not code:
            continue
        page = bisect.bisect_right(starts, item.start())
        lines.append({"function_code": code, "budget_text": figures.group(1), "final_text": figures.group(3),
                      "multiplier": MULTIPLIERS[figures.group(2)], "page": page,
                      "sentence": text[item.start() : figures.end()][:300]})
    return lines
