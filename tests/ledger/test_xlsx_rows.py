"""put_row and put_rows write streamed rows exactly as put would, cell by cell, faster."""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from zhenggai import xlsx
from zhenggai.xlsx import add_formats, put, put_row, put_rows

STYLES = {
    "cell": {"border": 1, "text_wrap": True, "valign": "top"},
    "merged": {"border": 1, "text_wrap": True, "valign": "vcenter"},
    "date": {"border": 1, "num_format": 'yyyy"年"m"月"d"日"'},
}
ROWS = [
    (1, "问题类别一", "=SUM(A1:A9)", dt.date(2026, 6, 30), "", None, 2.5),
    (2, None, "+86 电话", "长期坚持", "  前后有空格　", "a & b < c > d", -3),
    (3, None, "@某人", dt.date(1900, 1, 15), "控制\x01字符_x0041_", "-负号开头", 0),
    (4, "问题类别二", "换行\n第二行", dt.date(2026, 12, 31), "\t制表开头", "普通文字", 10**6),
]
ROW_STYLES = ("cell", "merged", "cell", "cell", "cell", "cell", "cell")


def write(fast: bool | str, workbook=xlsxwriter.Workbook) -> bytes:
    """The rows cell by cell (False), a row at a time (True) or in two put_rows calls."""
    out = io.BytesIO()
    book = workbook(out, {"constant_memory": True})
    fmt = add_formats(book, STYLES)
    sheet = book.add_worksheet("台账")
    put(sheet, 0, 0, "=标题", fmt, merge_to=(0, 6))
    if fast == "rows":
        rows = [(r, values, ROW_STYLES) for r, values in enumerate(ROWS, start=1)]
        put_rows(sheet, rows[:3], fmt)
        put_rows(sheet, rows[3:], fmt)
    for r, values in enumerate(ROWS, start=1):
        if fast == "rows":
            break
        if fast:
            put_row(sheet, r, values, fmt, ROW_STYLES)
        else:
            for c, value in enumerate(values):
                put(sheet, r, c, value, fmt, style=ROW_STYLES[c])
    book.close()
    return out.getvalue()


def cells(data: bytes) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [
        (
            c.coordinate,
            c.value,
            c.data_type,
            c.number_format,
            c.quotePrefix,
            c.alignment.vertical,
            c.border.left.style,
        )
        for row in sheet.iter_rows()
        for c in row
    ]


def test_put_row_writes_what_put_writes():
    slow, fast = cells(write(fast=False)), cells(write(fast=True))
    assert fast == slow
    assert cells(write(fast="rows")) == slow
    by_ref = {c[0]: c for c in fast}
    assert by_ref["C2"][1:3] == ("=SUM(A1:A9)", "s") and by_ref["C2"][4]  # text, quotePrefix
    assert by_ref["D2"][1] == dt.datetime(2026, 6, 30) and "年" in by_ref["D2"][3]
    assert by_ref["D4"][1] == dt.datetime(1900, 1, 15)  # before Excel's 1900 leap-day bug
    assert by_ref["E3"][1] == "  前后有空格　"
    # openpyxl shows Excel's escapes as they are stored (as for put's cells)
    assert by_ref["E4"][1] == "控制_x0001_字符_x005F_x0041_"
    assert by_ref["F3"][1] == "a & b < c > d"
    assert by_ref["B3"][5] == by_ref["B2"][5] == "center"  # the "merged" style


def test_our_workbook_packs_faster_than_xlsxwriters_and_holds_the_same():
    """Deflate level 1 for zhenggai.xlsx.Workbook only: a bigger file, the same cells."""
    ours, theirs = write("rows", xlsx.Workbook), write("rows")
    assert cells(ours) == cells(theirs)
    assert len(ours) > len(theirs)
    assert cells(write("rows")) == cells(theirs) and len(write("rows")) == len(theirs)


def test_calamine_reads_the_fast_rows():
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(write(fast=True))).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[1][:4] == [1, "问题类别一", "=SUM(A1:A9)", dt.date(2026, 6, 30)]
    assert rows[2][2:6] == ["+86 电话", "长期坚持", "  前后有空格　", "a & b < c > d"]
    assert rows[4][2] == "换行\n第二行"
    assert rows[3][4] == "控制\x01字符_x0041_"


def test_kept_cells_take_their_own_style_and_workbook(monkeypatch):
    """The XML kept for a value carries a style index: one text in two styles, and in a
    workbook whose styles were added in another order, keeps its own style each time;
    the table of kept values is emptied when full, not grown."""
    monkeypatch.setattr(xlsx._Bodies, "KEPT", 3)
    datas = []
    for styles in (STYLES, dict(reversed(STYLES.items()))):
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        fmt = add_formats(book, styles)
        sheet = book.add_worksheet()
        for r in range(6):
            texts = ("同一文字", "同一文字", f"第{r}行", dt.date(2026, 1, 1 + r % 2))
            put_row(sheet, r, texts, fmt, ("cell", "merged", "cell", "cell"))
        assert all(len(kept) <= 3 for kept in fmt.rows.bodies.values())
        book.close()
        datas.append(out.getvalue())
    for data in datas:
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        for row in sheet.iter_rows():
            assert [c.alignment.vertical for c in row[:2]] == ["top", "center"]
            assert "年" in row[3].number_format and row[3].border.left.style == "thin"
        assert [row[2].value for row in sheet.iter_rows()] == [f"第{r}行" for r in range(6)]
        assert sheet["D6"].value == dt.datetime(2026, 1, 2)


def test_put_row_refuses_what_it_cannot_write():
    book = xlsxwriter.Workbook(io.BytesIO(), {"constant_memory": True})
    fmt = add_formats(book, STYLES)
    sheet = book.add_worksheet()
    with pytest.raises(TypeError):
        put_row(sheet, 0, (object(),), fmt)
    put_row(sheet, 0, (0, 1, 2), fmt)  # numbers are kept: True == 1 must not find one
    for value in (True, False):
        with pytest.raises(TypeError):
            put_row(sheet, 1, (value,), fmt)
    with pytest.raises(ValueError):
        put_row(sheet, 0, ("两个值", "一个样式"), fmt, ("cell",))
    book.close()


def calc() -> bool:
    """LibreOffice with its spreadsheet module (Debian's libreoffice-calc)."""
    soffice = shutil.which("soffice")
    program = Path(soffice).resolve().parent if soffice else None
    return bool(program and (program / "libsclo.so").exists())


@pytest.mark.skipif(not calc(), reason="LibreOffice Calc is not installed")
def test_libreoffice_converts_the_fast_rows(tmp_path):
    source = tmp_path / "台账.xlsx"
    source.write_bytes(write(fast=True))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    text = (tmp_path / "台账.csv").read_text(encoding="utf-8")
    assert "=SUM(A1:A9)" in text and "普通文字" in text and "a & b < c > d" in text
    assert "问题类别一" in text and "2026年6月30日" in text
