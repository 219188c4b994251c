"""Print the table of sample findings (docs/identities.md): every check that fails or passes only within tolerance.

Usage: .venv/bin/python -m tools.findings warehouse/budget.duckdb
"""

from __future__ import annotations

import sys

import duckdb

FINDINGS_SQL = """
select d.file_name, r.identity, r.status, r.table_kind, r.page, r.item,
       r.expected_yuan, r.actual_yuan, r.difference_yuan, r.tolerance_yuan
from check_results r join dim_document d using (document_id)
where r.status <> 'pass'
order by d.file_name, r.identity, r.table_kind, r.page, r.item
"""


def findings(path: str) -> list[tuple]:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(FINDINGS_SQL).fetchall()
    finally:
        con.close()


def markdown(rows: list[tuple]) -> str:
    lines = ["| document | identity | status | table | page | item | expected (yuan) | actual (yuan) | difference | tolerance |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for f, identity, status, kind, page, item, exp, act, diff, tol in rows:
        lines.append(f"| {f.removesuffix('.pdf')} | {identity} | {status} | {kind} | {page} | {item} | "
                     f"{exp:,.2f} | {act:,.2f} | {diff:,.2f} | {tol:,.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(findings(sys.argv[1] if len(sys.argv) > 1 else "warehouse/budget.duckdb")))
