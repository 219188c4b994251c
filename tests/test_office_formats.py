"""Word and Excel documents give the same canonical tables as a PDF of the same content."""

from __future__ import annotations

import zipfile

import pytest

from dagster_project.extraction.classify import interpret_table
from dagster_project.extraction.office_tables import OfficeExtractionError, extract_docx, extract_xlsx

TITLE = "预算03表 2023年部门（单位）支出预算总表"
HEADER = [["支出功能分类科目", "政府支出经济分类科目", "部门支出经济分类科目", "合计", "基本支出", "项目支出"]]
BODY = [
    ["2101501-行政运行", "50101-工资奖金津补贴", "30101-基本工资", "296.64", "296.64", ""],
    ["2101502-一般行政管理事务", "50299-其他商品和服务支出", "30299-其他商品和服务支出", "41.00", "", "41.00"],
    ["合 计", "", "", "337.64", "296.64", "41.00"],
]


def write_docx(path):
    import docx

    d = docx.Document()
    d.add_paragraph("2023年北京市东城区医疗保险事务管理中心单位预算")
    d.add_paragraph(TITLE)
    d.add_paragraph("金额单位：万元")
    table = d.add_table(rows=len(HEADER) + len(BODY), cols=6)
    for i, row in enumerate(HEADER + BODY):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    d.add_paragraph("本单位不涉及此项工作内容。")
    d.save(path)


def write_xlsx(path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.append(["金额单位：万元"])
    for row in HEADER + BODY:
        ws.append([float(c.replace(",", "")) if c and c[0].isdigit() and "." in c and "-" not in c else c
                   for c in row])
    wb.save(path)


@pytest.mark.parametrize(("writer", "reader"), [(write_docx, extract_docx), (write_xlsx, extract_xlsx)])
def test_office_table_matches_canonical_shape(tmp_path, writer, reader):
    path = tmp_path / ("doc.docx" if reader is extract_docx else "doc.xlsx")
    writer(path)
    doc = reader(path)
    assert len(doc.tables) == 1
    t = interpret_table(doc.tables[0], 0)
    assert t["title"] == TITLE
    assert t["table_kind"] == "expenditure_summary" and t["multiplier"] == 10000
    assert t["columns"] == ["function", "econ_gov", "econ_dept", "total", "basic", "project"]
    def normal(cells):  # "合 计" and "41.00" may come back as "合计" and "41": same label, same amount
        return [c.replace(" ", "").removesuffix(".00") for c in cells]

    assert [normal(r["cells"]) for r in t["rows"]] == [normal(c) for c in BODY]
    assert [r["row_type"] for r in t["rows"]] == ["data", "data", "total"]


def test_zip_bomb_docx_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (260 << 20))
    with pytest.raises(OfficeExtractionError, match="zip bomb"):
        extract_docx(path)


def test_empty_docx(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(OfficeExtractionError, match="empty file"):
        extract_docx(path)
