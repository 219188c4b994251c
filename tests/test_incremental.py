"""Incremental ingestion on the real pipeline: adding a document extracts and unnests that document only,
and the result equals a full rebuild. Both cases continue a private copy of the session's sample build."""

from __future__ import annotations

import duckdb

from .conftest import SAMPLES, build, checksums, copy_raw, events, query, scratch_copy

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


def test_adding_a_document_processes_only_that_document(sample_build, tmp_path):
    raw = copy_raw(SAMPLES, tmp_path / "raw")
    wh = scratch_copy(sample_build[0], tmp_path / "wh")
    build_db = wh.parent / "build" / wh.name
    old_ids = {doc for _, kind, doc in events(wh) if kind == "TablesExtracted"}
    assert len(old_ids) == len(list(SAMPLES.glob("*.pdf")))
    for doc in old_ids:
        mark_rows(build_db, doc)

    # a document the warehouse has not seen: other bytes than any sample, another fiscal year (sidecar),
    # so it is a new document rather than a new version of the sample it was copied from
    source = min(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)
    (raw / "new-document.pdf").write_bytes(source.read_bytes() + b"\n% another document\n")
    (raw / "new-document.pdf.meta.yaml").write_text("fiscal_year: 2031\n", encoding="utf-8")
    build(raw, wh)
    extracted = [doc for _, kind, doc in events(wh) if kind == "TablesExtracted"]
    assert len(extracted) == len(old_ids) + 1 and all(extracted.count(d) == 1 for d in old_ids)  # none read again
    (new_id,) = set(extracted) - old_ids
    # the earlier documents' rows were not rebuilt; the new one's were loaded at its current version
    for doc in old_ids:
        assert marked(build_db, "int_tables", "extractor_version", doc)
        assert marked(build_db, "int_table_cells", "printed_text", doc)
    for table in ("int_tables", "int_table_cells", "int_table_rows"):
        (n, stale) = query(build_db, f"""select count(*), count(*) filter (where t.document_version <> v.document_version)
                                          from intermediate.{table} t join intermediate.int_document_versions v using (document_id)
                                          where document_id = ?""", [new_id])[0]
        assert n > 0 and stale == 0, table
    assert query(wh, "select status, fiscal_year from dim_document where document_id = ?", [new_id]) == [
        ("current", 2031)]
    incremental = checksums(wh)

    # a full refresh recomputes every document (the marks are gone) and gives the same marts
    build(raw, wh, "--full-refresh")
    for doc in old_ids:
        assert not marked(build_db, "int_table_cells", "printed_text", doc)
        assert not marked(build_db, "int_tables", "extractor_version", doc)
    assert checksums(wh) == incremental


def test_a_changed_document_version_reloads_that_document(sample_build, tmp_path):
    """A new version of a document (here: its stored version made stale) replaces all its rows."""
    wh = scratch_copy(sample_build[0], tmp_path / "wh")
    build_db = wh.parent / "build" / wh.name
    before = checksums(wh)
    first_id, second_id = (r[0] for r in query(
        build_db, "select document_id from intermediate.int_tables group by 1 order by 1 limit 2"))
    mark_rows(build_db, first_id)
    mark_rows(build_db, second_id)
    con = duckdb.connect(str(build_db))
    con.execute("update intermediate.int_table_cells set document_version = 'outdated' where document_id = ?", [first_id])
    con.close()

    build(SAMPLES, wh)
    assert not marked(build_db, "int_table_cells", "printed_text", first_id)  # reloaded
    assert marked(build_db, "int_table_cells", "printed_text", second_id)  # untouched
    assert checksums(wh) == before
