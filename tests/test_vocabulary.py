"""The label vocabularies dbt and Python share (dbt/seeds/label_rules.csv): the dbt macros `label_rule` and
`label_in` and Python's `vocabulary.label_value` and `label_in` give every label the same value; the row labels
the identity checks read (总计, 本年合计, carried items of a 收支总表; the 决算 balances) are the ones they
always read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import jinja2
import pytest

from dagster_project.extraction.vocabulary import LABEL_RULES_CSV, label_in, label_rules, label_value
from dagster_project.settings import DBT_DIR

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"
SUMMARY = ("收支", "收入支出")  # 收支总表, 财政拨款收支总表, 收入支出决算总表 …
# vocabulary -> the words of the titles of the tables it reads
VOCABULARIES = {
    "three_public_item": ("三公",),
    "procurement_type": ("采购",),
    "three_public_row": ("三公",),
    "summary_income_row": SUMMARY,
    "summary_expense_row": SUMMARY,
    "gpb_income_printed": SUMMARY,
    "fund_balance_row": SUMMARY,
    "fiscal_fund": SUMMARY,
}
# the vocabularies read as sets of rows (macro label_in): a label matches at most one of their rules, so that
# the order of the rules decides nothing
ROW_VOCABULARIES = ["summary_income_row", "summary_expense_row", "fund_balance_row", "fiscal_fund"]
# the ordinal the checks remove before reading a 收支总表 label (macro row_label, int_fund_balances)
ORDINAL_RE = re.compile(r"^[一二三四五六七八九十百零〇0-9]+[、.．]|^[（(][一二三四五六七八九十0-9]+[)）]")


def _labels(title_words: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(label, code) of every cell of the gold tables whose title names the vocabulary's table, as the
    marts and checks see them (whitespace removed, and also without a leading ordinal "一、" / "（一）"; a
    leading code such as "A" of "A-货物"), and a few edge cases."""
    out: set[tuple[str, str | None]] = {("", None), ("其他出国", None), ("a02办公设备", "a02"), ("合计", "C")}
    for path in sorted(GOLD.glob("*.json")):
        for table in json.loads(path.read_text())["tables"]:
            if not any(word in table["title"] for word in title_words):
                continue
            for row in table["header_rows"] + [r["cells"] for r in table["rows"]]:
                for cell in row:
                    label = re.sub(r"\s", "", cell)
                    code = re.match(r"^([A-Za-z]\d*)", label)
                    out.add((label, code.group(1) if code else None))
                    out.add((ORDINAL_RE.sub("", label), None))
    return sorted(out, key=lambda x: (x[0], x[1] or ""))


