"""`budgetwh trace` on a fact_expenditure row of each sample prints the chain back to the source page, and
the number it names is really printed on that page of the PDF."""

from __future__ import annotations

import subprocess

import pdfplumber
import pytest

from .conftest import BUDGETWH, SAMPLES


@pytest.mark.parametrize("pdf", sorted(p.name for p in SAMPLES.glob("*.pdf")))
def test_trace_ends_at_the_page_that_prints_the_number(pdf, sample_build, wh):
    doc, table, row, page, etype = wh.execute(
        """select f.document_id, f.table_index, f.row_index, f.source_page, f.expenditure_type
           from fact_expenditure f join dim_document d using (document_id)
           where d.file_name = ? order by f.amount_yuan desc, f.table_index, f.row_index limit 1""", [pdf]).fetchone()
    column = etype if etype in ("basic", "project") else "total"
    printed = wh.execute(
        """select raw_text from intermediate.int_table_cells where document_id = ? and table_index = ? and row_index = ?
           and column_name in (?, 'total') order by column_name = ? desc limit 1""",
        [doc, table, row, column, column]).fetchone()[0]

    out = subprocess.run([BUDGETWH, "trace", "--document", doc[:16], "--table", str(table), "--row", str(row),
                          "--warehouse", str(sample_build[0])], capture_output=True, text=True, check=True).stdout
    assert f"{pdf}  (document {doc[:12]})  page {page}" in out
    assert "2. extracted" in out and "3. parsed" in out and f"'{printed}'" in out
    assert "fact_expenditure ← int_expenditure_lines" in out and "stg_events" in out
    assert "5. checks" in out and "[pass" in out

    with pdfplumber.open(SAMPLES / pdf) as source:
        assert printed in source.pages[page - 1].extract_text().replace(" ", "")
