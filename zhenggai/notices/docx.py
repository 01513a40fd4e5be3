"""Official documents as .docx, laid out after GB/T 9704-2012 (党政机关公文格式).

`official_docx` lays out any list of render.Paragraph (a notice, later a supervision
order); `to_docx` feeds it a notice. Fonts are named as Chinese offices install them;
Word, WPS and LibreOffice substitute when one is missing, the layout does not move
because every line has an exact height.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Twips
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml.etree import _Element

from zhenggai.notices.render import Paragraph, to_paragraphs
from zhenggai.notices.tree import Notice

XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"


def mm(value: float) -> int:
    """Millimetres to twips (1/1440 inch), the unit of page geometry in WordprocessingML."""
    return round(value * 1440 / 25.4)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4, 210 × 297 mm, as Word writes it
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = mm(37), mm(35), mm(28), mm(26)
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_SIZE = 32  # half-points: 三号, 16 pt
TITLE_SIZE = 44  # 二号, 22 pt
PAGE_NUMBER_SIZE = 28  # 四号, 14 pt
# Rounded down: 22 lines of 580 twips would overrun the 225 mm text block by 4 twips
# and push the 22nd line onto the next page.
LINE_PITCH = (PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) // LINES_PER_PAGE
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
# docGrid charSpace is the pitch's departure from the font size, in 1/4096 pt: 28
# characters of 三号 (448 pt) are squeezed into the 156 mm (442 pt) line. Rounded
# down, as rounding up would leave the 28th character a hair too wide to fit.
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS_PER_LINE - BODY_SIZE / 2) * 4096)
# Character spacing in 1/20 pt that sets 28 and not 29 三号 characters on a line,
# taken halfway between the two limits so that rounding in any reader keeps 28.
_PITCH = (TEXT_WIDTH / CHARS_PER_LINE + TEXT_WIDTH / (CHARS_PER_LINE + 1)) / 2 / 20
CHAR_SPACING = round((_PITCH - BODY_SIZE / 2) * 20)
CHAR_TWIPS = BODY_SIZE * 10  # one 三号 character, for indents counted in characters
# The page number's 一字线 sits 7 mm below the text block: the footer's baseline
# distance is the bottom margin less those 7 mm and one 四号 line.
FOOTER_DISTANCE = MARGIN_BOTTOM - mm(7) - PAGE_NUMBER_SIZE * 10


@dataclass(frozen=True)
class _Look:
    """How one kind of paragraph is set: font, size, alignment, indents in characters."""

    font: str
    size: int = BODY_SIZE
    align: str = "both"
    first_line: float = 2
    lead_font: str | None = None


LOOKS = {
    "mark": _Look(HEITI, align="left", first_line=0),
    "doc_number": _Look(FANGSONG, align="center", first_line=0),
    "title": _Look(XIAOBIAOSONG, TITLE_SIZE, align="center", first_line=0),
    "heading1": _Look(HEITI),
    "heading2": _Look(FANGSONG, lead_font=KAITI),
    "body": _Look(FANGSONG),
    "signature": _Look(FANGSONG, align="right", first_line=0),
    "date": _Look(FANGSONG, align="right", first_line=0),
    "blank": _Look(FANGSONG, first_line=0),
}


def to_docx(notice: Notice, *, internal: bool = False) -> bytes:
    """The notice as a GB/T 9704 .docx; the internal version carries the 内部 mark."""
    return official_docx(to_paragraphs(notice, internal=internal))


def official_docx(paragraphs: list[Paragraph], *, doc_number: str | None = None) -> bytes:
    """Lay typed paragraphs out as an official document and return the .docx bytes."""
    doc = Document()
    _set_defaults(doc)
    section = doc.sections[0]
    _set_page(section)
    indents = _signature_indents(paragraphs)
    for para in _with_blank_lines(paragraphs, doc_number):
        _write_paragraph(doc.add_paragraph(), para, indents.get(para.kind, 0))
    doc.settings.odd_and_even_pages_header_footer = True
    _write_page_number(section.footer.paragraphs[0], odd=True)
    _write_page_number(section.even_page_footer.paragraphs[0], odd=False)
    titles = [p.text for p in paragraphs if p.kind == "title"]
    doc.core_properties.title = titles[0] if titles else ""
    doc.core_properties.author = doc.core_properties.comments = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_blank_lines(paragraphs: list[Paragraph], doc_number: str | None) -> list[Paragraph]:
    """Insert the empty lines the standard asks for: under the title, above the signature."""
    blank = Paragraph("blank", "")
    out: list[Paragraph] = []
    for para in paragraphs:
        if para.kind == "title" and doc_number:
            out += [Paragraph("doc_number", doc_number), blank]
        if para.kind == "signature":
            out.append(blank)
        out.append(para)
        if para.kind in ("title", "mark"):
            out.append(blank)
    return out


def _signature_indents(paragraphs: list[Paragraph]) -> dict[str, float]:
    """Right indents in characters: signature 右空二字, date starting two characters
    right of the signature's first (GB/T 9704 §7.3.5.2, unsealed documents)."""
    texts = {p.kind: p.text for p in paragraphs if p.kind in ("signature", "date")}
    signature = _width(texts.get("signature", ""))
    date = _width(texts.get("date", ""))
    if not signature:
        return {"date": 4}
    date_right = signature + 2 - 2 - date
    if date_right >= 2:
        return {"signature": 2, "date": date_right}
    return {"signature": 4 + date - signature, "date": 2}


