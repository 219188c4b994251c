"""Check a built warehouse against the synthetic corpus's ground truth.

For every synth-*.pdf document in dim_document: status current; fiscal year, region code and
subject unit code as generated; the subject's mart_unit_budget.total_yuan equal to the stated total
printed in the gold 支出总表 合计 row (exact), and Σ fact_expenditure.amount_yuan equal to it within
110 yuan (0.011 万元: the Dongcheng seeds' lines add up to 0.01 万元 off their printed 合计).

    .venv/bin/python -m tools.synthcorpus.verify --warehouse W --gold DIR/gold
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

EXPENDITURE_SUMMARY_RE = re.compile(r"支出(预算)?总表|(^|年度)支出决算表")  # 决算: 2023年度支出决算表


def _sq(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def stated_total(tables: list[dict[str, Any]]) -> Decimal | None:
    """The first 支出总表's (支出决算表's) 合计 amount in yuan (the department's total in a department document)."""
    for t in tables:
        if not EXPENDITURE_SUMMARY_RE.search(_sq(t["title"])) or t.get("section"):
            continue
        multiplier = 10000 if any("万元" in c for c in t["context"]) else 1
        for r in t["rows"]:
            cells = [_sq(c) for c in r["cells"]]
            at = next((i for i, c in enumerate(cells[:4]) if c in ("合计", "总计")), None)
            if at is not None:
                amount = next((c for c in cells[at + 1 :] if re.fullmatch(r"-?[\d,]*\d\.\d+", c)), None)
                if amount:
                    return Decimal(amount.replace(",", "")) * multiplier
    return None


def verify(warehouse: Path, gold_dir: Path) -> list[dict[str, Any]]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = con.execute(
            """select d.document_id, d.file_name, d.status, d.fiscal_year, d.region_code, d.subject_code,
                      (select sum(amount_yuan) from fact_expenditure f where f.document_id = d.document_id),
                      (select max(total_yuan) from mart_unit_budget m
                        where m.document_id = d.document_id and m.is_document_subject),
                      (select count(*) from check_results c where c.document_id = d.document_id and c.status = 'fail')
               from dim_document d where d.file_name like 'synth-%'"""
        ).fetchall()
    finally:
        con.close()
    out = []
    for _doc_id, file_name, status, year, region, subject, fact_sum, mart_total, failed in docs:
        gold = json.loads((gold_dir / f"{Path(file_name).stem}.json").read_text(encoding="utf-8"))
        v = gold["variant"]
        expected = stated_total(gold["tables"])
        problems = []
        if status != "current":
            problems.append(f"status {status}")
        if str(year) != str(v["fiscal_year"]):
            problems.append(f"year {year} != {v['fiscal_year']}")
        if region != v["region_code"]:
            problems.append(f"region {region} != {v['region_code']}")
        if not str(subject or "").startswith(v["dept_code"]):
            problems.append(f"subject {subject} not under {v['dept_code']}")
        if expected is None:
            problems.append("no stated total in the gold")
        else:
            if mart_total is None or Decimal(str(mart_total)) != expected:
                problems.append(f"mart total {mart_total} != stated {expected}")
            if fact_sum is None or abs(Decimal(str(fact_sum)) - expected) > Decimal("0.011") * 10000:
                problems.append(f"Σ facts {fact_sum} vs stated {expected}")
        out.append({"file_name": file_name, "factor": v["factor"], "stated_total_yuan": str(expected),
                    "mart_total_yuan": str(mart_total), "fact_sum_yuan": str(fact_sum),
                    "failed_checks": failed, "ok": not problems, "problems": problems})
    return sorted(out, key=lambda r: r["file_name"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--gold", type=Path, required=True)
    args = ap.parse_args(argv)
    rows = verify(args.warehouse, args.gold)
    for r in rows:
        print(f"{'ok ' if r['ok'] else 'BAD'} {r['file_name']}  k={r['factor']}  stated {r['stated_total_yuan']}  "
              f"mart {r['mart_total_yuan']}  Σfacts {r['fact_sum_yuan']}  failed checks {r['failed_checks']}  "
              f"{'; '.join(r['problems'])}")
    bad = sum(not r["ok"] for r in rows)
    print(f"{len(rows) - bad}/{len(rows)} synthetic documents match their ground truth")
    return 1 if bad or not rows else 0


if __name__ == "__main__":
    raise SystemExit(main())
