"""`budgetwh trace`: from a warehouse number back to its page — file, page, extracted row, parsing step,
model path and the checks that cover it. Reads only the published warehouse and the dbt manifest."""

from __future__ import annotations

import json
from pathlib import Path

from .resources import connect
from .settings import DBT_DIR

FACT_SQL = """
select f.document_id, f.unit_key, f.fiscal_year, f.function_code, f.econ_dept_code, f.econ_gov_code,
       f.expenditure_type, f.amount_yuan, f.source_page, f.source_table_kind, f.table_index, f.row_index,
       f.correction_event_id, d.file_name
from fact_expenditure f join dim_document d using (document_id)
where {where}
order by f.document_id, f.table_index, f.row_index, f.expenditure_type
"""


def model_path(model: str, manifest_path: Path = DBT_DIR / "target" / "manifest.json") -> list[str]:
    """The chain of dbt nodes from the source to `model` (first parent at each step)."""
    if not manifest_path.exists():
        return [model]
    manifest = json.loads(manifest_path.read_text())
    parents = manifest["parent_map"]
    node = next((k for k in parents if k.startswith("model.") and k.endswith(f".{model}")), None)
    chain = []
    while node:
        chain.append(node.split(".")[-1] if not node.startswith("source.") else ".".join(node.split(".")[-2:]))
        ups = [p for p in parents.get(node, []) if p.startswith(("model.", "source."))]
        # follow the table lineage, not the dimension joins
        ups.sort(key=lambda p: ("int_documents" in p, ".dim_" in p, "seed." in p, p))
        node = ups[0] if ups else None
    return chain


def dbt_tests_on(model: str, manifest_path: Path = DBT_DIR / "target" / "manifest.json") -> list[str]:
    if not manifest_path.exists():
        return []
    manifest = json.loads(manifest_path.read_text())
    return sorted(
        n["name"] for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and any(d.endswith(f".{model}") for d in n["depends_on"]["nodes"])
    )


def trace(warehouse: Path, document: str | None = None, unit: str | None = None, year: int | None = None,
          code: str | None = None, table: int | None = None, row: int | None = None) -> str:
    with connect(warehouse, read_only=True) as con:
        clauses, params = [], []
        for sql, value in [("starts_with(f.document_id, ?)", document),
                           ("(f.unit_key = ? or split_part(f.unit_key, '-', 2) = ?)", unit),
                           ("f.fiscal_year = ?", year), ("f.function_code = ?", code),
                           ("f.table_index = ?", table), ("f.row_index = ?", row)]:
            if value is not None:
                clauses.append(sql)
                params += [value, value] if sql.count("?") == 2 else [value]
        if not clauses:
            raise ValueError("say which row: --document (and --table/--row), or --unit/--year/--code")
        facts = con.execute(FACT_SQL.format(where=" and ".join(clauses)), params).fetchall()
        if not facts:
            raise ValueError("no fact_expenditure row matches")
        out = []
        for (doc, unit_key, fy, fcode, edept, egov, etype, amount, page, kind, t_idx, r_idx, corr,
             file_name) in facts[:20]:
            out.append(f"fact_expenditure  {unit_key}  {fy}  {fcode}  {edept}/{egov}  {etype}  {amount:,.2f} yuan")
            title, currency, multiplier, extraction = con.execute(
                """select title, currency_unit, multiplier, extraction_event_id from intermediate.int_tables
                   where document_id = ? and table_index = ?""", [doc, t_idx]).fetchone()
            out.append(f"  1. source     {file_name}  (document {doc[:12]})  page {page}")
            out.append(f"                table {t_idx}: {title}  [{kind}, amounts in {currency}]")
            cells = con.execute(
                """select column_name, printed_text, raw_text, correction_event_id from intermediate.int_table_cells
                   where document_id = ? and table_index = ? and row_index = ? order by column_name""",
                [doc, t_idx, r_idx]).fetchall()
            out.append(f"  2. extracted  row {r_idx} (event {extraction[:12]}): "
                       + " | ".join(f"{c}={p!r}" for c, p, _, _ in cells if p))
            by_column = {c: (p, r, k) for c, p, r, k in cells if r}
            # basic is printed as one column, or (Xi'an) as 人员经费 + 公用经费
            candidates = {"basic": [["basic"], ["personnel", "public"]], "project": [["project"]]}.get(
                etype, [["total"]])
            used = next(([c for c in group if c in by_column] for group in candidates
                         if any(c in by_column for c in group)), [])
            if used:
                step = " + ".join(f"{c} '{by_column[c][1]}'" for c in used)
                step += f" {currency} × {multiplier} = {amount:,.2f} yuan"
                for c in used:
                    if by_column[c][2]:
                        step += f"  ({c} corrected from '{by_column[c][0]}' by event {by_column[c][2][:12]})"
                out.append(f"  3. parsed     {step}")
            out.append("  4. models     " + " ← ".join(model_path("fact_expenditure")))
            checks = con.execute(
                """select distinct identity, status, item from check_results
                   where document_id = ? and (table_index = ? or table_index is null)
                     and (item = 'row ' || ? or item not like 'row %') order by identity""",
                [doc, t_idx, r_idx]).fetchall()
            out.append("  5. checks     " + "; ".join(f"{i} [{s}] {it}" for i, s, it in checks))
            out.append("                dbt tests: " + ", ".join(dbt_tests_on("fact_expenditure")))
            if corr:
                out.append(f"     correction {corr}")
        if len(facts) > 20:
            out.append(f"… and {len(facts) - 20} more rows")
        return "\n".join(out)
