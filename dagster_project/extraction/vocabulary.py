"""The patterns every reader of a table shares, once: what a printed amount, a classification code and a
total label look like.  (Label vocabularies of headers stay with their one reader: `classify.LABELS`,
`FUND_LABELS`, `performance.PERFORMANCE_LABELS`.)"""

from __future__ import annotations

import re

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