def _sql_values(vocabulary: str, labels: list[tuple[str, str | None]], call: str | None = None) -> list:
    """A macro of dbt/macros/vocabulary.sql (`call`, by default label_rule of the label and code), rendered as
    dbt would render it, run over the seed in DuckDB."""
    macros = (DBT_DIR / "macros" / "vocabulary.sql").read_text()
    env = jinja2.Environment()
    env.globals["ref"] = lambda name: name
    call = call or f"label_rule('{vocabulary}', 'l.label', 'l.code')"
    expr = env.from_string(macros + f"{{{{ {call} }}}}").render().strip()
    con = duckdb.connect()
    try:
        con.execute(
            "create table label_rules as select * replace (cast(priority as integer) as priority) "
            "from read_csv(?, header = true, all_varchar = true)",
            [str(LABEL_RULES_CSV)],
        )
        con.execute("create table l (i integer, label varchar, code varchar)")
        con.executemany(
            "insert into l values (?, ?, ?)", [(i, lab, code) for i, (lab, code) in enumerate(labels)]
        )
        return [v for (v,) in con.execute(f"select {expr} from l order by i").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_dbt_and_python_give_labels_the_same_value(vocabulary: str) -> None:
    labels = _labels(VOCABULARIES[vocabulary])
    sql = _sql_values(vocabulary, labels)
    python = [label_value(vocabulary, label, code) for label, code in labels]
    assert python == sql
    values = {r.value for r in label_rules(vocabulary) if r.value}
    assert len({v for v in python if v}) >= min(2, len(values))  # the labels do meet the vocabulary


# (vocabulary, values) as the identity checks and int_fund_balances ask label_in
SETS = [
    ("summary_income_row", ["total"]),
    ("summary_income_row", ["current_total", "current"]),
    ("summary_income_row", ["current_total", "current_subtotal"]),
    ("summary_income_row", ["current_total"]),
    ("summary_income_row", ["carried_in"]),
    ("summary_income_row", ["fiscal"]),
    ("summary_income_row", ["gpb"]),
    ("summary_expense_row", ["total"]),
    ("summary_expense_row", ["current_total", "current"]),
    ("summary_expense_row", ["carried_out"]),
    ("gpb_income_printed", None),
    ("three_public_row", ["subtotal"]),
    ("three_public_item", None),
]


@pytest.mark.parametrize("vocabulary, values", SETS, ids=lambda v: ",".join(v) if isinstance(v, list) else v)
def test_dbt_and_python_agree_which_labels_are_in_a_set(vocabulary: str, values: list[str] | None) -> None:
    labels = [(label, None) for label, _ in _labels(VOCABULARIES[vocabulary])] + [(None, None)]
    sql = _sql_values(vocabulary, labels, f"label_in('{vocabulary}', 'l.label', {values!r})")
    python = [label_in(vocabulary, label, values) for label, _ in labels]
    assert python == [bool(v) for v in sql]  # SQL: null (not true) where Python says False
    assert any(python)


@pytest.mark.parametrize("vocabulary", ROW_VOCABULARIES)
def test_a_label_is_at_most_one_row_of_a_row_vocabulary(vocabulary: str) -> None:
    rules = label_rules(vocabulary)
    for label, _ in _labels(VOCABULARIES[vocabulary]):
        assert sum(r.matches(label, None) for r in rules) <= 1, label


def test_the_checks_read_the_rows_they_always_read() -> None:
    """The sets the identity checks wrote as SQL literals before they moved to the seed: exact labels stay
    exact (the ordinal is removed before, never matched), prefixes stay prefixes."""

    def members(vocabulary: str, values: list[str], labels: list[str]) -> list[str]:
        return [lab for lab in labels if label_in(vocabulary, lab, values)]

    income = [
        "收入总计",
        "收入合计",
        "总计",
        "一、收入总计",
        "收入总计（万元）",
        "本年收入合计",
        "本年收入",
        "当年收入小计",
        "本年收入小计",
        "本年收入合计数",
        "上年结转",
        "上年结转结余",
        "年初结转和结余",
        "年初财政拨款结转和结余",
        "用事业基金弥补收支差额",
        "上年实户资金余额",
        "使用非财政拨款结余",
        "财政拨款",
        "财政拨款收入",
        "一般公共预算拨款收入",
        "其中：一般公共预算",
        "（一）上年结转",
    ]
    assert members("summary_income_row", ["total"], income) == ["收入总计", "收入合计", "总计"]
    assert members("summary_income_row", ["current_total", "current"], income) == ["本年收入合计", "本年收入"]
    assert members("summary_income_row", ["current_total", "current_subtotal"], income) == [
        "本年收入合计",
        "当年收入小计",
        "本年收入小计",
    ]
    assert members("summary_income_row", ["carried_in"], income) == [
        "上年结转",
        "上年结转结余",
        "年初结转和结余",
        "年初财政拨款结转和结余",
        "用事业基金弥补收支差额",
        "上年实户资金余额",
        "使用非财政拨款结余",
    ]
    assert members("summary_income_row", ["fiscal"], income) == ["财政拨款", "财政拨款收入"]
    assert members("summary_income_row", ["gpb"], income) == ["一般公共预算拨款收入"]
    assert [lab for lab in income if label_in("gpb_income_printed", lab)] == [
        "一般公共预算拨款收入",
        "其中：一般公共预算",
    ]
    expense = [
        "支出总计",
        "支出合计",
        "总计",
        "本年支出合计",
        "本年支出",
        "年终结转结余",
        "年末结转和结余",
        "年末财政拨款结转和结余",
        "结转下年",
        "未安排支出的实户资金",
        "结余分配",
        "结转下年资金",
        "上年结转",
    ]
    assert members("summary_expense_row", ["total"], expense) == ["支出总计", "支出合计", "总计"]
    assert members("summary_expense_row", ["current_total", "current"], expense) == [
        "本年支出合计",
        "本年支出",
    ]
    assert members("summary_expense_row", ["carried_out"], expense) == [
        "年终结转结余",
        "年末结转和结余",
        "年末财政拨款结转和结余",
        "结转下年",
        "未安排支出的实户资金",
        "结余分配",
    ]
    assert [
        label_value("fund_balance_row", lab)
        for lab in [
            "年初结转和结余",
            "年初财政拨款结转和结余",
            "本年收入合计",
            "使用非财政拨款结余",
            "本年支出合计",
            "结余分配",
            "年末财政拨款结转和结余",
            "年初结转",
            "本年收入",
        ]
    ] == [
        "opening_balance",
        "opening_balance",
        "income",
        "non_fiscal_surplus_used",
        "expenditure",
        "surplus_distribution",
        "closing_balance",
        None,
        None,
    ]
    assert [
        label_value("fiscal_fund", lab)
        for lab in [
            "一般公共预算财政拨款",
            "一般公共预算拨款",
            "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款",
            "一般公共预算",
        ]
    ] == ["gpb", "gpb", "gov_fund", "soe", None]
    assert label_in("three_public_row", "“三公”经费小计", ["subtotal"])
    assert not label_in("three_public_row", "“三公”经费合计", ["subtotal"])


def test_first_matching_rule_decides() -> None:
    """A label that an earlier rule without a value matches is none of the values (a total, a split of
    出国), however a later rule reads it."""
    rules = label_rules("three_public_item")
    assert [r.priority for r in rules] == sorted(r.priority for r in rules)
    assert label_value("three_public_item", "“三公”经费小计") is None
    assert label_value("three_public_item", "其中：教学科研人员因公出国（境）费") is None
    assert label_value("three_public_item", "一、因公出国（境）费") == "travel_abroad"
    assert label_value("procurement_type", "物业管理服务", "A") == "goods"  # the code comes first
    with pytest.raises(KeyError):
        label_rules("no_such_vocabulary")
