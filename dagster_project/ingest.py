"""Turn raw files into events: scan the raw folder, extract each document, build its events.

Pure of Dagster so the CLI, the assets and the tests share one way of doing it. A document that fails
to extract becomes an ExtractionFailed event with a reason a person understands; it never stops the
other documents.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import resource
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .events.store import Event
from .extraction.classify import FINANCIAL_KINDS, interpret_table, kinds_from_contents
from .extraction.metadata import infer_metadata
from .extraction.narrative import narrative_claims
from .extraction.vocabulary import MULTIPLIERS

EXTRACTOR_VERSION = "0.5.1"
FORMATS = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class RawFile:
    path: Path
    document_id: str
    format: str
    size_bytes: int

    @property
    def file_name(self) -> str:
        return self.path.name


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def document_paths(raw_dir: Path) -> list[Path]:
    """Every document file below raw_dir (recursively), hidden files excepted."""
    return [p for p in sorted(raw_dir.rglob("*"))
            if p.suffix.lower() in FORMATS and p.is_file() and not p.name.startswith(".")]


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + ".meta.yaml")


def scan_raw(raw_dir: Path, cache: Path | None = None) -> list[RawFile]:
    """Every document file below raw_dir, identified by the sha256 of its bytes.

    With a cache file, a file whose path, size and modification time are unchanged since the last scan
    keeps its hash instead of being read again (a province's raw folder holds gigabytes of PDFs)."""
    known = json.loads(cache.read_text()) if cache and cache.exists() else {}
    files, index = [], {}
    for p in document_paths(raw_dir):
        stat = p.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        hit = known.get(str(p))
        digest = hit[2] if hit and hit[:2] == stamp else sha256_file(p)
        index[str(p)] = [*stamp, digest]
        files.append(RawFile(p, digest, FORMATS[p.suffix.lower()], stat.st_size))
    if cache and index != known:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(index))
        tmp.replace(cache)  # atomic: a concurrent scan reads the old or the new index, never half of one
    return files


def document_ids(files: list[RawFile]) -> list[str]:
    """The distinct document ids, in folder order (two copies of one file are one document)."""
    return list(dict.fromkeys(f.document_id for f in files))


def interpret_document(tables: list[dict[str, Any]], pages_text: list[str] | None = None) -> list[dict[str, Any]]:
    """Interpret every table; a table whose title says nothing takes its kind from the document's table of
    contents where that is consistent; a table that does not state its currency takes the document's usual one."""
    interpreted = [interpret_table(t, i) for i, t in enumerate(tables)]
    for i, (kind, evidence) in kinds_from_contents([t["table_kind"] for t in interpreted], pages_text or []).items():
        interpreted[i] = {**interpret_table(tables[i], i, kind), "kind_evidence": evidence}
    stated = [t["currency_unit"] for t in interpreted if t["currency_unit"]]
    default = max(set(stated), key=stated.count) if stated else None
    for t in interpreted:
        if not t["currency_unit"] and default:
            t["currency_unit"] = default
            t["multiplier"] = MULTIPLIERS[default]
            t["currency_evidence"] = "not stated on the table; the document's usual unit"
    return interpreted


MAX_PAGES = 400
BUDGET_TERMS = ("预算", "支出", "收入")


