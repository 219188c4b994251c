"""fact_performance_target: the performance tables (绩效目标表) as indicator rows.

Unit tests: the header labels → canonical columns (dagster_project/extraction/performance.py; the reading of
the body rows is tested in tests/test_performance_rows.py), and the target reading
(`read_target` in dbt/models/marts/fact_performance_target.sql, the one place targets are parsed) run in
DuckDB on literal texts. Warehouse tests (the session build of the bundled samples): nothing is lost (one
fact row per printed body row of every performance table the facts read, each keeping its printed text),
and indicator rows of the Dongcheng 2023 and Xi'an samples read as the gold tables print them."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import duckdb
import jinja2
import pytest

from dagster_project.extraction.classify import interpret_table
from dagster_project.extraction.performance import performance_column

from .conftest import REPO

GOLD = REPO / "tests" / "gold"
FACT_MODEL = REPO / "dbt" / "models" / "marts" / "fact_performance_target.sql"
DONGCHENG_2023 = "beijing-dongcheng-medical-insurance-center-2023-unit-budget"
XIAN = "shaanxi-xian-beilin-medical-insurance-center-2024-unit-budget"


def squash(text: str | None) -> str:
    return re.sub(r"[\s\u3000]+", "", text or "")


def portable_macros(env: jinja2.Environment) -> dict:
    """The dispatched macros of dbt/macros/portable.sql as dbt renders them on DuckDB (their duckdb__ forms)."""
    macros = env.from_string((REPO / "dbt" / "macros" / "portable.sql").read_text()).make_module()
    return {k.removeprefix("duckdb__"): getattr(macros, k) for k in dir(macros) if k.startswith("duckdb__")}


def model_variables(path: Path) -> dict:
    """The top-level {% set %} variables of a dbt model, rendered with stand-ins for dbt's functions."""
    env = jinja2.Environment()
    module = env.from_string(path.read_text()).make_module(
        vars={"ref": lambda name: name, "provenance_columns": lambda alias: "", "var": lambda name: None,
              "dbt": SimpleNamespace(listagg=lambda measure, delimiter, order_by="": f"string_agg({measure}, "
                                                                                    f"{delimiter} {order_by})"),
              **portable_macros(env)}
    )
    return {k: getattr(module, k) for k in dir(module) if not k.startswith("_")}


def gold_tables(stem: str) -> list[dict]:
    return json.loads((GOLD / f"{stem}.json").read_text())["tables"]


# ------------------------------------------------------------------------------------------ header labels


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (["项目名称"], "project_name"),
        (["单位名称"], "unit"),
        (["一级指标"], "indicator_level_1"),
        (["二级指标"], "indicator_level_2"),
        (["三级指标"], "indicator_level_3"),
        (["指标内容"], "indicator"),
        (["指标名称"], "indicator"),
        (["绩效指标性质"], "indicator_nature"),
        (["本年绩效指标值"], "target"),
        (["指标值（包含数字及文字描述）"], "target"),
        (["年度(/项目)指标值"], "target"),
        (["目标值"], "target"),
        (["绩效度量单位"], "unit_of_measure"),
        (["指标方向性"], "direction"),
        (["指标性质"], "indicator_nature"),
        (["年度目标"], "goal"),
        (["主管部门"], "department"),
        (["其中：", "财政资金"], "fiscal_funds"),
        (["其中：", "其他资金"], "other_funds"),
        (["指标值确定依据"], "target_basis"),
        (["项目负责人电话"], "project_manager_phone"),
        (["经办中心运转经费"], None),
        ([], None),
    ],
)
def test_performance_column(path, name):
    assert performance_column(path) == name


def test_beijing_header_is_named_at_extraction():
    """预算13表 as printed in the Dongcheng 2023 sample: every column named, in print order."""
    table = next(t for t in gold_tables(DONGCHENG_2023) if "项目支出绩效" in t["title"])
    columns = interpret_table(table, 12)["columns"]
    assert columns == [
        "unit", "project_name", "project_type", "project_manager", "project_manager_phone", "project_total",
        "fiscal_funds", "other_funds", "goal", "indicator_level_1", "indicator_level_2", "indicator_level_3",
        "indicator_nature", "target", "unit_of_measure", "direction",
    ]


