"""BI tools read the published file: through SQLAlchemy/duckdb-engine and pandas, never blocked by a build,
never seeing half a warehouse."""

from __future__ import annotations

import threading
import time

import duckdb
import pandas as pd
import sqlalchemy as sa

from .conftest import SAMPLES, run_build, scratch_copy

CONSISTENCY_SQL = """
select d.document_id,
       (select sum(amount_yuan) from fact_expenditure f where f.document_id = d.document_id) as lines,
       (select max(total_yuan) from mart_unit_budget m where m.document_id = d.document_id) as stated
from dim_document d
"""


def consistent(con) -> bool:
    rows = con.execute(CONSISTENCY_SQL).fetchall()
    return len(rows) == len(list(SAMPLES.glob("*.pdf"))) and all(lines is not None and abs(lines - stated) <= 1000 for _, lines, stated in rows)


def test_duckdb_engine_reads_the_marts(sample_build):
    engine = sa.create_engine(f"duckdb:///{sample_build[0]}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            df = pd.read_sql(
                sa.text("""select d.fiscal_year, f.function_code, sum(f.amount_yuan) as yuan
                           from fact_expenditure f join dim_document d using (document_id) group by all"""),
                conn,
            )
    finally:
        engine.dispose()  # the pool would keep the file open with its own configuration
    assert len(df) > 10 and df["yuan"].sum() > 0


def test_parquet_export(sample_build):
    out = sample_build[0].parent / "parquet"
    n = duckdb.sql(f"select count(*) from '{out}/fact_expenditure.parquet'").fetchone()[0]
    assert n > 0


def test_reader_never_blocks_nor_sees_half_a_build(sample_build, tmp_path):
    """A reader polls the published file while a build rewrites and publishes it: every read succeeds and
    sees a whole warehouse, before, during and after the publish (the reads span two files)."""
    warehouse = scratch_copy(sample_build[0], tmp_path / "wh")  # a built warehouse that builds go on writing
    reads, errors, files, stop = [0], [], set(), threading.Event()

    def reader():
        while not stop.is_set():
            try:
                files.add(warehouse.stat().st_ino)  # os.replace publishes a new file (inode)
                con = duckdb.connect(str(warehouse), read_only=True)
                try:
                    if not consistent(con):
                        errors.append("inconsistent read")
                finally:
                    con.close()
                reads[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is what the test looks for
                errors.append(repr(exc))
            time.sleep(0.05)

    t = threading.Thread(target=reader)
    t.start()
    try:
        proc = run_build(SAMPLES, warehouse)
        assert proc.returncode == 0, proc.stderr[-3000:]
        published, deadline = warehouse.stat().st_ino, time.time() + 60
        while published not in files and time.time() < deadline:  # reads of the published result too
            time.sleep(0.1)
    finally:
        stop.set()
        t.join()
    assert reads[0] > 10
    assert errors == []
    assert len(files) == 2, files  # the reads began on the copied file and went on on the published one
