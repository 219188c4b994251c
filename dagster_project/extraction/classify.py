"""Interpret a RawTable: what kind of table it is, its currency, canonical column names, row types.

Pure functions (no I/O) so they can be unit-tested on the gold tables without Dagster.
Numbering differs between regions and years (预算13表 vs 预算12表, 表5, 公开01表), so tables are
recognised by the words of their title, never by their number.
"""

from __future__ import annotations

import re
from typing import Any

from .performance import PERFORMANCE_KINDS, performance_column, read_performance_rows
from .text_normalize import squash
from .vocabulary import AMOUNT_RE, CODE_NAME_RE, CODE_RE, MULTIPLIERS, TOTAL_LABEL_RE

# Order matters: the first rule whose keywords all occur in the title wins.
KIND_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("overall_performance", ("整体", "绩效")),
    ("project_performance", ("绩效",)),
    ("three_public", ("三公",)),
    ("operating_costs", ("机关运行经费",)),
    ("procurement", ("政府采购",)),
    ("purchased_services", ("购买服务",)),
    ("gov_fund_expenditure", ("政府性基金",)),
    ("gov_fund_expenditure", ("政府基金",)),
    ("soe_capital_expenditure", ("国有资本经营",)),
    ("fiscal_income_expenditure_summary", ("财政拨款收支",)),
    ("fiscal_income_expenditure_summary", ("财政拨款收入支出", "总表")),  # 决算: 财政拨款收入支出决算总表
    ("income_expenditure_summary", ("收支", "总表")),
    ("income_expenditure_summary", ("收入支出", "总表")),  # 决算: 收入支出决算总表
    ("income_summary", ("收入", "总表")),
    ("income_summary", ("收入预算表",)),
    ("income_summary", ("收入决算表",)),
    ("special_program_expenditure", ("专项业务经费",)),
    ("carryover_expenditure", ("结转资金",)),
    ("project_expenditure", ("项目支出",)),
    ("gpb_basic_expenditure_function", ("基本支出", "功能")),
    ("gpb_basic_expenditure", ("基本支出",)),
    ("gpb_expenditure_econ", ("一般公共预算", "经济分类")),
    ("gpb_expenditure", ("一般公共预算", "支出")),
    ("fiscal_expenditure", ("财政拨款支出",)),
    ("expenditure_summary", ("支出", "总表")),
    ("expenditure_summary", ("支出预算表",)),
    ("expenditure_summary", ("支出决算表",)),
    ("fixed_assets", ("固定资产",)),
]

FINANCIAL_KINDS = {kind for kind, _ in KIND_RULES} - {"overall_performance", "project_performance", "fixed_assets"}

def table_kind(title: str) -> str:
    t = squash(title)
    for kind, words in KIND_RULES:
        if all(w in t for w in words):
            return kind
    return "other"


def currency_unit(title: str, context: list[str], header_rows: list[list[str]]) -> str | None:
    """The table's stated currency unit: '万元' or '元' (None when the table does not say)."""
    for line in [*context, title, *(c for row in header_rows for c in row)]:
        s = squash(line)
        m = re.search(r"(?:金额)?单位[:：]?(万元|元)", s) or re.search(r"[（(](万元|元)[)）]", s)
        if m:
            return m.group(1)
    return None


