"""Each accounting identity catches a number changed in the PDF.

For every identity a copy of a sample is rendered (by the sample generator) with one printed number
altered; that copy must fail the identity at the page of the altered number with the right difference,
while the unaltered sample passes it. All copies go through one real build: a sidecar gives each altered
copy its own fiscal year, so the copies are separate documents rather than versions of one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pdfplumber
import pytest
import yaml

from dagster_project.extraction.text_normalize import squash
from tools.samplegen.render_pdf import render
from tools.samplegen.seed_parser import parse_seed

from .conftest import REPO, run_build

SEEDS = REPO / "tools" / "samplegen" / "seeds"
DONGCHENG_2023 = "beijing-dongcheng-medical-insurance-center-2023-unit-budget.txt"
DONGCHENG_2026 = "beijing-dongcheng-medical-security-bureau-2026-department-budget.txt"
CHAOYANG_2023 = "beijing-chaoyang-medical-security-bureau-2023-department-budget.txt"
BEILIN_2024 = "shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget.txt"
CROSS_DOCUMENT_YEAR = 2030


@dataclass(frozen=True)
class Change:
    identity: str
    seed: str
    title: str | None  # table title prefix (spaces ignored); None: a narrative paragraph
    row_label: str  # a cell of the row to change (spaces ignored), or the narrative text to replace
    column: int
    new: str
    difference_yuan: float  # actual − expected the check must report
    meta: dict = field(default_factory=dict)  # sidecar of the altered copy (default: its own fiscal year)


CHANGES = [
    Change("income_total_equals_expenditure_total", DONGCHENG_2023, "预算01表", "收入总计", 1, "3,049.83",
           -100000.0),
    Change("income_total_equals_current_plus_carryover", DONGCHENG_2023, "预算01表", "本年收入合计", 1,
           "3,049.83", 100000.0),
    Change("expenditure_total_equals_current_plus_carryover", DONGCHENG_2023, "预算01表", "本年支出合计", 3,
           "3,049.83", 100000.0),
    Change("line_total_equals_basic_plus_project", DONGCHENG_2023, "预算03表", "30101-基本工资", 4, "296.74",
           1000.0),
    Change("basic_equals_personnel_plus_public", DONGCHENG_2023, "预算07表", "住房公积金", 5, "164.30", 1000.0),
    # the printed 08表 lines already exceed its 合计 by 0.01 万元 (a rounding finding): +0.50 makes it 0.51
    Change("lines_sum_to_stated_total", DONGCHENG_2023, "预算08表", "30201-办公费", 2, "5.98", 5100.0),
    Change("hierarchy_sums", BEILIN_2024, "表5", "21011", 2, "9,553,786.80", -10.0),
    Change("function_class_totals_match", DONGCHENG_2023, "预算01表", "十、卫生健康支出", 3, "2,436.26",
           -100000.0),
    Change("cross_table_totals", DONGCHENG_2023, "预算04表", "合计", 6, "820.87", 100000.0),
    # class 301 of the printed 08表 already exceeds the 03表's by 0.02 万元 (rounding): +1.00 makes it 1.02
    Change("econ_class_basic_totals_match", DONGCHENG_2023, "预算08表", "30101-基本工资", 2, "297.64", 10200.0),
    Change("three_public_total", CHAOYANG_2023, "预算11表", "2023", 1, "46949.50", -1000.0),
    Change("category_sums", CHAOYANG_2023, "预算05表", "A-货物", 1, "65,140.00", 1000.0),
    # Against a department document (built from the 2026 one) that states 201002's total as 3,039.83 for
    # the same year: the true 2023 unit document passes; a copy printing 3,049.83 fails.
    Change("department_equals_unit_document", DONGCHENG_2023, "预算03表", "合计", 3, "3,049.83", 100000.0,
           meta={"fiscal_year": CROSS_DOCUMENT_YEAR}),
    Change("narrative_matches_tables", DONGCHENG_2023, None, "其中：基本支出 2228.96 万元", 0, "其中：基本支出 2238.96 万元",
           100000.0),
]


def altered_pdf(path: Path, seed: str, change: Change | None, title: str = "sample copy") -> int | None:
    """Render the seed (with the change applied) to path; return the page the altered number is on."""
    blocks = parse_seed(SEEDS / seed)
    if change and change.title is None:
        hits = [b for b in blocks if b["type"] == "text" and change.row_label in b["text"]]
        assert len(hits) == 1, f"narrative {change.row_label!r} found {len(hits)} times"
        hits[0]["text"] = hits[0]["text"].replace(change.row_label, change.new)
    elif change:
        tables = [b["table"] for b in blocks if b["type"] == "table"
                  and squash(b["table"]["title"]).startswith(squash(change.title))]
        rows = [r for r in tables[0]["rows"] if any(squash(c) == change.row_label for c in r["cells"])]
        assert len(rows) == 1, f"row {change.row_label} found {len(rows)} times in {change.title}"
        rows[0]["cells"][change.column] = change.new
    gold = render(blocks, path, title)
    if not change:
        return None
    if change.title is None:
        with pdfplumber.open(path) as pdf:
            return next(p.page_number for p in pdf.pages if squash(change.new) in squash(p.extract_text()))
    return next(r["page"] for t in gold if squash(t["title"]).startswith(squash(change.title))
                for r in t["rows"] if r["cells"][change.column] == change.new
                and any(squash(c) == change.row_label for c in r["cells"]))


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[list[tuple], dict[str, int]]:
    """One build of the originals, the altered copies and two department copies; check_results by file."""
    raw = tmp_path_factory.mktemp("raw")
    for seed in {c.seed for c in CHANGES}:
        altered_pdf(raw / f"original-{seed.removesuffix('.txt')}.pdf", seed, None)
    # the department documents the 2023 unit document (and its altered copy) are compared with
    department = Change("", DONGCHENG_2026, "预算02表", "201002", 2, "3,039.83", 0.0)
    for year in (2023, CROSS_DOCUMENT_YEAR):
        altered_pdf(raw / f"department-{year}.pdf", DONGCHENG_2026, department, title=f"department {year}")
        (raw / f"department-{year}.pdf.meta.yaml").write_text(yaml.safe_dump({"fiscal_year": year}))
    pages = {}
    for year, change in enumerate(CHANGES, start=2031):
        pdf = raw / f"altered-{change.identity}.pdf"
        pages[change.identity] = altered_pdf(pdf, change.seed, change)
        meta = change.meta or {"fiscal_year": year}
        (raw / f"{pdf.name}.meta.yaml").write_text(yaml.safe_dump(meta))
    wh = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    proc = run_build(raw, wh)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    con = duckdb.connect(str(wh), read_only=True)
    try:
        current = con.execute("select count(*) from dim_document where status = 'current'").fetchone()[0]
        assert current == len(CHANGES) + len({c.seed for c in CHANGES}) + 2  # no copy superseded another
        rows = con.execute(
            """select d.file_name, r.identity, r.status, r.page, r.difference_yuan
               from check_results r join dim_document d using (document_id)""").fetchall()
    finally:
        con.close()
    return rows, pages


@pytest.mark.parametrize("change", CHANGES, ids=[c.identity for c in CHANGES])
def test_changed_number_fails_its_identity(change, build):
    rows, pages = build
    passing = f"original-{change.seed.removesuffix('.txt')}.pdf"
    on_true = [r for r in rows if r[0] == passing and r[1] == change.identity]
    assert on_true, f"{change.identity} was not evaluated on {passing}"
    assert all(r[2] != "fail" for r in on_true), on_true

    on_altered = [r for r in rows if r[0] == f"altered-{change.identity}.pdf" and r[1] == change.identity]
    failures = [r for r in on_altered if r[2] == "fail"]
    assert failures, f"{change.identity} did not fail: {on_altered}"
    assert any(page == pages[change.identity] and round(diff, 2) == change.difference_yuan
               for _, _, _, page, diff in failures), (pages[change.identity], failures)
