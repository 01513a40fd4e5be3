"""PDF layout: Word plans printed to PDF by LibreOffice keep their ruled tables (merged
cells, repeated header rows, rows broken by a page), and two-column pages read in order.

The PDFs are made here from .docx files with `soffice --headless --convert-to pdf` and
read through read_document, the importer's entry; without LibreOffice those tests skip.
"""

from __future__ import annotations

import ctypes
import io
import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.shared import scorer
from zhenggai.notices import parse
from zhenggai.notices.pdffile import Line, group_lines, in_columns
from zhenggai.notices.read import read_document

TABLES = Path(__file__).parents[1] / "samples" / "tables"
PLANS = sorted(TABLES.glob("*.docx"))

needs_soffice = pytest.mark.skipif(
    not shutil.which("soffice"), reason="LibreOffice (soffice) not installed"
)


def _to_pdf(sources: list[Path], folder: Path) -> list[Path]:
    """The sources converted by LibreOffice in one run, with a profile of its own."""
    command = ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile"]
    command += ["--convert-to", "pdf", "--outdir", str(folder), *map(str, sources)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return [folder / (source.stem + ".pdf") for source in sources]


def _pdf_of(data: bytes, folder: Path, name: str = "plan") -> bytes:
    source = folder / f"{name}.docx"
    source.write_bytes(data)
    return _to_pdf([source], folder)[0].read_bytes()


@pytest.fixture(scope="module")
def plan_pdfs(tmp_path_factory) -> dict[str, bytes]:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) not installed")
    folder = tmp_path_factory.mktemp("plans")
    return {pdf.stem: pdf.read_bytes() for pdf in _to_pdf(PLANS, folder)}


# --- the sample plans, printed ------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_a_plan_printed_to_pdf_scores_as_its_word_file(plan, plan_pdfs):
    document = read_document(plan_pdfs[plan.stem], plan.stem + ".pdf")
    gold = json.loads(plan.with_name(plan.stem + ".gold.json").read_text(encoding="utf-8"))
    result = scorer().score(gold, parse(document).to_json())
    assert result["score"] >= 0.95, result


def _rows(document) -> list[list[str]]:
    """Every table's rows, cell texts without spaces, a header seen before left out (two
    Word tables on one grid, one below the other, print as one table)."""
    rows: list[list[str]] = []
    for table in document.tables:
        for row in table.rows:
            texts = ["".join(document.cell_text(cell).split()) for cell in row]
            if texts not in rows[:1]:
                rows.append(texts)
    return rows


@needs_soffice
@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_a_printed_plan_has_the_word_files_rows_cell_by_cell(plan, plan_pdfs):
    word = read_document(plan.read_bytes(), plan.name)
    printed = read_document(plan_pdfs[plan.stem], plan.stem + ".pdf")
    assert _rows(printed) == _rows(word)
    assert len(printed.tables) <= len(word.tables)


# --- a long table over pages --------------------------------------------------------

HEAD = ["序号", "存在问题", "整改措施", "责任领导", "责任部门", "完成时限"]
LONG_MEASURE = "".join(
    f"{n}是对照问题清单逐项梳理{n}类情形，召开专题会议研究整改办法，形成工作记录并报送备查；"
    for n in "一二三四五六七八九十"
)