# Header label (whitespace removed) → canonical column name.
LABELS: dict[str, str] = {
    "序号": "seq",
    "支出功能分类科目": "function",
    "功能分类科目": "function",
    "科目编码": "function_code",
    "功能科目代码": "function_code",
    "功能分类科目编码": "function_code",
    "功能分类科目名称": "function_name",
    "经济分类科目名称": "econ_dept_name",
    "部门预算经济分类科目编码": "econ_dept_code",
    "功能科目编码": "function_code",
    "科目名称": "function_name",
    "功能科目名称": "function_name",
    "政府支出经济分类科目": "econ_gov",
    "政府预算支出经济分类科目": "econ_gov",
    "部门支出经济分类科目": "econ_dept",
    "部门（单位）支出经济分类科目": "econ_dept",
    "部门经济科目编码": "econ_dept_code",
    "部门经济科目名称": "econ_dept_name",
    "政府经济科目编码": "econ_gov_code",
    "政府经济科目名称": "econ_gov_name",
    "合计": "total",
    "本年收入合计": "total",  # 决算: 收入决算表 / 支出决算表 by function class
    "本年支出合计": "total",
    "基本支出": "basic",
    "项目支出": "project",
    "项目支出总数": "project",
    "专项业务经费支出": "project",
    "人员经费": "personnel",
    "人员经费支出": "personnel",
    "公用经费": "public",
    "公用经费支出": "public",
    "扣除基建项目后预算数": "project_excl_capital",
    "事业单位经营支出": "operating",
    "经营支出": "operating",
    "上缴上级支出": "remit_upper",
    "上解上级支出": "remit_upper",
    "对附属单位补助支出": "subsidy_subordinate",
    "部门（单位）代码": "unit_code",
    "部门(单位)代码": "unit_code",
    "单位编码": "unit_code",
    "单位代码": "unit_code",
    "部门（单位）名称": "unit_name",
    "部门(单位)名称": "unit_name",
    "单位名称": "unit_name",
    "项目单位": "unit",
    "类型": "project_type",
    "项目类别": "project_type",
    "项目名称": "project_name",
    "采购类别": "category",
    "金额": "amount",
    "决算数": "amount",  # 决算 tables' one amount column
    "预算金额": "amount",
    "项目金额": "amount",
    "备注": "remark",
    "项目": "item",
    "年度": "year",
    "“三公”经费财政拨款预算总额": "total",
    "“三公”经费预算总额": "total",
    "因公出国（境）费用": "travel_abroad",
    "因公出国（境）费": "travel_abroad",
    "因公出国(境)费": "travel_abroad",
    "公务接待费": "reception",
    "公务用车购置及运行维护费": "vehicles",
    "公务用车购置费": "vehicle_purchase",
    "公务用车运行维护费": "vehicle_operation",
    "服务领域": "service_field",
    "单位预留机动经费": "reserve",  # Jiangsu 支出预算总表: 合计 = 基本 + 项目 + 单位预留机动经费 + 结转下年
    "结转下年资金": "carry_forward",
    "会议费": "meetings",  # Jiangsu “三公”经费、会议费、培训费支出预算表
    "培训费": "training",
    "机关运行经费": "amount",
    "机关运行经费支出": "amount",
    "采购品目大类": "category",  # Jiangsu 政府采购预算表: category → 专项 / 经济科目 → item rows
    "专项名称": "project_name",
    "经济科目": "econ_dept_name",
    "采购物品名称": "item_name",
    "采购组织形式": "procurement_method",
}

# Labels inside a parent group (本年收入 / 上年结转结余 …) of income-like tables.
FUND_LABELS: dict[str, str] = {
    "小计": "subtotal",
    "一般公共预算资金": "gpb",
    "一般公共预算拨款": "gpb",
    "一般公共预算": "gpb",
    "公共预算拨款": "gpb",
    "政府性基金预算资金": "gov_fund",
    "政府性基金预算": "gov_fund",
    "政府性基金拨款": "gov_fund",
    "国有资本经营预算资金": "soe",
    "国有资本经营资金": "soe",
    "国有资本经营预算": "soe",
    "财政专户管理资金": "special_account",
    "事业收入": "business_income",
    "事业单位收入": "business_income",
    "事业单位经营收入": "operating_income",
    "上级补助收入": "upper_subsidy",
    "附属单位上缴收入": "subordinate_remit",
    "对附属单位上缴收入": "subordinate_remit",
    "其他收入": "other_income",
    "单位资金": "unit_funds",
    "上年实户资金余额": "prior_balance",
    "财政拨款收入": "fiscal_appropriation",  # Hebei: 一般公共预算 + 政府性基金 + 国有资本经营, not split
    "财政专户收入": "special_account",
    "经营收入": "operating_income",
    "国有": "soe",  # "国有本营预算资金" as printed in Dongcheng 2026 (资/经 missing in the source)
    "政府性基金": "gov_fund",  # row labels of Jiangsu's 收入预算总表 (sources printed as rows)
    "公共财政拨款": "gpb",
    "专户管理": "special_account",
    "债务资金": "debt_funds",
    "上年结转和结余资金": "carryover",
}

