"""Each document says whether the warehouse holds it whole (dim_document.completeness), and why not.

Damaged copies of samples — the second page of a two-page 支出总表 deleted from the PDF, a table title
blanked, a code column garbled — go through ONE real build together with the undamaged samples: each copy
must be `incomplete` with a reason naming the page and what is missing, while the samples stay `complete`.
Where the 支出总表 loses lines, the 一般公共预算支出表 would give them whole instead (the line source choice,
docs/adding-a-layout.md §6, tests/test_line_source.py); so those copies garble its codes too, and no source
closes: the lines stay with the 支出总表 and the facts fall short. A sidecar
gives each copy its own fiscal year, so the copies are separate documents rather than versions of one
another. The precision-aware tolerance is tested on its own, without a build.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pypdfium2 as pdfium
import pytest
import yaml

from dagster_project.extraction.classify import squash
from expectations.identities import IDENTITIES
from expectations.suites import gx_context, identity_frame, tolerance, validate
from tools.samplegen.render_pdf import render
from tools.samplegen.seed_parser import parse_seed

from .conftest import REPO, SAMPLES, run_build

SEEDS = REPO / "tools" / "samplegen" / "seeds"
SEED = SEEDS / "beijing-dongcheng-medical-insurance-center-2023-unit-budget.txt"
LONG_SEED = SEEDS / "beijing-chaoyang-medical-security-bureau-2023-department-budget.txt"
SUMMARY_TABLE = "预算03表"  # 支出总表: the table the facts are read from (two pages long in LONG_SEED)
GPB_TABLE = "预算07表"  # 一般公共预算财政拨款支出表: the next source of lines


def _table(blocks: list[dict], prefix: str) -> dict:
    tables = [b["table"] for b in blocks if b["type"] == "table" and squash(b["table"]["title"]).startswith(prefix)]
    assert len(tables) == 1, f"{prefix}: {len(tables)} tables"
    return tables[0]


def _pages(gold: list[dict], prefix: str, seed: Path = SEED) -> list[int]:
    """Pages of the table titled `prefix` in the undamaged seed (by position: a damaged title may be blank)."""
    titles = [squash(b["table"]["title"]) for b in parse_seed(seed) if b["type"] == "table"]
    position = next(i for i, t in enumerate(titles) if t.startswith(prefix))
    assert len(gold) == len(titles)
    return gold[position]["pages"]


def _render(path: Path, damage=None, seed: Path = SEED) -> list[dict]:
    blocks = parse_seed(seed)
    if damage:
        damage(blocks)
    return render(blocks, path, path.stem)


def _blank_title(blocks: list[dict]) -> None:
    """The 支出总表's title and the heading printed above it ("3.2023 年部门（单位）支出预算总表") blanked."""
    table = _table(blocks, SUMMARY_TABLE)
    position = next(i for i, b in enumerate(blocks) if b.get("table") is table)
    assert blocks[position - 1]["type"] == "text" and "支出预算总表" in blocks[position - 1]["text"]
    del blocks[position - 1]
    table["title"] = ""


def _garble_codes_of(blocks: list[dict], prefix: str) -> None:
    """The function codes of the first five lines of the table titled `prefix` printed with the letter O for 0."""
    table = _table(blocks, prefix)
    garbled = 0
    for row in table["rows"]:
        column = next((i for i, cell in enumerate(row["cells"]) if re.match(r"^[0-9]{7}(-|$)", cell)), None)
        if garbled < 5 and column is not None:
            cell = row["cells"][column]
            row["cells"][column] = cell[:7].replace("0", "O") + cell[7:]
            garbled += 1
    assert garbled == 5


def _garble_codes(blocks: list[dict]) -> None:
    """The function codes of the first five lines of the 支出总表 and of the 一般公共预算支出表 garbled."""
    _garble_codes_of(blocks, SUMMARY_TABLE)
    _garble_codes_of(blocks, GPB_TABLE)


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> dict:
    raw = tmp_path_factory.mktemp("raw")
    pages = {"original": None}
    _render(raw / "original.pdf")
    gold = _render(raw / "blank-title.pdf", _blank_title)
    pages["blank-title"] = _pages(gold, SUMMARY_TABLE)[0]
    gold = _render(raw / "garbled-codes.pdf", _garble_codes)
    pages["garbled-codes"] = _pages(gold, SUMMARY_TABLE)[0]
    render(parse_seed(LONG_SEED), raw / "original-long.pdf", "original-long")
    # the 一般公共预算支出表, which would give the lines instead, garbled (the line source choice)
    gold = _render(raw / "page-removed.pdf", lambda blocks: _garble_codes_of(blocks, GPB_TABLE), seed=LONG_SEED)
    continued = _pages(gold, SUMMARY_TABLE, LONG_SEED)
    assert len(continued) == 2, continued  # the 支出总表 runs over two pages: its second page goes
    pdf = pdfium.PdfDocument(raw / "page-removed.pdf")
    pdf.del_page(continued[1] - 1)
    pdf.save(raw / "page-removed.tmp")
    pdf.close()
    (raw / "page-removed.tmp").replace(raw / "page-removed.pdf")
    for year, name in enumerate(["blank-title", "garbled-codes", "page-removed"], start=2041):
        (raw / f"{name}.pdf.meta.yaml").write_text(yaml.safe_dump({"fiscal_year": year}))
    wh = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    proc = run_build(raw, wh)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    con = duckdb.connect(str(wh), read_only=True)
    try:
        verdicts = {f.removesuffix(".pdf"): (c, list(r)) for f, c, r in con.execute(
            "select file_name, completeness, completeness_reasons from dim_document").fetchall()}
        line_sources = {f.removesuffix(".pdf"): (s, r) for f, s, r in con.execute(
            "select file_name, line_source, line_source_reason from dim_document").fetchall()}
    finally:
        con.close()
    return {"verdicts": verdicts, "pages": pages, "stdout": proc.stdout, "line_sources": line_sources}


