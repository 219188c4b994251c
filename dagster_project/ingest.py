"""Turn raw files into events: scan the raw folder, extract each document, build its events.

Pure of Dagster so the CLI, the assets and the tests share one way of doing it. A document that fails
to extract becomes an ExtractionFailed event with a reason a person understands; it never stops the
other documents.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import multiprocessing
import os
import re
import resource
import time
import traceback
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .events.store import Event
from .extraction.classify import FINANCIAL_KINDS, interpret_table, kinds_from_contents
from .extraction.metadata import infer_metadata
from .extraction.narrative import item_budget_lines, narrative_claims
from .extraction.vocabulary import MULTIPLIERS
from .validation import MAX_SIDECAR_BYTES, SidecarResult, parse_sidecar

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "0.5.4"
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


SIDECAR_SUFFIX = ".meta.yaml"
PARTIAL_DOWNLOAD_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download")
OTHER_FORMAT = "not a document format (.pdf, .docx, .xlsx)"  # skipped without a note


def skip_reason(path: Path) -> str | None:
    """Why a file below the raw folder is not read as a document, or None for a document.

    Symbolic links are never followed (a link could bring in any file on the machine), neither to files
    nor to folders; hidden files and folders, office lock files (~$x.docx) and partial downloads are
    skipped, as are files of other formats (sidecars are read beside their document)."""
    if path.is_symlink():
        return "symbolic link: not followed (put the file itself in the raw folder)"
    name = path.name
    if name.startswith("."):
        return "hidden file"
    if name.startswith("~$"):
        return "temporary office file (the document is open in an office program)"
    if name.lower().endswith(PARTIAL_DOWNLOAD_SUFFIXES):
        return "partial download or temporary file"
    if path.suffix.lower() not in FORMATS:
        return OTHER_FORMAT
    if not path.is_file():
        return "not a regular file"
    return None


def walk_raw(raw_dir: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(documents, skipped files with the reason) below raw_dir. Folders that are links or hidden are not
    entered; sidecars are neither documents nor skipped."""
    documents, skipped = [], []
    for folder, dirs, names in os.walk(raw_dir, followlinks=False):
        here = Path(folder)
        for d in list(dirs):
            if d.startswith(".") or (here / d).is_symlink():
                dirs.remove(d)
                skipped.append((here / d, "hidden folder" if d.startswith(".") else
                                "symbolic link: not followed (put the file itself in the raw folder)"))
        dirs.sort()
        for name in sorted(names):
            path = here / name
            if name.endswith(SIDECAR_SUFFIX) and not name.startswith("."):
                continue
            reason = skip_reason(path)
            if reason is None:
                documents.append(path)
            else:
                skipped.append((path, reason))
    return sorted(documents), skipped


def document_paths(raw_dir: Path) -> list[Path]:
    """Every document file below raw_dir (recursively); see `skip_reason` for what is left out."""
    return walk_raw(raw_dir)[0]


def skipped_files(raw_dir: Path) -> list[tuple[Path, str]]:
    """The files below raw_dir that are not read as documents and say why, except other formats."""
    return [(p, r) for p, r in walk_raw(raw_dir)[1] if r != OTHER_FORMAT]


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.name + SIDECAR_SUFFIX)


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


PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
INFLATE_CHUNK = 8 << 20


def inflated_size(compressed: bytes, limit: int) -> int:
    """How many bytes a zlib stream inflates to, counting no further than just past limit (the output is
    thrown away chunk by chunk: memory stays at one chunk whatever the stream holds)."""
    d = zlib.decompressobj()
    total = 0
    pending = compressed
    try:
        while total <= limit and pending:
            out = d.decompress(pending, INFLATE_CHUNK)
            total += len(out)
            pending = d.unconsumed_tail
            if d.eof or not out:
                break
    except zlib.error:
        pass  # a damaged stream: the parser reports it, this scan only measures
    return total


def stream_dictionary(data, stream_start: int, reach: int = 4096) -> bytes:
    """The bytes between a stream's `obj` keyword and the stream (at most reach bytes back)."""
    low = max(0, stream_start - reach)
    obj = data.rfind(b"obj", low, stream_start)
    return data[obj if obj >= 0 else low:stream_start]


def pdf_cost_reason(path: Path, max_inflated_mb: int, max_objects: int) -> str | None:
    """Why a PDF is too costly to open, from a cheap scan of its bytes before any parser reads it: more
    objects than a budget document has, or Flate streams that inflate to more than max_inflated_mb."""
    if path.stat().st_size == 0:
        return None
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        objects = sum(1 for _ in PDF_OBJECT.finditer(data))
        if objects > max_objects:
            return f"too costly: {objects:,} objects, more than the {max_objects:,} a budget document has"
        limit = max_inflated_mb << 20
        total = 0
        for match in PDF_STREAM.finditer(data):
            if b"/FlateDecode" not in stream_dictionary(data, match.start()):
                continue
            end = data.find(b"endstream", match.end())
            total += inflated_size(data[match.end():end if end >= 0 else len(data)], limit - total)
            if total > limit:
                return (f"too costly: streams inflate to more than {max_inflated_mb} MB "
                        "(a compression bomb or not a budget document)")
    return None


