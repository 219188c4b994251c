"""One build of two good samples, then the same folder with 200 hostile sidecars, 50 mutated PDFs (truncated,
bit-flipped, stream-inflated), links out of the folder, hidden, office-temporary and partial files: the
build succeeds, the good documents' figures are unchanged, and every bad input has a reason (issue #20).
The `correct`/`history` answers are checked on a copy of that build's event log."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest import sha256_file

from .conftest import BUDGETWH, SAMPLES, run_build
from .hostile import hostile_sidecars, mutated_pdfs

SIDECARS = 200
MUTATED = 50
PWNED = Path("/tmp/budgetwh-pwned")


def by_size() -> list[Path]:
    return sorted(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)


def totals(warehouse: Path, ids: list[str]) -> dict[str, tuple]:
    """Per good document: its expenditure and income facts (count, sum) and its dim_document row."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {d: con.execute(
            """select (select (count(*), sum(amount_yuan)) from fact_expenditure where document_id = $1),
                      (select (count(*), sum(amount_yuan)) from fact_income where document_id = $1),
                      (select (status, fiscal_year, region_code, subject_code) from dim_document
                       where document_id = $1)""", [d]).fetchone() for d in ids}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    # apostrophes in both paths: every path reaches SQL as a parameter or a quoted literal
    raw = tmp_path_factory.mktemp("raw'folder")
    outside = tmp_path_factory.mktemp("outside")
    warehouse = tmp_path_factory.mktemp("o'brien") / "budget.duckdb"
    samples = by_size()
    good, bases, linked = samples[:2], samples[2:4], samples[4]
    for pdf in good:
        shutil.copy(pdf, raw / pdf.name)
    good_ids = [sha256_file(p) for p in good]
    first = run_build(raw, warehouse)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    before = totals(warehouse, good_ids)

    # links out of the folder, hidden, office-temporary and partial files
    shutil.copy(linked, outside / "elsewhere.pdf")
    (raw / "linked.pdf").symlink_to(outside / "elsewhere.pdf")
    (raw / "linked-folder").symlink_to(outside, target_is_directory=True)
    for name in [".hidden.pdf", "~$budget.pdf", "download.pdf.part", "download.pdf.crdownload", "x.pdf.tmp"]:
        shutil.copy(linked, raw / name)
    # mutated PDFs (from samples other than the good ones, so none can supersede them)
    mutated = {}
    for kind, name, data in mutated_pdfs(bases, MUTATED):
        (raw / name).write_bytes(data)
        mutated[name] = kind
    # 200 hostile sidecars: on the mutated PDFs, the good documents and small junk documents
    carriers = [*sorted(mutated), *(p.name for p in good)]
    sidecars = {}
    for i, (category, data) in enumerate(hostile_sidecars(SIDECARS)):
        if i < len(carriers):
            name = carriers[i]
        else:
            name = f"junk-{i:03d}.pdf"
            (raw / name).write_bytes(f"%PDF-1.4 junk {i}\n".encode())
        (raw / f"{name}.meta.yaml").write_bytes(data)
        sidecars[name] = category
    second = run_build(raw, warehouse)
    return {"raw": raw, "warehouse": warehouse, "good": good, "good_ids": good_ids, "before": before,
            "linked_id": sha256_file(linked), "mutated": mutated, "sidecars": sidecars, "proc": second}


def dim_documents(warehouse: Path) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {r[0]: r[1:] for r in con.execute(
            "select file_name, document_id, status, status_reason, sidecar_rejected_reason from dim_document"
        ).fetchall()}


def test_build_succeeds(hostile_build):
    proc = hostile_build["proc"]
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not PWNED.exists()
    parquet = hostile_build["warehouse"].parent / "parquet"
    assert (parquet / "dim_document.parquet").exists() and (parquet / "fact_expenditure.parquet").exists()


def test_good_documents_unchanged(hostile_build):
    after = totals(hostile_build["warehouse"], hostile_build["good_ids"])
    assert after == hostile_build["before"]
    assert all(fact[0] > 0 and status[0] == "current" for fact, _, status in after.values())


def test_every_bad_sidecar_has_a_reason(hostile_build):
    docs = dim_documents(hostile_build["warehouse"])
    assert len(hostile_build["sidecars"]) == SIDECARS
    missing = [f"{name} ({category})" for name, category in hostile_build["sidecars"].items()
               if not (docs.get(name) and docs[name][3])]
    assert not missing
    with duckdb.connect(str(hostile_build["warehouse"]), read_only=True) as con:
        rejected = con.execute("select count(*) from events where event_type = 'MetadataRejected'").fetchone()[0]
        asserted = con.execute("select count(*) from events where event_type = 'MetadataAsserted'").fetchone()[0]
        largest = con.execute("select max(length(cast(payload as varchar))) from events "
                              "where event_type like 'Metadata%'").fetchone()[0]
    assert (rejected, asserted) == (SIDECARS, 0)
    assert largest < 2000  # a rejected sidecar's event holds the reason, never the sidecar


