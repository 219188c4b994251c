"""The entry point: open a PDF (clear errors for empty, encrypted, corrupt, scanned files), read each page's
objects (pdfium, pdfminer for the pages it declines), drop fake-bold duplicates, and hand pages to the
assembler."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..text_normalize import normalize_text
from .assembly import _Assembler
from .document import (
    CorruptPDFError,
    EmptyFileError,
    EncryptedPDFError,
    ExtractedDocument,
    ExtractionError,
    NoTextLayerError,
)
from .geometry import _find_tables, _inside, _page_text, _page_words, _text_lines
from .grid import _page_table
from .pdfium_objects import PdfiumReader

# entry point


def _chain_clusters(idxs: list[int], values: list[float], tolerance: float) -> list[list[int]]:
    """pdfplumber's `cluster_list` chaining (sorted values, a new cluster after a gap > tolerance) over
    the indices `idxs`, by `values[i]`."""
    order = sorted(idxs, key=values.__getitem__)
    clusters = [[order[0]]]
    last = values[order[0]]
    for i in order[1:]:
        v = values[i]
        if v <= last + tolerance:
            clusters[-1].append(i)
        else:
            clusters.append([i])
        last = v
    return clusters


def _dedupe_chars(chars: list[dict[str, Any]], tolerance: float = 1) -> list[dict[str, Any]]:
    """pdfplumber's `utils.dedupe_chars` (same clusters, same survivors, same order): chars of the same
    text, font and size whose doctop chains within `tolerance`, and then x0 too, are one glyph, kept
    at its smallest (doctop, x0), the earliest of equals.  Written out with indices: pdfplumber's
    generic clustering, and its final `sorted(..., key=chars.index)` (quadratic), cost more than the
    clustering itself."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    key = itemgetter("upright", "text", "fontname", "size")
    for i, c in enumerate(chars):
        groups.setdefault(key(c), []).append(i)
    doctop = [c["doctop"] for c in chars]
    x0 = [c["x0"] for c in chars]
    drop: set[int] = set()
    for idxs in groups.values():
        if len(idxs) == 1:  # most glyphs: nothing to cluster
            continue
        for y_cluster in _chain_clusters(idxs, doctop, tolerance):
            if len(y_cluster) == 1:
                continue
            for x_cluster in _chain_clusters(y_cluster, x0, tolerance):
                if len(x_cluster) > 1:
                    keep = min(x_cluster, key=lambda i: (doctop[i], x0[i], i))
                    drop.update(i for i in x_cluster if i != keep)
    return [c for i, c in enumerate(chars) if i not in drop]


def _deduped_page(page: Any) -> Any:
    """`page.dedupe_chars(tolerance=1)` with the fast `_dedupe_chars` (pdfplumber 0.11's
    Page.dedupe_chars builds the same FilteredPage)."""
    from pdfplumber.page import FilteredPage

    p = FilteredPage(page, lambda _: True)
    p._objects = dict(page.objects)
    p._objects["char"] = _dedupe_chars(page.chars)
    return p


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer calls `log.debug` for every token it parses (~15 calls per glyph); while DEBUG is off
    those calls do nothing but still cost a tenth of the parse.  Shadow them for the duration of one
    extraction, unless someone asked for pdfminer's debug output."""
    import pdfminer.pdfinterp  # noqa: F401 - the loggers exist once pdfminer's modules are imported
    import pdfminer.psparser  # noqa: F401

    patched = []
    names = [n for n in list(logging.root.manager.loggerDict) if n.startswith("pdfminer.")]
    for name in names:
        log = logging.getLogger(name)
        if not log.isEnabledFor(logging.DEBUG) and "debug" not in vars(log):
            log.debug = _noop  # type: ignore[method-assign]
            patched.append(log)
    try:
        yield
    finally:
        for log in patched:
            del log.debug


def _open(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise
    if size == 0:
        raise EmptyFileError("empty file")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise CorruptPDFError("corrupt: not a PDF file (no %PDF- header)")
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfplumber wraps pdfminer errors in PdfminerException
        chain = [exc, exc.__cause__, exc.__context__, *(getattr(exc, "args", ()) or ())]
        if any(isinstance(e, PDFPasswordIncorrect | PDFEncryptionError) for e in chain) or "password" in str(
            exc
        ).lower() or "encrypt" in str(exc).lower():
            raise EncryptedPDFError("encrypted: cannot read without password") from exc
        raise CorruptPDFError(f"corrupt: {type(exc).__name__}: {exc}".strip()) from exc
    return pdf


def extract_pdf(path: str | Path) -> ExtractedDocument:
    """Read a budget PDF: page texts and RawTables (docs/architecture.md).

    Raises EmptyFileError, EncryptedPDFError, CorruptPDFError or NoTextLayerError (all
    ExtractionError, with `.reason`)."""
    path = Path(path)
    with _quiet_pdfminer():
        try:
            return _extract(path, fast=True)
        except ExtractionError:
            # pdfminer reads a document that fails again, whole: it gives the reason, as before
            return _extract(path, fast=False)


def _pdfium(pdf: Any, path: Path) -> PdfiumReader | None:
    try:
        return PdfiumReader(pdf, path)
    except Exception:  # pdfplumber read it, pdfium cannot (pypdfium2.PdfiumError): pdfminer reads the pages
        return None


def _extract(path: Path, fast: bool) -> ExtractedDocument:
    pdf = _open(path)
    reader = _pdfium(pdf, path) if fast else None
    try:
        try:
            pages = pdf.pages
            page_count = len(pages)
        except Exception as exc:
            raise CorruptPDFError(f"corrupt: cannot read the page tree ({type(exc).__name__}: {exc})") from exc
        if page_count == 0:
            raise CorruptPDFError("corrupt: the document has no pages")
        pages_text: list[str] = []
        assembler = _Assembler()
        total_chars = 0
        for page_no, raw_page in enumerate(pages, start=1):
            try:
                if reader is not None:
                    # page objects from pdfium; pdfminer parses a page it declines
                    reader.fill(raw_page)
                # fake bold (the same glyph printed twice, slightly shifted) would double every character
                page = _deduped_page(raw_page)
                chars = page.chars
                total_chars += sum(1 for c in chars if c["text"].strip())
                pages_text.append(normalize_text(_page_text(page)))
                found = _find_tables(page)
                pairs = [(t.bbox, _page_table(t, chars)) for t in found]
                page_tables = [pt for _, pt in pairs if pt is not None]
                bboxes = [(b[0], pt.top, b[2], b[3]) for b, pt in pairs if pt is not None]
                words = [
                    w
                    for w in _page_words(page, x_tolerance=1.5, y_tolerance=3, keep_blank_chars=False)
                    if not any(_inside(w, b) for b in bboxes)
                ]
                lines = _text_lines(words)
            except ExtractionError:
                raise
            except Exception as exc:
                raise CorruptPDFError(f"corrupt: page {page_no} unreadable ({type(exc).__name__}: {exc})") from exc
            order = sorted(range(len(page_tables)), key=lambda i: page_tables[i].top)
            assembler.page(page_no, lines, [page_tables[i] for i in order])
            raw_page.flush_cache()
        if total_chars == 0:
            raise NoTextLayerError("no text layer: scanned document, OCR not supported")
        return ExtractedDocument(page_count=page_count, pages_text=pages_text, tables=assembler.tables)
    finally:
        if reader is not None:
            reader.close()
        pdf.close()
