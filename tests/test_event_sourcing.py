"""Event sourcing on the real pipeline: idempotent ingest, versions, corrections, retractions, as-of
rebuilds and replay (crash safety and concurrent builds: tests/test_crash_safety.py).

The cases start from a private copy of the session's sample build (conftest.scratch_copy) rather than from
cold builds of their own. A correction, a retraction, a new version of a file and a sidecar are applied
together, each to a different sample, and built once (`evolved`); the fifth sample is touched by none.
Each test checks its own document, and that the documents no other case touched did not change."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from .conftest import (
    SAMPLES,
    build,
    checksums,
    cli,
    copy_raw,
    events,
    query,
    scratch_copy,
)

# the sample each case changes (file-name prefix); UNTOUCHED is changed by none
# The whole file name: "…-2023" alone also matches the same unit's budget, and which of the two the test got
# depended on the order of a query. The correction makes this document's 支出总表 stop closing and no other
# source closes, so its lines keep their source and exactly one value changes (a correction that lets another
# source close switches all the lines: tests/test_line_source.py).
CORRECTED = "beijing-dongcheng-medical-insurance-center-2023-unit-final-accounts"
RETRACTED = "beijing-chaoyang-medical-security-bureau-2023"
SUPERSEDED = "beijing-dongcheng-medical-security-bureau-2026"
SIDECAR = "shaanxi-xian-beilin-medical-insurance-center-2024"
UNTOUCHED = "hebei-fengrun-medical-security-bureau-2023"


def facts(warehouse: Path, document_ids) -> set[tuple]:
    return set(query(warehouse, "select * exclude (correction_event_id) from fact_expenditure "
                                "where list_contains(?, document_id)", [list(document_ids)]))


@pytest.fixture(scope="module")
def evolved(sample_build, tmp_path_factory) -> dict:
    """The sample build, then (after a cutoff) one correction, one retraction, a re-published file and a
    sidecar, then one rebuild; and a copy of that rebuilt as of the cutoff."""
    root = tmp_path_factory.mktemp("evolved")
    raw = copy_raw(SAMPLES, root / "raw")
    wh = scratch_copy(sample_build[0], root / "wh")
    ids = {name: doc for name, doc in query(wh, "select file_name, document_id from dim_document")}
    doc = {case: next(d for name, d in ids.items() if name.startswith(case))
           for case in (CORRECTED, RETRACTED, SUPERSEDED, SIDECAR, UNTOUCHED)}
    s = {"raw": raw, "wh": wh, "doc": doc, "before": checksums(wh),
         "facts_before": {d: facts(wh, [d]) for d in ids.values()}}
    s["cell"] = query(
        wh, """select table_index, row_index, amount_yuan from fact_expenditure
               where expenditure_type = 'basic' and document_id = ? order by table_index, row_index limit 1""",
        [doc[CORRECTED]])[0]
    time.sleep(1.1)
    s["cutoff"] = query(wh, "select cast(now() as timestamp)")[0][0]
    time.sleep(1.1)

    t, r, _ = s["cell"]
    s["correct"] = cli("correct", "--warehouse", str(wh), "--document", doc[CORRECTED][:16], "--table", str(t),
                       "--row", str(r), "--column", "basic", "--value", "1.00", "--reason", "test: typo in the source")
    s["correct_without_reason"] = cli(
        "correct", "--warehouse", str(wh), "--document", doc[CORRECTED][:16], "--table", str(t), "--row", str(r),
        "--column", "basic", "--value", "2.00", "--reason", " ")
    s["retract"] = cli("retract", "--warehouse", str(wh), "--document", doc[RETRACTED],
                       "--reason", "withdrawn by the office")
    # A re-published file: same content, different bytes (an incremental-update comment after %%EOF).
    original = next(raw.glob(f"{SUPERSEDED}*.pdf"))
    s["original"], s["revised"] = original.name, original.name.replace(".pdf", "-revised.pdf")
    (raw / s["revised"]).write_bytes(original.read_bytes() + b"\n% revised\n")
    s["sidecar_pdf"] = next(raw.glob(f"{SIDECAR}*.pdf")).name
    (raw / (s["sidecar_pdf"] + ".meta.yaml")).write_text("fiscal_year: 2099\n", encoding="utf-8")
    build(raw, wh)

    s["as_of"] = scratch_copy(wh, root / "as_of")
    build(raw, s["as_of"], "--as-of", str(s["cutoff"]))
    return s


def test_correction_changes_one_value(evolved):
    assert evolved["correct"].returncode == 0, evolved["correct"].stderr
    assert evolved["correct_without_reason"].returncode != 0  # a reason is mandatory
    wh, doc = evolved["wh"], evolved["doc"]
    mine = [doc[CORRECTED], doc[UNTOUCHED]]  # the documents no other case changed
    before = set().union(*(evolved["facts_before"][d] for d in mine))
    after = facts(wh, mine)
    assert len(before - after) == 1 and len(after - before) == 1
    t, r, amount = evolved["cell"]
    changed = query(wh, """select amount_yuan, correction_event_id from fact_expenditure
                           where document_id = ? and table_index = ? and row_index = ? and expenditure_type = 'basic'""",
                    [doc[CORRECTED], t, r])[0]
    assert changed[0] != amount and changed[1] is not None
    multiplier = query(wh, "select multiplier from intermediate.int_tables where document_id = ? and table_index = ?",
                       [doc[CORRECTED], t])[0][0]
    assert float(changed[0]) == 1.00 * multiplier


def test_as_of_restores_the_past(evolved):
    """As of the moment before the correction, retraction, new version and sidecar: every mart as it was."""
    assert checksums(evolved["wh"]) != evolved["before"]
    assert checksums(evolved["as_of"]) == evolved["before"]


def test_retraction_removes_from_marts_not_from_log(evolved):
    assert evolved["retract"].returncode == 0, evolved["retract"].stderr
    wh, doc = evolved["wh"], evolved["doc"][RETRACTED]
    assert query(wh, "select status from dim_document where document_id = ?", [doc])[0][0] == "retracted"
    assert query(wh, "select count(*) from fact_expenditure where document_id = ?", [doc])[0][0] == 0
    assert query(wh, "select count(*) from mart_unit_budget where document_id = ?", [doc])[0][0] == 0
    assert query(wh, "select count(*) from check_results where document_id = ?", [doc])[0][0] == 0
    kinds = {r[0] for r in query(wh, "select event_type from events where document_id = ?", [doc])}
    assert {"DocumentRegistered", "TablesExtracted", "DocumentRetracted"} <= kinds
    hist = cli("history", "--warehouse", str(wh), "--document", doc[:12])
    assert "DocumentRetracted" in hist.stdout and "withdrawn by the office" in hist.stdout


def test_modified_file_supersedes_its_predecessor(evolved):
    wh, old_id = evolved["wh"], evolved["doc"][SUPERSEDED]
    status = dict(query(wh, "select file_name, status from dim_document"))
    assert status[evolved["original"]] == "superseded" and status[evolved["revised"]] == "current"
    assert query(wh, "select count(*) from fact_expenditure where document_id = ?", [old_id])[0][0] == 0
    assert query(wh, "select count(*) from events where document_id = ?", [old_id])[0][0] >= 2
    new_id = query(wh, "select document_id from dim_document where file_name = ?", [evolved["revised"]])[0][0]
    assert query(wh, "select count(*) from fact_expenditure where document_id = ?", [new_id])[0][0] > 0
    # identities judge current documents: the old version's lines have left the facts it would be compared with
    checked = dict(query(wh, "select document_id, count(*) from check_results group by all"))
    assert old_id not in checked and checked.get(new_id, 0) > 0
    assert query(wh, "select count(*) from check_results where document_id = ? and status = 'fail'", [new_id])[0][0] == 0


def test_sidecar_metadata_overrides_inference(evolved):
    wh = evolved["wh"]
    assert query(wh, "select fiscal_year from dim_document where file_name = ?", [evolved["sidecar_pdf"]])[0][0] == 2099
    assert query(wh, "select count(*) from events where event_type = 'MetadataAsserted'")[0][0] == 1
    assert query(wh, "select count(*) from fact_expenditure where fiscal_year = 2099")[0][0] > 0


def test_reingest_appends_nothing_and_replay_is_identical(sample_build, tmp_path):
    """Re-running over unchanged files appends no event; dropping every derived table (the build file and
    the published file) and building again replays the log into the same marts."""
    wh = scratch_copy(sample_build[0], tmp_path / "wh")
    wh.unlink()
    shutil.rmtree(wh.parent / "build")
    build(SAMPLES, wh)
    assert events(wh) == events(sample_build[0])
    assert checksums(wh) == checksums(sample_build[0])
