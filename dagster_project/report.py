"""Charts of the published warehouse: queries → DataFrames → matplotlib figures → one self-contained HTML page.

`budgetwh report` and the `warehouse_report` asset both call `write_report`. The page needs no network: each
chart is an inline SVG whose text is drawn as glyph paths (`svg.fonttype = 'path'`), so it renders the same
without the CJK font, and each chart has the table of its numbers beneath it. Budgets (预算) and final
accounts (决算) are never added together: every query filters on `statement` or compares the two side by side.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import matplotlib
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from .resources import connect

log = logging.getLogger(__name__)

# Debian's fonts-wqy-zenhei (`make fonts`): matplotlib ships no CJK glyphs.
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
WAN = 10_000  # 万元 → yuan
COLORS = {"basic": "#4C72B0", "project": "#DD8452", "pass": "#55A868", "pass_within_tolerance": "#CCB974",
          "fail": "#C44E52", "budget": "#4C72B0", "final_accounts": "#55A868"}

# Σ budget lines per fiscal year × function class (类). One budget document per unit and year: the choice
# mart_budget_execution makes (the unit's own document before its department's, then the newest).
CLASS_BY_YEAR_SQL = """
    select e.fiscal_year, f.class_code, f.class_name, f.class_name_en, sum(e.budget_yuan) as amount_yuan
    from mart_budget_execution e
    join dim_function_code f using (function_code)
    where e.budget_yuan is not null
    group by all
    order by e.fiscal_year, amount_yuan desc, f.class_code"""
# Basic vs project per document × unit of the budgets (the department's own row included): the largest rows.
COMPOSITION_SQL = """
    select * from (
        select m.document_id, d.file_name, m.fiscal_year, m.unit_key, u.unit_name, m.is_document_subject,
               m.total_yuan, m.basic_yuan, m.project_yuan
        from mart_unit_budget m
        join dim_document d using (document_id)
        join dim_unit u using (unit_key)
        where m.statement = 'budget' and m.total_yuan > 0
        order by m.total_yuan desc, m.document_id, m.unit_key
        limit ?)
    order by fiscal_year, file_name, is_document_subject desc, total_yuan desc"""
# The largest units' budgets (departments left out: their totals include their units').
LARGEST_UNITS_SQL = """
    select t.unit_key, u.unit_name, t.fiscal_year, t.budget_total_yuan
    from mart_budget_execution_totals t
    join dim_unit u using (unit_key)
    where t.budget_total_yuan is not null and not coalesce(u.is_department, false)
    order by t.budget_total_yuan desc, t.unit_key, t.fiscal_year
    limit ?"""
CHECKS_SQL = """
    select d.document_id, d.file_name, d.statement, d.fiscal_year, d.completeness,
           count(r.status) filter (where r.status = 'pass') as pass,
           count(r.status) filter (where r.status = 'pass_within_tolerance') as pass_within_tolerance,
           count(r.status) filter (where r.status = 'fail') as fail
    from dim_document d
    left join check_results r using (document_id)
    where d.status = 'current'
    group by all
    order by fail desc, pass_within_tolerance desc, d.file_name
    limit ?"""
CHECKS_TOTALS_SQL = """
    select count(distinct d.document_id) as documents,
           count(r.status) filter (where r.status = 'pass') as pass,
           count(r.status) filter (where r.status = 'pass_within_tolerance') as pass_within_tolerance,
           count(r.status) filter (where r.status = 'fail') as fail
    from dim_document d
    left join check_results r using (document_id)
    where d.status = 'current'"""
# Units × years with both a budget and final accounts: the largest budgets.
EXECUTION_SQL = """
    select * from (
        select t.unit_key, u.unit_name, t.fiscal_year, t.budget_total_yuan, t.final_total_yuan, t.execution_rate
        from mart_budget_execution_totals t
        join dim_unit u using (unit_key)
        where t.budget_total_yuan is not null and t.final_total_yuan is not null
        order by t.budget_total_yuan desc, t.unit_key, t.fiscal_year
        limit ?)
    order by fiscal_year, unit_key"""


@dataclass(frozen=True)
class Chart:
    key: str  # the HTML section id and the Dagster metadata key
    title: str
    caption: str
    figure: Figure | None  # None: nothing to draw (the caption says why)
    table: pd.DataFrame  # the numbers the chart shows, printed under it


# ---------------------------------------------------------------- queries


def load_frames(con: duckdb.DuckDBPyConnection, top: int = 25) -> dict[str, pd.DataFrame]:
    """The charts' rows; every chart but the class totals shows at most `top` bars, whatever the corpus."""
    return {
        "class_by_year": con.execute(CLASS_BY_YEAR_SQL).df(),
        "composition": con.execute(COMPOSITION_SQL, [top]).df(),
        "largest_units": con.execute(LARGEST_UNITS_SQL, [top]).df(),
        "checks": con.execute(CHECKS_SQL, [top]).df(),
        "checks_totals": con.execute(CHECKS_TOTALS_SQL).df(),
        "execution": con.execute(EXECUTION_SQL, [top]).df(),
    }