# Parent labels under which the sub-columns are fund sources.
FUND_PARENTS = ("本年收入", "上年结转结余", "上年结转", "本年拨款", "财政拨款结转结余", "资金性质")

TWO_SIDED_KINDS = {"income_expenditure_summary", "fiscal_income_expenditure_summary"}


def header_paths(header_rows: list[list[str]], width: int) -> list[list[str]]:
    """For each column, the header labels from top to bottom, with merged (column-spanning) parents filled in.

    A merged header cell is printed once at its top-left position; an empty header cell inherits the
    nearest label to its left in the same row when the row below splits that label into sub-columns.
    Hebei's 栏次 row (column numbers) is not a label row.
    """
    rows = [[squash(c) for c in r] + [""] * (width - len(r)) for r in header_rows]
    rows = [r for r in rows if r and r[0] != "栏次" and not all(c.isdigit() or not c for c in r)]
    paths: list[list[str]] = [[] for _ in range(width)]
    for r, row in enumerate(rows):
        before = [list(p) for p in paths]
        for j in range(width):
            label = row[j]
            if not label and any(lower[j] for lower in rows[r + 1 :]):
                # Column j is split below: inherit the spanning label from the left, within the same group.
                k = j - 1
                while k >= 0 and not row[k]:
                    k -= 1
                if k >= 0 and before[k] == before[j]:
                    label = row[k]
            if label and label not in paths[j]:
                paths[j].append(label)
    return paths


def _fund_column(path: list[str]) -> str | None:
    leaf = path[-1] if path else ""
    parent = " ".join(path[:-1])
    for label, name in FUND_LABELS.items():
        if leaf == label or leaf.startswith(label):
            prefix = "carryover_" if "结转" in parent or "结余" in parent else ""
            if name == "subtotal" and not prefix:
                prefix = "current_"
            return prefix + name
    return None


def canonical_columns(kind: str, header_rows: list[list[str]], width: int) -> list[str]:
    paths = header_paths(header_rows, width)
    names: list[str] = []
    has_three_public_subtotal = kind == "three_public" and any(
        len(p) == 2 and "三公" in p[0] and p[1] == "小计" for p in paths)
    for j, path in enumerate(paths):
        if has_three_public_subtotal and path == ["合计"]:
            names.append("total_incl_meetings_training")
            continue
        name = _column_name(kind, path, names)
        if name is None or name in names:
            name = f"col_{j}"
        names.append(name)
    if "unit_code" not in names and "unit_name" in names:
        names[names.index("unit_name")] = "unit"  # "201002-名称" in one cell
    return _fix_carryover_group_start(names)


def _fix_carryover_group_start(names: list[str]) -> list[str]:
    """The 上年结转结余 group starts with its own 小计. A merged parent label printed one column too far
    left (Dongcheng 2026 收入总表) makes the last 本年收入 column look like carryover; give it back."""
    if "carryover_subtotal" not in names or "current_subtotal" not in names:
        return names
    first, start = names.index("current_subtotal"), names.index("carryover_subtotal")
    fixed = list(names)
    for j in range(first + 1, start):
        name = fixed[j]
        if name.startswith("carryover_") and name[len("carryover_"):] not in fixed:
            fixed[j] = name[len("carryover_"):]
    return fixed


STATEMENT_LEAVES = {"决算数": "", "预算数": "_budget"}

# 决算 政府性基金 / 国有资本经营 tables: per line, 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余.
BALANCE_KINDS = ("gov_fund_expenditure", "soe_capital_expenditure")
BALANCE_LABELS = {"年初结转和结余": "opening_balance", "本年收入": "current_income", "年末结转和结余": "closing_balance"}

