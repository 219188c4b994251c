"""The sample generator: seed texts parse into the tables they print, and the bundled PDFs read back."""

from __future__ import annotations

import json

import pdfplumber
import pytest

from tools.samplegen.seed_parser import parse_seed

from .conftest import REPO, SAMPLES

SEEDS = REPO / "tools" / "samplegen" / "seeds"


def tables(name: str) -> list[dict]:
    return [b["table"] for b in parse_seed(SEEDS / f"{name}.txt") if b["type"] == "table"]


def test_dongcheng_2023_expenditure_summary_total_row():
    t = next(t for t in tables("beijing-dongcheng-medical-insurance-center-2023-unit-budget") if "预算03表" in t["title"])
    total = next(r["cells"] for r in t["rows"] if r["cells"][0].replace(" ", "") == "合计")
    assert total[3:6] == ["3,039.83", "2,228.96", "810.87"]
    assert len(t["header_rows"]) == 2


def test_beijing_2023_unit_document_has_tables_01_to_14():
    titles = " ".join(t["title"] for t in tables("beijing-dongcheng-medical-insurance-center-2023-unit-budget"))
    assert all(f"预算{n:02d}表" in titles for n in range(1, 15))


def test_hebei_department_part_and_two_unit_parts():
    sections = {t["section"] for t in tables("hebei-fengrun-medical-security-bureau-2023-department-budget")}
    assert sections == {"", "450001丰润区医疗保障局本级", "450002丰润区医疗保险事业管理中心"}


def test_xian_empty_tables_are_kept():
    t = next(t for t in tables("shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget")
             if t["title"].startswith("表2 "))
    assert t["rows"] == [] and t["header_rows"] == []


@pytest.mark.parametrize(("name", "needle"), [
    ("beijing-dongcheng-medical-insurance-center-2023-unit-budget", "预算03表"),
    ("hebei-fengrun-medical-security-bureau-2023-department-budget", "部门预算支出总表"),
    ("shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget", "单位综合预算一般公共预算支出明细表"),
])
def test_bundled_pdf_reads_back_as_unicode(name, needle):
    with pdfplumber.open(SAMPLES / f"{name}.pdf") as pdf:
        text = "".join((p.extract_text() or "") for p in pdf.pages[:12])
    assert needle in text.replace(" ", "")


def test_gold_rows_carry_pages():
    gold = json.loads((REPO / "tests" / "gold" / "beijing-chaoyang-medical-security-bureau-2023-department-budget.json")
                      .read_text(encoding="utf-8"))
    pages = [r["page"] for t in gold["tables"] for r in t["rows"]]
    assert pages and all(isinstance(p, int) and p >= 1 for p in pages)