def load_warehouse(warehouse: Path) -> dict[str, pd.DataFrame]:
    if not warehouse.exists():
        raise ValueError(f"{warehouse} does not exist: run `budgetwh build` first")
    with connect(warehouse, read_only=True) as con:
        return load_frames(con)


# ---------------------------------------------------------------- figures


def _wan(yuan: float) -> str:
    return f"{yuan / WAN:,.2f}"


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _thousands(axis) -> None:
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def spending_by_class_figure(df: pd.DataFrame, ncols: int = 2) -> Figure:
    """One panel per fiscal year (ncols to a row): each function class's budget in 万元, largest first."""
    years = sorted(df["fiscal_year"].unique())
    classes = (df.groupby(["class_code", "class_name"])["amount_yuan"].sum()
               .sort_values(ascending=True).index.tolist())
    labels = [f"{code} {name}" for code, name in classes]
    ncols = min(ncols, len(years))
    nrows = -(-len(years) // ncols)
    fig = _figure(2.6 + 3.0 * ncols, 0.6 + nrows * (0.7 + 0.36 * len(classes)))
    axes = fig.subplots(nrows, ncols, sharey=True, squeeze=False).flatten()
    for ax in axes[len(years):]:
        ax.set_visible(False)
    for ax, year in zip(axes, years):
        by_class = df[df["fiscal_year"] == year].set_index(["class_code", "class_name"])["amount_yuan"]
        values = [float(by_class.get(c, 0.0)) / WAN for c in classes]
        bars = ax.barh(labels, values, color=COLORS["budget"])
        ax.bar_label(bars, labels=[f"{v:,.0f}" if v else "" for v in values], padding=2, fontsize=8)
        ax.set_title(f"{year}", fontsize=11)
        ax.set_xlabel("万元", fontsize=8)
        ax.set_xlim(0, max(values) * 1.4 if max(values) > 0 else 1)
        _thousands(ax.xaxis)
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("预算支出 by function class (类) and fiscal year", fontsize=12)
    return fig


def composition_figure(df: pd.DataFrame) -> Figure:
    """Basic vs project share of each unit's budget (100 % bars), the total in 万元 beside each bar."""
    rows = df.iloc[::-1]
    labels = [f"{r.unit_name} {r.fiscal_year}{' (主体)' if r.is_document_subject else ''}"
              for r in rows.itertuples()]
    basic = (100 * rows["basic_yuan"] / rows["total_yuan"]).fillna(0).tolist()
    project = (100 * rows["project_yuan"] / rows["total_yuan"]).fillna(0).tolist()
    fig = _figure(10, 1.0 + 0.42 * len(rows))
    ax = fig.subplots()
    ax.barh(labels, basic, color=COLORS["basic"], label="基本支出 basic")
    ax.barh(labels, project, left=basic, color=COLORS["project"], label="项目支出 project")
    for y, (b, total) in enumerate(zip(basic, rows["total_yuan"])):
        ax.text(101, y, f"{_wan(total)} 万元", va="center", fontsize=8)
        ax.text(1, y, f"{b:.0f}%", va="center", fontsize=8, color="white")
    ax.set_xlim(0, 125)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of the stated total")
    ax.legend(loc="lower right", fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0), ncols=2)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Budget composition: 基本支出 vs 项目支出", fontsize=12, loc="left")
    return fig


def largest_units_figure(df: pd.DataFrame) -> Figure:
    rows = df.iloc[::-1]
    labels = [f"{r.unit_name} {r.fiscal_year}" for r in rows.itertuples()]
    values = (rows["budget_total_yuan"] / WAN).tolist()
    fig = _figure(10, 1.0 + 0.4 * len(rows))
    ax = fig.subplots()
    bars = ax.barh(labels, values, color=COLORS["budget"])
    ax.bar_label(bars, labels=[f"{v:,.2f}" for v in values], padding=2, fontsize=8)
    ax.set_xlim(0, max(values) * 1.25)
    _thousands(ax.xaxis)
    ax.set_xlabel("万元")
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Largest units by budgeted expenditure (预算支出合计)", fontsize=12, loc="left")
    return fig


