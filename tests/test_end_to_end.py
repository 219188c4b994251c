"""The warehouse built from the bundled sample PDFs reproduces each document's own figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import SAMPLES

# file-name fragment → (stated total expenditure in yuan, basic, project, unit codes the document states)
EXPECTED = {
    "beijing-dongcheng-medical-insurance-center-2023-unit-budget": (Decimal("30398300.00"), Decimal("22289600.00"),
                                                                    Decimal("8108700.00"), {"201002"}),
    # the same unit's final accounts (决算): what it spent of that budget
    "beijing-dongcheng-medical-insurance-center-2023-unit-final-accounts": (
        Decimal("29843000.00"), Decimal("21983000.00"), Decimal("7780000.00"), {"201002"}),
    "beijing-chaoyang-medical-security-bureau-2023": (Decimal("896925627.26"), Decimal("51968468.26"),
                                                      Decimal("844957159.00"), {"807001", "807002"}),
    "beijing-dongcheng-medical-security-bureau-2026": (Decimal("436672800.00"), Decimal("28588400.00"),
                                                       Decimal("408084500.00"), {"201001", "201002"}),
    "hebei-fengrun-medical-security-bureau-2023": (Decimal("172572300.00"), Decimal("9133700.00"),
                                                   Decimal("163438600.00"), {"450001", "450002"}),
    "shaanxi-xian-beilin-medical-insurance-center-2024": (Decimal("12753171.62"), Decimal("10863771.62"),
                                                          Decimal("1889400.00"), {"231002"}),
}


def doc_id(wh, fragment: str) -> str:
    rows = wh.execute("select document_id from dim_document where file_name like ?", [f"%{fragment}%"]).fetchall()
    assert len(rows) == 1, f"expected one document matching {fragment}, got {rows}"
    return rows[0][0]


def test_build_prints_summary(sample_build, wh):
    """The summary counts the checks by status, as check_results holds them."""
    out = sample_build[1].stdout
    assert f"documents: {len(list(SAMPLES.glob('*.pdf')))}" in out
    assert "fact rows:" in out
    counts = dict(wh.execute("select status, count(*) from check_results group by 1").fetchall())
    assert counts.get("pass_within_tolerance")  # the samples have some (docs/identities.md)
    assert (f"checks: {counts.get('pass', 0)} passed / {counts['pass_within_tolerance']} within tolerance / "
            f"{counts.get('fail', 0)} failed") in out.splitlines()
    # the samples fail no error-severity check; a warn-severity one (a code not in the catalogue) is a warning
    assert not [line for line in out.splitlines() if line.startswith("  failed check: ")], out


def test_build_shows_progress_without_warnings(sample_build, wh):
    """`budgetwh build` (stdout not a terminal: plain lines) reports each document extracted, each dbt model
    built (n of N), the checks and the publish step; library warnings go to the log file, not the terminal."""
    warehouse, proc = sample_build
    lines = proc.stdout.splitlines()
    samples = sorted(p.name for p in SAMPLES.glob("*.pdf"))
    extracted = [line.split() for line in lines if line.startswith("extract ")]
    assert sorted(parts[2] for parts in extracted) == samples
    assert [parts[1] for parts in extracted] == [f"{i}/{len(samples)}" for i in range(1, len(samples) + 1)]
    assert all(parts[4] == "s" and float(parts[3]) > 0 and parts[5] == "ok:" for parts in extracted), extracted

    models = [line.split() for line in lines if line.startswith("dbt ") and "/" in line.split()[1]]
    total = int(models[0][1].split("/")[1])
    assert [m[1] for m in models] == [f"{i}/{total}" for i in range(1, total + 1)]
    built = {m[2] for m in models}
    marts = {r[0] for r in wh.execute("select table_name from information_schema.tables "
                                      "where table_schema = 'main' and table_name <> 'check_results'").fetchall()}
    assert marts <= built, marts - built  # every published dbt table was reported as it was built

    checks = next(line for line in lines if line.startswith("checks ") and "evaluated" in line)
    (evaluated,) = wh.execute("select count(*) from check_results").fetchone()
    assert f"{evaluated} evaluated" in checks and "within tolerance" in checks
    assert any(line.startswith("publish ") and str(warehouse) in line for line in lines)
    # progress comes before the summary
    assert lines.index(checks) < next(i for i, line in enumerate(lines) if line.startswith("warehouse: "))

    assert "Warning" not in proc.stdout + proc.stderr, proc.stderr
    log = (warehouse.parent / "logs" / "build.log").read_text(errors="replace")
    assert "BetaWarning" in log  # Dagster's warning about the extraction backfill policy, kept in the log


@pytest.mark.parametrize("fragment", sorted(EXPECTED))
def test_document_totals(wh, fragment):
    total, basic, project, units = EXPECTED[fragment]
    d = doc_id(wh, fragment)
    subject_total = wh.execute(
        """select m.total_yuan, m.basic_yuan, m.project_yuan from mart_unit_budget m
           join dim_document dd using (document_id) join intermediate.int_documents i using (document_id)
           where m.document_id = ? and m.unit_key = i.region_code || '-' || i.subject_code""",
        [d],
    ).fetchone()
    assert subject_total == (total, basic, project)
    stated_units = {r[0] for r in wh.execute(
        "select split_part(unit_key, '-', 2) from mart_unit_budget where document_id = ?", [d]).fetchall()}
    assert units <= stated_units


@pytest.mark.parametrize("fragment", sorted(EXPECTED))
def test_fact_lines_add_up_to_the_stated_total(wh, fragment):
    """No line counted twice: Σ fact_expenditure equals the stated total within the rounding tolerance."""
    total = EXPECTED[fragment][0]
    d = doc_id(wh, fragment)
    lines, n = wh.execute(
        "select sum(amount_yuan), count(*) from fact_expenditure where document_id = ?", [d]).fetchone()
    multiplier = wh.execute(
        "select max(multiplier) from intermediate.int_tables where document_id = ? and table_kind = 'expenditure_summary'", [d]
    ).fetchone()[0] or 1
    tolerance = Decimal(n + 1) * Decimal("0.005") * multiplier
    assert abs(lines - total) <= tolerance, (lines, total)


def test_units_are_keyed_by_region(wh):
    keys = {r[0] for r in wh.execute("select unit_key from dim_unit").fetchall()}
    assert {"110101-201002", "110101-201001", "110105-807001", "110105-807002",
            "130208-450001", "130208-450002", "610103-231002"} <= keys


def test_fengrun_carryover_is_in_the_income(wh):
    d = doc_id(wh, "hebei-fengrun")
    rows = wh.execute(
        """select replace(raw_text, ' ', '') from intermediate.int_table_cells
           where document_id = ? and table_kind = 'income_expenditure_summary' and column_name = 'income_item'""",
        [d]).fetchall()
    assert any(r[0] == "上年结转结余" for r in rows)


def test_check_results_are_in_the_warehouse(wh):
    statuses = dict(wh.execute("select status, count(*) from check_results group by 1").fetchall())
    assert statuses.get("pass", 0) > 0
    identities = {r[0] for r in wh.execute("select distinct identity from check_results").fetchall()}
    assert {"income_total_equals_expenditure_total", "line_total_equals_basic_plus_project",
            "lines_sum_to_stated_total", "function_class_totals_match"} <= identities


def test_dongcheng_2026_rounding_is_flagged_not_hidden(wh):
    """basic 2,858.84 + project 40,808.45 = 43,667.29 against a stated 43,667.28: a rounding difference."""
    d = doc_id(wh, "beijing-dongcheng-medical-security-bureau-2026")
    rows = wh.execute(
        """select status, difference_yuan from check_results
           where document_id = ? and identity = 'line_total_equals_basic_plus_project' and status <> 'pass'""",
        [d]).fetchall()
    assert ("pass_within_tolerance", 100.0) in [(s, round(x, 2)) for s, x in rows]
