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