def _width(text: str) -> float:
    """Width in 三号 characters: digits and Latin letters are half-width."""
    return sum(0.5 if ord(ch) < 0x2000 else 1 for ch in text)


def _write_paragraph(paragraph: DocxParagraph, para: Paragraph, right: float) -> None:
    look = LOOKS.get(para.kind, LOOKS["body"])
    p_pr = paragraph._p.get_or_add_pPr()
    _append(p_pr, "w:ind", _indent(look.first_line, right))
    _append(p_pr, "w:jc", {"w:val": look.align})
    if look.lead_font and para.lead:
        _write_run(paragraph, para.head, look.lead_font, look.size)
        _write_run(paragraph, para.rest, look.font, look.size)
    elif para.text:
        _write_run(paragraph, para.text, look.font, look.size)


def _indent(first_line: float, right: float) -> dict[str, str]:
    """Indents in characters (what Word shows) and in twips (what older readers use)."""
    attrs = {
        "w:firstLineChars": str(round(first_line * 100)),
        "w:firstLine": str(round(first_line * CHAR_TWIPS)),
    }
    if right:
        attrs |= {
            "w:rightChars": str(round(right * 100)),
            "w:right": str(round(right * CHAR_TWIPS)),
        }
    return attrs


def _write_run(paragraph: DocxParagraph, text: str, font: str, size: int) -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    _set_run_props(run._r.get_or_add_rPr(), font, size)


def _set_run_props(r_pr: _Element, font: str, size: int, spacing: int = 0) -> None:
    """Fonts on every run, East Asian included: without w:eastAsia, Word sets Chinese
    text in the theme font whatever the Latin name says. Children in schema order."""
    for tag in ("w:rFonts", "w:spacing", "w:sz", "w:szCs"):
        for old in r_pr.findall(qn(tag)):
            r_pr.remove(old)
    fonts = {"w:ascii": font, "w:hAnsi": font, "w:eastAsia": font, "w:cs": font}
    children = [_element("w:rFonts", fonts | {"w:hint": "eastAsia"})]
    if spacing:
        children.append(_element("w:spacing", {"w:val": str(spacing)}))
    children += [_element("w:sz", {"w:val": str(size)}), _element("w:szCs", {"w:val": str(size)})]
    for index, child in enumerate(children):
        r_pr.insert(index, child)


