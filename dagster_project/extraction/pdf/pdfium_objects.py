"""pdfplumber page objects (chars, lines, rects, curves) built from pypdfium2 instead of pdfminer.

pdfplumber caches a page's objects in `page._objects`; filled from here, `find_tables`,
`extract_text`, `extract_words` and our own code run unchanged while pdfminer never interprets the
page's content stream (the interpretation, in pure Python, is ~80% of an extraction; pdfium does it in
C++).  The dicts carry the keys and values pdfminer + pdfplumber would give them:

* chars: pdfium's text page gives each glyph's text, origin, matrix and font; the box is pdfminer's
  (advance from the font's /W widths as pdfminer reads them, height = font size, bottom at the font's
  descent), because pdfium keeps glyph widths as integers and would drift along a line;
* paths: each painted subpath becomes a line, rect or curve by pdfminer's rules (`paint_path`), with
  the points transformed in double precision like pdfminer does, and how it is painted (fill, stroke);
  an `x y w h re` whose corners pdfium summed in single precision gets pdfminer's double sums from
  the content stream (content_stream.page_rects);
* where pdfium's text page does not say what pdfminer reads (a run of spaces it collapsed, trailing
  spaces, a line-end hyphen, a font not embedded, a string placed where one with character spacing
  ended), the text object's show in the content stream does (content_stream.page_shows), scanned
  only for such pages.

Pages with a /Rotate are read in pdfminer's rotated space.  Anything this module does not reproduce
faithfully (rotated or mirrored glyphs, vertical fonts, Type3 fonts, glyphs without a Unicode mapping,
a content stream whose shows are not pdfium's text objects, ...) raises `Unsupported` inside;
`PdfiumReader.fill` then declines the page and pdfminer parses it (pages are independent: the output
is the same).  `benchmarks/extractor_identity.py --reasons` lists the pages declined and why.
"""

from __future__ import annotations

import ast
import ctypes
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pypdfium2_raw.bindings as pdfium_raw_bindings
from pdfminer.pdffont import PDFCIDFont, PDFFont, PDFType3Font, PDFUnicodeNotDefined
from pdfminer.pdftypes import PDFObjRef, dict_value, resolve1, stream_value
from pdfminer.psparser import LIT
from pdfminer.utils import apply_matrix_pt

from .content_stream import ContentError, Show, page_rects, page_shows

__all__ = ["PdfiumReader", "pages_pdfium_reads"]

log = logging.getLogger(__name__)

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

LITERAL_FORM = LIT("Form")
# base font names pdfium gives a standard font the PDF names otherwise (a font not embedded)
_PDFIUM_FONT_NAMES = {"Arial": "Helvetica"}
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")  # pdfium gives base font names without the subset tag
# pdfium's path segment types
_LINETO, _BEZIERTO, _MOVETO = (
    pdfium_c.FPDF_SEGMENT_LINETO,
    pdfium_c.FPDF_SEGMENT_BEZIERTO,
    pdfium_c.FPDF_SEGMENT_MOVETO,
)


def _lean(name: str, restype: Any, *argtypes: Any) -> Any:
    """A pdfium function taking and returning plain addresses (c_void_p) instead of pypdfium2's typed
    pointers: the per-glyph calls are the hot loop, and the typed pointers cost ~1 µs a call."""
    return ctypes.CFUNCTYPE(restype, *argtypes)((name, _LIB))


