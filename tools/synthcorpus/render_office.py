"""A synthcorpus variant through office software: python-docx → .docx → LibreOffice → PDF (issue #3).

The same document model and ground truth as tools.synthcorpus (`variant_blocks`: region, unit codes,
year and amounts × k rewritten in the seed before parsing), laid out by a different engine than the
bundled samples' reportlab: real Word tables (merged header cells as gridSpan/vMerge, header rows
marked `tblHeader` so LibreOffice repeats them on every page a table continues on, rows that cannot
split), amounts right-aligned, titles and "金额单位：…" lines as paragraphs, page numbers as a PAGE
field in the footer, every table on a new page (a landscape section when it is wide), all in the
CJK font WenQuanYi Zen Hei so the exported PDF has a text layer with real glyphs.  LibreOffice
decides the page breaks, so the gold has no pages; it has the tables as printed (tests/gold shape
without "page"/"pages") plus the variant and the office layout.

    .venv/bin/python -m tools.synthcorpus.render_office --out DIR [--n 3] [--seed 7]

writes DIR/raw/<name>.pdf, DIR/docx/<name>.docx and DIR/gold/<name>.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from tools.samplegen.render_pdf import header_spans, printed

from . import AMOUNT_CELL_RE, Variant, plan, variant_blocks

FONT = "WenQuanYi Zen Hei"  # fontconfig name of Debian's fonts-wqy-zenhei
PAGE_SIZES_MM = {"A4": (210.0, 297.0), "B5": (176.0, 250.0), "A5": (148.0, 210.0)}


class OfficeError(RuntimeError):
    """LibreOffice is missing or the conversion failed."""


@dataclass(frozen=True)
class OfficeLayout:
    """Page setup of the Word document (LibreOffice breaks the pages)."""

    page: str = "A4"  # PAGE_SIZES_MM key
    margin_mm: float = 20
    cell_pt: float = 8  # table text size
    landscape_min_cols: int = 8  # tables at least this wide get a landscape section


# ------------------------------------------------------------------------------------------ docx


def _font(run_or_style: Any, size_pt: float | None = None) -> None:
    """WenQuanYi Zen Hei for Latin and East Asian text alike (w:rFonts ascii/hAnsi/eastAsia)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = FONT
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size_pt is not None:
        font.size = Pt(size_pt)


def _paragraph(container: Any, text: str, size_pt: float, align: str = "left", indent_pt: float = 0,
               space_after_pt: float = 0) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = container.add_paragraph()
    p.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(space_after_pt), 1.0
    if indent_pt:
        fmt.first_line_indent = Pt(indent_pt)
    for i, line in enumerate(text.split("\n")):
        run = p.add_run(line)
        _font(run, size_pt)
        if i < text.count("\n"):
            run.add_break()
    return p


def _page_field(paragraph: Any) -> None:
    """"- N -" with N a PAGE field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None) -> None:
        r = paragraph.add_run(text or "")
        _font(r, 8)
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("- ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" -")


def _setup_section(section: Any, layout: OfficeLayout, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    w, h = PAGE_SIZES_MM[layout.page]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(h), Mm(w)) if landscape else (Mm(w), Mm(h))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(layout.margin_mm))
    section.footer_distance = Mm(max(4.0, layout.margin_mm / 2))


def _usable_width_mm(layout: OfficeLayout, landscape: bool) -> float:
    w, h = PAGE_SIZES_MM[layout.page]
    return (h if landscape else w) - 2 * layout.margin_mm


def _column_weights(grid: list[list[str]]) -> list[int]:
    width = max(len(r) for r in grid)
    return [min(max(max((len(r[c]) for r in grid if c < len(r)), default=1), 4), 22) for c in range(width)]


def _mark_row(row: Any, header: bool) -> None:
    """Header rows repeat on every page the table continues on; no row is split over two pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", *(("w:tblHeader",) if header else ())):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _fixed_layout(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _add_table(doc: Any, t: dict[str, Any], layout: OfficeLayout, landscape: bool) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    header = t["header_rows"]
    grid = header + [r["cells"] for r in t["rows"]]
    width = max(len(r) for r in grid)
    grid = [r + [""] * (width - len(r)) for r in grid]
    table = doc.add_table(rows=len(grid), cols=width)
    table.style = "Table Grid"
    table.autofit = False
    _fixed_layout(table)
    weights = _column_weights(grid)
    usable = _usable_width_mm(layout, landscape)
    widths = [Mm(usable * w / sum(weights)) for w in weights]
    for col, w in zip(table.columns, widths):
        col.width = w
    # all cells once (table.cell(i, j) walks the whole table each time), filled before merging:
    # a merged header cell keeps its top-left cell's text, the cells it covers are empty
    cells = [list(row.cells) for row in table.rows]
    for i, (row, texts) in enumerate(zip(table.rows, grid)):
        _mark_row(row, header=i < len(header))
        for j, text in enumerate(texts):
            cell = cells[i][j]
            cell.width = widths[j]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if not text:
                continue
            p = cell.paragraphs[0]
            if i < len(header):
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif AMOUNT_CELL_RE.match(text.strip()):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            lines = text.split("\n")
            for k, line in enumerate(lines):
                run = p.add_run(line)
                _font(run, layout.cell_pt)
                if k < len(lines) - 1:
                    run.add_break()
    for (c, r), (c2, r2) in header_spans(grid[: len(header)]):
        cells[r][c].merge(cells[r2][c2])