def test_undamaged_sample_is_complete(build):
    assert build["verdicts"]["original"] == ("complete", [])


def test_blanked_title_names_the_page_left_other(build):
    completeness, reasons = build["verdicts"]["blank-title"]
    assert completeness == "incomplete"
    page = build["pages"]["blank-title"]
    assert any(r.startswith(f"p{page} ") and "'other'" in r and "no title" in r for r in reasons), reasons


def test_garbled_codes_leave_the_facts_short_of_the_stated_total(build):
    completeness, reasons = build["verdicts"]["garbled-codes"]
    assert completeness == "incomplete"
    page = build["pages"]["garbled-codes"]
    short = [r for r in reasons if r.startswith(f"p{page} 支出总表") and "Σ fact_expenditure" in r]
    assert short, reasons
    # the facts hold less than the document states
    actual, stated = (float(x.replace(",", "")) for x in re.findall(r"([0-9,]+\.[0-9]{2})", short[0])[:2])
    assert actual < stated
    _assert_no_source_closes(build, "garbled-codes")


def _assert_no_source_closes(build: dict, name: str) -> None:
    """Neither the damaged 支出总表 nor the damaged 一般公共预算支出表 closes: the lines stay with the first."""
    source, reason = build["line_sources"][name]
    assert source == "expenditure_summary", reason
    assert reason.startswith("no source closes: 支出总表 Σ ") and "一般公共预算支出表" in reason, reason


def test_removed_page_leaves_the_facts_short(build):
    assert build["verdicts"]["original-long"] == ("complete", [])
    completeness, reasons = build["verdicts"]["page-removed"]
    assert completeness == "incomplete"
    # the lines on the deleted page are missing from the facts; the reason names the page of the total
    short = [r for r in reasons if re.match(r"^p[0-9]+ ", r) and "Σ fact_expenditure" in r]
    assert short, reasons
    actual, stated = (float(x.replace(",", "")) for x in re.findall(r"([0-9,]+\.[0-9]{2})", short[0])[:2])
    assert actual < stated
    _assert_no_source_closes(build, "page-removed")


def test_build_summary_counts_and_lists_incomplete(build):
    out = build["stdout"]
    assert "complete: 2  incomplete: 3" in out, out
    for name in ("blank-title", "garbled-codes", "page-removed"):
        first = build["verdicts"][name][1][0]
        assert f"incomplete: {name}.pdf: {first}" in out, out


def test_bundled_samples_are_complete(wh):
    rows = wh.execute("select file_name, completeness, completeness_reasons from dim_document").fetchall()
    assert len(rows) == len(list(SAMPLES.glob("*.pdf")))
    assert all(c == "complete" and not r for _, c, r in rows), rows


# ------------------------------------------------------------------------ precision-aware tolerance
# The printed precision (unit_yuan) is computed in SQL and tested by the dbt unit tests of
# dbt/models/checks/_checks.yml (tests/test_check_models.py runs them); here the suite's verdict on such rows.

def _verdict(expected: float, actual: float, n_terms: int, unit_yuan: float | None) -> pd.Series:
    """One identity row judged by the real GX suite (ephemeral context)."""
    rows = pd.DataFrame([{"document_id": "d", "table_kind": "expenditure_summary", "table_index": 0, "page": 1,
                          "subject_code": None, "item": "Σ lines total = 合计", "expected": expected,
                          "actual": actual, "n_terms": n_terms, "unit_yuan": unit_yuan}])
    identity = next(i for i in IDENTITIES if i.name == "lines_sum_to_stated_total")
    judged, summary = validate(identity_frame(rows), identity, gx_context(None))
    assert summary["evaluated"] == 1
    return judged.iloc[0]


def test_whole_yuan_rounding_is_not_a_failure():
    # three lines printed in whole yuan differ from the printed 合计 by 1.00 yuan: within (3 + 1) × 0.5
    row = _verdict(1001, 1000, 3, 1.0)
    assert row["difference"] == -1.0 and row["tolerance"] == pytest.approx(2.0)
    assert row["status"] == "pass_within_tolerance"


def test_two_decimal_figures_keep_the_tight_tolerance():
    # the same 1.00 yuan gap printed with two decimals is not rounding
    row = _verdict(1001, 1000, 3, 0.01)
    assert row["tolerance"] == pytest.approx(0.02)
    assert row["status"] == "fail"


def test_equal_sides_pass_exactly():
    assert _verdict(1001, 1001, 3, 0.01)["status"] == "pass"


def test_tolerance_without_printed_figures_is_exact():
    assert tolerance(pd.Series([3]), pd.Series([None])).tolist() == [0.0]
    assert _verdict(0, 0.01, 1, None)["status"] == "fail"
