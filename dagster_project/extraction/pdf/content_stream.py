"""What a page's content stream says, read without interpreting it: the `re` rectangles as written,
and each text-showing operator (Tj, TJ, ', ") with the text state it shows in.

pdfium interprets pages in C++ but keeps numbers in single precision and gives neither the codes of
the glyphs it drew nor the glyphs it dropped (a run of spaces becomes one, trailing spaces vanish);
pdfminer reads all of that but interprets every glyph in Python.  These scans fill the gaps for
`pdfium_objects`, at a fraction of pdfminer's cost: a regex over the bytes for the rectangles, and a
tokenizer that tracks only the text state (Tc, Tw, Tz, Tf, q/Q) for the shows.  pdfium makes one text
object of each show whose strings are not all empty, in content order (form XObjects where they are
drawn), so the k-th show is the k-th text object; the caller checks that the counts agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pdfminer.pdftypes import PDFObjRef, dict_value, resolve1, stream_value
from pdfminer.psparser import LIT

__all__ = ["Show", "page_rects", "page_shows"]

LITERAL_FORM = LIT("Form")
Rect = tuple[float, float, float, float]

# -- rectangles ------------------------------------------------------------------------------------

_NUM = rb"([+-]?(?:\d+\.?\d*|\.\d+))"
_RE_OP = re.compile(rb"(?<![^\s\]\[)>}])" + rb"\s+".join([_NUM] * 4) + rb"\s+re(?![^\s\[\]()<>{}/%])")


def _re_ops(data: bytes) -> list[Rect]:
    """(x, y, w, h) of each `x y w h re` in a content stream."""
    return [(float(x), float(y), float(w), float(h)) for x, y, w, h in _RE_OP.findall(data)]


def _forms(resources: Any) -> list[tuple[Any, Any]]:
    """(id, stream) of each form XObject reachable from a resource dictionary, once each."""
    out: list[tuple[Any, Any]] = []
    seen: set[Any] = set()

    def visit(res: Any) -> None:
        res = resolve1(res)
        if not isinstance(res, dict):
            return
        for ref in dict_value(res.get("XObject") or {}).values():
            key = ref.objid if isinstance(ref, PDFObjRef) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            xs = stream_value(ref)
            if xs.get("Subtype") is LITERAL_FORM:
                out.append((key, xs))
                if "Resources" in xs:
                    visit(xs["Resources"])

    visit(resources)
    return out


def page_rects(page_obj: Any, form_cache: dict[Any, list[Rect]]) -> dict[Rect, Rect]:
    """The `x y w h re` rectangles of a page (its content streams and form XObjects): pdfium's corners
    (each number read as float32, x + w and y + h summed in float32) → pdfminer's (x, y, x + w, y + h),
    summed in double.  Corners two different rectangles share in float32 are left out (ambiguous)."""
    import numpy as np

    rects: list[Rect] = []
    for stream in page_obj.contents:
        rects += _re_ops(stream_value(stream).get_data())
    for key, xs in _forms(page_obj.resources):
        if key not in form_cache:
            form_cache[key] = _re_ops(xs.get_data())
        rects += form_cache[key]
    out: dict[Rect, Rect | None] = {}
    if not rects:
        return {}
    # pdfium's corners, all rectangles at once: each number read as float32, the sums in float32
    f32 = np.array(rects, dtype=np.float64).astype(np.float32)
    keys = zip(
        f32[:, 0].tolist(), f32[:, 1].tolist(), (f32[:, 0] + f32[:, 2]).tolist(), (f32[:, 1] + f32[:, 3]).tolist()
    )
    for (x, y, w, h), k in zip(rects, keys):
        corners = (x, y, x + w, y + h)
        out[k] = corners if out.get(k, corners) == corners else None
    return {k: v for k, v in out.items() if v is not None}


# -- text shows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Show:
    """One text-showing operator: its strings and TJ displacements (thousandths of text space) in
    order, and the text state it shows them in.  `positioned`: the text position was set (BT, Tm, Td,
    TD, T*, ', ") since the previous show, so the string does not simply continue the previous one."""

    items: tuple[bytes | float, ...]
    charspace: float
    wordspace: float
    scaling: float  # Tz, percent
    positioned: bool


_TOKEN = re.compile(
    rb"""\s*(?:
      (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?![^\s/\[\]()<>{}%])
    | (?P<name>/[^\s/\[\]()<>{}%]*)
    | (?P<hex><(?!<)[0-9A-Fa-f\s]*>)
    | (?P<skip><<|>>|%[^\r\n]*)
    | (?P<open>\[)
    | (?P<close>\])
    | (?P<lit>\()
    | (?P<op>[^\s/\[\]()<>{}%]+)
    )""",
    re.X,
)
_SPACE = re.compile(rb"\s")
_EI = re.compile(rb"\sEI(?=\s|$)")
_OCTAL = re.compile(rb"[0-7]{1,3}")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_SHOW_OPS = {b"Tj", b"TJ", b"'", b'"'}
_POSITION_OPS = {b"BT", b"Tm", b"Td", b"TD", b"T*"}


class ContentError(Exception):
    """A content stream this scanner does not read."""


def _literal(data: bytes, i: int) -> tuple[bytes, int]:
    """A literal string whose "(" ends at i: its bytes and the index after its ")"."""
    out = bytearray()
    depth, n = 1, len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:  # backslash
            i += 1
            if i >= n:
                break
            c = data[i]
            if c in _ESCAPES:
                out += _ESCAPES[c]
                i += 1
            elif 0x30 <= c <= 0x37:
                m = _OCTAL.match(data, i)
                assert m is not None
                out.append(int(m.group(), 8) & 0xFF)
                i = m.end()
            elif c == 0x0D:  # line continuation
                i += 2 if data[i + 1 : i + 2] == b"\n" else 1
            elif c == 0x0A:
                i += 1
            else:
                out.append(c)
                i += 1
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise ContentError("unterminated string")


@dataclass
class _State:
    charspace: float = 0.0
    wordspace: float = 0.0
    scaling: float = 100.0


def _scan(data: bytes, resources: Any, state: _State, out: list[Show], depth: int) -> None:
    if depth > 8:
        raise ContentError("form XObjects nested too deep")
    stack: list[_State] = []
    operands: list[Any] = []
    arrays: list[list[Any]] = []
    positioned = True
    pos, n = 0, len(data)
    match = _TOKEN.match
    while pos < n:
        m = match(data, pos)
        if m is None:
            if not data[pos:].strip():
                break
            raise ContentError(f"unreadable token at byte {pos}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "num":
            operands.append(float(m.group(kind)))
        elif kind == "hex":
            digits = _SPACE.sub(b"", m.group(kind)[1:-1])
            operands.append(bytes.fromhex((digits + b"0" if len(digits) % 2 else digits).decode()))
        elif kind == "lit":
            s, pos = _literal(data, pos)
            operands.append(s)
        elif kind == "name":
            operands.append(m.group(kind)[1:])
        elif kind == "open":
            arrays.append(operands)
            operands = []
        elif kind == "close":
            if not arrays:
                raise ContentError("unbalanced ]")
            inner, operands = operands, arrays.pop()
            operands.append(inner)
        elif kind == "op":
            op = m.group(kind)
            if op in _SHOW_OPS:
                if op == b'"' and len(operands) >= 3:
                    state.wordspace, state.charspace = operands[-3], operands[-2]
                last = operands[-1] if operands else b""
                items = tuple(last) if isinstance(last, list) else (last,)
                if not all(isinstance(x, bytes | float) for x in items):
                    raise ContentError("show with odd operands")
                moved = positioned or op in (b"'", b'"')  # ' and " move to the next line first
                out.append(Show(items, state.charspace, state.wordspace, state.scaling, moved))
                positioned = False
            elif op in _POSITION_OPS:
                positioned = True
            elif op == b"Tc" and operands:
                state.charspace = operands[-1]
            elif op == b"Tw" and operands:
                state.wordspace = operands[-1]
            elif op == b"Tz" and operands:
                state.scaling = operands[-1]
            elif op == b"q":
                stack.append(_State(state.charspace, state.wordspace, state.scaling))
            elif op == b"Q" and stack:
                restored = stack.pop()
                state.charspace, state.wordspace, state.scaling = (
                    restored.charspace,
                    restored.wordspace,
                    restored.scaling,
                )
            elif op == b"Do" and operands and isinstance(operands[-1], bytes):
                xobjects = dict_value(resolve1(resources).get("XObject") or {}) if resources else {}
                ref = xobjects.get(operands[-1].decode("latin-1"))
                if ref is not None:
                    xs = stream_value(ref)
                    if xs.get("Subtype") is LITERAL_FORM:
                        inner = _State(state.charspace, state.wordspace, state.scaling)  # q … Q around a form
                        _scan(xs.get_data(), xs.get("Resources") or resources, inner, out, depth + 1)
            elif op == b"ID":  # inline image data up to EI
                j = _EI.search(data, pos)
                pos = j.end() if j else n
            operands = []
    if arrays:
        raise ContentError("unbalanced [")


def page_shows(page_obj: Any) -> list[Show]:
    """The page's text shows in the order pdfium makes text objects of them (shows whose strings are
    all empty make none).  Raises ContentError."""
    out: list[Show] = []
    data = b"".join(stream_value(s).get_data() for s in page_obj.contents)
    _scan(data, page_obj.resources, _State(), out, 0)
    return [s for s in out if any(isinstance(x, bytes) and x for x in s.items)]
