"""The registry of the accounting identities a budget disclosure must satisfy.

Each identity's rows are computed by a dbt model, `dbt/models/checks/chk_<name>.sql` (its SQL, its lineage
in the Dagster asset graph, its dbt unit tests): one row per place the identity applies (a table, a row, a
class …) with `expected` and `actual` in yuan, the number of rounded terms behind them, and `unit_yuan`, the
coarsest unit of the last printed place among the figures compared (macro `printed_unit`,
dbt/macros/checks.sql, where the tolerance rule is explained). The Great Expectations suites in `suites.py`
judge those rows into `check_results`; `dagster_project/assets/checks.py` attaches one Dagster asset check
per identity to the mart named here.

Adding an identity: write `dbt/models/checks/chk_<name>.sql` returning the columns of IDENTITY_COLUMNS
(describe it in models/checks/_checks.yml, or _final_accounts_checks.yml for a 决算 identity) and add an
entry below.
"""

from __future__ import annotations

from dataclasses import dataclass

# What every identity model returns (dbt/models/checks/_checks.yml describes them).
IDENTITY_COLUMNS = (
    "document_id",
    "table_kind",
    "table_index",
    "page",
    "subject_code",
    "item",
    "expected",
    "actual",
    "n_terms",
    "unit_yuan",
)
MODEL_PREFIX = "chk_"


@dataclass(frozen=True)
class Identity:
    name: str
    description: str
    severity: str  # "ERROR" or "WARN" (Dagster asset check severity)
    asset: str  # the mart the asset check is attached to
    model: str = ""  # the dbt model computing its rows (dbt/models/checks/); chk_<name> when not given

    def __post_init__(self) -> None:
        if not self.model:
            object.__setattr__(self, "model", MODEL_PREFIX + self.name)


IDENTITIES: list[Identity] = [
    Identity(
        "income_total_equals_expenditure_total",
        "收入总计 = 支出总计 in every 收支总表 and 财政拨款收支总表",
        "ERROR",
        "mart_unit_budget",
    ),
    Identity(
        "income_total_equals_current_plus_carryover",
        "收入总计 = 本年收入合计 + 上年结转结余",
        "ERROR",
        "mart_unit_budget",
    ),
    Identity(
        "expenditure_total_equals_current_plus_carryover",
        "支出总计 = 本年支出合计 + 年终结转结余",
        "ERROR",
        "mart_unit_budget",
    ),
    Identity(
        "line_total_equals_basic_plus_project",
        "Every expenditure line: 合计 = 基本支出 + 项目支出 (基本支出 = 人员经费 + 公用经费 where no 基本支出 column; "
        "决算: + 上缴上级支出 + 经营支出 + 对附属单位补助支出)",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "basic_equals_personnel_plus_public",
        "基本支出 = 人员经费 + 公用经费 where both are given",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "lines_sum_to_stated_total",
        "Σ leaf lines = the table's 合计 row, for 合计, 基本支出 and 项目支出",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "facts_sum_to_stated_total",
        "Σ fact_expenditure = the stated total expenditure, for the document and for each unit part",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "hierarchy_sums",
        "类 = Σ 款 and 款 = Σ 项 where a table prints the hierarchy",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "function_class_totals_match",
        "The function-class amounts stated in 收支总表 = the class sums of the expenditure lines",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "class_remainders_equal_unitemised_funds",
        "Σ class_remainder lines = 本年收入 − the funds the itemised lines cover (财政拨款 / 一般公共预算)",
        "ERROR",
        "fact_expenditure",
    ),
    Identity(
        "cross_table_totals",
        "支出总表 = 一般公共预算财政拨款支出表 (all funding general public budget); Σ 项目支出表 = project total; "
        "Σ 基本支出表 = basic total",
        "ERROR",
        "mart_unit_budget",
    ),
    Identity(
        "econ_class_basic_totals_match",
        "Economic-class totals of the basic table = those of the 支出总表",
        "WARN",
        "fact_expenditure",
    ),
    Identity(
        "three_public_total", "三公 total = 出国 + 接待 + 用车(购置 + 运维)", "ERROR", "mart_unit_budget"
    ),
    Identity(
        "category_sums",
        "政府采购 total = Σ categories; 政府购买服务 total = Σ items",
        "ERROR",
        "mart_unit_budget",
    ),
    Identity(
        "department_equals_unit_document",
        "A department document's per-unit figures = the unit's own document of the same year",
        "WARN",
        "mart_unit_budget",
    ),
    Identity(
        "narrative_matches_tables",
        "Amounts stated in the explanation text agree with the tables",
        "WARN",
        "mart_unit_budget",
    ),
    # final accounts (决算): models described in dbt/models/checks/_final_accounts_checks.yml
    Identity(
        "fund_balances",
        "年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余: every line of the 政府性基金 / 国有资本经营 决算表, "
        "each fund of the 财政拨款收入支出决算总表, all money of the 收入支出决算总表 (+ 使用非财政拨款结余 − 结余分配)",
        "ERROR",
        "mart_fund_balances",
    ),
]