# ------------------------------------------------------------------------------------------ target reading

READ_TARGET = None


def read_target(nature: str | None, target: str | None, unit: str | None = None, direction: str | None = None):
    """Run the model's own `read_target` SQL on one row."""
    global READ_TARGET
    if READ_TARGET is None:
        READ_TARGET = str(model_variables(FACT_MODEL)["read_target"])
    sql = (
        "with targets as (select ?::varchar as indicator_nature_text, ?::varchar as target_text, "
        "?::varchar as unit_of_measure_text, ?::varchar as direction_text) "
        "select operator, target_value, unit_of_measure, target_kind, target_problems, direction, direction_source "
        f"from ({READ_TARGET})"
    )
    con = duckdb.connect()
    try:
        row = con.execute(sql, [nature, target, unit, direction]).fetchone()
    finally:
        con.close()
    keys = ("operator", "value", "unit", "kind", "problems", "direction", "direction_source")
    return dict(zip(keys, row))


@pytest.mark.parametrize(
    ("target", "operator", "value", "unit", "direction"),
    [
        ("≥95%", "≥", "95", "%", "positive"),
        ("≤10个工作日", "≤", "10", "个工作日", "negative"),
        ("=100%", "=", "100", "%", None),
        ("100%", None, "100", "%", None),
        ("≥ 3次", "≥", "3", "次", "positive"),
        ("≥13459.00(平方米)", "≥", "13459", "平方米", "positive"),  # Shanghai
        ("=100.00(%)", "=", "100", "%", None),
        (">6.00(次)", ">", "6", "次", "positive"),
        ("≤5元/本", "≤", "5", "元/本", "negative"),  # Hebei
        ("0.07元/页/年", None, "0.07", "元/页/年", None),  # Xi'an
        ("44.6万页", None, "44.6", "万页", None),  # never scaled
        ("不低于50%", "≥", "50", "%", "positive"),
        ("1,200人", None, "1200", "人", None),
    ],
)
def test_numeric_targets(target, operator, value, unit, direction):
    got = read_target(None, target)
    assert got["kind"] == "parsed" and got["problems"] == [], got
    assert (got["operator"], got["value"], got["unit"], got["direction"]) == (operator, Decimal(value), unit, direction)
    assert got["direction_source"] == ("operator" if direction else None)


@pytest.mark.parametrize(
    "target", ["按时完成", "优", "显著提高", "2024年1-12月", "2023年底之前", "2023年12月底", "开展至少1次团体心理治疗",
               "补贴对象生活改善度不低于80%"],
)
def test_text_targets(target):
    got = read_target(None, target)
    assert got == {"operator": None, "value": None, "unit": None, "kind": "text", "problems": [],
                   "direction": None, "direction_source": None}


def test_beijing_columns():
    """Beijing prints the operator in 绩效指标性质, the number, the unit and the direction in their own cells;
    a printed direction wins over the operator (≤ 12 月 正向指标 as printed in Dongcheng 预算13表)."""
    assert read_target("≥", "90", "%", "正向指标") == {
        "operator": "≥", "value": Decimal("90"), "unit": "%", "kind": "parsed", "problems": [],
        "direction": "positive", "direction_source": "printed"}
    got = read_target("≤", "12", "期/年", "正向指标")
    assert (got["operator"], got["direction"], got["direction_source"]) == ("≤", "positive", "printed")
    assert read_target("≧", "95", "%")["operator"] == "≥"
    got = read_target("定性", "优良中低差", "其他")
    assert (got["kind"], got["value"], got["unit"], got["operator"]) == ("text", None, "其他", None)


@pytest.mark.parametrize(
    ("nature", "target", "unit", "problem"),
    [
        ("≠", "75", "人/天", "operator ≠"),  # Dongcheng 2023 预算13表: not a comparison a target can use
        ("≥", "享受待遇人次", "人次", "not a number"),  # Dongcheng 2023 预算14表: indicator text in 指标值
        (None, "", None, "no target value printed"),
        (None, None, None, "no target value printed"),
        ("数量指标", "12", "个", "is not an operator"),
    ],
)
def test_targets_that_cannot_be_read_are_flagged_not_fixed(nature, target, unit, problem):
    got = read_target(nature, target, unit)
    assert any(problem in p for p in got["problems"]), got
    assert got["operator"] is None or got["operator"] in ("≥", "≤", "=", ">", "<")
    assert got["direction"] is None