# 财政拨款收入支出决算总表: the expense side's 决算数 split by fund, beside its 合计 (expense_amount).
FUND_AMOUNT_LABELS = {
    "一般公共预算财政拨款": "expense_gpb_amount",
    "政府性基金预算财政拨款": "expense_gov_fund_amount",
    "国有资本经营预算财政拨款": "expense_soe_amount",
}


def _column_name(kind: str, path: list[str], earlier: list[str]) -> str | None:
    if not path:
        return None
    if kind in PERFORMANCE_KINDS:
        return performance_column(path)
    leaf = path[-1]
    joined = "".join(path)
    if kind in TWO_SIDED_KINDS:
        return _two_sided_name(joined, leaf, earlier)
    if leaf in STATEMENT_LEAVES and len(path) > 1 and kind not in ("income_summary",):
        # 决算 tables print 预算数 | 决算数 under each item (三公 决算表): 决算数 is the item's amount, 预算数
        # the budget the final accounts restate beside it
        name = _column_name(kind, path[:-1], earlier)
        return name and name + STATEMENT_LEAVES[leaf]
    if path[0] in STATEMENT_LEAVES and len(path) > 1 and kind == "three_public":
        # … or 预算数 and 决算数 above the items, each over its own row of items (Beijing 三公 决算表)
        name = _column_name(kind, path[1:], earlier)
        return name and name + STATEMENT_LEAVES[path[0]]
    if kind in BALANCE_KINDS and leaf in BALANCE_LABELS and len(path) == 1:
        return BALANCE_LABELS[leaf]
    if leaf in ("栏次",):
        return None
    if kind == "procurement" and leaf in ("总计", "合计"):
        return "amount"  # the one amount column of a procurement table (Jiangsu heads it 总计)
    if kind == "three_public" and leaf == "小计" and len(path) == 2 and "三公" in path[0]:
        return "total"  # the 三公 subtotal beside 会议费/培训费 (Jiangsu); the outer 合计 includes those
    if leaf == "小计" and any("基本支出" in p for p in path[:-1]):
        return "basic"
    if kind == "three_public" and "机关运行经费" in leaf:
        return "operating_costs"  # printed beside 三公 (Shanghai)
    if leaf in ("购置费", "运行费", "运行维护费") and any("公务用车" in p for p in path[:-1]):
        return "vehicle_purchase" if leaf == "购置费" else "vehicle_operation"
    if leaf == "小计" and any("公务用车" in p for p in path[:-1]):
        return "vehicles"  # 公务用车购置及运行维护费 小计 (= 购置费 + 运行维护费)
    if leaf in ("一级", "二级", "三级") and any("目录" in p for p in path[:-1]):
        return f"catalogue_level_{'一二三'.index(leaf[0]) + 1}"  # 政府购买服务指导性目录 levels
    if kind == "income_summary" and len(path) == 1 and leaf in ("上年结转", "上年结转结余"):
        return "carryover"  # one 上年结转 column, not split by fund
    if kind in ("income_summary",) or any(p in FUND_PARENTS for p in path[:-1]):
        fund = _fund_column(path)
        if fund:
            return fund
    if "支出功能分类" in leaf or leaf.startswith("科目编码") and "类款项" in leaf:
        return "function" if "编码" not in leaf else "function_code"
    for label, name in LABELS.items():
        if leaf == label:
            return name
    if leaf in ("类", "款", "项") and any("编码" in p or "代码" in p for p in path[:-1]):
        scheme = "econ" if any("经济" in p for p in path[:-1]) else "function"
        return f"{scheme}_code_part_{'类款项'.index(leaf)}"
    matches = [label for label in LABELS if len(label) >= 4 and label in leaf]
    return LABELS[max(matches, key=len)] if matches else None


