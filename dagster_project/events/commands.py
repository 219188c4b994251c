"""Commands that append events: corrections, retractions, supersessions, and reading a timeline.

Nothing here edits or deletes: a correction is a new CellCorrected event, a withdrawal a new
DocumentRetracted event. The dbt models decide what is current by replaying the log.
"""

from __future__ import annotations

import json
from typing import Any

from ..validation import check_document_prefix, parse_amount_text
from .store import Event, EventLog

COMMAND_VERSION = "commands-1"


def require_reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise ValueError("a reason is required (--reason '…'): the log must say why")
    return reason.strip()


def correct_cell(store: EventLog, document_id: str, table_index: int, row_index: int, column: str,
                 value: str, reason: str, author: str | None = None) -> Event:
    """A CellCorrected event for a cell that exists in the document's newest extraction (table, row and
    column), with a value that parses as an amount or is an explicit blank."""
    _require_document(store, document_id)
    value = parse_amount_text(value)
    table = store.query(
        """with newest as (select payload from events
                           where event_type = 'TablesExtracted' and document_id = ?
                           order by recorded_at desc, event_id desc limit 1)
           select json_extract(t.value, '$.columns'), json_extract_string(t.value, '$.rows[*].row_index')
           from newest, unnest(json_extract(newest.payload, '$.tables[*]')) as t(value)
           where cast(json_extract(t.value, '$.table_index') as int) = ?""",
        [document_id, table_index],
    )
    if not table:
        raise ValueError(f"document {document_id[:12]} has no table {table_index} in its newest extraction")
    columns, rows = json.loads(table[0][0]), [int(r) for r in table[0][1] or []]
    if row_index not in rows:
        span = f"rows {min(rows)}–{max(rows)}" if rows else "no rows"
        raise ValueError(f"table {table_index} has no row {row_index} ({span})")
    if column not in columns:
        raise ValueError(f"table {table_index} has no column {column!r}; columns: {columns}")
    event = Event(
        "CellCorrected",
        document_id,
        {"table_index": table_index, "row_index": row_index, "column": column, "value": value,
         "reason": require_reason(reason), "author": author},
        COMMAND_VERSION,
    )
    store.append([event])
    return event


def retract_document(store: EventLog, document_id: str, reason: str, author: str | None = None) -> Event:
    _require_document(store, document_id)
    event = Event("DocumentRetracted", document_id, {"reason": require_reason(reason), "author": author},
                  COMMAND_VERSION)
    store.append([event])
    return event


def assert_metadata(store: EventLog, document_id: str, fields: dict[str, Any], source: str) -> Event:
    event = Event("MetadataAsserted", document_id, {"fields": fields, "source": source}, COMMAND_VERSION)
    store.append([event])
    return event


def _require_document(store: EventLog, document_id: str) -> None:
    if not store.query("select 1 from events where document_id = ? limit 1", [document_id]):
        raise ValueError(f"no document {document_id} in the event log")


def resolve_document_id(store: EventLog, prefix: str) -> str:
    """The one document whose id starts with prefix (compared literally: no pattern characters)."""
    prefix = check_document_prefix(prefix)
    rows = store.query("select distinct document_id from events where starts_with(document_id, ?)", [prefix])
    if not rows:
        raise ValueError(f"no document id starts with {prefix!r}")
    if len(rows) > 1:
        raise ValueError(f"{len(rows)} documents start with {prefix!r}; give more of the document id")
    return rows[0][0]


def supersede_events(store: EventLog) -> list[Event]:
    """DocumentSuperseded for every older document of the same (region, subject, year, kind, statement) as a
    newer one: a budget never supersedes final accounts (registrations from before `statement` count as
    budgets)."""
    # The key uses the registration's inferred metadata, overridden by the newest MetadataAsserted value
    # (a sidecar or `budgetwh` assertion), the same rule int_documents applies.
    asserted = ",\n".join(
        f"""coalesce(first(json_extract_string(payload, '$.fields.{f}') order by recorded_at desc, event_id)
                 filter (where event_type = 'MetadataAsserted'
                         and json_extract_string(payload, '$.fields.{f}') is not null),
             first(json_extract_string(payload, '$.{f}') order by recorded_at desc, event_id)
                 filter (where event_type = 'DocumentRegistered')) as {f}"""
        for f in ("region_code", "subject_code", "fiscal_year", "doc_kind", "statement")
    )
    rows = store.query(
        f"""with reg as (
               select document_id,
                      min(recorded_at) filter (where event_type = 'DocumentRegistered') as recorded_at,
                      {asserted}
               from events where event_type in ('DocumentRegistered', 'MetadataAsserted')
               group by document_id
               having count(*) filter (where event_type = 'DocumentRegistered') > 0),
           ok as (select * from reg where document_id in
                     (select document_id from events where event_type = 'TablesExtracted')
                  and subject_code is not null and fiscal_year is not null),
           ranked as (select *, first_value(document_id) over w as newest,
                             row_number() over w as rn
                      from ok window w as (partition by region_code, subject_code, fiscal_year, doc_kind,
                                                        coalesce(statement, 'budget')
                                           order by recorded_at desc, document_id))
           select document_id, newest, region_code, subject_code, fiscal_year, doc_kind,
                  coalesce(statement, 'budget')
           from ranked where rn > 1"""
    )
    return [
        Event("DocumentSuperseded", doc,
              {"superseded_by": newest, "key": {"region_code": region, "subject_code": subject,
                                                 "fiscal_year": year, "doc_kind": kind, "statement": statement}},
              COMMAND_VERSION)
        for doc, newest, region, subject, year, kind, statement in rows
    ]


def history(store: EventLog, document_id: str | None = None, unit_code: str | None = None) -> list[tuple]:
    """The event timeline of a document, or of every document that lists a unit code."""
    if document_id:
        where, params = "document_id = ?", [document_id]
    else:
        where = """document_id in (select document_id from events where event_type = 'DocumentRegistered'
                   and (json_extract_string(payload, '$.subject_code') = ?
                        or list_contains(json_extract_string(payload, '$.units[*].unit_code'), ?)))"""
        params = [unit_code, unit_code]
    return store.query(
        f"""select recorded_at, event_type, document_id, event_id, producer_version,
                   coalesce(json_extract_string(payload, '$.reason'), json_extract_string(payload, '$.file_name'),
                            json_extract_string(payload, '$.superseded_by'), '') as detail
            from events where {where} order by recorded_at, event_id""",
        params,
    )