# ------------------------------------------------------------------------------------------ the warehouse


def facts(wh, stem: str) -> dict[tuple[int, int], dict]:
    cur = wh.execute(
        """select f.* from fact_performance_target f join dim_document d using (document_id)
           where d.file_name = ?""",
        [f"{stem}.pdf"],
    )
    names = [c[0] for c in cur.description]
    return {(r["table_index"], r["row_index"]): r for r in (dict(zip(names, row)) for row in cur.fetchall())}


def read_tables(wh, stem: str) -> dict[int, str]:
    """Performance tables the facts read (Hebei: the unit parts), with their titles."""
    return dict(wh.execute(
        """select p.table_index, p.title from intermediate.int_table_parts p join dim_document d using (document_id)
           where d.file_name = ? and p.is_read_by_facts and p.table_kind like '%performance'""",
        [f"{stem}.pdf"],
    ).fetchall())


# the samples that print performance tables (final accounts print none)
STEMS = sorted(p.stem for p in GOLD.glob("*.json") if any("绩效" in t["title"] for t in gold_tables(p.stem)))


@pytest.mark.parametrize("stem", STEMS)
def test_nothing_is_lost(wh, stem):
    """Every printed body row of every performance table is a fact row, keeping its printed text; a table
    the facts do not read (Hebei's department part) restates a table they do."""
    gold = gold_tables(stem)
    rows = facts(wh, stem)
    read = read_tables(wh, stem)
    performance = {i: t for i, t in enumerate(gold) if "绩效" in t["title"]}
    assert performance
    assert set(read) <= set(performance)
    assert {t for t, _ in rows} <= set(read)
    for i, table in performance.items():
        got = {r: v for (t, r), v in rows.items() if t == i}
        if i not in read:
            assert not got
            restated = [[squash(c) for c in r["cells"]] for r in table["rows"]]
            assert any(
                restated == [[squash(c) for c in r["cells"]] for r in performance[j]["rows"]]
                and squash(performance[j]["title"]).split("、", 1)[-1] == squash(table["title"]).split("、", 1)[-1]
                for j in read
            ), table["title"]
            continue
        assert squash(read[i]) == squash(table["title"])
        assert sorted(got) == list(range(len(table["rows"]))), (i, table["title"])
        for r, row in enumerate(table["rows"]):
            printed = squash("".join(row["cells"])).replace("|", "")
            assert squash(got[r]["printed_row"]).replace("|", "") == printed, (i, r)


def test_parse_status_counts_are_sane(wh):
    by_status = dict(wh.execute("select parse_status, count(*) from fact_performance_target group by 1").fetchall())
    assert by_status["parsed"] > by_status.get("unparsed", 0)
    assert by_status["text"] > 0
    # every unparsed row says why, and keeps what was printed
    assert wh.execute(
        """select count(*) from fact_performance_target
           where parse_status = 'unparsed' and (parse_note is null or printed_row is null)"""
    ).fetchone()[0] == 0
    # a number is only ever the number printed in the target
    for text, value in wh.execute(
        "select target_text, target_value from fact_performance_target where target_value is not null"
    ).fetchall():
        assert value == Decimal(re.search(r"[0-9][0-9,]*(\.[0-9]+)?", text).group(0).replace(",", "")), text


NORMAL = {"≥": "≥", "≧": "≥", "≤": "≤", "≦": "≤", "=": "=", ">": ">", "<": "<"}
LEVEL_1 = {"产出指标", "效益指标", "满意度指标", "成本指标"}