def checks_figure(df: pd.DataFrame) -> Figure:
    """Identity results per document: pass / within tolerance / fail counts, the completeness in the label."""
    rows = df.iloc[::-1]
    labels = [f"{_short(r.file_name)}\n{r.statement} {r.fiscal_year} · {r.completeness}" for r in rows.itertuples()]
    fig = _figure(10, 1.0 + 0.6 * len(rows))
    ax = fig.subplots()
    left = [0] * len(rows)
    for status, label in (("pass", "pass"), ("pass_within_tolerance", "within tolerance"), ("fail", "fail")):
        counts = rows[status].astype(int).tolist()
        bars = ax.barh(labels, counts, left=left, color=COLORS[status], label=label)
        ax.bar_label(bars, labels=[str(c) if c else "" for c in counts], label_type="center", fontsize=8)
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlim(0, max(left) * 1.05 if max(left) > 0 else 1)
    ax.set_xlabel("identity evaluations")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="lower right", fontsize=8, frameon=False, bbox_to_anchor=(1.0, 1.0), ncols=3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Accounting identities per document", fontsize=12, loc="left")
    return fig


def execution_figure(df: pd.DataFrame) -> Figure:
    """Budget next to final accounts per unit × year, the execution rate above each pair."""
    labels = [f"{r.unit_name}\n{r.fiscal_year}" for r in df.itertuples()]
    x = range(len(df))
    fig = _figure(max(6.0, 1.6 * len(df) + 2), 5)
    ax = fig.subplots()
    ax.bar([i - 0.2 for i in x], df["budget_total_yuan"] / WAN, width=0.4, color=COLORS["budget"],
           label="预算 budget")
    bars = ax.bar([i + 0.2 for i in x], df["final_total_yuan"] / WAN, width=0.4, color=COLORS["final_accounts"],
                  label="决算 final accounts")
    ax.bar_label(bars, labels=[f"{r:.1%}" if pd.notna(r) else "" for r in df["execution_rate"]],
                 padding=2, fontsize=9)
    ax.set_xticks(list(x), labels, fontsize=8)
    ax.set_ylabel("万元")
    _thousands(ax.yaxis)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("Budget execution: 决算 ÷ 预算", fontsize=12, loc="left")
    return fig


def _short(file_name: str, width: int = 48) -> str:
    stem = file_name.rsplit(".", 1)[0]
    return stem if len(stem) <= width else stem[: width - 1] + "…"


# ---------------------------------------------------------------- charts: figure + caption + table


def build_charts(frames: dict[str, pd.DataFrame]) -> list[Chart]:
    with chart_style():
        return [
            _class_chart(frames["class_by_year"]),
            _composition_chart(frames["composition"]),
            _largest_units_chart(frames["largest_units"]),
            _checks_chart(frames["checks"], frames["checks_totals"].iloc[0]),
            _execution_chart(frames["execution"]),
        ]


def _class_chart(df: pd.DataFrame) -> Chart:
    table = df.assign(wan_yuan=(df["amount_yuan"] / WAN).round(2))[
        ["fiscal_year", "class_code", "class_name", "class_name_en", "wan_yuan"]]
    return Chart("spending_by_class", "Spending by function class and year (budgets)",
                 "Σ 预算 lines per fiscal year × function class (类), 万元, one budget document per unit and "
                 "year (mart_budget_execution's choice: the unit's own document before its department's).",
                 spending_by_class_figure(df) if len(df) else None, table)


def _composition_chart(df: pd.DataFrame) -> Chart:
    table = pd.DataFrame({
        "file_name": df["file_name"], "fiscal_year": df["fiscal_year"], "unit": df["unit_name"],
        "document_subject": df["is_document_subject"], "total_wan": (df["total_yuan"] / WAN).round(2),
        "basic_pct": (100 * df["basic_yuan"] / df["total_yuan"]).round(1),
        "project_pct": (100 * df["project_yuan"] / df["total_yuan"]).round(1),
    })
    return Chart("composition", "Budget composition: basic vs project",
                 f"The {len(df)} largest budget totals (of a unit or a department, in a document): shares of the "
                 "stated total (mart_unit_budget, statement = 'budget'); "
                 "(主体) marks the row of the department or unit a document is about.",
                 composition_figure(df) if len(df) else None, table)


def _largest_units_chart(df: pd.DataFrame) -> Chart:
    table = df.assign(wan_yuan=(df["budget_total_yuan"] / WAN).round(2))[
        ["unit_key", "unit_name", "fiscal_year", "wan_yuan"]]
    return Chart("largest_units", f"The {len(df)} largest units",
                 "预算支出合计 per unit × year (mart_budget_execution_totals); departments are left out, their "
                 "totals include their units'.", largest_units_figure(df) if len(df) else None, table)


def _checks_chart(df: pd.DataFrame, totals: pd.Series) -> Chart:
    table = df[["file_name", "statement", "fiscal_year", "completeness", "pass", "pass_within_tolerance", "fail"]]
    shown = "" if len(df) == totals["documents"] else f"the {len(df)} with the most failures of "
    return Chart("identity_checks", "Identity results per document",
                 f"check_results per current document ({shown}{totals['documents']} documents: "
                 f"{totals['pass']} pass, {totals['pass_within_tolerance']} within tolerance, "
                 f"{totals['fail']} fail): identities that hold exactly, within the printed rounding, or fail; "
                 "and the document's completeness (dim_document).",
                 checks_figure(df) if len(df) else None, table)