_LIB = pdfium_raw_bindings._libs["pdfium"]
_P_DOUBLE = ctypes.POINTER(ctypes.c_double)
_IsGenerated = _lean("FPDFText_IsGenerated", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_HasUnicodeMapError = _lean("FPDFText_HasUnicodeMapError", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_GetTextObject = _lean("FPDFText_GetTextObject", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_GetUnicode = _lean("FPDFText_GetUnicode", ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)
# the out-parameters as plain addresses too (ctypes checks a byref against a POINTER type per call)
_GetCharOrigin = _lean(
    "FPDFText_GetCharOrigin", ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p
)
_CountSegments = _lean("FPDFPath_CountSegments", ctypes.c_int, ctypes.c_void_p)
_GetPathSegment = _lean("FPDFPath_GetPathSegment", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_GetPoint = _lean("FPDFPathSegment_GetPoint", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
# page objects by address (the per-path calls)
_CountObjects = _lean("FPDFPage_CountObjects", ctypes.c_int, ctypes.c_void_p)
_GetObject = _lean("FPDFPage_GetObject", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_FormCountObjects = _lean("FPDFFormObj_CountObjects", ctypes.c_int, ctypes.c_void_p)
_FormGetObject = _lean("FPDFFormObj_GetObject", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong)
_GetType = _lean("FPDFPageObj_GetType", ctypes.c_int, ctypes.c_void_p)
_GetDrawMode = _lean("FPDFPath_GetDrawMode", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_GetMatrix = _lean("FPDFPageObj_GetMatrix", ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_PAGEOBJ_PATH, _PAGEOBJ_TEXT, _PAGEOBJ_FORM = (
    pdfium_c.FPDF_PAGEOBJ_PATH,
    pdfium_c.FPDF_PAGEOBJ_TEXT,
    pdfium_c.FPDF_PAGEOBJ_FORM,
)
_GetSegmentType = _lean("FPDFPathSegment_GetType", ctypes.c_int, ctypes.c_void_p)
_GetClose = _lean("FPDFPathSegment_GetClose", ctypes.c_int, ctypes.c_void_p)
_GetCharBox = _lean(
    "FPDFText_GetCharBox",
    ctypes.c_int,
    ctypes.c_void_p,
    ctypes.c_int,
    _P_DOUBLE,
    _P_DOUBLE,
    _P_DOUBLE,
    _P_DOUBLE,
)
_GetLooseCharBox = _lean(
    "FPDFText_GetLooseCharBox", ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
)


class Unsupported(Exception):
    """The page holds something the pdfium path does not reproduce exactly like pdfminer."""


class _NeedsStream(Unsupported):
    """pdfium's glyphs of a text object do not say what pdfminer reads (a run of spaces it collapsed,
    trailing spaces it dropped, a code it does not name, a string placed where the previous one ended):
    the show in the content stream does."""


_SNAPPED: dict[float, float] = {}


def _snap(x: float) -> float:
    """pdfium keeps coordinates as float32; the shortest decimal that round-trips through float32 is
    (nearly always) the number written in the content stream, which is what pdfminer computes with."""
    found = _SNAPPED.get(x)
    if found is None:
        if len(_SNAPPED) > 100_000:
            _SNAPPED.clear()
        found = _SNAPPED[x] = float(str(np.float32(x)))
    return found


def _matrix(m: Any) -> Matrix:
    return (_snap(m.a), _snap(m.b), _snap(m.c), _snap(m.d), _snap(m.e), _snap(m.f))


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    """pdfminer.utils.mult_matrix: m1 applied first, then m0."""
    (a1, b1, c1, d1, e1, f1) = m1
    (a0, b0, c0, d0, e0, f0) = m0
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


class _Chain(NamedTuple):
    """Where the previous string ended: pdfium's end (after its last glyph's spacing), pdfminer's end
    (before it), the baseline and the string's character spacing (device space)."""

    pdfium_end: float
    pdfminer_end: float
    baseline: float
    charspace: float


@dataclass(frozen=True)
class _Paint:
    """How a path is painted, as pdfminer passes it to `paint_path` (pdfplumber's `fill` and `stroke`:
    filled shading is told from ruling by them)."""

    fill: bool
    stroke: bool


_PAINTS = {(fill, stroke): _Paint(fill, stroke) for fill in (False, True) for stroke in (False, True)}


@dataclass
class _Font:
    """A pdfminer font (for the widths, descent and name pdfminer would use) and its Unicode → cid map."""

    font: PDFFont
    cids: dict[str, list[int]]
    widths: dict[str, list[float]] = field(default_factory=dict)  # text → its codes' widths, sorted


def _reverse_unicode(font: PDFFont) -> dict[str, list[int]]:
    """Unicode text → the cids pdfminer gives that text (its ToUnicode map, else the encoding's)."""
    out: dict[str, list[int]] = {}
    umap = getattr(font, "unicode_map", None)
    if umap is not None:
        if not hasattr(umap, "cid2unichr"):
            raise Unsupported(f"Unicode map {type(umap).__name__}")
        for cid, text in umap.cid2unichr.items():
            out.setdefault(text, []).append(cid)
    if not isinstance(font, PDFCIDFont):
        for cid, text in getattr(font, "cid2unicode", {}).items():
            if umap is None or cid not in umap.cid2unichr:
                out.setdefault(text, []).append(cid)
    return out


class PdfiumReader:
    """One document opened with pdfium next to the pdfplumber one."""

    def __init__(self, plumber_pdf: Any, path: Any) -> None:
        self.plumber = plumber_pdf
        self.doc = pdfium.PdfDocument(path)
        self._fonts: dict[int, _Font] = {}  # pdfminer font object id → _Font
        self._name_buf = ctypes.create_string_buffer(256)
        self._advance_cache: dict[tuple[int, float, float], dict[str, list[tuple[float, float]]]] = {}
        self._page_fonts_cache: dict[int, tuple[Any, dict[str, list[_Font]]]] = {}
        # out-parameters of pdfium calls, reused
        self._size = ctypes.c_float()
        self._fs = pdfium_c.FS_MATRIX()
        self._bounds = tuple(ctypes.c_float() for _ in range(4))
        self._box = tuple(ctypes.c_double() for _ in range(4))
        self._origin = (ctypes.c_double * 2)()
        self._point = (ctypes.c_float * 2)()
        self._loose = pdfium_c.FS_RECTF()
        self._rects_page: Any = None
        self._rects: dict[tuple[float, float, float, float], tuple[float, float, float, float]] = {}
        # form XObject id → its rects
        self._form_rects: dict[Any, list[tuple[float, float, float, float]]] = {}
        self._shows_page: Any = None
        self._shows: list[Show] | str = []  # the page's text shows, or why they cannot be read
        self.declined: dict[int, str] = {}  # page number → why pdfminer parses it

    def close(self) -> None:
        self.doc.close()

    def fill(self, page: Any) -> bool:
        """Set `page._objects` (a pdfplumber Page) from pdfium and return True; or return False and leave
        the page alone when it holds something this module does not reproduce exactly (Unsupported) or
        pdfium fails on it: pdfminer then parses the page, and reports what is wrong with it."""
        try:
            self._fill(page)
        except Exception as exc:
            log.debug("page %d: %s: %s", page.page_number, type(exc).__name__, exc)
            self.declined[page.page_number] = f"{type(exc).__name__}: {exc}"
            return False
        return True

    def _fill(self, page: Any) -> None:
        if page.mediabox[0] != 0 or page.mediabox[1] != 0 or page.bbox != page.mediabox:
            raise Unsupported("page box not at the origin")
        ctm = _page_ctm(page.page_obj)
        pdf_page = self.doc[page.page_number - 1]
        try:
            objects: dict[str, list[dict[str, Any]]] = {}
            fonts = self._page_fonts(page.page_obj.resources)
            text_objs = self._walk(pdf_page.raw, page, objects, ctm)
            chars = self._chars(pdf_page, page, fonts, text_objs, ctm)
            if chars:
                objects["char"] = chars
            page._objects = {k: objects[k] for k in ("char", "line", "rect", "curve") if k in objects}
        finally:
            pdf_page.close()

    # -- fonts -------------------------------------------------------------------------------

    def _page_fonts(self, resources: Any) -> dict[str, list[_Font]]:
        """pdfminer fonts of the page and its form XObjects, by base font name."""
        cached = self._page_fonts_cache.get(id(resources))
        if cached is not None and cached[0] is resources:  # pages sharing one resource dictionary
            return cached[1]
        by_name: dict[str, list[_Font]] = {}
        seen: set[int] = set()

        def visit(res: Any) -> None:
            res = resolve1(res)
            if not isinstance(res, dict):
                return
            for spec in dict_value(res.get("Font") or {}).values():
                objid = spec.objid if isinstance(spec, PDFObjRef) else None
                key = objid if objid is not None else id(spec)
                if key in seen:
                    continue
                seen.add(key)
                font = self._fonts.get(key)
                if font is None:
                    pf = self.plumber.rsrcmgr.get_font(objid, dict_value(spec))
                    font = _Font(pf, _reverse_unicode(pf))
                    self._fonts[key] = font
                lst = by_name.setdefault(_font_key(font.font.fontname), [])
                if all(f.font is not font.font for f in lst):
                    lst.append(font)
            for xobj in dict_value(res.get("XObject") or {}).values():
                if isinstance(xobj, PDFObjRef):
                    if xobj.objid in seen:
                        continue
                    seen.add(xobj.objid)
                xs = stream_value(xobj)
                if xs.get("Subtype") is LITERAL_FORM and "Resources" in xs:
                    visit(xs["Resources"])

        visit(resources)
        self._page_fonts_cache[id(resources)] = (resources, by_name)
        return by_name

    # -- page objects (paths; text objects collected for the char check) -----------------------

    def _walk(
        self, raw_page: Any, page: Any, objects: dict[str, list[dict[str, Any]]], ctm: Matrix
    ) -> dict[int, tuple[Any, Matrix]]:
        """Paths → objects; returns the text objects {address: (handle, matrix from the space the object
        lies in (a form XObject's) to pdfminer's page space)} in content order."""
        text_objs: dict[int, tuple[Any, Matrix]] = {}
        modes = (ctypes.c_int * 2)()  # fill mode, stroke
        p_fill, p_stroke = ctypes.addressof(modes), ctypes.addressof(modes) + ctypes.sizeof(ctypes.c_int)
        fs = self._fs
        p_fs = ctypes.addressof(fs)

        def visit(obj: int, parent: Matrix) -> None:
            kind = _GetType(obj)
            if kind == _PAGEOBJ_PATH:
                if not _GetDrawMode(obj, p_fill, p_stroke):
                    raise Unsupported("path draw mode")
                fill_mode, stroke = modes
                if fill_mode == 0 and not stroke:
                    return  # a clipping path only ("W n"): pdfminer paints nothing either
                _GetMatrix(obj, p_fs)
                paint = _PAINTS[fill_mode != 0, bool(stroke)]
                self._path(obj, _mult(_matrix(fs), parent), paint, page, objects)
            elif kind == _PAGEOBJ_TEXT:
                text_objs[obj] = (ctypes.cast(obj, pdfium_c.FPDF_PAGEOBJECT), parent)
            elif kind == _PAGEOBJ_FORM:
                _GetMatrix(obj, p_fs)
                m = _mult(_matrix(fs), parent)
                for j in range(_FormCountObjects(obj)):
                    visit(_FormGetObject(obj, j), m)

        page_addr = ctypes.cast(raw_page, ctypes.c_void_p).value
        for i in range(_CountObjects(page_addr)):
            visit(_GetObject(page_addr, i), ctm)
        return text_objs

    def _path(
        self, addr: int, ctm: Matrix, paint: _Paint, page: Any, objects: dict[str, list[dict[str, Any]]]
    ) -> None:
        point = self._point
        px, py = ctypes.addressof(point), ctypes.addressof(point) + ctypes.sizeof(ctypes.c_float)
        raw: list[tuple[Any, ...]] = []  # pdfium's float32 points, for the rectangle lookup
        for i in range(_CountSegments(addr)):
            seg = _GetPathSegment(addr, i)
            _GetPoint(seg, px, py)
            kind = _GetSegmentType(seg)
            if kind not in (_MOVETO, _LINETO, _BEZIERTO):
                raise Unsupported("path segment type")
            raw.append((kind, *point))
            if _GetClose(seg):
                raw.append(("h",))
        path = self._rect_from_stream(raw, page)
        if path is None:
            path = _snapped_path(raw)
        _paint_path(path, ctm, paint, page, objects)

    def _rect_from_stream(self, raw: list[tuple[Any, ...]], page: Any) -> list[tuple[Any, ...]] | None:
        """pdfminer's subpath of an `x y w h re` that pdfium drew as this one, or None if it is no such
        rectangle.  pdfium sums x + w and y + h in single precision, pdfminer in double: the two differ
        beyond what snapping the float32 back to a short decimal recovers (a width of 0.47998, a sum one
        float32 step off), and such differences move table edges.  The page's content streams say which
        numbers were written."""
        if len(raw) not in (5, 6) or raw[0][0] != _MOVETO or raw[-1] != ("h",):
            return None
        if any(seg[0] != _LINETO for seg in raw[1:-1]):
            return None
        (_, x0, y0), (_, x1, y1b), (_, x2, y2), (_, x3, y3) = raw[:4]
        if not (y1b == y0 and x2 == x1 and y3 == y2 and x3 == x0):
            return None
        if len(raw) == 6 and raw[4][1:] != (x0, y0):
            return None
        found = self._stream_rects(page).get((x0, y0, x1, y2))
        if found is None:
            if any(_unclean(v) for v in (x1, y2)):
                # a corner pdfium summed that no `re` of the page gives: its double sum is unknown
                raise Unsupported("rectangle corner not found in the content stream")
            return None
        rx, ry, rx1, ry1 = found
        return [("m", rx, ry), ("l", rx1, ry), ("l", rx1, ry1), ("l", rx, ry1), ("h",)]

    def _stream_rects(
        self, page: Any
    ) -> dict[tuple[float, float, float, float], tuple[float, float, float, float]]:
        """The `re` rectangles of the page's content streams and form XObjects: pdfium's float32 corners
        → pdfminer's (x, y, x + w, y + h) in double.  Corners two different rectangles share in float32
        are left out (ambiguous)."""
        if self._rects_page is not page:
            self._rects_page, self._rects = page, page_rects(page.page_obj, self._form_rects)
        return self._rects

    # -- chars -------------------------------------------------------------------------------

    def _chars(
        self,
        pdf_page: Any,
        page: Any,
        fonts: dict[str, list[_Font]],
        text_objs: dict[int, tuple[Any, Matrix]],
        ctm: Matrix,
    ) -> list[dict[str, Any]]:
        textpage = pdf_page.get_textpage()
        tp = textpage.raw
        try:
            # pdfium's text page: the glyphs (index, Unicode, origin) of each text object; its own
            # order may differ from the content stream's, which pdfminer follows.  Origins in pdfminer's
            # page space (pdfium's are in the unrotated PDF space: the page's /Rotate applied here)
            glyphs: dict[int, list[tuple[int, int, float, float]]] = {addr: [] for addr in text_objs}
            rotated = ctm != _IDENTITY
            ma, mb, mc, md, me, mf = ctm
            tpv = ctypes.cast(tp, ctypes.c_void_p).value
            origin = self._origin
            p_ox, p_oy = ctypes.addressof(origin), ctypes.addressof(origin) + ctypes.sizeof(ctypes.c_double)
            get = glyphs.get
            for i in range(pdfium_c.FPDFText_CountChars(tp)):
                if _IsGenerated(tpv, i):
                    continue
                if _HasUnicodeMapError(tpv, i):
                    raise Unsupported("glyph without a Unicode mapping")
                found = get(_GetTextObject(tpv, i))
                if found is None:
                    raise Unsupported("glyph of an unknown text object")
                _GetCharOrigin(tpv, i, p_ox, p_oy)
                x, y = origin
                if rotated:  # pdfminer's apply_matrix_pt, written out
                    found.append((i, _GetUnicode(tpv, i), ma * x + mc * y + me, mb * x + md * y + mf))
                else:
                    found.append((i, _GetUnicode(tpv, i), x, y))
            chars: list[dict[str, Any]] = []
            font_cache: dict[int, list[_Font]] = {}
            chain: _Chain | None = None
            for k, (addr, (obj, parent)) in enumerate(text_objs.items()):
                texts = {chr(g[1]) for g in glyphs[addr] if g[1] != 2}
                font, space_known = _pick_font(self._font_candidates(obj, fonts, font_cache), texts)
                args = (tp, obj, parent, ctm, glyphs[addr], font, space_known, page, chain, chars)
                try:
                    chain = self._object_chars(*args)
                except _NeedsStream as exc:
                    chain = self._object_chars(*args, show=self._show(page, k, len(text_objs), exc))
        finally:
            textpage.close()
        return chars

    def _object_chars(
        self,
        tp: Any,
        obj: Any,
        parent: Matrix,
        ctm: Matrix,
        glyphs: list[tuple[int, int, float, float]],
        font: _Font,
        space_known: bool,
        page: Any,
        chain: _Chain | None,
        out: list[dict[str, Any]],
        show: Show | None = None,
    ) -> _Chain | None:
        """Append the chars of one text object (one string shown), positioned like pdfminer does: from
        pdfium's glyphs, or, where those do not say what pdfminer reads (_NeedsStream), from `show`, the
        object's operator in the content stream.

        `chain` (pdfium's end of the previous string, pdfminer's end of it, baseline, its character
        spacing) lets a string that continues the previous one in the same text block (ReportLab
        switches font subsets mid-line) start where pdfminer's exact advances ended, not at pdfium's
        integer-width position.  Returns the chain for the next string.  `parent` maps the space the
        object lies in (the page's, a form XObject's) to pdfminer's page space, `ctm` pdfium's page
        space (the text page's) to it."""
        size_f, fs = self._size, self._fs
        pdfium_c.FPDFTextObj_GetFontSize(obj, size_f)
        fontsize = _snap(size_f.value)
        pdfium_c.FPDFPageObj_GetMatrix(obj, fs)
        a, b, c, d, e, f = _mult(_matrix(fs), parent) if parent != _IDENTITY else _matrix(fs)
        if b != 0 or c != 0 or a <= 0 or d == 0:
            raise Unsupported("rotated or mirrored text")
        if show is not None:
            seq, charspace = _show_glyphs(show, glyphs, font, fontsize, a, e)
        else:
            seq, charspace = self._pdfium_glyphs(
                tp, obj, parent, ctm, glyphs, font, space_known, fontsize, a, e, f
            )
        if not seq:
            raise Unsupported("text object without glyphs")
        height, doctop0, pno, fontname = (
            page.height,
            page.initial_doctop,
            page.page_number,
            font.font.fontname,
        )
        descent = font.font.get_descent() * fontsize
        # pdfminer's LTChar box: apply_matrix_rect((a, 0, 0, d, x, f), (0, descent, adv, descent + size))
        ya, yb = d * descent + f, d * (descent + fontsize) + f
        y0, y1 = min(ya, yb), max(ya, yb)
        top, bottom = height - y1, height - y0
        doctop = doctop0 + top
        upright = a * d > 0
        x = e
        if chain is not None and abs(chain.pdfium_end - e) <= 1e-3 and chain.baseline == f:
            if chain.charspace != 0 and show is None:
                # pdfium ends a string after its last glyph's spacing, pdfminer before it: whether this
                # string continues that one (pdfminer: at its end) or was placed there (Tm) the
                # content stream says
                raise _NeedsStream("string placed where one with character spacing ended")
            if show is None or not show.positioned:
                x = chain.pdfminer_end
        # the keys and values pdfminer + pdfplumber give a char, in their order; what differs between the
        # glyphs of one string is set on a copy
        base = {
            "matrix": None,
            "fontname": fontname,
            "adv": None,
            "upright": upright,
            "x0": None,
            "y0": y0,
            "x1": None,
            "y1": y1,
            "width": None,
            "height": y1 - y0,
            "size": y1 - y0,
            "mcid": None,
            "tag": None,
            "object_type": "char",
            "page_number": pno,
            "text": None,
            "top": top,
            "bottom": bottom,
            "doctop": doctop,
        }
        prev: tuple[str, float, float, float] | None = None
        for glyph in seq:
            text, adv, _, gx = glyph
            if prev is not None:
                # pdfium's step from the previous glyph = its integer-width advance + spacing and
                # kerning; the exact advance replaces the integer one (pdfium keeps widths as ints)
                extra = gx - prev[3] - prev[2]
                x = x + a * prev[1] + (extra if abs(extra) > 1e-3 else 0.0)
            prev = glyph
            x1 = a * adv + x
            char = base.copy()
            char["matrix"] = (a, b, c, d, x, f)
            char["adv"] = adv
            char["x0"] = x
            char["x1"] = x1
            char["width"] = x1 - x
            char["text"] = text
            out.append(char)
        if math.isnan(charspace):
            return None
        # pdfminer adds the character spacing between the glyphs of a string, not after its last one
        return _Chain(seq[-1][3] + seq[-1][2] + charspace, x + a * seq[-1][1], f, charspace)

    def _show(self, page: Any, index: int, count: int, why: Exception) -> Show:
        """The content stream's show of the page's index-th text object (of `count`)."""
        if self._shows_page is not page:
            self._shows_page = page
            try:
                self._shows = page_shows(page.page_obj)
            except ContentError as exc:
                self._shows = f"content stream not read ({exc})"
            if isinstance(self._shows, list) and len(self._shows) != count:
                self._shows = f"{len(self._shows)} shows in the content stream, {count} text objects"
        if isinstance(self._shows, str):
            raise Unsupported(f"{why}; {self._shows}")
        return self._shows[index]

    def _pdfium_glyphs(
        self,
        tp: Any,
        obj: Any,
        parent: Matrix,
        ctm: Matrix,
        glyphs: list[tuple[int, int, float, float]],
        font: _Font,
        space_known: bool,
        fontsize: float,
        a: float,
        e: float,
        f: float,
    ) -> tuple[list[tuple[str, float, float, float]], float]:
        """The glyphs (text, pdfminer advance, pdfium advance, pdfium origin x) of a text object from
        pdfium's text page, with the trailing spaces it leaves out, and the string's character spacing
        (device space; NaN where it differs between glyphs)."""
        if not pdfium_c.FPDFFont_GetIsEmbedded(pdfium_c.FPDFTextObj_GetFont(obj)):
            # the bounds of a font not embedded come from its FontBBox or a substitute: they do not
            # tell where its spaces end (pdfium keeps one space of "x  ")
            raise _NeedsStream("font not embedded")
        # the string starts at the text object's origin: a glyph pdfium left out before the first one
        # it kept (leading spaces) would shift everything
        if glyphs and (abs(glyphs[0][2] - e) > 1e-3 or abs(glyphs[0][3] - f) > 1e-3):
            raise _NeedsStream("text object starts before its first glyph")
        texts = [_glyph_text(u, font) for _, u, _, _ in glyphs]
        by_text = {text: self._advance_options(font, text, fontsize, a) for text in dict.fromkeys(texts)}
        options = [by_text[text] for text in texts]
        seq = [
            (text, *(opts[0] if len(opts) == 1 else self._drawn_width(tp, g[0], ctm, opts)), g[2])
            for g, text, opts in zip(glyphs, texts, options)
        ]
        steps = [seq[k + 1][3] - seq[k][3] - seq[k][2] for k in range(len(seq) - 1)]
        for k, st in enumerate(steps):
            if abs(st) > 0.15 * a * fontsize and not (
                st > 0 and seq[k][0] != " " and _gap_marked(tp, glyphs[k][0], glyphs[k + 1][0])
            ):
                # more than spacing or kerning between two glyphs: pdfium may have left out a glyph (it
                # keeps one space of a run of spaces).  Unless the glyph before is no space and pdfium
                # marked the gap with a space of its own: a TJ displacement (table columns in one string)
                raise _NeedsStream("glyphs too far apart (a run of spaces pdfium collapsed?)")
        charspace = steps[0] if steps and abs(steps[0]) > 1e-3 else 0.0
        if any(abs(st - charspace) > 1e-3 for st in steps):
            charspace = math.nan  # spacing differs between glyphs (kerning, word spacing)
        charspace = self._trailing_spaces(
            tp, obj, parent, ctm, glyphs, seq, font, space_known, fontsize, a, e, charspace, bool(steps)
        )
        return seq, charspace

    def _trailing_spaces(
        self,
        tp: Any,
        obj: Any,
        parent: Matrix,
        ctm: Matrix,
        glyphs: list[tuple[int, int, float, float]],
        seq: list[tuple[str, float, float, float]],
        font: _Font,
        space_known: bool,
        fontsize: float,
        a: float,
        e: float,
        charspace: float,
        charspace_known: bool,
    ) -> float:
        """pdfium leaves trailing spaces (and strings of spaces only) out of its text page; the text
        object's bounds still reach the last space's origin (a space has no ink).  Appends them, and
        returns the character spacing: where the string had fewer than two glyphs to measure it
        (`charspace_known` False: 0 assumed), the spacing that makes the spaces end at the bounds."""
        bl, bb, br, bt = self._bounds
        pdfium_c.FPDFPageObj_GetBounds(obj, bl, bb, br, bt)
        left, bottom, right, top = _rect(parent, bl.value, bb.value, br.value, bt.value)
        if not seq and top != bottom:
            raise _NeedsStream("inked text object without glyphs (a duplicate pdfium left out?)")
        first_space = seq[-1][3] + seq[-1][2] + (0.0 if math.isnan(charspace) else charspace) if seq else e
        if right < first_space - 0.2 * a * fontsize:
            return charspace  # the bounds end where the glyphs' ink does
        box_l, box_b, box_r, box_t = self._box
        refs = ctypes.byref(box_l), ctypes.byref(box_r), ctypes.byref(box_b), ctypes.byref(box_t)
        tpv = ctypes.cast(tp, ctypes.c_void_p).value

        def box(g: tuple[int, int, float, float]) -> tuple[float, float]:
            _GetCharBox(tpv, g[0], *refs)
            gl, _, gr, _ = _rect(ctm, box_l.value, box_b.value, box_r.value, box_t.value)
            return gl, gr

        # the bounds of some fonts' text reach past the glyph boxes by the same margin on both sides
        # (Jiangsu, Shanghai): a right edge no further out than the left one is ink, not a space.  A
        # string of spaces has no ink: its bounds end at its last space (with a negative spacing,
        # inside the box of the one before)
        spaces_only = all(g[0] == " " for g in seq)
        if not spaces_only and glyphs and right <= box(glyphs[-1])[1] + 1e-3:
            return charspace  # within the last glyph's ink already (the test below, cheaply)
        inked_left, inked_right = math.inf, -math.inf
        for g in glyphs:
            gl, gr = box(g)
            inked_left, inked_right = min(inked_left, gl), max(inked_right, gr)
        if not spaces_only and right <= inked_right + max(0.0, inked_left - left) + 1e-3:
            return charspace
        if spaces_only and seq and right <= seq[-1][3] + 1e-3:
            return charspace
        if math.isnan(charspace):  # kerned: the spacing before a space is unknown
            raise _NeedsStream("trailing spaces not told apart")
        if not space_known:
            raise _NeedsStream("trailing spaces in a font not identified")
        # a space of each width its codes have (Word: 32, 160, 173): the one whose run ends at the bounds
        runs = []
        for space_adv, space_pdfium in self._advance_options(font, " ", fontsize, a):
            if space_pdfium < 0.05 * a * fontsize:
                continue  # a space of (nearly) no width: its count is not told by where the run ends
            base = seq[-1][3] + seq[-1][2] if seq else None  # pdfium's end of the last glyph kept
            spacings = (
                [charspace] if charspace_known else _spacings(base, e, right, space_pdfium, a, fontsize)
            )
            for cs in spacings:
                step = space_pdfium + cs
                first = e if base is None else base + cs
                positions = _space_run(first, right, step) if step > 0 else None
                if positions is not None:
                    runs.append((space_adv, space_pdfium, cs, positions))
        if len(runs) != 1:
            raise _NeedsStream("trailing spaces do not add up (or have nearly no width)")
        space_adv, space_pdfium, charspace, positions = runs[0]
        seq.extend((" ", space_adv, space_pdfium, pos) for pos in positions)
        return charspace

    def _advances(self, font: _Font, text: str, fontsize: float, a: float) -> tuple[float, float]:
        """pdfminer's advance of a glyph (LTChar.adv, text space) and pdfium's (device space; pdfium
        reads the widths, in thousandths of an em, as integers)."""
        found = self._advance_options(font, text, fontsize, a)
        if len(found) > 1:
            raise Unsupported("ambiguous glyph width")
        return found[0]

    def _advance_options(
        self, font: _Font, text: str, fontsize: float, a: float
    ) -> list[tuple[float, float]]:
        """`_advances` of each width the codes pdfminer reads as `text` have: several where a font maps
        codes of different widths to one text (Word's TrueType fonts without a ToUnicode map: codes 32,
        160 and 173 all read as a space); pdfium does not say which code it drew."""
        sized = self._sized_advances(font, fontsize, a)
        found = sized.get(text)
        if found is None:
            widths = font.widths.get(text)
            if widths is None:
                cids = font.cids.get(text)
                if not cids:
                    raise _NeedsStream(f"no cid for {text!r}")
                widths = font.widths[text] = sorted({font.font.char_width(cid) for cid in cids})
            found = sized[text] = [
                (w * fontsize, a * math.floor(w * 1000 + 1e-6) * fontsize / 1000) for w in widths
            ]
        return found

    def _sized_advances(self, font: _Font, fontsize: float, a: float) -> dict[str, list[tuple[float, float]]]:
        """The `_advance_options` found so far of the font at this size and scale, by text."""
        key = (id(font), fontsize, a)
        found = self._advance_cache.get(key)
        if found is None:
            found = self._advance_cache[key] = {}
        return found

    def _drawn_width(
        self, tp: Any, index: int, ctm: Matrix, options: list[tuple[float, float]]
    ) -> tuple[float, float]:
        """Of a glyph's `_advance_options`, the one of the code pdfium drew: its loose box spans the
        drawn code's width (pdfium's, from the font's widths)."""
        loose = self._loose
        _GetLooseCharBox(ctypes.cast(tp, ctypes.c_void_p).value, index, ctypes.addressof(loose))
        left, _, right, _ = _rect(ctm, loose.left, loose.bottom, loose.right, loose.top)
        fitting = [o for o in options if abs(right - left - o[1]) <= 1e-2]
        if len(fitting) != 1:
            raise _NeedsStream("ambiguous glyph width")
        return fitting[0]

    def _font_candidates(
        self, obj: Any, fonts: dict[str, list[_Font]], cache: dict[int, list[_Font]]
    ) -> list[_Font]:
        """The page's pdfminer fonts that may be the text object's (pdfium gives no object ids)."""
        handle = pdfium_c.FPDFTextObj_GetFont(obj)
        key = ctypes.addressof(handle.contents)
        found = cache.get(key)
        if found is None:
            buf = self._name_buf
            n = pdfium_c.FPDFFont_GetBaseFontName(handle, buf, len(buf))
            name = _font_key(buf.raw[: max(0, n - 1)])
            found = fonts.get(name) or fonts.get(_PDFIUM_FONT_NAMES.get(name, ""), [])
            if len(found) > 1:
                # subsets of one font (ReportLab: 256 glyphs each) share the name: tell them apart by
                # the size of the embedded font program
                size = ctypes.c_size_t()
                pdfium_c.FPDFFont_GetFontData(handle, None, 0, ctypes.byref(size))
                found = [f for f in found if _font_program_size(f.font) == size.value] or found
            for font in found:
                if isinstance(font.font, PDFType3Font) or font.font.is_vertical():
                    raise Unsupported("Type3 or vertical font")
                if any(len(text) != 1 for text in font.cids):
                    raise Unsupported("glyphs mapped to several characters (ligatures)")
            cache[key] = found
        return found


def _pick_font(candidates: list[_Font], texts: set[str]) -> tuple[_Font, bool]:
    """The candidate that has all `texts`, and whether a space is known in it.  Several are fine if
    pdfminer would give the glyphs the same font name, widths and descent with either; the space only
    matters for trailing spaces (Jiangsu: a CID and a TrueType font of one embedded program, alike but
    for the space)."""
    fitting = [f for f in candidates if all(t in f.cids for t in texts)]
    if not fitting:
        raise Unsupported("font not found")
    if len(fitting) == 1:
        return fitting[0], True

    def signature(f: _Font, chars: set[str]) -> tuple[Any, ...]:
        widths = tuple(sorted((t, f.font.char_width(c)) for t in chars for c in f.cids.get(t, [])))
        return (f.font.fontname, f.font.get_descent(), widths)

    if len({signature(f, texts) for f in fitting}) > 1:
        raise Unsupported("font not identified")
    return fitting[0], len({signature(f, texts | {" "}) for f in fitting}) == 1


def _spacings(
    base: float | None, e: float, right: float, space: float, a: float, fontsize: float
) -> list[float]:
    """Character spacings (device space) that would put the last of n spaces `space` wide at `right`:
    after a glyph ending at `base` (pdfium's origin + advance) or, for a string of spaces only, from
    the string's origin `e`.  Only spacings of at most 0.15 em that are a number a producer writes
    (Tc with 4 decimals) count; pdfium's single precision leaves them off by a few 1e-6."""
    if base is None and abs(right - e) <= 1e-3:
        return [0.0]  # one space: no spacing between glyphs
    out = []
    for n in range(1, 200):
        cs = (right - base - (n - 1) * space) / n if base is not None else (right - e) / n - space
        if cs < -0.15 * a * fontsize:
            break
        written = round(cs / a, 4)
        if abs(cs) <= 0.15 * a * fontsize and abs(cs / a - written) <= 5e-5:
            out.append(written * a)
    return out


def _show_glyphs(
    show: Show, glyphs: list[tuple[int, int, float, float]], font: _Font, fontsize: float, a: float, e: float
) -> tuple[list[tuple[str, float, float, float]], float]:
    """The glyphs of a text object from its show in the content stream, as `_pdfium_glyphs` gives them
    (text, pdfminer advance, advance, origin x), positioned as pdfminer's `render_string` does; and the
    string's character spacing (device space).  pdfium's glyphs must be these but for spaces it
    dropped: the show is the object's."""
    if show.scaling != 100:
        raise Unsupported("horizontal scaling")
    pf = font.font
    charspace, dxscale = show.charspace, 0.001 * fontsize
    wordspace = 0.0 if pf.is_multibyte() else show.wordspace
    seq: list[tuple[str, float, float, float]] = []
    x, need_charspace = 0.0, False
    for item in show.items:
        if isinstance(item, float):
            x -= item * dxscale
            need_charspace = True
            continue
        for cid in pf.decode(item):
            if need_charspace:
                x += charspace
            try:
                text = pf.to_unichr(cid)
            except PDFUnicodeNotDefined:
                raise Unsupported("glyph without a Unicode mapping") from None
            adv = pf.char_width(cid) * fontsize
            seq.append((text, adv, a * adv, e + a * x))
            x += adv
            if cid == 32 and wordspace:
                x += wordspace
            need_charspace = True
    j = 0
    for _, u, gx, _ in glyphs:
        while j < len(seq) and not (
            (u == 2 or seq[j][0] == chr(u)) and abs(seq[j][3] - gx) <= 0.15 * a * fontsize
        ):
            if seq[j][0] != " ":
                raise Unsupported("the content stream's show is not pdfium's text object")
            j += 1  # a space pdfium dropped
        if j == len(seq):
            raise Unsupported("the content stream's show is not pdfium's text object")
        j += 1
    return seq, a * charspace


def _space_run(first: float, right: float, step: float) -> list[float] | None:
    """Origins of spaces `step` apart from `first` whose last one is at `right`, or None."""
    positions = [first]
    while positions[-1] < right - 1e-3:
        positions.append(positions[-1] + step)
    return positions if abs(positions[-1] - right) <= 1e-3 else None


def _font_key(name: bytes | str) -> str:
    """A base font name as pdfium and pdfminer both give it: latin-1 text without the subset tag
    (pdfminer writes a name that is not UTF-8 as the repr of its bytes, "b'ABCDEE+\\xcb\\xce'")."""
    if isinstance(name, str):
        if name.startswith(("b'", 'b"')):
            try:
                name = ast.literal_eval(name)
            except (ValueError, SyntaxError):
                pass
        if isinstance(name, str):
            name = name.encode("latin-1", "replace")
    return _SUBSET_RE.sub("", name.decode("latin-1"))


def _glyph_text(u: int, font: _Font) -> str:
    """The text pdfminer gives a glyph, from pdfium's Unicode value."""
    if u == 2:
        # pdfium's mark for a hyphen-like glyph ending a line: which code it was (a hyphen, a soft
        # hyphen, or code 173 that a Word font without a ToUnicode map reads as a space in pdfminer)
        # only the content stream says
        raise _NeedsStream("line-end hyphen")
    if 0xD800 <= u <= 0xDFFF:
        raise Unsupported("UTF-16 surrogate")
    return chr(u)


def _font_program_size(font: PDFFont) -> int | None:
    """Decoded length of the embedded font program (FontFile, FontFile2 or FontFile3)."""
    cached = getattr(font, "_program_size", None)
    if cached is not None:
        return cached
    size = None
    descriptor = resolve1(getattr(font, "descriptor", None) or {})
    for k in ("FontFile2", "FontFile", "FontFile3"):
        if isinstance(descriptor, dict) and k in descriptor:
            size = len(stream_value(descriptor[k]).get_data())
            break
    font._program_size = size  # type: ignore[attr-defined]
    return size


def _paint_path(
    path: list[tuple[Any, ...]],
    ctm: Matrix,
    paint: _Paint,
    page: Any,
    objects: dict[str, list[dict[str, Any]]],
) -> None:
    """pdfminer's PDFLayoutAnalyzer.paint_path + pdfplumber's process_object, for the attributes
    pdfplumber's table finder and our code read."""
    shape = "".join(x[0] for x in path)
    if shape[:1] != "m":
        return
    if shape.count("m") > 1:
        for m in re.finditer(r"m[^m]+", shape):
            _paint_path(path[m.start(0) : m.end(0)], ctm, paint, page, objects)
        return
    raw_pts = [p[-2:] if p[0] != "h" else path[0][-2:] for p in path]
    pts = [apply_matrix_pt(ctm, pt) for pt in raw_pts]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in {"mlh", "ml"}:
        kind, pts = "line", pts[:2]
    elif shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        is_closed_loop = pts[0] == pts[4]
        has_square_coordinates = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if is_closed_loop and has_square_coordinates:
            kind = "rect"
            (rx0, ry0), (rx1, ry1) = pts[0], pts[2]
            pts = [(rx0, ry0), (rx1, ry0), (rx1, ry1), (rx0, ry1)]
        else:
            kind = "curve"
    else:
        kind = "curve"
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    height = page.height
    top = height - y1
    obj: dict[str, Any] = {
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "object_type": kind,
        "page_number": page.page_number,
        "fill": paint.fill,
        "stroke": paint.stroke,
        "top": top,
        "bottom": height - y0,
        "doctop": page.initial_doctop + top,
    }
    if kind == "curve":
        obj["pts"] = [(px, height - py) for px, py in pts]
    objects.setdefault(kind, []).append(obj)


def pages_pdfium_reads(path: Any) -> tuple[int, int]:
    """(pages whose objects this module builds, pages) of a PDF; pdfminer parses the others."""
    with pdfplumber.open(path) as pdf:
        reader, ok = PdfiumReader(pdf, path), 0
        try:
            for page in pdf.pages:
                ok += reader.fill(page)
                page.close()  # drop the page's objects: a long document would hold them all
            return ok, len(pdf.pages)
        finally:
            reader.close()


def _page_ctm(page_obj: Any) -> Matrix:
    """pdfminer's initial CTM of a page (`PDFPageInterpreter.process_page`): the page's /Rotate turns
    the unrotated PDF space (pdfium's) into the upright one pdfminer and pdfplumber give coordinates in."""
    (x0, y0, x1, y1) = page_obj.mediabox
    rotate = page_obj.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    if rotate == 0 and x0 == 0 and y0 == 0:
        return _IDENTITY
    raise Unsupported(f"page rotation {rotate} or page box not at the origin")


def _rect(
    m: Matrix, left: float, bottom: float, right: float, top: float
) -> tuple[float, float, float, float]:
    """A rectangle through the matrix (left, bottom, right, top); pdfminer's apply_matrix_rect."""
    if m == _IDENTITY:
        return left, bottom, right, top
    a, b, c, d, e, f = m
    if a == 0 and d == 0:
        # a quarter turn (/Rotate 90, 270): x' = c·y + e, y' = b·x + f; the corners pdfminer's four
        # products give, exactly (0·v adds nothing, ±1·v is exact)
        xs2, ys2 = (c * bottom + e, c * top + e), (b * left + f, b * right + f)
        return min(xs2), min(ys2), max(xs2), max(ys2)
    xs, ys = zip(
        *(apply_matrix_pt(m, p) for p in ((left, bottom), (right, bottom), (left, top), (right, top)))
    )
    return min(xs), min(ys), max(xs), max(ys)


def _gap_marked(tp: Any, i: int, j: int) -> bool:
    """pdfium's text page holds, between glyphs i and j of one string, only spaces it generated."""
    tpv = ctypes.cast(tp, ctypes.c_void_p).value
    return j > i + 1 and all(_IsGenerated(tpv, k) and _GetUnicode(tpv, k) == 32 for k in range(i + 1, j))


def _unclean(v: float) -> bool:
    """More than 4 decimals: not a number a PDF producer wrote (they write at most 4)."""
    return abs(v * 1e4 - round(v * 1e4)) > 1e-6 * max(1.0, abs(v))


def _snapped_path(raw: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """pdfium's points as pdfminer's path operators, each coordinate snapped to the decimal written."""
    path: list[tuple[Any, ...]] = []
    bezier: list[float] = []
    for seg in raw:
        if seg[0] == "h":
            path.append(seg)
            continue
        kind, pt = seg[0], (_snap(seg[1]), _snap(seg[2]))
        if kind == _MOVETO:
            path.append(("m", *pt))
        elif kind == _LINETO:
            path.append(("l", *pt))
        else:
            bezier.extend(pt)
            if len(bezier) == 6:
                path.append(("c", *bezier))
                bezier = []
    if bezier:
        raise Unsupported("incomplete bezier")
    return path