def test_dongcheng_2023_project_indicators_as_printed(wh):
    """预算13表 (8 tables, one project each): every indicator row as the gold table prints it. Rows printed
    one column left of their header (a missing 其他资金 cell) are read from where their 一级指标 is."""
    rows = facts(wh, DONGCHENG_2023)
    checked = 0
    for i, table in enumerate(gold_tables(DONGCHENG_2023)):
        if "项目支出绩效" not in table["title"]:
            continue
        header = [squash(c) for c in table["header_rows"][0]]
        level_1_at = header.index("一级指标")
        project = table["rows"][0]["cells"][1]
        for r, row in enumerate(table["rows"]):
            cells = row["cells"]
            p = next(j for j, c in enumerate(cells) if c in LEVEL_1)
            level_1, level_2, level_3, nature, target, unit = cells[p:p + 6]
            direction = next((c for c in cells[p + 6:] if c), None)
            got = rows[(i, r)]
            assert got["column_offset"] == p - level_1_at
            assert got["unit_key"] == "110101-201002"
            # texts compared without whitespace: the PDF cannot carry the seed's spacing (see test_pdf_tables)
            assert [squash(got[k]) for k in ("project_name", "indicator_level_1", "indicator_level_2",
                                               "indicator_level_3", "indicator_text", "target_text",
                                               "unit_of_measure")] == [
                squash(x) for x in (project, level_1, level_2, level_3, level_3, target, unit)]
            if direction:
                assert got["direction"] == {"正向指标": "positive", "反向指标": "negative"}[direction]
                assert got["direction_source"] == "printed"
            if nature == "定性":
                assert (got["parse_status"], got["target_value"], got["operator"]) == ("text", None, None)
            elif nature in NORMAL:
                assert got["parse_status"] == "parsed", got
                assert (got["operator"], got["target_value"]) == (NORMAL[nature], Decimal(target))
            else:  # "≠" as printed: kept, flagged, not guessed
                assert got["parse_status"] == "unparsed" and nature in got["parse_note"]
                assert got["operator"] is None and got["target_value"] == Decimal(target)
            checked += 1
    assert checked == sum(len(t["rows"]) for t in gold_tables(DONGCHENG_2023) if "项目支出绩效" in t["title"])
    # one row of the seed text, literally: 预算13表 退休人员医疗补贴 | 产出指标 | 数量指标 | 享受待遇人数 | ≥ | 1200 | 人
    row = next(v for v in rows.values() if v["indicator_text"] == "享受待遇人数")
    assert (row["operator"], row["target_value"], row["unit_of_measure"], row["direction"]) == (
        "≥", Decimal("1200"), "人", "positive")
    assert row["project_name"].endswith("退休人员医疗补贴")


def test_dongcheng_2023_overall_table_is_flagged_not_guessed(wh):
    """预算14表 prints the operator under the 绩效指标 label and leaves 指标性质 empty: its indicator rows
    are kept (activity, 指标值 and 度量单位 as printed) and flagged unparsed."""
    rows = facts(wh, DONGCHENG_2023)
    i, table = next((i, t) for i, t in enumerate(gold_tables(DONGCHENG_2023)) if "整体" in t["title"])
    label_row = next(r for r, row in enumerate(table["rows"]) if "指标性质" in row["cells"])
    for r, row in enumerate(table["rows"]):
        got = rows[(i, r)]
        if r <= label_row:
            assert got["parse_status"] == "not_indicator"
            continue
        assert got["parse_status"] == "unparsed" and "several cells under 指标内容" in got["parse_note"]
        assert squash(got["target_text"]) == squash(row["cells"][5])
        assert got["operator"] is None
    first = rows[(i, label_row + 1)]
    assert (first["project_name"], first["target_text"], first["unit_of_measure"]) == (
        "一般行政管理事务", "全年完成", "年")
    later = rows[(i, label_row + 2)]  # the 活动 cell is printed once per block
    assert later["project_name"] == "一般行政管理事务"