def test_every_mutated_pdf_is_accounted_for(hostile_build):
    """Each mutated PDF either failed with a reason or (a bit-flip or cut the parser survives) was read;
    none is left without a status, and every compression bomb is refused as too costly."""
    docs = dim_documents(hostile_build["warehouse"])
    for name, kind in hostile_build["mutated"].items():
        _, status, reason, _ = docs[name]
        assert status in ("failed", "current", "superseded"), (name, status)
        if status == "failed":
            assert reason, name
        if kind == "inflated":
            assert status == "failed" and reason.startswith("too costly"), (name, reason)
    assert sum(s[1] == "failed" for n, s in docs.items() if n in hostile_build["mutated"]) >= MUTATED // 3


def test_links_hidden_and_partial_files_are_not_read(hostile_build):
    docs = dim_documents(hostile_build["warehouse"])
    assert hostile_build["linked_id"] not in {d[0] for d in docs.values()}
    names = set(docs)
    assert not names & {"linked.pdf", "elsewhere.pdf", ".hidden.pdf", "~$budget.pdf", "download.pdf.part"}
    out = hostile_build["proc"].stdout
    for name in ["linked.pdf", "linked-folder", ".hidden.pdf", "~$budget.pdf", "download.pdf.part"]:
        assert f"skipped {name}:" in out


def test_status_shows_sidecar_rejections(hostile_build):
    proc = subprocess.run([BUDGETWH, "status", "--warehouse", str(hostile_build["warehouse"])],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    lines = [ln for ln in proc.stdout.splitlines() if "sidecar rejected:" in ln]
    assert len(lines) == SIDECARS


def test_document_report_shows_sidecar_rejection(hostile_build):
    from dagster_project.assets.document_reports import document_report_metadata

    good = hostile_build["good"][0].name
    doc_id = dim_documents(hostile_build["warehouse"])[good][0]
    with duckdb.connect(str(hostile_build["warehouse"]), read_only=True) as con:
        meta = document_report_metadata(con, doc_id)
    assert meta["sidecar_rejected_reason"] and meta["status"] == "current"


# --- commands on a copy of the event log ---------------------------------------------------------------


@pytest.fixture(scope="module")
def log_copy(hostile_build, tmp_path_factory):
    target = tmp_path_factory.mktemp("copy")
    shutil.copy(hostile_build["warehouse"].parent / "events.duckdb", target / "events.duckdb")
    return target / "budget.duckdb"


def budgetwh(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BUDGETWH, *args], capture_output=True, text=True, timeout=120)


def corrections(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse.parent / "events.duckdb"), read_only=True) as con:
        return con.execute("select count(*) from events where event_type = 'CellCorrected'").fetchone()[0]


def a_cell(warehouse: Path, document_id: str) -> tuple[int, int, str]:
    """(table, row, amount column) of a data row in the document's extraction."""
    with duckdb.connect(str(warehouse.parent / "events.duckdb"), read_only=True) as con:
        return con.execute(
            """select cast(json_extract_string(t.value, '$.table_index') as int),
                      cast(json_extract_string(r.value, '$.row_index') as int), 'total'
               from events e, unnest(json_extract(e.payload, '$.tables[*]')) as t(value),
                    unnest(json_extract(t.value, '$.rows[*]')) as r(value)
               where e.event_type = 'TablesExtracted' and e.document_id = ?
                 and list_contains(json_extract_string(t.value, '$.columns[*]'), 'total')
                 and json_extract_string(r.value, '$.row_type') = 'data'
               limit 1""", [document_id]).fetchone()


@pytest.mark.parametrize("change", [
    {"row": "99999"}, {"row": "-5"}, {"table": "99999"}, {"column": "no_such_column"},
    {"value": "abc"}, {"value": "1e309"}, {"value": "'; drop table events; --"},
    {"document": "%"}, {"document": "0000000000000000000000000000000000000000000000000000000000000000"},
])
def test_correct_refuses_nonsense(hostile_build, log_copy, change):
    doc = hostile_build["good_ids"][0]
    table, row, column = a_cell(log_copy, doc)
    args = {"document": doc[:12], "table": str(table), "row": str(row), "column": column, "value": "1,234.56"}
    args |= change
    before = corrections(log_copy)
    proc = budgetwh("correct", *[x for k, v in args.items() for x in (f"--{k}", v)], "--reason", "test",
                    "--warehouse", str(log_copy))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert corrections(log_copy) == before


def test_correct_accepts_an_existing_cell(hostile_build, log_copy):
    doc = hostile_build["good_ids"][0]
    table, row, column = a_cell(log_copy, doc)
    before = corrections(log_copy)
    proc = budgetwh("correct", "--document", doc[:12], "--table", str(table), "--row", str(row),
                    "--column", column, "--value", "1,234.56", "--reason", "test", "--warehouse", str(log_copy))
    assert proc.returncode == 0, proc.stderr
    assert corrections(log_copy) == before + 1


def test_history_prefix_is_literal_and_a_miss_is_an_error(hostile_build, log_copy):
    ids = {d[0] for d in dim_documents(hostile_build["warehouse"]).values()}
    miss = next(p for p in (f"{i:03x}" for i in range(4096)) if not any(d.startswith(p) for d in ids))
    for prefix in (miss, "%", "_"):
        proc = budgetwh("history", "--document", prefix, "--warehouse", str(log_copy))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
    hit = budgetwh("history", "--document", hostile_build["good_ids"][1][:16], "--warehouse", str(log_copy))
    assert hit.returncode == 0 and "DocumentRegistered" in hit.stdout
