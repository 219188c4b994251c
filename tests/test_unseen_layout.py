"""Documents the tests have never seen (issue #3): one Beijing-, one Hebei- and one Xi'an-style document
with other budget units, years and amounts (× k), laid out by Word tables and paged by LibreOffice
(tools/synthcorpus/render_office.py) instead of the samples' reportlab, built with the real pipeline
and checked against the ground truth known by construction."""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal

import duckdb
import pdfplumber
import pytest

from dagster_project.extraction.classify import FINANCIAL_KINDS, table_kind
from tools.samplegen.render_pdf import Layout
from tools.synthcorpus import SEED_INFO, SEEDS, Variant
from tools.synthcorpus.render_office import PAGE_SIZES_MM, OfficeLayout, build_office_documents
from tools.synthcorpus.verify import stated_total, verify

from .conftest import run_build

# region, unit code, year and k differ from every seed; page setups differ from reportlab's A4
VARIANTS = [
    (Variant("synth-office-beijing-110108-700-2021", "beijing-chaoyang-medical-security-bureau-2023-department-budget",
             "海淀区", "110108", 2021, "700", 3, Layout(), 1.0), OfficeLayout("B5", 15, 8, 8)),
    (Variant("synth-office-hebei-130283-701-2020", "hebei-fengrun-medical-security-bureau-2023-department-budget",
             "迁安市", "130283", 2020, "701", 2, Layout(), 0.5), OfficeLayout("A4", 25, 9, 9)),
    (Variant("synth-office-shaanxi-610116-702-2026", "shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget",
             "长安区", "610116", 2026, "702", 4, Layout(), 1.0), OfficeLayout("A5", 12, 7, 7)),
]
NAMES = [v.name for v, _ in VARIANTS]
MONEY_RE = re.compile(r"^-?(\d{1,3}(,\d{3})+(\.\d+)?|\d+\.\d+)$")  # an amount as printed: 1,234.56 / 799142.13


