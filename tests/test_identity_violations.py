"""Each accounting identity catches a number changed in the PDF: a copy of a sample with one printed
number altered (rendered by the sample generator) fails that identity at the right page with the right
difference, while the unaltered sample passes it."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pytest

from tools.samplegen.render_pdf import render
from tools.samplegen.seed_parser import parse_seed

from .conftest import REPO, run_build

SEED = REPO / "tools" / "samplegen" / "seeds" / "beijing-dongcheng-medical-insurance-center-2023-unit-budget.txt"


@dataclass(frozen=True)
class Change:
    identity: str
    title: str  # table title prefix
    row_label: str  # a cell of the row to change (whitespace ignored)
    column: int
    new: str
    difference_yuan: float  # actual − expected the check must report


CHANGES = [
    Change("line_total_equals_basic_plus_project", "预算03表", "30101-基本工资", 4, "296.74", 1000.0),
    Change("basic_equals_personnel_plus_public", "预算07表", "住房公积金", 5, "164.30", 1000.0),
    Change("income_total_equals_current_plus_carryover", "预算01表", "本年收入合计", 1, "3,049.83", 100000.0),
    Change("function_class_totals_match", "预算01表", "十、卫生健康支出", 3, "2,436.26", -100000.0),
    # the printed 08表 lines already exceed its 合计 by 0.01 万元 (a rounding finding): +0.50 makes it 0.51
    Change("lines_sum_to_stated_total", "预算08表", "30201-办公费", 2, "5.98", 5100.0),
]


def altered_pdf(path, change: Change | None):
    blocks = parse_seed(SEED)
    hit_page = None  # the page the altered row is printed on
    for b in blocks:
        if change and b["type"] == "table" and b["table"]["title"].startswith(change.title):
            for r in b["table"]["rows"]:
                if any(c.replace(" ", "") == change.row_label for c in r["cells"]):
                    r["cells"][change.column] = change.new
                    break
            else:
                raise AssertionError(f"row {change.row_label} not found in {change.title}")
            break
    gold = render(blocks, path, "altered sample")
    for t in gold:
        for r in t["rows"]:
            if change and t["title"].startswith(change.title) and r["cells"][change.column] == change.new \
                    and any(c.replace(" ", "") == change.row_label for c in r["cells"]):
                hit_page = r["page"]
    return hit_page


def results(wh) -> list[tuple]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(
            "select identity, status, page, difference_yuan from check_results where status = 'fail'").fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def original_failures(tmp_path_factory):
    raw = tmp_path_factory.mktemp("orig")
    altered_pdf(raw / "original.pdf", None)
    wh = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    assert run_build(raw, wh).returncode == 0
    return results(wh)


@pytest.mark.parametrize("change", CHANGES, ids=[c.identity for c in CHANGES])
def test_changed_number_fails_its_identity(change, original_failures, tmp_path):
    assert not [f for f in original_failures if f[0] == change.identity]  # passes on the true document
    raw = tmp_path / "raw"
    raw.mkdir()
    page = altered_pdf(raw / "altered.pdf", change)
    wh = tmp_path / "wh" / "budget.duckdb"
    proc = run_build(raw, wh)
    assert proc.returncode == 0, proc.stderr[-2000:]
    hits = [f for f in results(wh) if f[0] == change.identity]
    assert hits, f"{change.identity} did not fail; failures: {results(wh)}"
    assert any(p == page and round(d, 2) == change.difference_yuan for _, _, p, d in hits), hits
