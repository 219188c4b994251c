"""The label vocabularies dbt and Python share (dbt/seeds/label_rules.csv): the dbt macro `label_rule` and
Python's `vocabulary.label_value` give every label the same value."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import jinja2
import pytest

from dagster_project.extraction.vocabulary import LABEL_RULES_CSV, label_rules, label_value
from dagster_project.settings import DBT_DIR

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"
VOCABULARIES = {"three_public_item": "三公", "procurement_type": "采购"}


def _labels(title_word: str) -> list[tuple[str, str | None]]:
    """(label, code) of every cell of the gold tables whose title names the vocabulary's table, as the
    marts see them (whitespace removed; a leading code such as "A" of "A-货物"), and a few edge cases."""
    out: set[tuple[str, str | None]] = {("", None), ("其他出国", None), ("a02办公设备", "a02"), ("合计", "C")}
    for path in sorted(GOLD.glob("*.json")):
        for table in json.loads(path.read_text())["tables"]:
            if title_word not in table["title"]:
                continue
            for row in table["header_rows"] + [r["cells"] for r in table["rows"]]:
                for cell in row:
                    label = re.sub(r"\s", "", cell)
                    code = re.match(r"^([A-Za-z]\d*)", label)
                    out.add((label, code.group(1) if code else None))
    return sorted(out, key=lambda x: (x[0], x[1] or ""))


def _sql_values(vocabulary: str, labels: list[tuple[str, str | None]]) -> list[str | None]:
    """The macro, rendered as dbt would render it, run over the seed in DuckDB."""
    macros = (DBT_DIR / "macros" / "vocabulary.sql").read_text()
    env = jinja2.Environment()
    env.globals["ref"] = lambda name: name
    expr = (
        env.from_string(macros + f"{{{{ label_rule('{vocabulary}', 'l.label', 'l.code') }}}}")
        .render()
        .strip()
    )
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
    assert sum(v is not None for v in python) >= 2  # the labels do meet the vocabulary


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