def _set_defaults(doc: DocxDocument) -> None:
    """Normal style and document defaults: 仿宋 三号, exact lines, no paragraph
    spacing, no widow control (a full page holds exactly 22 lines).

    Paragraphs do not snap to the grid: LibreOffice puts a 16 pt character into two
    15.8 pt grid cells and gets 14 per line. Character spacing gives 28 instead, in
    Word, WPS and LibreOffice alike; the grid stays for the page-setup dialogue."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # the template's theme fonts would win over Normal's
        doc.styles.element.remove(defaults)
    defaults = _element("w:docDefaults", {})
    default_r_pr = OxmlElement("w:rPr")
    r_pr_default = _element("w:rPrDefault", {})
    r_pr_default.append(default_r_pr)
    defaults.append(r_pr_default)
    _set_run_props(default_r_pr, FANGSONG, BODY_SIZE)
    default_r_pr.append(_element("w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN"}))
    doc.styles.element.insert(0, defaults)
    normal = doc.styles["Normal"].element
    r_pr = normal.get_or_add_rPr()
    _set_run_props(r_pr, FANGSONG, BODY_SIZE, spacing=CHAR_SPACING)
    _append(r_pr, "w:lang", {"w:val": "en-US", "w:eastAsia": "zh-CN", "w:bidi": "ar-SA"})
    p_pr = normal.get_or_add_pPr()
    _append(p_pr, "w:widowControl", {"w:val": "0"})
    _append(p_pr, "w:autoSpaceDE", {"w:val": "0"})
    _append(p_pr, "w:autoSpaceDN", {"w:val": "0"})
    _append(p_pr, "w:snapToGrid", {"w:val": "0"})
    spacing = {"w:before": "0", "w:after": "0", "w:line": str(LINE_PITCH)}
    _append(p_pr, "w:spacing", spacing | {"w:lineRule": "exact"})
    _append(p_pr, "w:jc", {"w:val": "both"})


def _set_page(section: DocxSection) -> None:
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.header_distance = Twips(mm(15))
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = {
        "w:type": "linesAndChars",
        "w:linePitch": str(LINE_PITCH),
        "w:charSpace": str(CHAR_SPACE),
    }
    sect_pr.append(_element("w:docGrid", grid))


def _write_page_number(paragraph: DocxParagraph, *, odd: bool) -> None:
    """— 1 — in 四号 宋体, one character in from the outer edge: right on odd pages,
    left on even ones (needs w:evenAndOddHeaders in settings)."""
    p_pr = paragraph._p.get_or_add_pPr()
    side = "right" if odd else "left"
    _append(
        p_pr, "w:spacing", {"w:before": "0", "w:after": "0", "w:line": "240", "w:lineRule": "auto"}
    )
    _append(p_pr, "w:ind", {f"w:{side}Chars": "100", f"w:{side}": str(PAGE_NUMBER_SIZE * 10)})
    _append(p_pr, "w:jc", {"w:val": side})
    _write_run(paragraph, "— ", SONGTI, PAGE_NUMBER_SIZE)
    for part in ("begin", " PAGE ", "separate", "1", "end"):
        run = paragraph.add_run()
        _set_run_props(run._r.get_or_add_rPr(), SONGTI, PAGE_NUMBER_SIZE)
        if part in ("begin", "separate", "end"):
            run._r.append(_element("w:fldChar", {"w:fldCharType": part}))
        elif part == " PAGE ":
            instr = _element("w:instrText", {"xml:space": "preserve"})
            instr.text = part
            run._r.append(instr)
        else:
            run.text = part
    _write_run(paragraph, " —", SONGTI, PAGE_NUMBER_SIZE)


def _element(tag: str, attrs: dict[str, str]) -> _Element:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(name), value)
    return element


def _append(parent: _Element, tag: str, attrs: dict[str, str]) -> _Element:
    """Replace any existing child of that tag, keeping the schema's order of children
    where python-docx knows it (pPr, rPr); appended otherwise."""
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    element = _element(tag, attrs)
    inserter = getattr(parent, f"_insert_{tag.split(':')[1]}", None)
    if inserter is not None:
        inserter(element)
    else:
        parent.append(element)
    return element