def write_docx(blocks: list[dict[str, Any]], out: Path, title: str, layout: OfficeLayout = OfficeLayout()) -> None:
    """The document model as a Word file: narrative paragraphs, each table on a new page."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Pt

    doc = docx.Document()
    doc.core_properties.title = title
    doc.core_properties.author = "budget-warehouse synthcorpus (office route)"
    normal = doc.styles["Normal"]
    _font(normal, 10.5)
    normal.paragraph_format.space_after = Pt(0)
    first = doc.sections[0]
    _setup_section(first, layout, landscape=False)
    _page_field(first.footer.paragraphs[0])
    first.footer.paragraphs[0].alignment = 1  # centred
    orientation = "portrait"
    started = False  # anything on the first page yet
    for block in blocks:
        if block["type"] == "text":
            if orientation == "landscape":  # narrative goes back to portrait pages
                _setup_section(doc.add_section(WD_SECTION.NEW_PAGE), layout, landscape=False)
                orientation = "portrait"
            _paragraph(doc, block["text"], 10.5, indent_pt=21)
            started = True
            continue
        t = block["table"]
        width = max([len(r) for r in t["header_rows"]] + [len(r["cells"]) for r in t["rows"]] + [0])
        wanted = "landscape" if width >= layout.landscape_min_cols else "portrait"
        if started:
            _setup_section(doc.add_section(WD_SECTION.NEW_PAGE), layout, landscape=wanted == "landscape")
        else:
            _setup_section(doc.sections[-1], layout, landscape=wanted == "landscape")
        orientation, started = wanted, True
        _paragraph(doc, t["title"], 14, align="center", space_after_pt=6)
        for c in t["context"]:
            right = bool(re.match(r"^(金额)?单位\s*[:：]", c))
            _paragraph(doc, c, 9, align="right" if right else "left", space_after_pt=2)
        if t["header_rows"] or t["rows"]:
            _add_table(doc, t, layout, wanted == "landscape")
        for note in t["notes"]:
            _paragraph(doc, note, 9)
    doc.save(str(out))


# ------------------------------------------------------------------------------------------ PDF


def convert_to_pdf(docx_files: list[Path], out_dir: Path, timeout: float = 300) -> list[Path]:
    """LibreOffice's PDF export of each .docx (one soffice run, a private throw-away profile so
    parallel runs do not share ~/.config/libreoffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise OfficeError("soffice not found: install LibreOffice (`make office`, or apt-get install "
                          "libreoffice-writer-nogui)")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="budgetwh-lo-profile-") as profile:
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), *map(str, docx_files)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise OfficeError(f"soffice did not finish within {timeout:.0f} s") from exc
    pdfs = [out_dir / f"{p.stem}.pdf" for p in docx_files]
    missing = [p.name for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise OfficeError(f"soffice failed (exit {proc.returncode}, missing {missing}): "
                          f"{(proc.stdout + proc.stderr).strip()[-2000:]}")
    return pdfs


# ------------------------------------------------------------------------------------------ gold


def gold_tables(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tables as a perfect extractor returns them (render_pdf.gold_table without the pages,
    which LibreOffice decides): cells as printed, every row as wide as the table."""
    out = []
    for b in blocks:
        if b["type"] != "table":
            continue
        t = b["table"]
        width = max([len(r) for r in t["header_rows"]] + [len(r["cells"]) for r in t["rows"]] + [0])

        def row(cells: list[str], width: int = width) -> list[str]:
            return [printed(c) for c in cells] + [""] * (width - len(cells))

        out.append({**t, "header_rows": [row(h) for h in t["header_rows"]],
                    "rows": [{"cells": row(r["cells"])} for r in t["rows"]]})
    return out


def build_office_documents(variants: list[tuple[Variant, OfficeLayout]], out_dir: Path, gold_dir: Path,
                           work_dir: Path, timeout: float = 300) -> list[dict[str, Any]]:
    """out_dir/<name>.pdf (via work_dir/docx/<name>.docx) and gold_dir/<name>.json for each variant;
    returns the golds.  The variant's reportlab `layout` is not used; the gold records the office one."""
    docx_dir = work_dir / "docx"
    docx_dir.mkdir(parents=True, exist_ok=True)
    gold_dir.mkdir(parents=True, exist_ok=True)
    golds, files = [], []
    for v, office in variants:
        blocks = variant_blocks(v, work_dir / "seeds" / v.name)
        title = next((b["text"] for b in blocks if b["type"] == "text"), v.name)
        path = docx_dir / f"{v.name}.docx"
        write_docx(blocks, path, title, office)
        files.append(path)
        gold = {"document": v.name, "renderer": "python-docx + LibreOffice",
                "variant": {**asdict(v), "layout": None}, "office_layout": asdict(office),
                "tables": gold_tables(blocks)}
        (gold_dir / f"{v.name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n",
                                                 encoding="utf-8")
        golds.append(gold)
    convert_to_pdf(files, out_dir, timeout)
    return golds


OFFICE_LAYOUTS = (OfficeLayout("A4", 25, 9, 9), OfficeLayout("B5", 15, 8, 8), OfficeLayout("A5", 12, 7, 7))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    variants = [(replace(v, name=v.name.replace("synth-", "synth-office-", 1)), OFFICE_LAYOUTS[i % 3])
                for i, v in enumerate(plan(args.n, args.seed))]
    golds = build_office_documents(variants, args.out / "raw", args.out / "gold", args.out)
    for g in golds:
        print(f"{args.out / 'raw' / g['document']}.pdf  {len(g['tables'])} tables")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