def _two_sided_name(joined: str, leaf: str, earlier: list[str]) -> str:
    if leaf in FUND_AMOUNT_LABELS and "expense_amount" in earlier:
        return FUND_AMOUNT_LABELS[leaf]
    if "预算数" in leaf or "决算数" in leaf or "金额" in leaf or leaf.isdigit() or leaf == "合计":
        items = [n for n in earlier if n.endswith("_item")]
        return (items[-1][: -len("_item")] if items else "col") + "_amount"
    if leaf == "序号":
        return "seq"
    if "支出用途" in joined and "expense_item" in earlier:
        return "purpose_item"  # Jiangsu: 功能分类 and 支出用途 (基本/项目支出) side by side
    if "部门预算支出经济分类" in joined:
        return "econ_dept_item"
    if "政府预算支出经济分类" in joined:
        return "econ_gov_item"
    if joined.startswith("收入") or "收入" in joined and not any(n.endswith("_item") for n in earlier):
        return "income_item"
    return "expense_item"




def row_type(cells: list[str], columns: list[str]) -> str:
    labels = [
        squash(c)
        for c, name in zip(cells, columns)
        if name not in AMOUNT_COLUMNS and not name.endswith(("_amount", "_budget")) and name != "seq"
    ]
    if not any(squash(c) for c in cells):
        return "blank"
    if any(lbl and TOTAL_LABEL_RE.match(lbl) for lbl in labels):
        return "total"
    return "data"


AMOUNT_COLUMNS = {
    "total",
    "basic",
    "project",
    "personnel",
    "public",
    "project_excl_capital",
    "operating",
    "remit_upper",
    "subsidy_subordinate",
    "amount",
    "travel_abroad",
    "reception",
    "vehicles",
    "vehicle_purchase",
    "vehicle_operation",
    "reserve",
    "carry_forward",
    "meetings",
    "training",
    "total_incl_meetings_training",
    "operating_costs",
    "opening_balance",
    "current_income",
    "closing_balance",
}

HIERARCHY_CODE_COLUMNS = ("function_code", "function", "econ_dept_code", "unit_code")


