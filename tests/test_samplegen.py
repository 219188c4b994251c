"""The sample generator: seed texts parse into the tables they print, and the bundled PDFs read back."""

from __future__ import annotations

import json
import re
from decimal import Decimal

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


# ------------------------------------------------------------------ the final-accounts (决算) seed's figures
# The seed is written, not copied from a real document: these tests prove its identities close exactly.

FINAL = "beijing-dongcheng-medical-insurance-center-2023-unit-final-accounts"
BUDGET = "beijing-dongcheng-medical-insurance-center-2023-unit-budget"


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text.strip() else Decimal(0)


def final_table(words: str) -> dict:
    """The final accounts' table titled "2023年度<words>"."""
    found = [t for t in tables(FINAL) if t["title"] == f"2023年度{words}"]
    assert len(found) == 1, words
    return found[0]


def two_sided(t: dict) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Income side and expense side of a 收入支出总表: label → 决算数 (labels with their ordinal; a label the
    side repeats under 年初结转和结余 gets a "结转:" prefix)."""
    income: dict[str, Decimal] = {}
    expense: dict[str, Decimal] = {}
    for r in t["rows"]:
        c = r["cells"]
        for side, label, value in ((income, c[0], c[1]), (expense, c[2], c[3])):
            if label:
                side[("结转:" + label) if label in side else label] = amount(value)
    return income, expense


def by_code(t: dict, code_col: int) -> tuple[dict[str, list[Decimal]], list[Decimal]]:
    """Rows of a table by classification code: code → its amounts (the columns after the name); and the
    合计 row's amounts."""
    rows, total = {}, None
    for r in t["rows"]:
        c = r["cells"]
        figures = [amount(x) for x in c[code_col + 2:]]
        if c[code_col].isdigit():
            rows[c[code_col]] = figures
        elif "合计" in "".join(c[: code_col + 3]).replace(" ", ""):
            total = figures
    assert rows and total is not None, t["title"]
    return rows, total


def assert_hierarchy(rows: dict[str, list[Decimal]], total: list[Decimal], leaf: int) -> None:
    """Every column: 类 (3 digits) = Σ its 款 (5) = Σ their 项 (7, or `leaf` digits); 合计 = Σ 类."""
    levels = [3, 5, 7] if leaf == 7 else [3, leaf]
    for upper, lower in zip(levels, levels[1:]):
        for code, figures in rows.items():
            if len(code) == upper:
                children = [f for c, f in rows.items() if len(c) == lower and c.startswith(code)]
                assert children, code
                assert figures == [sum(col) for col in zip(*children)], code
    assert total == [sum(col) for col in zip(*(f for c, f in rows.items() if len(c) == 3))]


def test_final_accounts_summary_closes():
    income, expense = two_sided(final_table("收入支出决算总表"))
    current_income = sum(v for k, v in income.items() if k[:1] in "一二三四五六七八" and "、" in k)
    current_spending = sum(v for k, v in expense.items() if "、" in k)
    assert income["本年收入合计"] == current_income == Decimal("3012.95")
    assert expense["本年支出合计"] == current_spending == Decimal("2984.30")
    assert income["总计"] == expense["总计"] == Decimal("3033.37")  # 收入总计 = 支出总计
    assert income["总计"] == income["本年收入合计"] + income["使用非财政拨款结余"] + income["年初结转和结余"]
    assert expense["总计"] == expense["本年支出合计"] + expense["结余分配"] + expense["年末结转和结余"]
    # the balance carried: 年初 + 本年收入 − 本年支出 − 结余分配 = 年末
    assert (income["年初结转和结余"] + income["本年收入合计"] - expense["本年支出合计"] - expense["结余分配"]
            == expense["年末结转和结余"])


FUNDS = ("一、一般公共预算财政拨款", "二、政府性基金预算财政拨款", "三、国有资本经营预算财政拨款")


def fund_columns(t: dict, label: str) -> list[Decimal]:
    """The expense side's figures of the row labelled `label`: 合计, then one per fund (FUNDS' order)."""
    (cells,) = [r["cells"] for r in t["rows"] if r["cells"][2] == label]
    return [amount(x) for x in cells[3:7]]


