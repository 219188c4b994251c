"""Choosing each document's line source (issue #17, docs/adding-a-layout.md §6): among the tables that could
give a document's expenditure lines (支出总表, 财政拨款支出表, 一般公共预算支出表), the first by rank whose lines
close — Σ = the stated total for the document and every unit part, within the printed precision — else the
first by rank; `dim_document.line_source_reason` says why (int_line_source_choice).

The choice judges each candidate as `chk_facts_sum_to_stated_total` (through Great Expectations) judges the
chosen lines: the same SQL macros, and a tolerance macro that computes the number expectations/suites.py
`tolerance` does. The choice model's dbt unit tests (dbt/models/intermediate/_intermediate.yml) cover first
rank closes / second closes / none closes / whole-yuan precision; here the real pipeline: a scratch copy of
the sample build gets one misread 项 amount in two documents (each its own scenario) and one rebuild."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import pytest

from expectations.suites import tolerance

from .conftest import REPO, SAMPLES, build, cli, query, scratch_copy

# Hebei's 支出总表 prints 项 rows per unit part; its 一般公共预算支出表 closes too.
SWITCHES = "hebei-fengrun-medical-security-bureau-2023-department-budget"
# Xi'an prints its lines in the 一般公共预算支出表 only: nothing to switch to.
NONE_CLOSES = "shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget"
SHORTFALL = 100_000  # yuan taken off one 项 line: far beyond any rounding


def build_file(warehouse: Path) -> Path:
    return warehouse.parent / "build" / warehouse.name


def line_sources(warehouse: Path, document_id: str) -> set[str]:
    return {r[0] for r in query(build_file(warehouse), "select distinct line_source from intermediate.int_expenditure_lines "
                                "where document_id = ?", [document_id])}


def misread(warehouse: Path, document_id: str, table_kind: str, column: str) -> tuple[int, int, str, str]:
    """The first line of the document's `table_kind` with `column` printed, and that cell's text as if it
    had been misread SHORTFALL yuan short: (table, row, printed text, misread text)."""
    t, r, text, amount, multiplier = query(build_file(warehouse), f"""
        select l.table_index, l.row_index, c.raw_text, c.amount_yuan, c.multiplier
        from intermediate.int_expenditure_lines l
        join intermediate.int_table_cells c on c.document_id = l.document_id and c.table_index = l.table_index
            and c.row_index = l.row_index and c.column_name = '{column}'
        where l.document_id = ? and l.table_kind = ? and c.amount_yuan > {2 * SHORTFALL}
        order by l.table_index, l.row_index limit 1""", [document_id, table_kind])[0]
    decimals = len(text.split(".")[1]) if "." in text else 0
    return t, r, text, f"{(Decimal(str(amount)) - SHORTFALL) / Decimal(str(multiplier)):,.{decimals}f}"


@pytest.fixture(scope="module")
def damaged(sample_build, tmp_path_factory) -> dict:
    wh = scratch_copy(sample_build[0], tmp_path_factory.mktemp("line_source") / "wh")
    ids = dict(query(wh, "select file_name, document_id from dim_document"))
    doc = {case: next(d for name, d in ids.items() if name.startswith(case)) for case in (SWITCHES, NONE_CLOSES)}
    s = {"wh": wh, "doc": doc, "lines_before": {d: line_sources(wh, d) for d in doc.values()},
         "facts_before": dict(query(wh, "select document_id, sum(amount_yuan) from fact_expenditure group by 1"))}
    for case, kind, column in ((SWITCHES, "expenditure_summary", "basic"), (NONE_CLOSES, "gpb_expenditure", "personnel")):
        t, r, printed, wrong = misread(wh, doc[case], kind, column)
        s[case] = (t, r, printed, wrong)
        proc = cli("correct", "--warehouse", str(wh), "--document", doc[case][:16], "--table", str(t), "--row", str(r),
                   "--column", column, "--value", wrong, "--reason", f"test: a misread 项 amount ({printed} → {wrong})")
        assert proc.returncode == 0, proc.stderr
    build(SAMPLES, wh)
    return s


def document(warehouse: Path, document_id: str) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select * from dim_document where document_id = ?", [document_id]).df().iloc[0].to_dict()
    finally:
        con.close()


def facts_vs_stated(warehouse: Path, document_id: str) -> list[tuple]:
    return query(warehouse, """select item, status, expected_yuan, actual_yuan from check_results
                               where identity = 'facts_sum_to_stated_total' and document_id = ? order by item""",
                 [document_id])


def test_a_misread_first_source_switches_to_the_next_that_closes(damaged):
    wh, doc = damaged["wh"], damaged["doc"][SWITCHES]
    assert damaged["lines_before"][doc] == {"expenditure_summary"}
    d = document(wh, doc)
    # never a mixture: every line (printed or class remainder) now comes from the 一般公共预算支出表
    assert d["line_source"] == "gpb_expenditure" and line_sources(wh, doc) == {"gpb_expenditure"}
    assert set(r[0] for r in query(wh, "select distinct source_table_kind from fact_expenditure where document_id = ?",
                                   [doc])) <= {"gpb_expenditure", "income_expenditure_summary"}
    # the reason names the shortfall of the 支出总表 (the document and the damaged unit part) and the choice
    reason = d["line_source_reason"]
    stated = float(damaged["facts_before"][doc])
    assert reason.startswith(f"支出总表 Σ {stated - SHORTFALL:,.2f} ≠ stated {stated:,.2f} (p. "), reason
    assert "(+1 more); 一般公共预算支出表 closes: " in reason and reason.endswith("and its 2 unit parts"), reason
    # the facts equal the stated totals again: for the document and for each unit part
    rows = facts_vs_stated(wh, doc)
    assert len(rows) == 3 and all(status != "fail" for _, status, _, _ in rows), rows
    assert float(query(wh, "select sum(amount_yuan) from fact_expenditure where document_id = ?", [doc])[0][0]) == stated
    # the 支出总表's own identities still see the misread (its lines no longer sum to its 合计): incomplete
    assert d["completeness"] == "incomplete"
    assert not any("fact_expenditure" in r for r in d["completeness_reasons"]), d["completeness_reasons"]


def test_when_no_source_closes_the_first_stays_and_the_document_is_incomplete(damaged):
    wh, doc = damaged["wh"], damaged["doc"][NONE_CLOSES]
    d = document(wh, doc)
    assert d["line_source"] == "gpb_expenditure" and line_sources(wh, doc) == {"gpb_expenditure"}
    assert d["line_source_reason"].startswith("no source closes: 一般公共预算支出表 Σ ")
    assert d["line_source_reason"].endswith("; lines from 一般公共预算支出表 (first by rank)")
    assert d["completeness"] == "incomplete"
    assert [status for _, status, _, _ in facts_vs_stated(wh, doc)] == ["fail"]
    assert any("Σ fact_expenditure" in r for r in d["completeness_reasons"])


def test_status_and_the_untouched_documents_keep_their_source(damaged, wh):
    before = dict(wh.execute("select document_id, line_source_reason from dim_document").fetchall())
    after = dict(query(damaged["wh"], "select document_id, line_source_reason from dim_document"))
    changed = {d for d in before if before[d] != after[d]}
    assert changed == set(damaged["doc"].values())
    out = cli("status", "--warehouse", str(damaged["wh"])).stdout
    assert "lines: 支出总表 Σ " in out and "lines: no source closes: " in out, out


@pytest.mark.parametrize("which", ["sample_build", "real_build"])
def test_the_choice_agrees_with_the_checks(which, request):
    """On every sample and real document: the chosen source closes exactly when the facts pass
    facts_sum_to_stated_total and class_remainders_equal_unitemised_funds, and the chosen candidate's Σ is
    what the first compared."""
    warehouse = request.getfixturevalue(which)[0]
    chosen = query(build_file(warehouse), """
        select c.document_id, c.closes, p.amount
        from intermediate.int_line_source_choice c
        join intermediate.int_line_source_candidates p using (document_id, source_rank)
        where p.is_own""")
    results = query(warehouse, """
        select document_id, identity, item, status, actual_yuan from check_results
        where identity in ('facts_sum_to_stated_total', 'class_remainders_equal_unitemised_funds')""")
    assert chosen and {d for d, *_ in chosen} == {d for d, i, *_ in results if i == "facts_sum_to_stated_total"}
    for doc, closes, amount in chosen:
        assert closes == all(status != "fail" for d, _, _, status, _ in results if d == doc), doc
        checked = [float(actual) for d, identity, item, _, actual in results
                   if d == doc and identity == "facts_sum_to_stated_total" and "of unit" not in item]
        assert checked == [float(amount)], doc
    if which == "real_build":  # Jiangsu's 财政拨款支出表 lines come with class remainders, judged on both sides
        assert any(i == "class_remainders_equal_unitemised_funds" for _, i, *_ in results)


def _sql_macros():
    """The macros of dbt/macros/checks.sql, rendered by plain Jinja (the tolerance macros use nothing of dbt's)."""
    return jinja2.Environment().from_string((REPO / "dbt" / "macros" / "checks.sql").read_text()).module


def test_the_sql_tolerance_is_the_suites_tolerance():
    """identity_tolerance (SQL, the line source choice) = expectations/suites.py `tolerance` (Python, the Great
    Expectations suites), and within_tolerance passes exactly the rows the suites pass."""
    macros = _sql_macros()
    grid = pd.DataFrame([(n, u) for n in (1, 2, 3, 7, 41, 250) for u in (None, 0.01, 0.1, 1.0, 100.0, 1000.0, 10000.0)],
                        columns=["n_terms", "unit_yuan"])
    grid["expected"] = 9_501_164.0
    sql = f"select {macros.identity_tolerance('n_terms', 'unit_yuan')} as t from grid order by rowid"
    con = duckdb.connect()
    con.register("grid_df", grid)
    con.execute("create table grid as select * from grid_df")
    in_sql = [float(t) for (t,) in con.execute(sql).fetchall()]
    assert in_sql == list(tolerance(grid["n_terms"], grid["unit_yuan"]))
    # differences at, just under and just over the tolerance, on both sides
    cases = []
    for n, u, t in zip(grid["n_terms"], grid["unit_yuan"], in_sql, strict=True):
        for delta in (t, -t, t + 0.01, -(t + 0.01), max(t - 0.01, 0), 0):
            cases.append((n, u, 9_501_164.0, round(9_501_164.0 + delta, 2)))
    frame = pd.DataFrame(cases, columns=["n_terms", "unit_yuan", "expected", "actual"])
    con.register("frame_df", frame)
    con.execute("create table frame as select * from frame_df")
    rule = macros.within_tolerance("expected", "actual", "n_terms", "unit_yuan")
    passes_sql = [bool(p) for (p,) in con.execute(f"select {rule} from frame order by rowid").fetchall()]
    diff = (frame["actual"] - frame["expected"]).round(2).abs()
    assert passes_sql == list(tolerance(frame["n_terms"], frame["unit_yuan"]) >= diff)
    assert re.search(r"\(n_terms \+ 1\) \* 0\.5", macros.identity_tolerance("n_terms", "u"))