class NotABudgetError(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def pdf_page_count(path: Path) -> int | None:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - extract_pdf classifies unreadable files
        return None


def extract_any(path: Path, fmt: str):
    if fmt == "pdf":
        from .extraction.pdf import extract_pdf

        pages = pdf_page_count(path)
        if pages and pages > MAX_PAGES:
            raise NotABudgetError(f"too long: {pages} pages, more than the {MAX_PAGES} a budget document has")
        return extract_pdf(path)
    from .extraction.office_tables import extract_docx, extract_xlsx

    return {"docx": extract_docx, "xlsx": extract_xlsx}[fmt](path)


@dataclass(frozen=True)
class Limits:
    """Per-document bounds: one pathological file must not take the machine down with it."""

    timeout_s: float = 600.0
    memory_mb: int = 3072
    workers: int = max(1, min(4, os.cpu_count() or 1))


def _child(raw: RawFile, memory_mb: int, conn) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    try:
        conn.send(document_events(raw))
    except MemoryError:
        conn.send(None)
    finally:
        conn.close()


def extract_documents(raws: list[RawFile], limits: Limits = Limits()) -> Iterator[tuple[RawFile, list[Event]]]:
    """Extract documents in parallel worker processes, each with a time and memory limit; yields each
    document's events as soon as it is done, so the caller can store them one document at a time."""
    ctx = multiprocessing.get_context("fork")
    pending = list(raws)
    running: list[tuple[RawFile, multiprocessing.Process, Any, float]] = []
    while pending or running:
        while pending and len(running) < limits.workers:
            raw = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(raw, limits.memory_mb, child), daemon=True)
            proc.start()
            child.close()
            running.append((raw, proc, parent, time.monotonic()))
        for item in list(running):
            raw, proc, conn, started = item
            events = None
            if conn.poll(0.05):
                try:
                    events = conn.recv()
                except EOFError:
                    pass
                # the child sends None when it runs out of memory (and may die mid-send)
                reason = f"out of memory: extraction needed more than {limits.memory_mb} MB"
            elif not proc.is_alive():
                reason = f"extraction crashed (exit code {proc.exitcode})"
            elif time.monotonic() - started > limits.timeout_s:
                proc.kill()
                reason = f"timed out: extraction took longer than {limits.timeout_s:.0f} s"
            else:
                continue
            proc.join(timeout=5)
            conn.close()
            running.remove(item)
            yield raw, events if events is not None else failure_events(raw, reason)


SIDECAR_FIELDS = {"fiscal_year", "region_code", "region_name", "doc_kind", "subject_code", "department_code"}


def sidecar_events(raw: RawFile) -> list[Event]:
    """`name.pdf.meta.yaml` beside a document states metadata the document lacks or gets wrong; it
    becomes a MetadataAsserted event that overrides the inferred values."""
    import yaml

    path = sidecar_path(raw.path)
    if not path.exists():
        return []
    fields = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(fields) - SIDECAR_FIELDS
    if unknown:
        raise ValueError(f"{path.name}: unknown fields {sorted(unknown)}; allowed: {sorted(SIDECAR_FIELDS)}")
    return [Event("MetadataAsserted", raw.document_id, {"fields": fields, "source": path.name}, EXTRACTOR_VERSION)]


def _base(raw: RawFile) -> dict[str, Any]:
    return {"file_name": raw.file_name, "format": raw.format, "size_bytes": raw.size_bytes}


def failure_events(raw: RawFile, reason: str, detail: str = "") -> list[Event]:
    return [
        Event("DocumentRegistered", raw.document_id, {**_base(raw), "doc_kind": "unknown"}, EXTRACTOR_VERSION),
        Event("ExtractionFailed", raw.document_id,
              {"file_name": raw.file_name, "reason": reason, "detail": detail}, EXTRACTOR_VERSION),
    ]


def document_events(raw: RawFile) -> list[Event]:
    """DocumentRegistered + TablesExtracted for a good document; DocumentRegistered + ExtractionFailed otherwise."""
    base = _base(raw)
    try:
        doc = extract_any(raw.path, raw.format)
        tables = interpret_document(doc.tables, doc.pages_text)
        financial = [t for t in tables if t["table_kind"] in FINANCIAL_KINDS]
        text = "".join(doc.pages_text[:20])
        if not financial and not all(term in text for term in BUDGET_TERMS):
            raise NotABudgetError("not a budget document: no budget tables and no budget terms in the text")
        meta = infer_metadata(raw.file_name, doc.pages_text, tables)
    except Exception as exc:  # noqa: BLE001 - any failure of one document is recorded, never raised
        if isinstance(exc, MemoryError):
            raise
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        return failure_events(raw, reason, traceback.format_exc(limit=3)[-2000:])
    currency = [t["currency_unit"] for t in financial if t["currency_unit"]]
    registered = {
        **base,
        "page_count": doc.page_count,
        "currency_unit": max(set(currency), key=currency.count) if currency else None,
        **meta,
    }
    extracted = {
        "extractor_version": EXTRACTOR_VERSION,
        "page_count": doc.page_count,
        "tables": tables,
        "narrative_claims": narrative_claims(doc.pages_text),
    }
    return [
        Event("DocumentRegistered", raw.document_id, registered, EXTRACTOR_VERSION),
        Event("TablesExtracted", raw.document_id, extracted, EXTRACTOR_VERSION),
    ]