def test_xian_indicators_as_printed(wh):
    """Xi'an 表14-x 单位专项业务经费绩效目标表: a form whose label row (一级指标 | 二级指标 | 指标内容 | 指标值)
    is printed inside the body; merged 一级指标 / 二级指标 cells are filled down."""
    rows = facts(wh, XIAN)
    gold = gold_tables(XIAN)
    checked = 0
    for i, table in enumerate(gold):
        if "专项业务经费绩效目标表" not in table["title"]:
            continue
        project = next(c for c in table["header_rows"][0][1:] if c)
        cells = [row["cells"] for row in table["rows"]]
        label_row = next(r for r, c in enumerate(cells) if "一级指标" in c)
        for r in range(label_row + 1):
            assert rows[(i, r)]["parse_status"] == "not_indicator"
            assert squash(rows[(i, r)]["project_name"]) == squash(project)
        level_1 = level_2 = None
        for r in range(label_row + 1, len(cells)):
            _, l1, l2, text, target = cells[r][:5]
            level_1 = l1 or level_1
            level_2 = l2 or (level_2 if not l1 else None)
            got = rows[(i, r)]
            assert squash(got["project_name"]) == squash(project)
            assert got["unit_key"] == "610103-231002"
            if got["column_offset"] == 0:
                assert squash(got["target_text"]) == squash(target)
            if got["parse_status"] == "unparsed":
                continue
            checked += 1
            assert [squash(got[k]) for k in ("indicator_level_1", "indicator_level_2", "indicator_text")] == [
                squash(level_1), squash(level_2), squash(text)]
            number = re.fullmatch(r"(≥|≤)?([0-9.]+)([^0-9]*)", squash(target))
            if number:
                assert got["parse_status"] == "parsed"
                assert (got["operator"], got["target_value"], got["unit_of_measure"]) == (
                    number.group(1), Decimal(number.group(2)), number.group(3) or None)
                assert got["direction"] == {"≥": "positive", "≤": "negative"}.get(number.group(1))
            else:
                assert (got["parse_status"], got["target_value"]) == ("text", None)
    assert checked >= 50
    # literally from the seed: 表14-5 医保业务档案寄存服务 | 产出指标 | 成本指标 | 档案寄存费用标准 | 0.07元/页/年
    row = next(v for v in rows.values() if v["indicator_text"] == "档案寄存费用标准")
    assert (row["project_name"], row["indicator_level_1"], row["indicator_level_2"]) == (
        "医保业务档案寄存服务", "产出指标", "成本指标")
    assert (row["target_value"], row["unit_of_measure"], row["parse_status"]) == (Decimal("0.07"), "元/页/年", "parsed")


def test_xian_garbled_rows_are_kept_and_flagged(wh):
    rows = facts(wh, XIAN)
    # 表14-2: "成本指标 | 购置办公用品 | 购置办公用品 | 6套" — the 二级指标 cell holds the indicator
    row = next(v for v in rows.values() if v["printed_row"] == "| 成本指标 | 购置办公用品 | 购置办公用品 | 6套")
    assert row["parse_status"] == "unparsed" and "购置办公用品" in row["parse_note"]
    assert (row["target_text"], row["target_value"]) == ("6套", Decimal("6"))
    # 表14-x: a template row with no indicator and no value (经济效益指标) is a row, flagged
    empty = [v for v in rows.values() if v["indicator_level_2"] == "经济效益指标" and v["indicator_text"] is None]
    assert len(empty) >= 6 and all(v["parse_status"] == "unparsed" for v in empty)
    assert all("no indicator text" in v["parse_note"] and "no target value printed" in v["parse_note"] for v in empty)
    # 整体支出绩效目标表: "成本指标 | 支付电话费 | 0.8万元" printed at the table's left edge, no 二级指标
    row = next(v for v in rows.values() if v["printed_row"] == "成本指标 | 支付电话费 | 0.8万元")
    assert row["parse_status"] == "unparsed"


def test_hebei_project_is_named_by_its_title(wh):
    rows = facts(wh, "hebei-fengrun-medical-security-bureau-2023-department-budget")
    row = next(v for v in rows.values() if v["indicator_text"] == "每本病例审核成本")
    assert row["project_name"] == "基金监管费"  # "1、基金监管费绩效目标表"
    assert (row["indicator_level_3"], row["operator"], row["target_value"], row["unit_of_measure"]) == (
        "成本控制金额", "≤", Decimal("5"), "元/本")
    assert row["unit_key"] == "130208-450001"
