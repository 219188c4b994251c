"""Incremental ingestion on the real pipeline: adding a document extracts and unnests that document only,
and the result equals a full rebuild."""

from __future__ import annotations

import shutil

import duckdb

from .test_event_sourcing import build, checksums, events, pick_samples, query

SENTINEL = "kept from the previous build"


def mark_rows(build_db, document_id: str) -> None:
    """Overwrite columns nothing downstream reads: a rebuild of the document's rows would restore them."""
    con = duckdb.connect(str(build_db))
    try:
        con.execute("update intermediate.int_tables set extractor_version = ? where document_id = ?", [SENTINEL, document_id])
        con.execute("update intermediate.int_table_cells set printed_text = ? where document_id = ?", [SENTINEL, document_id])
    finally:
        con.close()


def marked(build_db, table: str, column: str, document_id: str) -> bool:
    rows = query(build_db, f"select distinct {column} = ? from intermediate.{table} where document_id = ?", [SENTINEL, document_id])
    return rows == [(True,)]


def test_adding_a_document_processes_only_that_document(tmp_path):
    first, second = pick_samples(2)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(first, raw / first.name)
    wh = tmp_path / "wh" / "budget.duckdb"
    build_db = wh.parent / "build" / wh.name
    build(raw, wh)
    (first_id,) = {doc for _, kind, doc in events(wh) if kind == "TablesExtracted"}
    mark_rows(build_db, first_id)

    shutil.copy(second, raw / second.name)
    build(raw, wh)
    extracted = [doc for _, kind, doc in events(wh) if kind == "TablesExtracted"]
    assert len(extracted) == 2 and extracted.count(first_id) == 1  # the first document was not read again
    second_id = next(d for d in extracted if d != first_id)
    # the first document's rows were not rebuilt; the second one's were loaded at its current version
    assert marked(build_db, "int_tables", "extractor_version", first_id)
    assert marked(build_db, "int_table_cells", "printed_text", first_id)
    for table in ("int_tables", "int_table_cells", "int_table_rows"):
        (n, stale) = query(build_db, f"""select count(*), count(*) filter (where t.document_version <> v.document_version)
                                          from intermediate.{table} t join intermediate.int_document_versions v using (document_id)
                                          where document_id = ?""", [second_id])[0]
        assert n > 0 and stale == 0, table
    incremental = checksums(wh)

    # a full refresh recomputes every document (the marks are gone) and gives the same marts
    build(raw, wh, "--full-refresh")
    assert not marked(build_db, "int_table_cells", "printed_text", first_id)
    assert not marked(build_db, "int_tables", "extractor_version", first_id)
    assert checksums(wh) == incremental


def test_a_changed_document_version_reloads_that_document(tmp_path):
    """A new version of a document (here: its stored version made stale) replaces all its rows."""
    first, second = pick_samples(2)
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in (first, second):
        shutil.copy(p, raw / p.name)
    wh = tmp_path / "wh" / "budget.duckdb"
    build_db = wh.parent / "build" / wh.name
    build(raw, wh)
    before = checksums(wh)
    first_id, second_id = (r[0] for r in query(build_db, "select document_id from intermediate.int_tables group by 1 order by 1"))
    mark_rows(build_db, first_id)
    mark_rows(build_db, second_id)
    con = duckdb.connect(str(build_db))
    con.execute("update intermediate.int_table_cells set document_version = 'outdated' where document_id = ?", [first_id])
    con.close()

    build(raw, wh)
    assert not marked(build_db, "int_table_cells", "printed_text", first_id)  # reloaded
    assert marked(build_db, "int_table_cells", "printed_text", second_id)  # untouched
    assert checksums(wh) == before