@dataclass(frozen=True)
class Limits:
    """Per-document bounds: one pathological file must not take the machine down with it."""

    timeout_s: float = 600.0
    memory_mb: int = 3072
    workers: int = max(1, min(4, os.cpu_count() or 1))
    max_inflated_mb: int = 512  # all Flate streams of a PDF, inflated (checked before a parser opens it)
    max_objects: int = 500_000


def pdf_page_count(path: Path) -> int | None:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return len(pdf.pages)
    except Exception:  # noqa: BLE001 - extract_pdf classifies unreadable files
        return None


def extract_any(path: Path, fmt: str, limits: Limits | None = None):
    limits = limits or Limits()
    if fmt == "pdf":
        from .extraction.pdf import extract_pdf

        costly = pdf_cost_reason(path, limits.max_inflated_mb, limits.max_objects)
        if costly:
            raise NotABudgetError(costly)
        pages = pdf_page_count(path)
        if pages and pages > MAX_PAGES:
            raise NotABudgetError(f"too long: {pages} pages, more than the {MAX_PAGES} a budget document has")
        return extract_pdf(path)
    from .extraction.office_tables import extract_docx, extract_xlsx

    return {"docx": extract_docx, "xlsx": extract_xlsx}[fmt](path)


def _child(raw: RawFile, limits: Limits, conn) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb << 20, limits.memory_mb << 20))
    # The parent kills the child at the wall-clock timeout. A child whose parent died first (a Dask worker
    # lost mid-task) is ended by this CPU limit, which a child watched by its parent never reaches.
    cpu_s = int(limits.timeout_s) * (os.cpu_count() or 1) + 60
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 5))
    try:
        conn.send(document_events(raw, limits))
    except MemoryError:
        conn.send(None)
    finally:
        conn.close()


def extract_documents(raws: list[RawFile], limits: Limits = Limits(), start_method: str = "fork",
                      timings: dict[str, float] | None = None) -> Iterator[tuple[RawFile, list[Event]]]:
    """Extract documents in parallel worker processes, each with a time and memory limit; yields each
    document's events as soon as it is done, so the caller can store them one document at a time.
    A multi-threaded caller (a Dask worker: dagster_project/extraction_dask.py) starts them with
    "forkserver" instead of forking itself. With `timings`, the seconds each document's worker took are
    recorded there (document_id → seconds) before the document is yielded."""
    ctx = multiprocessing.get_context(start_method)
    if start_method == "fork" and raws:
        from .extraction import warm  # noqa: F401 - loaded once here, not again in every forked child
    pending = list(raws)
    running: list[tuple[RawFile, multiprocessing.Process, Any, float]] = []
    while pending or running:
        while pending and len(running) < limits.workers:
            raw = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(raw, limits, child), daemon=True)
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
            if timings is not None:
                timings[raw.document_id] = time.monotonic() - started
            yield raw, events if events is not None else failure_events(raw, reason)


def read_sidecar(path: Path) -> bytes | None:
    """A sidecar's bytes, or None when there is none. A link is not followed (ValueError) and at most one
    byte more than a sidecar may hold is read (parse_sidecar refuses the rest)."""
    if path.is_symlink():
        raise ValueError("symbolic link: not followed")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        return f.read(MAX_SIDECAR_BYTES + 1)


def sidecar_events(raw: RawFile) -> list[Event]:
    """`name.pdf.meta.yaml` beside a document states metadata the document lacks or gets wrong; it
    becomes a MetadataAsserted event that overrides the inferred values, or, when anything in it is
    wrong, a MetadataRejected event with the reason (the document keeps what it states itself)."""
    path = sidecar_path(raw.path)
    try:
        data = read_sidecar(path)
    except (ValueError, OSError) as exc:
        result = SidecarResult(None, f"unreadable: {exc}")
    else:
        if data is None:
            return []
        result = parse_sidecar(data)
    if result.fields is None:
        log.info("%s: sidecar rejected: %s", path, result.reason)
        return [Event("MetadataRejected", raw.document_id, {"source": path.name, "reason": result.reason},
                      EXTRACTOR_VERSION)]
    return [Event("MetadataAsserted", raw.document_id, {"fields": result.fields, "source": path.name},
                  EXTRACTOR_VERSION)]


def _base(raw: RawFile) -> dict[str, Any]:
    return {"file_name": raw.file_name, "format": raw.format, "size_bytes": raw.size_bytes}


def failure_events(raw: RawFile, reason: str, detail: str = "") -> list[Event]:
    return [
        Event("DocumentRegistered", raw.document_id, {**_base(raw), "doc_kind": "unknown"}, EXTRACTOR_VERSION),
        Event("ExtractionFailed", raw.document_id,
              {"file_name": raw.file_name, "reason": reason, "detail": detail}, EXTRACTOR_VERSION),
    ]


def document_events(raw: RawFile, limits: Limits | None = None) -> list[Event]:
    """DocumentRegistered + TablesExtracted for a good document; DocumentRegistered + ExtractionFailed otherwise."""
    base = _base(raw)
    try:
        doc = extract_any(raw.path, raw.format, limits)
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
        "narrative_budget_lines": item_budget_lines(doc.pages_text, tables),
    }
    return [
        Event("DocumentRegistered", raw.document_id, registered, EXTRACTOR_VERSION),
        Event("TablesExtracted", raw.document_id, extracted, EXTRACTOR_VERSION),
    ]
