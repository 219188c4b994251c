"""Bad documents end as ExtractionFailed events with a reason a person understands, next to good
documents that still land; nothing already stored is lost."""

from __future__ import annotations

import shutil
import zipfile

import duckdb
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .conftest import BUDGETWH, SAMPLES, run_build


def simple_pdf(path, pages: int = 1, text: str = "Quarterly newsletter", encrypt: str | None = None) -> None:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for i in range(pages):
        c.drawString(72, 720, f"{text} {i + 1}")
        c.showPage()
    c.save()


def scanned_pdf(path) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    img = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(img).rectangle([50, 50, 550, 300], outline="black")
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()


def narrative_pdf(path) -> None:
    """The explanation half of a budget some offices publish apart from the tables: text, no tables."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from tools.samplegen.render_pdf import FONT_FILE

    pdfmetrics.registerFont(TTFont("narrative-cjk", str(FONT_FILE), subfontIndex=0))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("narrative-cjk", 12)
    lines = ["2024年北京市海淀区医疗保障局部门预算情况说明",
             "一、收入预算：2024年收入预算3,120.50万元。",
             "二、支出预算：2024年支出预算3,120.50万元，其中：基本支出2,210.00万元，项目支出910.50万元。"]
    for i, line in enumerate(lines):
        c.drawString(60, 760 - 24 * i, line)
    c.showPage()
    c.save()


def zip_bomb_docx(path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (300 << 20) + b"</w:document>")


EXPECTED_REASONS = {
    "encrypted.pdf": "encrypted: cannot read without password",
    "truncated.pdf": "corrupt",
    "empty.pdf": "empty file",
    "scanned.pdf": "no text layer: scanned document, OCR not supported",
    "newsletter.pdf": "not a budget document",
    "long.pdf": "too long: 520 pages",
    "bomb.docx": "zip bomb",
}


NARRATIVE = "haidian-2024-budget-explanation.pdf"


@pytest.fixture(scope="module")
def mixed_build(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    good = sorted(SAMPLES.glob("*.pdf"), key=lambda p: p.stat().st_size)[0]
    shutil.copy(good, raw / good.name)
    simple_pdf(raw / "encrypted.pdf", encrypt="secret")
    data = good.read_bytes()
    (raw / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (raw / "empty.pdf").write_bytes(b"")
    scanned_pdf(raw / "scanned.pdf")
    simple_pdf(raw / "newsletter.pdf")
    simple_pdf(raw / "long.pdf", pages=520, text="第 页 预算 支出 收入")
    zip_bomb_docx(raw / "bomb.docx")
    narrative_pdf(raw / NARRATIVE)
    wh = tmp_path_factory.mktemp("wh") / "budget.duckdb"
    proc = run_build(raw, wh)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return raw, wh, good, proc


def failures(wh) -> dict[str, str]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return dict(con.execute(
            "select json_extract_string(payload, '$.file_name'), json_extract_string(payload, '$.reason') "
            "from events where event_type = 'ExtractionFailed'").fetchall())
    finally:
        con.close()


@pytest.mark.parametrize("name", sorted(EXPECTED_REASONS))
def test_failure_recorded_with_reason(mixed_build, name):
    _, wh, _, _ = mixed_build
    assert failures(wh)[name].startswith(EXPECTED_REASONS[name])


def test_good_document_landed_and_status_lists_failures(mixed_build):
    raw, wh, good, _ = mixed_build
    con = duckdb.connect(str(wh), read_only=True)
    try:
        status = dict(con.execute("select file_name, status from dim_document").fetchall())
        facts = con.execute("select count(*) from fact_expenditure").fetchone()[0]
    finally:
        con.close()
    assert status[good.name] == "current" and facts > 0
    assert all(status[name] == "failed" for name in EXPECTED_REASONS)
    import subprocess

    out = subprocess.run([BUDGETWH, "status", "--warehouse", str(wh)], capture_output=True, text=True).stdout
    assert "encrypted: cannot read without password" in out and "ok" in out


def test_build_output_names_each_failed_document(mixed_build):
    """`budgetwh build` says, as it reads them, which documents failed and why, and lists them again at the
    end with their reasons."""
    _, wh, good, proc = mixed_build
    reasons = failures(wh)
    lines = proc.stdout.splitlines()
    extracted = [line for line in lines if line.startswith("extract ")]
    assert len(extracted) == len(reasons) + 2  # the good sample and the narrative document too
    for name, reason in reasons.items():
        assert any(name in line and f"FAILED: {reason}" in line for line in extracted), (name, extracted)
        assert f"  failed: {name}: {reason}" in lines, proc.stdout
    assert any(good.name in line and " ok: " in line for line in extracted), extracted


def test_narrative_only_document_is_registered_not_failed(mixed_build):
    _, wh, _, _ = mixed_build
    assert NARRATIVE not in failures(wh)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        status, kind = con.execute("select status, doc_kind from dim_document where file_name = ?",
                                   [NARRATIVE]).fetchone()
    finally:
        con.close()
    assert (status, kind) == ("current", "narrative")
    import subprocess

    out = subprocess.run([BUDGETWH, "status", "--warehouse", str(wh)], capture_output=True, text=True).stdout
    line = next(ln for ln in out.splitlines() if ln.endswith(NARRATIVE))
    assert "ok: narrative only, no tables" in line
