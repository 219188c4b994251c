"""The identity part of each document's completeness verdict, and reading the verdict back.

dbt builds `dim_document.completeness` / `completeness_reasons` from what the tables and facts tell
(`int_document_completeness`: subject unit, expenditure lines, stated total, tables left `other`). The
accounting identities are judged later, by Great Expectations (`suites.run_all` → `check_results`), so the
`check_results` step calls `add_identity_failures` on the build file before it is published: every
error-severity identity that fails for a document makes it `incomplete`, with one readable reason per failure
(page, table, what does not add up). A warning-severity identity never does. Nothing is corrected here:
the verdict only says what is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project.resources import connect

log = logging.getLogger(__name__)

# The identity that says whether the facts hold the whole document comes first among the reasons.
FIRST_IDENTITY = "facts_sum_to_stated_total"
MAX_IDENTITY_REASONS = 12  # per document; the rest are counted in one last reason

TABLE_LABELS = {
    "income_expenditure_summary": "收支总表",
    "income_summary": "收入总表",
    "expenditure_summary": "支出总表",
    "fiscal_income_expenditure_summary": "财政拨款收支总表",
    "fiscal_expenditure": "财政拨款支出表",
    "gpb_expenditure": "一般公共预算支出表",
    "gpb_expenditure_econ": "一般公共预算支出表（经济分类）",
    "gpb_basic_expenditure": "基本支出表",
    "gpb_basic_expenditure_function": "基本支出表（功能分类）",
    "project_expenditure": "项目支出表",
    "three_public": "“三公”经费表",
    "procurement": "政府采购表",
    "purchased_services": "政府购买服务表",
    "cross_table": "across tables",
    "cross_document": "across documents",
    "narrative": "说明",
}

@dataclass(frozen=True)
class Verdict:
    document_id: str
    file_name: str
    completeness: str
    reasons: list[str]
    status: str = ""  # dim_document.status: current, superseded, retracted, failed, registered
    status_reason: str = ""  # why a document failed or was retracted


def failure_reason(page, table_kind: str | None, item: str, expected: float, actual: float) -> str:
    """One failed identity row as a sentence an analyst can act on."""
    where = f"p{int(page)}" if page is not None and not pd.isna(page) else "p?"
    label = TABLE_LABELS.get(table_kind or "", table_kind or "")
    share = f" ({actual / expected:.1%})" if expected else ""
    return f"{where} {label}: {item} fails: {actual:,.2f} ≠ stated {expected:,.2f}{share}"


def identity_reasons(failures: pd.DataFrame) -> dict[str, list[str]]:
    """document_id → readable reasons for its failed error-severity identities, the facts-vs-total one first."""
    out: dict[str, list[str]] = {}
    if failures.empty:
        return out
    ordered = failures.assign(first=failures["identity"] != FIRST_IDENTITY).sort_values(
        ["document_id", "first", "page", "identity", "item"], na_position="last")
    for doc, rows in ordered.groupby("document_id", sort=False):
        reasons = [failure_reason(r.page, r.table_kind, r.item, float(r.expected_yuan), float(r.actual_yuan))
                   for r in rows.itertuples()]
        if len(reasons) > MAX_IDENTITY_REASONS:
            rest = len(reasons) - MAX_IDENTITY_REASONS
            reasons = [*reasons[:MAX_IDENTITY_REASONS], f"… and {rest} more failed identities (check_results)"]
        out[str(doc)] = reasons
    return out


def failed_identities(results: pd.DataFrame) -> pd.DataFrame:
    """The rows of check_results (as a DataFrame) that make a document incomplete."""
    return results[(results["severity"] == "ERROR") & (results["status"] == "fail")]


def add_identity_failures(db_path: Path, results: pd.DataFrame) -> int:
    """Mark documents with failed error-severity identities (in `results`, the check_results rows)
    incomplete in dim_document (build file). Returns how many documents it changed."""
    reasons = identity_reasons(failed_identities(results))
    if not reasons:
        return 0
    with connect(db_path, read_only=False) as con:
        frame = pd.DataFrame({"document_id": list(reasons), "reasons": list(reasons.values())})
        con.register("identity_reasons", frame)
        changed = con.execute(
            """update dim_document d
               set completeness = 'incomplete',
                   completeness_reasons = list_concat(d.completeness_reasons, r.reasons)
               from identity_reasons r
               where r.document_id = d.document_id and d.completeness <> 'not_applicable'
               returning d.document_id"""
        ).fetchall()
        skipped = set(reasons) - {r[0] for r in changed}
        if skipped:
            log.warning("identity failures of %d not-applicable document(s) not added to completeness: %s",
                        len(skipped), ", ".join(sorted(d[:12] for d in skipped)))
        con.execute("checkpoint")
        return len(changed)


def verdicts(con: duckdb.DuckDBPyConnection) -> list[Verdict]:
    """Every document's verdict from a built or published warehouse, by file name."""
    rows = con.execute(
        """select document_id, file_name, completeness, coalesce(completeness_reasons, []), status,
                  coalesce(status_reason, '')
           from dim_document order by file_name"""
    ).fetchall()
    return [Verdict(d, f, c or "unknown", list(r), st or "", sr) for d, f, c, r, st, sr in rows]


def summary_lines(verdicts_: list[Verdict]) -> list[str]:
    """`complete: N  incomplete: M`, then one line per document whose extraction failed and one per incomplete
    document, each with its (first) reason."""
    counts = {k: sum(v.completeness == k for v in verdicts_) for k in ("complete", "incomplete", "not_applicable")}
    lines = [f"complete: {counts['complete']}  incomplete: {counts['incomplete']}"
             + (f"  not applicable: {counts['not_applicable']}" if counts["not_applicable"] else "")]
    for v in verdicts_:
        if v.status == "failed":
            lines.append(f"  failed: {v.file_name}: {v.status_reason or '?'}")
    for v in verdicts_:
        if v.completeness == "incomplete":
            more = f" (+{len(v.reasons) - 1} more)" if len(v.reasons) > 1 else ""
            lines.append(f"  incomplete: {v.file_name}: {v.reasons[0] if v.reasons else '?'}{more}")
    return lines