def test_final_accounts_fiscal_summary_closes():
    t = final_table("财政拨款收入支出决算总表")
    income, expense = two_sided(t)
    summary_income, summary_expense = two_sided(final_table("收入支出决算总表"))
    # the fiscal summary restates the summary's 财政拨款 part: everything but the 事业收入 and what it paid
    fiscal_income = sum(v for k, v in summary_income.items() if "财政拨款收入" in k)
    assert income["本年收入合计"] == sum(income[f] for f in FUNDS) == fiscal_income
    assert income["年初财政拨款结转和结余"] == sum(income["结转:" + f] for f in FUNDS) == summary_income["年初结转和结余"]
    assert income["总计"] == income["本年收入合计"] + income["年初财政拨款结转和结余"]
    assert expense["总计"] == expense["本年支出合计"] + expense["年末财政拨款结转和结余"] == income["总计"]
    _, spending_total = by_code(final_table("支出决算表"), 0)
    assert expense["本年支出合计"] == spending_total[0] - spending_total[3]  # less the 上缴上级支出 of 事业收入
    for r in t["rows"]:  # 合计 = 一般公共预算 + 政府性基金 + 国有资本经营
        c = r["cells"]
        assert amount(c[3]) == amount(c[4]) + amount(c[5]) + amount(c[6]), c
    # per fund: 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余, and a fund with money in it is printed
    spent, closing = fund_columns(t, "本年支出合计")[1:], fund_columns(t, "年末财政拨款结转和结余")[1:]
    moved = [income["结转:" + f] + income[f] - s - c for f, s, c in zip(FUNDS, spent, closing)]
    assert moved == [0, 0, 0] and spent[1] > 0


def test_final_accounts_function_tables_close():
    _, summary = two_sided(final_table("收入支出决算总表"))
    income, income_total = by_code(final_table("收入决算表"), 0)
    spending, spending_total = by_code(final_table("支出决算表"), 0)
    gpb, gpb_total = by_code(final_table("一般公共预算财政拨款支出决算表"), 1)
    for rows, total in ((income, income_total), (spending, spending_total), (gpb, gpb_total)):
        assert_hierarchy(rows, total, 7)
        for figures in [*rows.values(), total]:  # 合计 = Σ its parts (sources; 基本 + 项目 + others)
            assert figures[0] == sum(figures[1:]), figures
    assert income_total[0] == two_sided(final_table("收入支出决算总表"))[0]["本年收入合计"]
    assert spending_total[0] == summary["本年支出合计"]
    # the 一般公共预算 lines are the 支出决算表's but the 政府性基金 line (229) and the 上缴上级支出 of 事业收入
    fund, fund_total = by_code(final_table("政府性基金预算财政拨款收入支出决算表"), 0)
    assert gpb_total[0] == spending_total[0] - spending_total[3] - fund_total[2]
    for code, f in gpb.items():
        line = spending[code]
        assert f == [line[0] - line[3], line[1], line[2]], code
    assert set(spending) - set(gpb) == set(fund)
    names = {"社会保障和就业支出": "208", "卫生健康支出": "210", "住房保障支出": "221", "其他支出": "229"}
    stated = {k.split("、", 1)[1]: v for k, v in summary.items() if "、" in k and v}
    assert stated == {name: spending[code][0] for name, code in names.items()}
    # per line: income − spending = the change in its carried balance (20.42 in, 49.07 out)
    moved = {c: income[c][0] - spending.get(c, [Decimal(0)])[0] for c in income if len(c) == 7}
    assert {c: m for c, m in moved.items() if m} == {
        "2101504": Decimal("45.57"), "2101506": Decimal("-18.42"), "2296002": Decimal("1.50")}


def test_final_accounts_fund_table_closes():
    """政府性基金 决算表: per line and for the 合计, 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余,
    本年支出 = 基本 + 项目, and the fiscal summary states the same fund figures."""
    rows, total = by_code(final_table("政府性基金预算财政拨款收入支出决算表"), 0)
    assert_hierarchy(rows, total, 7)
    for opening, income, spent, basic, project, closing in [*rows.values(), total]:
        assert opening + income - spent == closing and spent == basic + project
    fiscal = final_table("财政拨款收入支出决算总表")
    income, _ = two_sided(fiscal)
    assert [income["结转:" + FUNDS[1]], income[FUNDS[1]]] == total[:2]
    assert [fund_columns(fiscal, "本年支出合计")[2], fund_columns(fiscal, "年末财政拨款结转和结余")[2]] == [
        total[2], total[5]]


def test_final_accounts_basic_table_closes():
    rows, total = by_code(final_table("一般公共预算财政拨款基本支出决算表"), 0)
    assert_hierarchy(rows, total, 5)
    for code, (all_, personnel, public) in [*rows.items(), ("合计", total)]:
        assert all_ == personnel + public, code
        if code[:3] == "302":
            assert personnel == 0, code
        elif code != "合计":
            assert public == 0, code
    _, spending_total = by_code(final_table("支出决算表"), 0)
    assert total[0] == spending_total[1]  # = 支出决算表 基本支出


def test_final_accounts_three_public_parts_sum():
    t = final_table("财政拨款“三公”经费支出决算表")
    assert t["header_rows"][0][0] == "预算数" and t["header_rows"][0][6] == "决算数"
    (figures,) = [[amount(c) for c in r["cells"]] for r in t["rows"]]
    for group in (figures[:6], figures[6:]):  # 预算数, 决算数
        total, abroad, vehicles, purchase, operation, reception = group
        assert total == abroad + vehicles + reception and vehicles == purchase + operation
    assert 0 < figures[6] < figures[0]  # spent, and less than the year's budget
    basic, _ = by_code(final_table("一般公共预算财政拨款基本支出决算表"), 0)
    assert basic["30217"][0] == figures[11]  # the 公务接待费 spent is the basic table's 30217


