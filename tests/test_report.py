"""The charts page: `budgetwh report` writes one self-contained HTML file that Debian's headless Chromium
renders (inline SVG charts, no console errors), the build's `warehouse_report` asset writes the same page
and shows the charts in its metadata, and final accounts never enter the budget charts."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import duckdb
import matplotlib.image
from dagster import DagsterInstance, materialize

from dagster_project.assets.warehouse_report import warehouse_report
from dagster_project.report import build_charts, figure_svg, load_frames
from dagster_project.resources import WarehouseResource

from .conftest import BUDGETWH, SAMPLES, scratch_copy

CHARTED = ["spending_by_class", "composition", "largest_units", "identity_checks", "execution"]


def chromium(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium")
    assert exe, "Debian's chromium is missing: `make browser`"
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120,
    )


def sections(dom: str) -> dict[str, str]:
    parts = re.split(r'<section id="([a-z_]+)">', dom)
    return dict(zip(parts[1::2], parts[2::2]))


def test_report_renders_in_headless_chromium(sample_build, wh, tmp_path):
    proc = subprocess.run([BUDGETWH, "report", "--warehouse", str(sample_build[0]), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = tmp_path / "index.html"
    text = page.read_text(encoding="utf-8")
    # self-contained: nothing to fetch, no script
    assert not re.search(r"<script|<link|<img|\b(?:src|href)=[\"'](?!#)|url\((?!#)", text, re.I)

    dom = chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-3000:]
    assert not re.findall(r".*(?:CONSOLE|Uncaught).*", dom.stderr)
    found = sections(dom.stdout)
    assert list(found) == CHARTED
    for key in CHARTED:
        svg = re.search(r"<svg\b.*?</svg>", found[key], re.S)
        assert svg, key
        # bars, axes and every glyph are paths: a chart with only a frame would have a handful
        assert len(re.findall(r"<path\b[^>]*\sd=\"M", svg.group(0))) >= 20, key

    # the key figures, computed here from the fact table, not by the report's queries
    health_2023 = wh.execute(
        """select round(sum(f.amount_yuan) / 10000, 2) from fact_expenditure f
           join dim_function_code c using (function_code) join dim_document d using (document_id)
           where d.statement = 'budget' and f.fiscal_year = 2023 and c.class_code = '210'""").fetchone()[0]
    assert f"<td>{float(health_2023):.2f}</td>" in found["spending_by_class"]
    unit, total = wh.execute(
        """select u.unit_name, round(m.total_yuan / 10000, 2) from mart_unit_budget m join dim_unit u using (unit_key)
           where m.statement = 'budget' and not u.is_department order by m.total_yuan desc limit 1""").fetchone()
    assert re.search(rf"<td>{unit}</td>\s*<td>\d+</td>\s*<td>{float(total):.2f}</td>", found["largest_units"])
    for file_name, statement, passed, within in wh.execute(
            """select d.file_name, d.statement, count(*) filter (where r.status = 'pass'),
                      count(*) filter (where r.status = 'pass_within_tolerance')
               from dim_document d join check_results r using (document_id) group by 1, 2""").fetchall():
        row = rf"<td>{re.escape(file_name)}</td>\s*<td>{statement}</td>\s*<td>\d+</td>\s*<td>complete</td>\s*"
        assert re.search(rf"{row}<td>{passed}</td>\s*<td>{within}</td>\s*<td>0</td>", found["identity_checks"]), file_name
    # the samples' Dongcheng insurance centre 2023: budget and final accounts, the rate from their stated totals
    stated = dict(wh.execute(
        """select statement, total_yuan from mart_unit_budget
           where unit_key = '110101-201002' and fiscal_year = 2023 and is_document_subject""").fetchall())
    rate = round(float(100 * stated["final_accounts"] / stated["budget"]), 1)
    cells = re.search(r"<td>2023</td>\s*<td>([\d.]+)</td>\s*<td>([\d.]+)</td>\s*<td>([\d.]+)</td>", found["execution"])
    assert cells, found["execution"][-600:]
    assert [float(c) for c in cells.groups()] == [float(stated["budget"] / 10000), float(stated["final_accounts"] / 10000),
                                                   rate]

    # and the charts are painted: the bars' colours cover part of the page (tables and text are grey)
    shot = tmp_path / "shot.png"
    painted = chromium("--window-size=1200,5000", f"--screenshot={shot}", page.as_uri())
    assert painted.returncode == 0 and shot.exists(), painted.stderr[-3000:]
    rgb = matplotlib.image.imread(shot)[..., :3]
    saturated = (rgb.max(axis=2) - rgb.min(axis=2)) > 0.25
    assert saturated.mean() > 0.01


def test_build_writes_the_report_and_the_asset_shows_the_charts(sample_build, tmp_path):
    assert (sample_build[0].parent / "report" / "index.html").stat().st_size > 0  # the build job's report
    warehouse = scratch_copy(sample_build[0], tmp_path / "wh")  # materializing writes the report again
    resource = WarehouseResource(raw_dir=str(SAMPLES), warehouse=str(warehouse))
    with DagsterInstance.ephemeral() as instance:
        assert materialize([warehouse_report], instance=instance, resources={"warehouse": resource}).success
        meta = instance.get_latest_materialization_event(warehouse_report.key).asset_materialization.metadata
    assert meta["path"].value == str(warehouse.parent / "report" / "index.html")
    assert meta["charts"].value == len(CHARTED)
    assert "hebei-fengrun-medical-security-bureau-2023-department-budget.pdf" in meta["summary"].value
    for key in CHARTED:
        md = meta[f"chart_{key}"].value
        png = base64.b64decode(re.search(r"\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", md).group(1))
        assert png.startswith(b"\x89PNG") and len(png) > 5000, key


def test_final_accounts_stay_out_of_the_budget_charts_and_execution_is_drawn():
    """A unit with a budget and final accounts for 2024: the class chart and the composition show the budget
    alone; the execution chart draws both with the rate."""
    con = duckdb.connect()
    con.execute("""
        create table dim_function_code as select * from (values
            ('2101101', '210', '卫生健康支出', 'Health')) t(function_code, class_code, class_name, class_name_en);
        create table dim_unit as select * from (values
            ('110101-201002', '东城医保中心', false)) t(unit_key, unit_name, is_department);
        create table dim_document as select * from (values
            ('b', 'b.pdf', 'budget', 2024, 'current', 'complete'),
            ('f', 'f.pdf', 'final_accounts', 2024, 'current', 'complete'))
            t(document_id, file_name, statement, fiscal_year, status, completeness);
        create table check_results (document_id varchar, status varchar);
        insert into check_results values ('b', 'pass'), ('f', 'pass'), ('f', 'fail');
        create table mart_budget_execution as select * from (values
            ('110101-201002', 2024, '2101101', 1000000.0, 930000.0)) t(unit_key, fiscal_year, function_code,
                                                                        budget_yuan, final_yuan);
        create table mart_unit_budget as select * from (values
            ('b', '110101-201002', 2024, 'budget', true, 1000000.0, 600000.0, 400000.0),
            ('f', '110101-201002', 2024, 'final_accounts', true, 930000.0, 590000.0, 340000.0))
            t(document_id, unit_key, fiscal_year, statement, is_document_subject, total_yuan, basic_yuan,
              project_yuan);
        create table mart_budget_execution_totals as select * from (values
            ('110101-201002', 2024, 1000000.0, 930000.0, 0.93)) t(unit_key, fiscal_year, budget_total_yuan,
                                                                   final_total_yuan, execution_rate);
    """)
    frames = load_frames(con)
    assert frames["class_by_year"]["amount_yuan"].tolist() == [1000000.0]
    assert frames["composition"]["document_id"].tolist() == ["b"]
    assert frames["checks"].set_index("document_id")["fail"].to_dict() == {"b": 0, "f": 1}
    charts = {c.key: c for c in build_charts(frames)}
    execution = charts["execution"]
    assert execution.figure is not None
    assert execution.table.to_dict("records") == [{
        "unit_key": "110101-201002", "unit": "东城医保中心", "fiscal_year": 2024,
        "budget_wan": 100.0, "final_wan": 93.0, "execution_rate_pct": 93.0}]
    assert len(re.findall(r"<path\b", figure_svg(execution.figure))) >= 20

    # a big corpus: each chart keeps its `top` bars, the document with failures first, and says so
    few = load_frames(con, top=1)
    assert few["checks"]["document_id"].tolist() == ["f"]
    caption = {c.key: c for c in build_charts(few)}["identity_checks"].caption
    assert "the 1 with the most failures of 2 documents: 2 pass, 0 within tolerance, 1 fail" in caption
    assert frames["largest_units"]["budget_total_yuan"].tolist() == [1000000.0]