def _long_plan(rows: int, long_row: int | None = None) -> bytes:
    """A plan whose one table runs over pages, its header row repeated (w:tblHeader)."""
    document = docx.Document()
    document.add_paragraph("某某局关于巡察反馈问题的整改方案")
    document.add_paragraph("一、整改任务")
    table = document.add_table(rows=rows + 1, cols=len(HEAD), style="Table Grid")
    for column, text in enumerate(HEAD):
        table.cell(0, column).text = text
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for number in range(1, rows + 1):
        measure = LONG_MEASURE if number == long_row else f"建立第{number}项工作制度并抓好落实。"
        values = [str(number), f"第{number}项问题整改不到位", measure, "副局长", "办公室"]
        for column, text in enumerate([*values, "2024年6月30日"]):
            table.cell(number, column).text = text
    document.add_paragraph("二、保障措施")
    document.add_paragraph("加强组织领导。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@needs_soffice
def test_a_table_over_pages_is_one_table_with_its_header_once(tmp_path):
    data = _pdf_of(_long_plan(40), tmp_path)
    document = read_document(data, "plan.pdf")
    assert len(document.tables) == 1
    table = document.tables[0]
    assert len(table.rows) == 41 and 0 in table.repeated
    assert document.text.count("序号 存在问题 整改措施") == 1
    numbers = [document.cell_text(row[0]) for row in table.rows[1:]]
    assert numbers == [str(n) for n in range(1, 41)]
    notice = parse(document)
    measures = [m for p in notice.sections[0].problems for m in p.measures]
    assert len(measures) == 40 and measures[-1].text == "建立第40项工作制度并抓好落实"
    assert {m.leader for m in measures} == {"副局长"}


@needs_soffice
def test_a_row_the_page_breaks_in_two_is_one_row(tmp_path):
    data = _pdf_of(_long_plan(14, long_row=12), tmp_path)
    document = read_document(data, "plan.pdf")
    table = document.tables[0]
    assert len(table.rows) == 15, [document.cell_text(row[0]) for row in table.rows]
    long = document.cell_text(table.rows[12][2])
    assert long == LONG_MEASURE


# --- two columns --------------------------------------------------------------------

TITLE = "某某街道关于巡察整改进展情况的通报"
COLUMN_PARAGRAPHS = [
    "一、关于“为民服务意识不强”问题的整改情况",
    "一是梳理群众反映强烈的办事难点十二项，逐项明确牵头科室和完成时限，"
    "已办结十项；二是在便民服务中心设立帮办代办窗口，累计帮办事项三百余件。",
    "二、关于“基层党组织建设薄弱”问题的整改情况",
    "一是对照软弱涣散标准对所属党支部逐一排查，确定重点整顿对象两个；"
    "二是选派机关干部驻村指导，督促落实三会一课制度，补齐会议记录。",
    "三、关于“财务管理不规范”问题的整改情况",
    "一是修订财务报销管理办法，明确审批权限和报销流程；"
    "二是对近三年报销凭证开展自查，清退不合规票据金额一万余元。",
    "四、关于“作风建设有差距”问题的整改情况",
    "一是开展作风建设专项整治，查摆问题十八条并建立整改台账；"
    "二是建立督查通报制度，每月通报一次工作落实情况，推动问题动态清零。",
]


CLOSING = (
    "以上整改情况，欢迎广大干部群众监督。如有意见建议，请于通报发布之日起十个工作日内，"
    "通过来信、来电或者来访等方式向街道党工委反映，我们将认真研究并及时予以答复。"
)


def _set_columns(section, number: int) -> None:
    columns = section._sectPr.find(qn("w:cols"))
    if columns is None:
        columns = OxmlElement("w:cols")
        section._sectPr.append(columns)
    columns.set(qn("w:num"), str(number))
    columns.set(qn("w:space"), "720")


def _two_column_notice() -> bytes:
    """A title centred across the page, a section set in two columns (the right column
    starts after a column break, so where it starts does not depend on fonts), and a
    closing paragraph across the page again."""
    document = docx.Document()
    document.add_paragraph(TITLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_columns(document.add_section(WD_SECTION.CONTINUOUS), 2)
    for index, text in enumerate(COLUMN_PARAGRAPHS):
        paragraph = document.add_paragraph(text)
        if index == 3:
            paragraph.add_run().add_break(WD_BREAK.COLUMN)
    _set_columns(document.add_section(WD_SECTION.CONTINUOUS), 1)
    document.add_paragraph(CLOSING)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@needs_soffice
def test_a_two_column_page_reads_left_column_first(tmp_path):
    data = _pdf_of(_two_column_notice(), tmp_path, "columns")
    lines = read_document(data, "columns.pdf").text.split("\n")
    assert lines == [TITLE, *COLUMN_PARAGRAPHS, CLOSING]


@needs_soffice
def test_paragraphs_flow_from_column_to_column_and_page_to_page(tmp_path):
    paragraphs = [f"第{n + 1}段。{text}" for n in range(5) for text in COLUMN_PARAGRAPHS]
    document = docx.Document()
    document.add_paragraph(TITLE).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_columns(document.add_section(WD_SECTION.CONTINUOUS), 2)
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    data = _pdf_of(buffer.getvalue(), tmp_path, "flow")
    assert read_document(data, "flow.pdf").text.split("\n") == [TITLE, *paragraphs]


def _piece(text: str, left: float, top: float, width: float | None = None) -> Line:
    width = 12 * len(text) if width is None else width
    return Line(text, left, left + width, top, top - 12)


def test_a_page_in_two_columns_is_read_band_by_band():
    pieces = [_piece("通报标题横跨两栏居中排列的一行文字啊", 150, 800)]
    pieces += [_piece(f"左栏第{n}行文字内容满满当当", 72, 760 - 20 * n) for n in range(8)]
    pieces += [_piece(f"右栏第{n}行文字内容满满当当", 320, 760 - 20 * n) for n in range(8)]
    pieces += [_piece("落款横跨两栏的一行文字也是很长很长很长的", 72, 560)]
    texts = [line.text for line in in_columns(pieces)]
    assert texts[0].startswith("通报标题") and texts[-1].startswith("落款")
    assert texts[1:9] == [f"左栏第{n}行文字内容满满当当" for n in range(8)]
    assert texts[9:17] == [f"右栏第{n}行文字内容满满当当" for n in range(8)]
    assert {line.column for line in in_columns(pieces)} == {0, 1, 2}


LABELS = ["名称：", "地址：", "联系人：", "联系电话：", "统一社会信用代码："]


@pytest.mark.parametrize(
    "pieces",
    [
        # One column of body text: every line crosses the middle.
        [_piece("正文一行写满了字" * 3, 72, 760 - 20 * n) for n in range(12)],
        # A form of labels and values: a gutter, but the labels do not fill a column.
        [
            piece
            for n in range(10)
            for piece in (
                _piece(LABELS[n % len(LABELS)], 72, 760 - 20 * n),
                _piece(f"某某单位第{n}项填报内容", 320, 760 - 20 * n),
            )
        ],
    ],
    ids=["body-text", "form"],
)
def test_a_page_without_two_columns_stays_line_by_line(pieces):
    assert [line.text for line in in_columns(pieces)] == [line.text for line in group_lines(pieces)]


# --- tables drawn cell by cell, pages stored sideways --------------------------------


def _drawn_plan(rotation: int) -> bytes:
    """A page of Latin text and a 3 × 2 table whose cells are stroked rectangles, drawn
    so that it shows upright once the page's /Rotate turns it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    width, height = (595, 842) if rotation in (0, 180) else (842, 595)
    page = pdf.new_page(width, height)
    place = {
        0: lambda x, y: (x, y),
        90: lambda x, y: (width - y, x),
        180: lambda x, y: (width - x, height - y),
        270: lambda x, y: (y, height - x),
    }[rotation]
    _write(pdf, page, "Rectification plan of the bureau", place(72, 780), rotation)
    for row in range(3):
        for column in range(2):
            x, y = 72 + 150 * column, 700 - 30 * row
            _stroke(page, place(x, y), place(x + 150, y + 30))
            _write(pdf, page, f"Row {row} column {column}", place(x + 8, y + 10), rotation)
    _write(pdf, page, "Signed by the bureau", place(72, 580), rotation)
    page.gen_content()
    page.set_rotation(rotation)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _write(pdf, page, words: str, at: tuple[float, float], rotation: int) -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    obj = raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 10.0)
    buffer = ctypes.create_string_buffer((words + "\0").encode("utf-16-le"))
    raw.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
    matrix = pdfium.PdfMatrix().rotate(rotation, ccw=True).translate(*at)
    raw.FPDFPageObj_Transform(obj, *matrix.get())
    raw.FPDFPage_InsertObject(page.raw, obj)


def _stroke(page, corner: tuple[float, float], other: tuple[float, float]) -> None:
    import pypdfium2.raw as raw

    left, bottom = min(corner[0], other[0]), min(corner[1], other[1])
    width, height = abs(other[0] - corner[0]), abs(other[1] - corner[1])
    obj = raw.FPDFPageObj_CreateNewRect(left, bottom, width, height)
    raw.FPDFPath_SetDrawMode(obj, raw.FPDF_FILLMODE_NONE, True)
    raw.FPDFPage_InsertObject(page.raw, obj)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_table_of_drawn_cells_reads_upright_however_the_page_is_stored(rotation):
    document = read_document(_drawn_plan(rotation), "plan.pdf")
    assert document.text.split("\n")[0] == "Rectification plan of the bureau"
    assert document.text.split("\n")[-1] == "Signed by the bureau"
    [table] = document.tables
    assert [[document.cell_text(cell) for cell in row] for row in table.rows] == [
        [f"Row {row} column {column}" for column in range(2)] for row in range(3)
    ]