def test_final_accounts_narrative_states_the_tables():
    text = "\n".join(b["text"] for b in parse_seed(SEEDS / f"{FINAL}.txt") if b["type"] == "text")
    income, expense = two_sided(final_table("收入支出决算总表"))
    spending, spending_total = by_code(final_table("支出决算表"), 0)
    basic, basic_total = by_code(final_table("一般公共预算财政拨款基本支出决算表"), 0)

    def stated(pattern: str) -> list[Decimal]:
        found = re.findall("(?:" + pattern + r")([\d,]+\.\d{2})万元", text)
        assert found, pattern
        return [amount(x) for x in found]

    fiscal_total = two_sided(final_table("财政拨款收入支出决算总表"))[0]["总计"]  # 财政拨款收入支出总计
    assert set(stated("收入总计") + stated("支出总计")) == {income["总计"], fiscal_total}
    assert set(stated("本年收入合计")) == {income["本年收入合计"]}
    assert set(stated("本年支出合计")) == {expense["本年支出合计"]}
    _, fund = by_code(final_table("政府性基金预算财政拨款收入支出决算表"), 0)  # its own paragraph states the fund's
    assert set(stated("年初(?:财政拨款)?结转和结余")) == {income["年初结转和结余"], fund[0]}
    assert set(stated("年末(?:财政拨款)?结转和结余")) == {expense["年末结转和结余"], fund[5]}
    assert stated("基本支出") == [spending_total[1], basic_total[0]] and stated("项目支出") == [spending_total[2]]
    assert stated("人员经费") == [basic_total[1]] and set(stated("公用经费|机关运行经费支出")) == {basic_total[2]}
    gpb, gpb_total = by_code(final_table("一般公共预算财政拨款支出决算表"), 1)
    for label, figure, percent in re.findall(r"(基本支出|项目支出|上缴上级支出|支出（类）)([\d,]+\.\d{2})万元，占([\d.]+)%",
                                             text):  # 类 of the 一般公共预算 spending; the rest of all spending
        whole = gpb_total[0] if label == "支出（类）" else spending_total[0]
        assert Decimal(percent) == (amount(figure) / whole * 100).quantize(Decimal("0.01")), label
    # each 项: 年初预算 as the budget's 预算07表 prints it, 支出决算 as 支出决算表, and the rate between them
    budget = {r["cells"][1]: amount(r["cells"][3]) for t in tables(BUDGET) if "预算07表" in t["title"]
              for r in t["rows"] if r["cells"][1].isdigit()}
    lines = re.findall(r"（项）。年初预算为([\d,.]+)万元，支出决算为([\d,.]+)万元，完成年初预算的([\d.]+)%", text)
    assert len(lines) == len(budget) == 12
    for code, (planned, spent, rate) in zip(sorted(budget), lines):
        assert amount(planned) == budget[code], code
        assert amount(spent) == gpb.get(code, [Decimal(0)])[0], code
        assert Decimal(rate) == (amount(spent) / amount(planned) * 100).quantize(Decimal("0.01")), code


def test_final_accounts_use_the_budget_codes_and_differ_realistically():
    budget_lines = {r["cells"][1]: amount(r["cells"][3]) for t in tables(BUDGET) if "预算07表" in t["title"]
                    for r in t["rows"] if r["cells"][1].isdigit()}
    budget_econ = {r["cells"][1].split("-")[0] for t in tables(BUDGET) if "预算08表" in t["title"]
                   for r in t["rows"] if r["cells"][1][:1].isdigit()}
    income, _ = by_code(final_table("收入决算表"), 0)
    spending, total = by_code(final_table("支出决算表"), 0)
    gpb, _ = by_code(final_table("一般公共预算财政拨款支出决算表"), 1)
    basic, _ = by_code(final_table("一般公共预算财政拨款基本支出决算表"), 0)
    fund, _ = by_code(final_table("政府性基金预算财政拨款收入支出决算表"), 0)
    # every budgeted line received its money; the 政府性基金 line was not in the 年初 budget
    assert {c for c in income if len(c) == 7} == set(budget_lines) | {c for c in fund if len(c) == 7}
    assert {c for c in spending if len(c) == 7} <= set(budget_lines) | set(fund)
    assert {c for c in basic if len(c) == 5} - budget_econ == {"30217"}  # 公务接待费 added in the year (说明 七)
    rates = {c: gpb[c][0] / budget_lines[c] if c in gpb else Decimal(0) for c in budget_lines}
    assert Decimal("0.92") <= total[0] / sum(budget_lines.values()) <= Decimal("0.99")
    assert [c for c, r in rates.items() if r == 0] == ["2101504"]  # budgeted, nothing spent
    assert sum(r > 1 for r in rates.values()) >= 2  # a few lines over budget
    assert all(Decimal("0.92") <= r <= Decimal("1.03") for c, r in rates.items() if c != "2101504")