def squash(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


@pytest.fixture(scope="module")
def office_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("unseen")
    raw, gold_dir = root / "raw", root / "gold"
    start = time.perf_counter()
    golds = build_office_documents(VARIANTS, raw, gold_dir, root / "work")
    rendered = time.perf_counter() - start
    warehouse = root / "wh" / "budget.duckdb"
    proc = run_build(raw, warehouse)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    print(f"\nrendered 3 documents via LibreOffice in {rendered:.1f}s, built in "
          f"{time.perf_counter() - start - rendered:.1f}s")
    con = duckdb.connect(str(warehouse), read_only=True)
    events = con.execute(
        "select event_type, json_extract_string(payload, '$.file_name'), payload, d.file_name "
        "from events e left join dim_document d using (document_id)").fetchall()
    con.close()
    registered = {f: json.loads(p) for t, f, p, _ in events if t == "DocumentRegistered"}
    extracted = {d: json.loads(p)["tables"] for t, _, p, d in events if t == "TablesExtracted"}
    failed = [(f, json.loads(p).get("reason")) for t, f, p, _ in events if t == "ExtractionFailed"]
    return {"raw": raw, "gold_dir": gold_dir, "warehouse": warehouse,
            "gold": {g["document"]: g for g in golds}, "registered": registered, "extracted": extracted,
            "failed": failed}


def test_pdfs_come_from_libreoffice(office_build):
    for v, layout in VARIANTS:
        with pdfplumber.open(office_build["raw"] / f"{v.name}.pdf") as pdf:
            assert "LibreOffice" in (pdf.metadata.get("Producer") or ""), pdf.metadata
            chars = pdf.pages[1].chars  # a text layer with real glyphs, in the embedded CJK font
            assert len(chars) > 200 and all("WenQuanYiZenHei" in c["fontname"] for c in chars)
            # the office page setup, portrait and landscape sections
            w, h = (round(x * 72 / 25.4) for x in PAGE_SIZES_MM[layout.page])
            assert {(round(p.width), round(p.height)) for p in pdf.pages} == {(w, h), (h, w)}


def test_documents_registered_as_generated(office_build):
    assert office_build["failed"] == []
    for v, _ in VARIANTS:
        reg = office_build["registered"][f"{v.name}.pdf"]
        info = next(s for s in SEED_INFO if s.stem == v.seed)
        seed_units = {m.group(0) for m in re.finditer(
            rf"(?<![\d.,]){info.dept_code}(?:\d{{3}})?(?=[\s|\-－~～]*{info.anchor})",
            (SEEDS / f"{v.seed}.txt").read_text(encoding="utf-8"))}
        expected_units = {v.dept_code + code[len(info.dept_code):] for code in seed_units} | {v.dept_code}
        assert (reg["fiscal_year"], reg["region_code"], reg["department_code"]) == (
            v.fiscal_year, v.region_code, v.dept_code)
        assert reg["subject_code"].startswith(v.dept_code)
        assert {u["unit_code"] for u in reg["units"]} == expected_units
        assert all(v.district in u["unit_name"] for u in reg["units"])


def _financial_pairs(gold_tables, got_tables):
    """Each financial gold table with the extracted table of the same (squashed) title and section,
    the n-th gold occurrence with the n-th extracted one."""
    pairs = []
    seen: dict[tuple[str, str], int] = {}
    for g in gold_tables:
        key = (squash(g["title"]), squash(g["section"]))
        n = seen[key] = seen.get(key, -1) + 1
        if table_kind(g["title"]) not in FINANCIAL_KINDS:
            continue
        same = [t for t in got_tables if (squash(t["title"]), squash(t["section"])) == key]
        pairs.append((g, same[n] if n < len(same) else None))
    return pairs


@pytest.mark.parametrize("name", NAMES)
def test_financial_tables_match_gold_amounts(office_build, name):
    gold = office_build["gold"][name]["tables"]
    got = office_build["extracted"][f"{name}.pdf"]
    problems = []
    n_amounts = 0
    for g, t in _financial_pairs(gold, got):
        label = f"{g['title']} [{g['section']}]"
        if t is None:
            problems.append(f"{label}: not extracted")
            continue
        if len(t["rows"]) != len(g["rows"]):
            problems.append(f"{label} p{t['pages']}: {len(t['rows'])} body rows, gold {len(g['rows'])}")
            continue
        for i, (gr, tr) in enumerate(zip(g["rows"], t["rows"])):
            want = {j: squash(c) for j, c in enumerate(gr["cells"]) if MONEY_RE.match(squash(c))}
            have = {j: squash(c) for j, c in enumerate(tr["cells"]) if MONEY_RE.match(squash(c))}
            n_amounts += len(want)
            if want != have:
                problems.append(f"{label} p{tr['page']} row {i}: {have} != gold {want}")
    assert not problems, "\n".join(problems[:20])
    assert n_amounts > 100


def test_tables_continue_over_page_breaks(office_build):
    """Every document has a financial table LibreOffice continued on a second page under its repeated
    header row, extracted as one table (its rows matched the gold above)."""
    for name in NAMES:
        got = office_build["extracted"][f"{name}.pdf"]
        spanning = [t for t in got if table_kind(t["title"]) in FINANCIAL_KINDS and len(t["pages"]) >= 2]
        assert spanning, f"{name}: no financial table spans two pages"
        t = spanning[0]
        first_label = squash(next(c for c in t["header_rows"][0] if c.strip()))
        with pdfplumber.open(office_build["raw"] / f"{name}.pdf") as pdf:
            for page in t["pages"][:2]:  # the header row printed again on the continuation page
                assert first_label in squash(pdf.pages[page - 1].extract_text()), (name, page, first_label)


def test_checks_and_totals_match_gold(office_build):
    rows = verify(office_build["warehouse"], office_build["gold_dir"])
    assert [r["file_name"] for r in rows] == [f"{n}.pdf" for n in NAMES]
    assert all(r["ok"] and r["failed_checks"] == 0 for r in rows), rows
    con = duckdb.connect(str(office_build["warehouse"]), read_only=True)
    try:
        assert con.execute("select count(*) from check_results where status = 'fail'").fetchone()[0] == 0
        assert con.execute("select count(*) from check_results").fetchone()[0] > 100
        facts = con.execute(
            "select d.file_name, f.unit_key, sum(f.amount_yuan) from fact_expenditure f "
            "join dim_document d using (document_id) group by all").fetchall()
        status = dict(con.execute("select file_name, status from dim_document").fetchall())
    finally:
        con.close()
    assert set(status.values()) == {"current"}
    for v, _ in VARIANTS:
        gold = office_build["gold"][v.name]["tables"]
        mine = [(unit, Decimal(str(amount))) for f, unit, amount in facts if f == f"{v.name}.pdf"]
        # the document's stated total (its first 支出总表's 合计) = Σ fact_expenditure, exactly
        assert sum(a for _, a in mine) == stated_total(gold), v.name
        # Hebei: each unit part's 支出总表 合计 = Σ of that unit's facts
        for t in gold:
            if t["section"] and re.search(r"支出(预算)?总表", squash(t["title"])):
                code = re.match(r"\d+", t["section"]).group(0)
                unit = f"{v.region_code}-{code}"
                assert dict(mine)[unit] == stated_total([{**t, "section": ""}]), (v.name, unit)
