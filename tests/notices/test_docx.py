import io
import shutil
import subprocess
import zipfile

import pytest
from lxml import etree

from tests.notices.test_render import make_notice
from zhenggai.notices.docx import letterhead_size, official_docx, to_docx
from zhenggai.notices.render import Paragraph
from zhenggai.notices.tree import Measure, Problem, Section

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def w(name: str) -> str:
    return f"{{{W}}}{name}"


def parts(data: bytes) -> dict[str, etree._Element]:
    """Every XML part of the package, parsed: a parse error fails the test."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = [n for n in package.namelist() if n.endswith((".xml", ".rels"))]
        return {n: etree.fromstring(package.read(n)) for n in names}


@pytest.fixture(scope="module")
def docx_parts():
    return parts(to_docx(make_notice(), internal=True))


def paragraph(document: etree._Element, starting: str) -> etree._Element:
    for p in document.iter(w("p")):
        if "".join(p.itertext()).startswith(starting):
            return p
    raise AssertionError(f"no paragraph starting {starting}")


def run_fonts(p: etree._Element) -> list[dict[str, str]]:
    fonts = p.findall("w:r/w:rPr/w:rFonts", NS)
    return [{k.split("}")[1]: v for k, v in f.attrib.items()} for f in fonts]


def test_it_sets_a4_and_the_margins_in_twips(docx_parts):
    sect = docx_parts["word/document.xml"].find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    assert (size.get(w("w")), size.get(w("h"))) == ("11906", "16838")
    sides = {side: margins.get(w(side)) for side in ("top", "bottom", "left", "right")}
    assert sides == {"top": "2098", "bottom": "1984", "left": "1587", "right": "1474"}


def test_it_sets_a_grid_of_22_lines_of_28_characters(docx_parts):
    grid = docx_parts["word/document.xml"].find(".//w:sectPr/w:docGrid", NS)
    assert grid.get(w("type")) == "linesAndChars"
    assert grid.get(w("linePitch")) == "579"
    assert 22 * 579 <= 16838 - 2098 - 1984 < 22 * 580
    # 28 characters at 16 pt + charSpace/4096 pt fill the 156 mm line.
    pitch = 16 + int(grid.get(w("charSpace"))) / 4096
    assert 28 * pitch <= (11906 - 1587 - 1474) / 20 < 29 * pitch


def test_it_gives_normal_exact_lines_and_fonts_with_east_asia(docx_parts):
    styles = docx_parts["word/styles.xml"]
    normal = styles.find("w:style[@w:styleId='Normal']", NS)
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert (spacing.get(w("line")), spacing.get(w("lineRule"))) == ("579", "exact")
    assert normal.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    assert normal.find("w:rPr/w:sz", NS).get(w("val")) == "32"
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(w("eastAsia")) == "仿宋_GB2312"
    assert not [k for k in defaults.attrib if k.endswith("Theme") or k.endswith("theme")]
    # 28 and not 29 characters of 16 pt plus the spacing on a 442.25 pt line.
    pitch = 16 + int(normal.find("w:rPr/w:spacing", NS).get(w("val"))) / 20
    assert 28 * pitch <= 442.25 < 29 * pitch


@pytest.mark.parametrize(
    ("starting", "fonts", "size", "align"),
    [
        ("内部", ["黑体"], "32", "left"),
        ("中共青石县林业局党组关于", ["方正小标宋简体"], "44", "center"),
        ("根据县委统一部署", ["仿宋_GB2312"], "32", "both"),
        ("一、关于", ["黑体"], "32", "both"),
        ("（一）针对", ["楷体_GB2312", "仿宋_GB2312"], "32", "both"),
        ("中共青石县林业局党组", ["仿宋_GB2312"], "32", "right"),
        ("2023年7月3日", ["仿宋_GB2312"], "32", "right"),
    ],
)
def test_it_sets_each_kind_in_its_font(docx_parts, starting, fonts, size, align):
    document = docx_parts["word/document.xml"]
    p = paragraph(document, starting)
    if starting == "中共青石县林业局党组":  # the signature, not the title
        p = [q for q in document.iter(w("p")) if "".join(q.itertext()) == starting][0]
    found = run_fonts(p)
    assert [f["eastAsia"] for f in found] == fonts
    assert all(f["ascii"] == f["eastAsia"] == f["hAnsi"] for f in found)
    assert {sz.get(w("val")) for sz in p.findall("w:r/w:rPr/w:sz", NS)} == {size}
    assert p.find("w:pPr/w:jc", NS).get(w("val")) == align


def test_it_sets_the_heading_part_of_a_problem_in_kaiti(docx_parts):
    runs = paragraph(docx_parts["word/document.xml"], "（一）针对").findall("w:r", NS)
    assert "".join(runs[0].itertext()) == "（一）针对“巡护制度不健全”问题。"
    assert "".join(runs[1].itertext()).startswith("一是修订")


@pytest.mark.parametrize(
    ("starting", "first_line"),
    [("根据县委", "200"), ("一、关于", "200"), ("（一）针对", "200"), ("内部", "0")],
)
def test_it_indents_body_paragraphs_two_characters(docx_parts, starting, first_line):
    ind = paragraph(docx_parts["word/document.xml"], starting).find("w:pPr/w:ind", NS)
    assert ind.get(w("firstLineChars")) == first_line


def test_it_puts_the_date_two_characters_right_of_the_signature(docx_parts):
    rights = [
        int(p.find("w:pPr/w:ind", NS).get(w("rightChars")))
        for p in docx_parts["word/document.xml"].iter(w("p"))
        if p.find("w:pPr/w:jc[@w:val='right']", NS) is not None
    ]
    # 中共青石县林业局党组 is 10 wide, 2023年7月3日 6 (digits are half-width).
    assert rights == [200, 400]


def test_it_turns_on_even_and_odd_footers(docx_parts):
    assert docx_parts["word/settings.xml"].find("w:evenAndOddHeaders", NS) is not None
    refs = docx_parts["word/document.xml"].findall(".//w:sectPr/w:footerReference", NS)
    assert sorted(r.get(w("type")) for r in refs) == ["default", "even"]


def footer(docx_parts, kind: str) -> etree._Element:
    rels = docx_parts["word/_rels/document.xml.rels"]
    sect = docx_parts["word/document.xml"].find(".//w:sectPr", NS)
    ref = sect.find(f"w:footerReference[@w:type='{kind}']", NS)
    rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    target = [r.get("Target") for r in rels if r.get("Id") == rid][0]
    return docx_parts[f"word/{target}"]


@pytest.mark.parametrize(("kind", "side"), [("default", "right"), ("even", "left")])
def test_it_numbers_pages_at_the_outer_edge(docx_parts, kind, side):
    p = footer(docx_parts, kind).find("w:p", NS)
    assert p.find("w:pPr/w:jc", NS).get(w("val")) == side
    assert p.find("w:pPr/w:ind", NS).get(w(f"{side}Chars")) == "100"
    texts = [t.text for t in p.iter(w("t"))]
    assert (texts[0], texts[-1]) == ("— ", " —")
    instr = "".join(t.text for t in p.iter(w("instrText")))
    assert instr.strip() == "PAGE"
    chars = [c.get(w("fldCharType")) for c in p.iter(w("fldChar"))]
    assert chars == ["begin", "separate", "end"]
    fonts = run_fonts(p)
    assert {f["eastAsia"] for f in fonts} == {"宋体"}
    assert {sz.get(w("val")) for sz in p.findall("w:r/w:rPr/w:sz", NS)} == {"28"}


def test_it_sets_east_asia_on_every_run(docx_parts):
    for name in ("word/document.xml", *[n for n in docx_parts if "footer" in n]):
        for run in docx_parts[name].iter(w("r")):
            assert run.find("w:rPr/w:rFonts", NS).get(w("eastAsia")), name


def test_it_writes_the_public_version_without_the_mark():
    document = parts(to_docx(make_notice()))["word/document.xml"]
    first = "".join(document.find(".//w:body/w:p", NS).itertext())
    assert first.startswith("中共青石县林业局党组关于")


def test_it_lays_out_other_documents_with_a_number():
    data = official_docx(
        [Paragraph("title", "关于督促整改的通知"), Paragraph("body", "请于十日内报告。")],
        doc_number="青巡办〔2023〕3号",
    )
    texts = ["".join(p.itertext()) for p in parts(data)["word/document.xml"].iter(w("p"))]
    assert texts[:3] == ["青巡办〔2023〕3号", "", "关于督促整改的通知"]


def long_notice():
    text = "召开专题会议3次，研究部署整改工作，明确责任分工，建立工作台账，定期跟踪督办进展。"
    measures = [Measure(text) for _ in range(6)]
    problems = [Problem(f"具体问题{i}", label="一", measures=measures) for i in range(6)]
    return make_notice(sections=[Section("某方面", problems=problems)])


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext not installed")
def test_it_holds_22_lines_of_28_characters_on_a_full_page(tmp_path):
    (tmp_path / "n.docx").write_bytes(to_docx(long_notice()))
    convert = ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    convert += ["--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "n.docx")]
    subprocess.run(convert, check=True, capture_output=True, timeout=180)
    layout = ["pdftotext", "-layout", "-f", "2", "-l", "2", str(tmp_path / "n.pdf"), "-"]
    page = subprocess.run(layout, check=True, capture_output=True, text=True).stdout
    lines = [line.replace(" ", "") for line in page.splitlines() if line.strip()]
    assert lines[-1] == "—2—"  # the even page's number, and 22 lines of text above it
    assert len(lines[:-1]) == 22
    # A full line holds 28 characters: 27 full-width plus 2 half-width digits in "3次".
    widths = [sum(0.5 if ord(c) < 0x2000 else 1 for c in line) for line in lines[:-1]]
    assert max(widths) == 28


def letterhead_runs(header: str) -> tuple[list[etree._Element], etree._Element]:
    data = official_docx([Paragraph("title", "关于督促整改的通知")], letterhead=header)
    head = paragraph(parts(data)["word/document.xml"], header)
    return head.findall("w:r/w:rPr/w:sz", NS), head.find("w:pPr/w:spacing", NS)


LONG_HEADER = "中共临平区某某街道工作委员会 临平区某某街道办事处"


@pytest.mark.parametrize(
    "header,size",
    [
        ("中共测试区甲单位党组", 72),  # 10 characters fit at 小初, 36 pt
        ("中共临川区委巡察工作领导小组办公室", 52),  # 17 at 26 pt (一号)
        ("中共临川区委巡察工作领导小组办公室文件", 46),  # 19 at 23 pt
        ("中共ABC县委巡察工作领导小组办公室", 52),  # Latin counts half: 16.5 wide
        (LONG_HEADER, 44),  # too long even at 二号: kept at 二号, wraps, nothing cut
    ],
)
def test_it_shrinks_a_long_letterhead_to_stay_on_one_line(header, size):
    sizes, spacing = letterhead_runs(header)
    assert [s.get(w("val")) for s in sizes] == [str(size)]
    assert spacing.get(w("line")) == str(size * 15)  # the exact line height follows
    assert letterhead_size(header) == size


def test_a_letterhead_that_does_not_fit_is_written_whole():
    data = official_docx([Paragraph("title", "关于督促整改的通知")], letterhead=LONG_HEADER)
    texts = ["".join(p.itertext()) for p in parts(data)["word/document.xml"].iter(w("p"))]
    assert texts[0] == LONG_HEADER


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_a_long_letterhead_stays_on_one_line_in_libreoffice(tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    header = "中共临川区委巡察工作领导小组办公室文件"  # two lines at 小初
    data = official_docx([Paragraph("title", "关于督促整改的通知")], letterhead=header)
    (tmp_path / "h.docx").write_bytes(data)
    convert = ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    convert += ["--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "h.docx")]
    subprocess.run(convert, check=True, capture_output=True, timeout=180)
    pdf = pdfium.PdfDocument(str(tmp_path / "h.pdf"))
    text = pdf[0].get_textpage().get_text_range()
    pdf.close()
    lines = [line.replace(" ", "") for line in text.splitlines() if line.strip()]
    assert lines[:2] == [header, "关于督促整改的通知"]