def _execution_chart(df: pd.DataFrame) -> Chart:
    table = pd.DataFrame({
        "unit_key": df["unit_key"], "unit": df["unit_name"], "fiscal_year": df["fiscal_year"],
        "budget_wan": (df["budget_total_yuan"] / WAN).round(2), "final_wan": (df["final_total_yuan"] / WAN).round(2),
        "execution_rate_pct": (100 * df["execution_rate"]).round(1),
    })
    caption = ("Stated totals of each unit's budget and final accounts for the same year "
               "(mart_budget_execution_totals), never added together.")
    if not len(df):
        caption += " No unit × year in this warehouse has both a budget and final accounts."
    return Chart("execution", "Budget vs final accounts", caption,
                 execution_figure(df) if len(df) else None, table)


# ---------------------------------------------------------------- rendering


def register_cjk_font() -> list[str]:
    """The font family charts use: WenQuanYi Zen Hei (it has Latin glyphs too) where installed."""
    if not CJK_FONT_FILE.exists():
        log.warning("%s missing (`make fonts`): Chinese labels will be drawn as empty boxes", CJK_FONT_FILE)
        return ["DejaVu Sans"]
    font_manager.fontManager.addfont(str(CJK_FONT_FILE))
    return [font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name()]


def chart_style() -> matplotlib.rc_context:
    return matplotlib.rc_context({
        "font.family": register_cjk_font(),
        "svg.fonttype": "path",  # glyphs as paths: the SVG renders without the font
        "svg.hashsalt": "budgetwh",  # stable element ids: the same data gives the same file
        "axes.unicode_minus": False,
        # WenQuanYi Zen Hei has one weight, 500; asking for "normal" (400) logs a fallback for every text
        **dict.fromkeys(["font.weight", "axes.titleweight", "axes.labelweight", "figure.titleweight"], 500),
    })


def figure_svg(fig: Figure) -> str:
    buf = io.StringIO()
    with chart_style():
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]  # inline: no XML prolog or DOCTYPE


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    buf = io.BytesIO()
    with chart_style():
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>budget-warehouse report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }}
section {{ margin-bottom: 3rem; }}
section svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; font-size: .85rem; }}
th, td {{ border: 1px solid #ddd; padding: .2rem .5rem; text-align: right; }}
th {{ background: #f4f4f4; }}
td:nth-child(-n+2) {{ text-align: left; }}
.caption {{ color: #555; }}
</style></head>
<body>
<h1>budget-warehouse report</h1>
<p class="caption">{source} · generated {generated}</p>
{sections}
</body></html>
"""


def render_html(charts: list[Chart], source: str, generated: str) -> str:
    sections = []
    for chart in charts:
        body = figure_svg(chart.figure) if chart.figure is not None else "<p><em>nothing to chart</em></p>"
        table = chart.table.to_html(index=False, border=0, na_rep="", classes="numbers") if len(chart.table) else ""
        sections.append(
            f'<section id="{chart.key}"><h2>{html.escape(chart.title)}</h2>\n'
            f'<p class="caption">{html.escape(chart.caption)}</p>\n'
            f'<figure>{body}</figure>\n{table}</section>'
        )
    return PAGE.format(source=html.escape(source), generated=html.escape(generated), sections="\n".join(sections))


def summary_markdown(frames: dict[str, pd.DataFrame]) -> str:
    """Per document: statement, year, completeness and identity counts (the Dagster summary table)."""
    checks = frames["checks"]
    return checks[["file_name", "statement", "fiscal_year", "completeness", "pass", "pass_within_tolerance",
                   "fail"]].to_markdown(index=False)


def write_report(warehouse: Path, out_dir: Path, pngs: bool = False
                 ) -> tuple[Path, dict[str, pd.DataFrame], list[Chart]]:
    """Render the report of a published warehouse to out_dir/index.html (written whole, then renamed);
    with pngs, each chart also as out_dir/<key>.png (100 dpi, for slides and the README)."""
    frames = load_warehouse(warehouse)
    charts = build_charts(frames)
    page = render_html(charts, source=str(warehouse),
                       generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    tmp = out_dir / ".index.html.tmp"
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    for chart in charts if pngs else []:
        if chart.figure is not None:
            (out_dir / f"{chart.key}.png").write_bytes(figure_png(chart.figure, dpi=100))
    log.info("report of %s: %s (%d charts)", warehouse, target, sum(c.figure is not None for c in charts))
    return target, frames, charts
