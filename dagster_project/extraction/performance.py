"""Canonical column names of the performance tables (绩效目标表).

Performance tables (`project_performance` 项目支出绩效表 / 绩效目标表, `overall_performance` 整体支出绩效目标表)
name their columns differently in every region: Beijing prints a header row (单位名称 | 项目名称 | … | 一级指标 |
二级指标 | 三级指标 | 绩效指标性质 | 本年绩效指标值 | 绩效度量单位 | 指标方向性), Hebei, Xi'an and Shanghai print a
form whose label row (一级指标 | 二级指标 | 三级指标 | 指标内容 | 指标值 …) sits inside the table body.

`classify._column_name` calls `performance_column` for the header rows of these tables. The label rows inside
the body are read by dbt (`dbt/models/intermediate/int_performance_rows.sql`, which maps the same labels to the
same names; tests/test_performance_targets.py checks that both agree). Nothing here parses a target value:
the operator / value / unit of a target ("≥95%", "≤10个工作日", "定性") is read once, in SQL, by
`dbt/models/marts/fact_performance_target.sql`.
"""

from __future__ import annotations

import re

PERFORMANCE_KINDS = frozenset({"project_performance", "overall_performance"})

# Header label (whitespace removed) → canonical column name.
PERFORMANCE_LABELS: dict[str, str] = {
    # who and what
    "单位名称": "unit",
    "部门（单位）名称": "unit",
    "部门(单位)名称": "unit",
    "主管部门": "department",
    "实施单位": "implementing_unit",
    "项目名称": "project_name",
    "活动": "activity",  # 整体支出绩效目标表: the activity (项目 group) an indicator belongs to
    "项目类别": "project_type",
    "项目类型": "project_type",
    "项目性质": "project_nature",
    "项目负责人": "project_manager",
    "项目责任人": "project_manager",
    "项目负责人电话": "project_manager_phone",
    "项目责任人电话": "project_manager_phone",
    # money (项目总额 其中：财政资金 / 其他资金; 整体 tables: 合计 / 基本支出 / 项目支出 as in the other tables)
    "项目总额": "project_total",
    "财政资金": "fiscal_funds",
    "其他资金": "other_funds",
    "合计": "total",
    "基本支出": "basic",
    "项目支出": "project",
    # goals
    "绩效目标": "goal",
    "年度目标": "goal",
    "年度绩效目标": "goal",
    "整体绩效目标": "goal",
    "总体目标": "goal",
    # the indicator
    "一级指标": "indicator_level_1",
    "二级指标": "indicator_level_2",
    "三级指标": "indicator_level_3",
    "指标内容": "indicator",
    "指标名称": "indicator",
    "绩效指标描述": "indicator",
    "绩效指标": "indicator",  # 整体 tables: one column holding 一级 + 二级 + the indicator text
    "绩效指标性质": "indicator_nature",  # ≥ / ≤ / = / 定性
    "指标性质": "indicator_nature",
    "本年绩效指标值": "target",
    "指标值": "target",
    "年度指标值": "target",
    "年度(/项目)指标值": "target",
    "年度（/项目）指标值": "target",
    "指标值（包含数字及文字描述）": "target",
    "指标值(包含数字及文字描述)": "target",
    "目标值": "target",
    "绩效度量单位": "unit_of_measure",
    "度量单位": "unit_of_measure",
    "计量单位": "unit_of_measure",
    "质量单位": "unit_of_measure",  # printed for 度量单位 in Dongcheng 2026 预算13表
    "指标方向性": "direction",
    "指标方向": "direction",
    "指标值确定依据": "target_basis",
}

_SPACES = re.compile(r"[\s\u3000]+")


def performance_column(path: list[str]) -> str | None:
    """Canonical name of a performance-table column from its header path (labels top to bottom, merged
    parents filled in, whitespace removed); None when the label is not a performance-table label (the
    column is then `col_<j>`). The bottom label decides ("其中：" / "财政资金" → fiscal_funds)."""
    if not path:
        return None
    leaf = _SPACES.sub("", path[-1])
    if leaf in PERFORMANCE_LABELS:
        return PERFORMANCE_LABELS[leaf]
    if leaf.endswith("指标值") or leaf.startswith("指标值（") or leaf.startswith("指标值("):
        return "target"  # 本年度指标值, 指标值（包含数字及文字描述）
    if "度量单位" in leaf or "计量单位" in leaf:
        return "unit_of_measure"
    return None
