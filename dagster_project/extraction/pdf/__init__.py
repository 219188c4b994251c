"""PDF budget documents → page text + RawTables (see docs/architecture.md, "RawTable").

Pure functions, no Dagster imports.  One pass over the document with pdfplumber:

* every page's text (normalised, see `text_normalize`) goes to `pages_text`;
* only pages that carry ruling (lines, rects or curves) get table finding ("lines" strategy);
* cell text is rebuilt from the glyphs: wrapped lines are joined without a separator; in a
  left-aligned cell a line that stopped short of the right edge ended at a space (" ") or at a line
  break ("\n"), see `_cell_text`; punctuation hanging past a cell's edge stays in its cell;
* leading grid rows that only hold the title or "部门：… 单位：万元" (sheets printed from Excel frame
  them) are given back to the page text;
* the text outside the tables is cut into lines, and a line into segments at wide gaps (so
  "编制部门：… 单位：元" gives two context items); above each table the nearest line naming a 表
  (joined with a bare "公开01表"/"表5" above it, or with its own first half when wrapped) is its
  title, else a heading set in larger type; the lines between title and table are its context,
  "注：…"/"说明：…"/"不涉及" lines right below it its notes;
* a table at the top of a page without a title of its own continues the table that ended the last page
  when it repeats that table's header rows, starts with a body row of the same width, or is drawn with
  the same column edges (text lines above it that fit those columns are its first rows); a row the
  page break cut in two is joined;
* cells' background fills are not ruling where a page is ruled (they would cut extra columns);
* a numbered title printed without any table ("表2 …" of an empty table) gives a RawTable with no
  rows; a title at the foot of a page belongs to the table at the top of the next one;
* header rows end at the 栏次 row, else before the first row with an amount, a classification
  code or a leading 合计/总计 (no such row: the first row is the header); blank rows are kept
  where printed in the body.

Speed (issue #7; cProfile: ~80% of the time was pdfminer interpreting the content streams): the page
objects (chars, lines, rects, curves) are built by pdfium (`pdfium_objects`, C++) in the dicts pdfminer
and pdfplumber would give, so pdfplumber's table finder and text functions run on them unchanged and
pdfminer never interprets a page.  A page holding anything pdfium_objects cannot reproduce exactly (see
its docstring) is parsed by pdfminer; a document that fails is read again with pdfminer alone.  Fake-bold glyphs are removed by
`_dedupe_chars`, pdfplumber's algorithm without its generic clustering and quadratic final sort, and
pdfminer's per-token `log.debug` calls are shadowed while a document is read.  The output is the same
as before, byte for byte (benchmarks/extractor_identity.py compares two checkouts).

Modules, in the order a page goes through them: `reader` (open, page objects, dedupe) → `geometry`
(ruling, text lines) → `cells` (glyphs → cell text) → `grid` (a found table's cells and column edges) →
`labels` (what a line or row is) → `assembly` (titles, context, notes, continuations → RawTables).
"""

from .document import (
    CorruptPDFError,
    EmptyFileError,
    EncryptedPDFError,
    ExtractedDocument,
    ExtractionError,
    NoTextLayerError,
)
from .labels import is_body_row, split_header
from .reader import extract_pdf

__all__ = [
    "ExtractedDocument",
    "ExtractionError",
    "EmptyFileError",
    "EncryptedPDFError",
    "CorruptPDFError",
    "NoTextLayerError",
    "extract_pdf",
    "is_body_row",
    "split_header",
]
