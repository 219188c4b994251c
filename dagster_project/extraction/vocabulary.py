"""The patterns every reader of a table shares, once: what a printed amount, a classification code and a
total label look like; and the label vocabularies dbt reads too (`label_value`, from the seed
dbt/seeds/label_rules.csv; `label_in` for the row-label sets the identity checks read).  (Label vocabularies
of headers stay with their one reader: `classify.LABELS`, `FUND_LABELS`, `performance.PERFORMANCE_LABELS`.)"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from ..settings import DBT_DIR

# A figure as printed: "1,234.56", "-12", "(3.00)", "0".
AMOUNT_RE = re.compile(r"^-?\(?-?[\d,]*\d(\.\d+)?\)?$")
# A classification code alone ("2101501", "30201", "201002").
CODE_RE = re.compile(r"^\d{3,}$")
# A code and its name in one cell: "2101501-行政运行", "201002~北京市…中心", "30201_办公费".
CODE_NAME_RE = re.compile(r"^(\d{3,})\s*[-~－—_]\s*([^\d\s].*)$")
# The words a total row starts with, and a total row's label ("合计", "本年支出合计", "收入总计").
TOTAL_WORDS = ("合计", "总计")
TOTAL_LABEL_RE = re.compile(r"^.*(合计|总计)$")
# The currency a table states, and what one of its printed figures is worth in yuan.
MULTIPLIERS = {"万元": 10000, "元": 1}


def is_formatted_amount(text: str) -> bool:
    """A figure printed with a decimal point or thousands separator: an amount, never a code or a year."""
    return bool(AMOUNT_RE.match(text)) and ("." in text or "," in text)


# -- label vocabularies shared with dbt -------------------------------------------------------------------

LABEL_RULES_CSV = DBT_DIR / "seeds" / "label_rules.csv"


@dataclass(frozen=True)
class LabelRule:
    """One row of dbt/seeds/label_rules.csv (its description says what each column means)."""

    vocabulary: str
    priority: int
    value: str | None
    label_like: re.Pattern[str] | None
    label_like_2: re.Pattern[str] | None
    code_prefix: str | None

    def matches(self, label: str | None, code: str | None) -> bool:
        """SQL's `label like p` (null never matches) and `upper(code) like prefix || '%'`."""
        if self.label_like is None and self.code_prefix is None:
            return False
        for pattern in (self.label_like, self.label_like_2):
            if pattern is not None and (label is None or not pattern.fullmatch(label)):
                return False
        return self.code_prefix is None or (code is not None and code.upper().startswith(self.code_prefix))


def _like(pattern: str) -> re.Pattern[str]:
    """A SQL LIKE pattern (% any text, _ one character, no escape) as a regex matched in full."""
    return re.compile(
        "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern), re.S
    )


@cache
def label_rules(vocabulary: str) -> tuple[LabelRule, ...]:
    """The rules of one vocabulary, by priority."""
    with LABEL_RULES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["vocabulary"] == vocabulary]
    if not rows:
        raise KeyError(f"no label vocabulary {vocabulary!r} in {LABEL_RULES_CSV}")
    rules = [
        LabelRule(
            vocabulary,
            int(r["priority"]),
            r["value"] or None,
            _like(r["label_like"]) if r["label_like"] else None,
            _like(r["label_like_2"]) if r["label_like_2"] else None,
            r["code_prefix"] or None,
        )
        for r in rows
    ]
    return tuple(sorted(rules, key=lambda r: r.priority))


def label_value(vocabulary: str, label: str | None, code: str | None = None) -> str | None:
    """The value a label (and code) gets from a vocabulary: that of the first rule it matches, None when
    none does or that rule has no value.  dbt's macro `label_rule` is the same rule over the same seed."""
    for rule in label_rules(vocabulary):
        if rule.matches(label, code):
            return rule.value
    return None


def label_in(vocabulary: str, label: str | None, values: tuple[str, ...] | list[str] | None = None) -> bool:
    """Whether a label is one of a vocabulary's rows: it gets a value from the vocabulary (`label_value`), and
    that value is one of `values` when they are given.  dbt's macro `label_in` is the same test over the same
    seed (the identity checks' 总计 / 本年合计 / carried rows of a 收支总表)."""
    value = label_value(vocabulary, label)
    return value is not None and (values is None or value in values)
