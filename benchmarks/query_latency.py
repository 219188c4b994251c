"""Query latency of the example queries (docs/example_queries.sql) on a fact table scaled
to ≥ --rows rows.

The base warehouse is built with `budgetwh build` from raw/samples plus the first --documents files of the
synthetic corpus (or given with --warehouse): the samples, so that the queries filtering on a sample unit
match what they match on the samples (a query that returns nothing measures nothing, and is refused), the
corpus for variety.  A copy of it gets fact_expenditure replicated R times (R = ceil(rows / base rows)),
copy r > 0 with synthetic document and unit keys ("<key>#r"); dim_document, dim_unit and the marts the
queries read are replicated the same way so the joins keep their shape (copy 0 keeps the real keys), and a
table its model stores in an order (STORED_ORDER) keeps that order.  Each query runs once to warm up,
then --repeat times; median and p95 (nearest rank) wall ms of execute + fetchall (Python tuples), of
execute + .df() (a pandas DataFrame) and of execute + the first 2,000 rows (what a BI tool shows first).

    .venv/bin/python benchmarks/query_latency.py [--corpus DIR --documents 200 | --warehouse W] [--rows 10000000]
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import (  # noqa: E402
    BUDGETWH,
    ROOT,
    corpus_files,
    ensure_corpus,
    fresh_raw,
    markdown,
    merge_summary,
    write_result,
)

KEYED = {  # table → columns that get the copy suffix
    "fact_expenditure": ("document_id", "unit_key"),
    "dim_document": ("document_id", "file_name"),
    "dim_unit": ("unit_key",),
    "mart_unit_budget": ("document_id", "unit_key"),
    "mart_function_class_spending": ("document_id", "file_name"),
    "mart_unit_econ_spending": ("document_id", "unit_key"),
}
STORED_ORDER = {  # table → the ORDER BY its model stores rows in; the replica keeps it
    "mart_unit_econ_spending": "econ_dept_code, econ_gov_code, unit_key",
}
FIRST_PAGE = 2000  # rows a BI tool shows first (Metabase's display limit; Superset's SQL Lab shows 1,000)


def example_queries(path: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for chunk in path.read_text(encoding="utf-8").split("-- name:")[1:]:
        name, _, body = chunk.partition("\n")
        sql = "\n".join(ln for ln in body.splitlines() if not ln.lstrip().startswith("--")).strip().rstrip(";")
        out.append((name.strip(), sql))
    return out


def build_base(corpus: Path, documents: int, work: Path) -> Path:
    """budgetwh build over raw/samples + the first `documents` corpus files; returns the warehouse."""
    samples = sorted((ROOT / "raw" / "samples").glob("*.pdf"))
    raw = fresh_raw(work / "base", [*samples, *corpus_files(ensure_corpus(corpus, documents), documents)])
    warehouse = work / "base" / "wh" / "budget.duckdb"
    subprocess.run([str(BUDGETWH), "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL)
    return warehouse


def scale(con, rows: int) -> tuple[int, int, int]:
    """Replicate the keyed tables; returns (base fact rows, copies, fact rows)."""
    base = con.execute("select count(*) from fact_expenditure").fetchone()[0]
    copies = max(1, math.ceil(rows / max(1, base)))
    for table, cols in KEYED.items():
        replace = ", ".join(f"case when r = 0 then {c} else {c} || '#' || r end as {c}" for c in cols)
        order = f" order by {STORED_ORDER[table]}" if table in STORED_ORDER else ""
        con.execute(f"create table {table}__scaled as select * exclude (r) replace ({replace}) "
                    f"from {table} cross join (select range as r from range({copies})){order}")
        kind = con.execute("select table_type from information_schema.tables where table_name = ?",
                           [table]).fetchone()[0]
        con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {table}")
        con.execute(f"alter table {table}__scaled rename to {table}")
    return base, copies, con.execute("select count(*) from fact_expenditure").fetchone()[0]


def timings(run, repeat: int) -> tuple[float, float, float]:
    """(median, p95 by nearest rank, max) wall ms of repeat runs."""
    ms = []
    for _ in range(repeat):
        t = time.perf_counter()
        run()
        ms.append(1000 * (time.perf_counter() - t))
    ms.sort()
    return statistics.median(ms), ms[max(0, math.ceil(0.95 * len(ms)) - 1)], ms[-1]


def main() -> int:
    import duckdb

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/budgetwh-bench/corpus"))
    ap.add_argument("--documents", type=int, default=200, help="corpus documents in the base warehouse")
    ap.add_argument("--warehouse", type=Path, help="scale this built budget.duckdb (not modified) instead")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path("/tmp/budgetwh-bench/query"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    base_warehouse = args.warehouse or build_base(args.corpus, args.documents, args.work)
    queries = example_queries(ROOT / "docs" / "example_queries.sql")
    with duckdb.connect(str(base_warehouse), read_only=True) as base_con:
        empty = [name for name, sql in queries if not base_con.execute(sql).fetchall()]
    if empty:
        sys.exit(f"{', '.join(empty)}: no rows on {base_warehouse}; build it from raw/samples plus the corpus")
    db = args.work / "scaled.duckdb"
    db.unlink(missing_ok=True)
    shutil.copy2(base_warehouse, db)
    con = duckdb.connect(str(db))
    start = time.perf_counter()
    base, copies, n_rows = scale(con, args.rows)
    scale_s = time.perf_counter() - start
    rows = []
    p95s: dict[str, float] = {}
    df_p95s: dict[str, float] = {}
    page_p95s: dict[str, float] = {}
    for name, sql in queries:
        n_out = len(con.execute(sql).fetchall())  # warm-up
        tuples = timings(lambda q=sql: con.execute(q).fetchall(), args.repeat)
        frame = timings(lambda q=sql: con.execute(q).df(), args.repeat)
        page = timings(lambda q=sql: con.execute(q).fetchmany(FIRST_PAGE), args.repeat)
        p95s[name], df_p95s[name], page_p95s[name] = tuples[1], frame[1], page[1]
        rows.append([name, n_out, *(f"{v:.1f}" for v in (*tuples, *frame, *page))])
    con.close()
    threads = duckdb.connect().execute("select current_setting('threads')").fetchone()[0]
    text = "\n".join([
        "# Example query latency on a scaled fact table", "",
        f"warehouse {base_warehouse}: {base:,} fact rows × {copies} copies = {n_rows:,} rows "
        f"(scaling took {scale_s:.1f}s); DuckDB {duckdb.__version__}, {threads} threads, {args.repeat} runs each",
        "", markdown(["query", "result rows", "median ms", "p95 ms", "max ms",
                      "DataFrame median ms", "DataFrame p95 ms", "DataFrame max ms",
                      f"first {FIRST_PAGE:,} median ms", f"first {FIRST_PAGE:,} p95 ms", f"first {FIRST_PAGE:,} max ms"],
                     rows), "",
        "(ms = execute + fetch every row as Python tuples, what a DB-API client such as SQLAlchemy does; "
        "DataFrame = execute + .df(), what a pandas user does; "
        f"first {FIRST_PAGE:,} = execute + fetchmany({FIRST_PAGE}), the first screen of a BI tool)",
        f"worst p95: {max(p95s.values()):.1f} ms (tuples), {max(df_p95s.values()):.1f} ms (DataFrame), "
        f"{max(page_p95s.values()):.1f} ms (first {FIRST_PAGE:,} rows)",
    ])
    print(text)
    write_result("query_latency.md", text)
    if n_rows >= 10_000_000:
        merge_summary({"query_p95_ms_10m_rows": round(max(p95s.values()), 1),
                       "query_p95_ms_10m_rows_dataframe": round(max(df_p95s.values()), 1),
                       "query_p95_ms_10m_rows_first_page": round(max(page_p95s.values()), 1)})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