def mark_hierarchy(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """Rows of 类/款 (3/5-digit codes) in a table that also lists 项 (7-digit) or 款 leaves are 'group' rows,
    and so is a department's row (201) above its units' rows (201001, 201002).

    A 类 or 款 row restates the sum of the rows below it; keeping it apart from the leaf rows is
    what prevents counting a line twice.
    """
    for col in HIERARCHY_CODE_COLUMNS:
        if col not in columns:
            continue
        j = columns.index(col)
        codes = [_leading_code(r["cells"][j]) if j < len(r["cells"]) else "" for r in rows]
        lengths = {len(c) for c in codes if c}
        if len(lengths) < 2:
            continue
        leaf_len = max(lengths)
        for r, code in zip(rows, codes):
            if r["row_type"] == "data" and code and len(code) < leaf_len:
                r["row_type"] = "group"
        return


def realign_amount_columns(columns: list[str], rows: list[list[str]]) -> tuple[list[str], list[str]]:
    """An amount header printed one column left of its figures (Xi'an 表12: 预算金额 over an empty column,
    the amounts under the unlabelled column to its right) is moved onto the figures, with a note saying so.
    `rows` are the body rows' cells, padded to the table width."""
    def filled(j: int) -> list[str]:
        return [squash(cells[j]) for cells in rows if squash(cells[j])]
    fixed, notes = list(columns), []
    for j, name in enumerate(columns[:-1]):
        right = columns[j + 1]
        if (name in AMOUNT_COLUMNS and right.startswith("col_") and not filled(j)
                and filled(j + 1) and all(AMOUNT_RE.match(c) for c in filled(j + 1))):
            fixed[j], fixed[j + 1] = right, name
            notes.append(f"header '{name}' stands over an empty column; its amounts are in the column to its right")
    return fixed, notes


def mark_lone_total(kind: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A table of amount columns only with a single row (Jiangsu 支出预算总表: 合计 | 基本支出 | 项目支出 …)
    prints nothing but its total: that row is the 'total' row."""
    filled = [r for r in rows if r["row_type"] != "blank"]
    only_amounts = all(c in AMOUNT_COLUMNS or c.startswith("col_") for c in columns)
    if kind == "expenditure_summary" and len(filled) == 1 and "total" in columns and only_amounts:
        filled[0]["row_type"] = "total"


def mark_item_groups(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """In a table that names items in their own column (Jiangsu 政府采购: category → 专项 → 采购物品),
    the rows without an item name restate the sum of the item rows below them: 'group' rows.  A row that
    names nothing above the item either (no category, 专项 or 科目) but prints the item's own details (its
    采购组织形式) is the item's second line: its name cell is merged over both rows ("物业管理服务" bought
    430.00 部门集中采购 + 40.00 分散自行组织)."""
    if "item_name" not in columns:
        return
    j = columns.index("item_name")
    if not any(squash(r["cells"][j]) for r in rows if r["row_type"] == "data"):
        return
    above = [columns.index(c) for c in ("category", "project_name", "econ_dept_name") if c in columns]
    details = [k for k, c in enumerate(columns) if k != j and k not in above
               and c not in AMOUNT_COLUMNS and not c.startswith("col_")]
    previous = None
    for r in rows:
        cells = [squash(c) for c in r["cells"]]
        second_line = (previous is not None and not any(cells[k] for k in above)
                       and any(cells[k] for k in details))
        if r["row_type"] == "data" and not cells[j] and not second_line:
            r["row_type"] = "group"
        if r["row_type"] == "data":
            previous = r
        elif any(cells[k] for k in above):
            previous = None


def mark_income_source_rows(kind: str, columns: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """A 收入总表 that lists its sources as rows (Jiangsu 公开02表: 其他资金 | 小计 / | 事业收入 / | 其他收入 …)
    gets a derived `income_source` column naming each leaf row's source. A 小计 row with sub-items above
    them is a 'group' row; a "其中：" (of which) row is a 'memo' row, a part already inside its group."""
    if kind != "income_summary" or "amount" not in columns or any(_is_fund(c) for c in columns):
        return columns
    j = columns.index("amount")
    group, groups = "", []
    for r in rows:
        group = squash(r["cells"][0]) if j > 0 and squash(r["cells"][0]) else group
        groups.append(group)
    def sub(r: dict[str, Any]) -> str:
        return squash(r["cells"][1]) if j > 1 else ""
    for r, group in zip(rows, groups):
        label = sub(r)
        if label.startswith("其中"):
            r["row_type"] = "memo"
        elif label == "小计" and any(g == group and sub(o) not in ("", "小计") and not sub(o).startswith("其中")
                                    for o, g in zip(rows, groups)):
            r["row_type"] = "group"
        source = ""
        if r["row_type"] == "data":
            source = (_fund_column([label]) if label not in ("", "小计") else None) or _fund_column([group]) or ""
            if source and "结转" in group and not source.startswith("carryover"):
                source = "carryover_" + source
        r["cells"] = [*r["cells"], source]
    return [*columns, "income_source"]


FUND_COLUMNS = set(FUND_LABELS.values())


def _is_fund(column: str) -> bool:
    return column.startswith(("current_", "carryover")) or column in FUND_COLUMNS


def _leading_code(text: str) -> str:
    s = squash(text)
    m = CODE_NAME_RE.match(s)
    if m:
        return m.group(1)
    return s if CODE_RE.match(s) else ""


SUBJECT_RE = re.compile(r"^(\d{3,9})\s*[-~]?\s*([^\d\s].*)$")


def subject_from(context: list[str], section: str) -> tuple[str | None, str | None]:
    """The unit a table belongs to when it says so: "450001丰润区医疗保障局本级", "单位名称：…"."""
    for line in [*context, section]:
        s = squash(line)
        m = SUBJECT_RE.match(s)
        if m:
            return m.group(1), m.group(2)
    for line in context:
        s = squash(line)
        m = re.match(r"^(?:单位名称|部门名称|部门（单位）名称|单位)[:：](.+)$", s)
        if m and m.group(1) not in MULTIPLIERS:
            return None, m.group(1)
    return None, None


EMPTY_NOTES = ("不涉及", "空表", "无此项", "本表无数据")


def join_code_parts(columns: list[str], cells: list[str]) -> tuple[list[str], list[str]]:
    """Codes printed as separate 类 | 款 | 项 columns (Shanghai) get one combined code column appended;
    the printed columns stay as they are."""
    for scheme in ("function", "econ"):
        parts = [i for i, c in enumerate(columns) if c.startswith(f"{scheme}_code_part_")]
        if parts and f"{scheme}_code" not in columns:
            code = "".join(squash(cells[i]) for i in parts if i < len(cells))
            target = "function_code" if scheme == "function" else "econ_dept_code"
            columns, cells = [*columns, target], [*cells, code]
    return columns, cells


CODE_PART_DIGITS = (3, 2, 2)  # 类, 款, 项 printed in columns of their own


def mend_code_parts(rows: list[dict[str, Any]], printed: list[str], columns: list[str]) -> list[str]:
    """A code printed as 类 | 款 | 项 parts whose higher part is not its digits ("7 | 11 | 02" under the
    款 row "210 | 11") is read as the code of the row above it one level up plus its own last part, when
    the parts it does print agree with that row.  The printed cells stay as they are; each reading is
    returned as a note (never a silent fix).  Rows whose code cannot be so read keep the printed parts."""
    notes: list[str] = []
    for scheme, target in (("function", "function_code"), ("econ", "econ_dept_code")):
        parts = [i for i, c in enumerate(printed) if c.startswith(f"{scheme}_code_part_")]
        if len(parts) < 2 or target not in columns:
            continue
        t = columns.index(target)
        latest: dict[int, list[str]] = {}  # depth → the parts of the latest well-formed row of that depth
        for r in rows:
            values = [squash(r["cells"][i]) for i in parts]
            depth = max((k + 1 for k, v in enumerate(values) if v), default=0)
            good = [v.isdigit() and len(v) == d for v, d in zip(values[:depth], CODE_PART_DIGITS)]
            if depth == 0 or r["row_type"] != "data":
                continue
            if all(good):
                latest[depth] = values[:depth]
                continue
            parent = latest.get(depth - 1)
            if (parent is None or not good[-1]
                    or any(ok and v != p for v, p, ok in zip(values, parent, good))):
                continue
            code = "".join(parent) + values[depth - 1]
            r["cells"][t] = code
            notes.append(f"p{r.get('page')} row {r['row_index'] + 1}: {target} parts printed "
                         f"{' | '.join(values[:depth])}; read as {code} under {''.join(parent)} above it")
    return notes


def unfold_halves(kind: str, header_rows: list[list[str]], rows: list[dict[str, Any]]
                  ) -> tuple[list[list[str]], list[dict[str, Any]], list[str]]:
    """A table printed as two halves side by side under the same header twice (决算 一般公共预算财政拨款基本支出
    决算表: 科目编码 | 科目名称 | 决算数 | 科目编码 | 科目名称 | 决算数) is one list: the right half's rows follow
    the left half's (blank right halves dropped).  Two-sided summaries (收入 | 支出) are not halves: their
    parents differ.  Returns the header, the rows and a note (unchanged, with no note, otherwise)."""
    width = max([len(r) for r in header_rows] + [len(r["cells"]) for r in rows] + [0])
    half = width // 2
    paths = header_paths(header_rows, width)
    if (kind in TWO_SIDED_KINDS or half < 2 or width != 2 * half or not all(paths)
            or paths[:half] != paths[half:]):
        return header_rows, rows, []
    padded = [{**r, "cells": list(r["cells"]) + [""] * (width - len(r["cells"]))} for r in rows]
    left = [{**r, "cells": r["cells"][:half]} for r in padded]
    right = [{**r, "cells": r["cells"][half:]} for r in padded if any(squash(c) for c in r["cells"][half:])]
    note = f"printed as two halves side by side (columns 1–{half} and {half + 1}–{width}): the right half's rows follow the left's"
    return [r[:half] for r in header_rows], left + right, [note]


def interpret_table(raw: dict[str, Any], table_index: int, kind: str | None = None) -> dict[str, Any]:
    """RawTable → InterpretedTable (see docs/architecture.md); `kind` when known otherwise than by the title."""
    kind = kind or table_kind(raw.get("title", ""))
    header_rows, raw_rows, halves = unfold_halves(kind, raw.get("header_rows") or [], raw.get("rows", []))
    width = max([len(r) for r in header_rows] + [len(r["cells"]) for r in raw_rows] + [0])
    padded = [list(r["cells"]) + [""] * (width - len(r["cells"])) for r in raw_rows]
    printed_columns, column_notes = realign_amount_columns(canonical_columns(kind, header_rows, width), padded)
    column_notes = halves + column_notes
    columns = join_code_parts(printed_columns, [""] * width)[0]
    unit = currency_unit(raw.get("title", ""), raw.get("context", []), header_rows)
    rows = []
    for i, (r, cells) in enumerate(zip(raw_rows, padded)):
        cells = join_code_parts(printed_columns, cells)[1]
        rows.append({"row_index": i, "page": r.get("page"), "row_type": row_type(cells, columns), "cells": cells})
    column_notes += mend_code_parts(rows, printed_columns, columns)
    mark_hierarchy(rows, columns)
    mark_item_groups(rows, columns)
    mark_lone_total(kind, rows, columns)
    columns = mark_income_source_rows(kind, columns, rows)
    subject_code, subject_name = subject_from(raw.get("context", []), raw.get("section", ""))
    has_amount = any(
        AMOUNT_RE.match(squash(c)) and squash(c) not in ("0", "0.00")
        for r in rows
        for c, name in zip(r["cells"], columns)
        if name in AMOUNT_COLUMNS or name.endswith("_amount") or name.startswith(("current_", "carryover_"))
    )
    notes = raw.get("notes", [])
    interpreted = {
        **raw,
        "table_index": table_index,
        "table_kind": kind,
        "currency_unit": unit,
        "multiplier": MULTIPLIERS.get(unit or "", None),
        "subject_code": subject_code,
        "subject_name": subject_name,
        "is_empty": (not has_amount) or any(w in n for n in notes for w in EMPTY_NOTES),
        "header_rows": header_rows,
        "columns": columns,
        "column_notes": column_notes,
        "rows": rows,
    }
    if kind in PERFORMANCE_KINDS:
        interpreted["performance_rows"] = read_performance_rows(interpreted)
    return interpreted


TOC_ENTRY_RE = re.compile(r"^(?:\d+|[一二三四五六七八九十]+)[.、．]?(.+表(?:[（(].+[）)])?)$")


def toc_titles(pages_text: list[str]) -> list[str]:
    """The table names a document's table of contents (目录, in its first pages) lists, in order."""
    for text in pages_text[:5]:
        lines = [squash(line) for line in text.splitlines()]
        if not any(line in ("目录", "目 录") for line in lines[:3]):
            continue
        return [m.group(1) for line in lines if (m := TOC_ENTRY_RE.match(line))]
    return []


def kinds_from_contents(kinds: list[str], pages_text: list[str]) -> dict[int, tuple[str, str]]:
    """Tables whose title says nothing ('other': no title printed, or a title left blank) take the kind of
    the table of contents entry that stands between the entries of their neighbours' kinds, where exactly
    one entry does (the contents may list section headings and leave out tables; the neighbours anchor the
    position).  {table index: (kind, evidence)}; a table without such an entry stays 'other'."""
    toc = toc_titles(pages_text) if "other" in kinds else []
    listed = [table_kind(title) for title in toc]
    found: dict[int, tuple[str, str]] = {}
    for i, kind in enumerate(kinds):
        before = kinds[i - 1] if i > 0 else None
        after = kinds[i + 1] if i + 1 < len(kinds) else None
        if kind != "other" or "other" in (before, after) or before == after is None:
            continue
        at = [k for k, entry in enumerate(listed) if entry != "other"
              and (before is None or (k > 0 and listed[k - 1] == before))
              and (after is None or (k + 1 < len(listed) and listed[k + 1] == after))]
        if len(at) == 1:
            k = at[0]
            found[i] = (listed[k], f"title not understood; between its neighbours in the contents: {toc[k]}")
    return found
