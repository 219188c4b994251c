"""Old vs new extractor on the same PDFs: identical ExtractedDocument (page count, pages_text, tables,
compared as JSON) or the first differences.  Each side runs in its own process with its checkout first
on PYTHONPATH; the new side also says how many pages of a document pdfium read (pdfminer read the others).

    .venv/bin/python benchmarks/extractor_identity.py --old /work/main --new . [--reasons] PDF_OR_DIR...
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DUMP = r"""
import json, sys, time
from pathlib import Path
try:
    from dagster_project.extraction import pdf as pdf_tables
    from dagster_project.extraction.pdf import pdfium_objects
except ImportError:  # a checkout from before extraction/pdf/
    from dagster_project.extraction import pdf_tables, pdfium_objects
out = {}
count_pages = sys.argv[2] in ("count-pages", "reasons")
reasons = sys.argv[2] == "reasons"
for p in sys.argv[3:]:
    start = time.perf_counter()
    try:
        d = pdf_tables.extract_pdf(p)
        res = {"page_count": d.page_count, "pages_text": d.pages_text, "tables": d.tables}
    except pdf_tables.ExtractionError as exc:
        res = {"error": exc.reason}
    res["_seconds"] = time.perf_counter() - start
    if count_pages:
        try:
            res["_path"] = "pdfium {}/{} pages".format(*pdfium_objects.pages_pdfium_reads(p))
            if reasons:
                import collections, pdfplumber
                with pdfplumber.open(p) as pdf:
                    reader = pdfium_objects.PdfiumReader(pdf, p)
                    for page in pdf.pages:
                        reader.fill(page)
                        page.close()
                    reader.close()
                res["_reasons"] = collections.Counter(reader.declined.values()).most_common()
        except Exception:  # a PDF pdfium cannot open
            res["_path"] = "?"
    out[p] = res
Path(sys.argv[1]).write_text(json.dumps(out, ensure_ascii=False))
"""


def dump(root: Path, pdfs: list[str], target: Path, count_pages: bool, reasons: bool = False) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))
    mode = "reasons" if reasons else "count-pages" if count_pages else "-"
    subprocess.run([sys.executable, "-c", DUMP, str(target), mode, *pdfs], env=env, check=True, cwd=root)
    return json.loads(target.read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, required=True)
    ap.add_argument("--new", type=Path, default=Path(__file__).resolve().parents[1])
    ap.add_argument("--reasons", action="store_true", help="also print why pdfium declined pages (per document)")
    ap.add_argument("paths", nargs="+", type=Path)
    args = ap.parse_args()
    pdfs = sorted({str(f.resolve()) for p in args.paths for f in ([p] if p.is_file() else p.rglob("*.pdf"))})
    with tempfile.TemporaryDirectory() as tmp:
        old = dump(args.old.resolve(), pdfs, Path(tmp) / "old.json", count_pages=False)
        new = dump(args.new.resolve(), pdfs, Path(tmp) / "new.json", count_pages=True, reasons=args.reasons)
    differing = 0
    t_old = t_new = 0.0
    for p in pdfs:
        a, b = old[p], new[p]
        t_old += a.pop("_seconds")
        t_new += b.pop("_seconds")
        how = b.pop("_path", "?")
        declined = b.pop("_reasons", [])
        same = a == b
        differing += not same
        print(f"{'IDENTICAL' if same else 'DIFFERENT'}  {how:<20.60}  {p}")
        for reason, n in declined:
            print(f"    {n} page(s) declined: {reason}")
        if not same:
            lines_a = json.dumps(a, ensure_ascii=False, indent=1).splitlines()
            lines_b = json.dumps(b, ensure_ascii=False, indent=1).splitlines()
            for line in list(difflib.unified_diff(lines_a, lines_b, "old", "new", n=2, lineterm=""))[:40]:
                print("    " + line)
    print(f"{len(pdfs)} PDFs, {differing} different; old {t_old:.1f}s, new {t_new:.1f}s")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
