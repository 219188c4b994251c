"""The append-only event store: idempotent appends, one transaction per batch, serialised writers."""

from __future__ import annotations

import fcntl

import pytest

from dagster_project.events.store import Event, EventStore, StoreBusyError


def ev(doc: str, n: int) -> Event:
    return Event("DocumentRegistered", doc, {"file_name": f"{doc}.pdf", "n": n}, "test")


def test_append_is_idempotent(tmp_path):
    store = EventStore(tmp_path / "events.duckdb")
    assert store.append([ev("a", 1), ev("b", 1)]) == 2
    assert store.append([ev("a", 1), ev("b", 1)]) == 0
    assert store.append([ev("a", 2)]) == 1
    assert store.query("select count(*) from events")[0][0] == 3


def test_unknown_event_type_is_rejected():
    with pytest.raises(ValueError):
        Event("Nonsense", "a", {}, "test")


def test_a_held_lock_makes_a_second_writer_fail_clearly(tmp_path):
    store = EventStore(tmp_path / "events.duckdb", lock_timeout_s=0.5)
    store.ensure()
    with open(tmp_path / "events.duckdb.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(StoreBusyError, match="locked by another budgetwh process"):
            store.append([ev("a", 1)])
    assert store.append([ev("a", 1)]) == 1


def test_a_budget_never_supersedes_final_accounts(tmp_path):
    """Supersession keys include the statement: the same office and year publishes a 预算 and a 决算; only a
    newer document of the same statement supersedes an older one."""
    from dagster_project.events.commands import supersede_events

    store = EventStore(tmp_path / "events.duckdb")
    key = {"region_code": "310107", "subject_code": "X", "fiscal_year": 2024, "doc_kind": "department"}
    for doc, statement in (("final", "final_accounts"), ("budget-old", "budget"), ("budget-new", "budget")):
        store.append([Event("DocumentRegistered", doc, {"file_name": f"{doc}.pdf", **key, "statement": statement}, "t"),
                      Event("TablesExtracted", doc, {"tables": []}, "t")])
    superseded = {e.document_id: e.payload["superseded_by"] for e in supersede_events(store)}
    assert superseded == {"budget-old": "budget-new"}
