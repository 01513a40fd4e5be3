"""Official documents as .docx, laid out after GB/T 9704-2012 (党政机关公文格式).

`official_docx` lays out any list of render.Paragraph and render.Table (a notice, a
supervision order, the documents of the rectification cycle), under a red 版头 and a
文号 when given; `to_docx` feeds it a notice. Fonts are named as Chinese offices install them;
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

from zhenggai.notices.render import Paragraph, Table, to_paragraphs
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
TABLE_SIZE = 28  # 四号 in tables: a six-column list stays legible on A4
LETTERHEAD_SIZE = 72  # 小初, 36 pt: the 发文机关标志, in red
LETTERHEAD_MIN_SIZE = 44  # 二号: a long 版头 shrinks down to this size, then wraps
RED = "FF0000"
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
    "letterhead": _Look(XIAOBIAOSONG, LETTERHEAD_SIZE, align="center", first_line=0),
}
Block = Paragraph | Table


def to_docx(
    notice: Notice,
    *,
    internal: bool = False,
    letterhead: str | None = None,
    doc_number: str | None = None,
) -> bytes:
    """The notice as a GB/T 9704 .docx; the internal version carries the 内部 mark, and
    the issuer's red 版头 and a 文号 head it when given."""
    paragraphs = to_paragraphs(notice, internal=internal)
    return official_docx(paragraphs, letterhead=letterhead, doc_number=doc_number)


def official_docx(
    paragraphs: list[Block], *, doc_number: str | None = None, letterhead: str | None = None
) -> bytes:
    """Lay typed paragraphs (and tables) out as an official document: the .docx bytes.

    `letterhead`: the 发文机关标志 set in red above a red rule, the 文号 between them."""
    doc = Document()
    _set_defaults(doc)
    section = doc.sections[0]
    _set_page(section)
    indents = _signature_indents(paragraphs)
    blocks = _with_blank_lines(paragraphs, None if letterhead else doc_number)
    if letterhead:
        blocks = _with_letterhead(blocks, letterhead, doc_number)
    for block in blocks:
        if isinstance(block, Table):
            _write_table(doc, block)
        elif block.kind == "rule":
            _write_rule(doc.add_paragraph(), block.text)
        else:
            _write_paragraph(doc.add_paragraph(), block, indents.get(block.kind, 0))
    doc.settings.odd_and_even_pages_header_footer = True
    _write_page_number(section.footer.paragraphs[0], odd=True)
    _write_page_number(section.even_page_footer.paragraphs[0], odd=False)
    titles = [p.text for p in paragraphs if p.kind == "title"]
    doc.core_properties.title = titles[0] if titles else ""
    doc.core_properties.author = doc.core_properties.comments = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_letterhead(blocks: list[Block], letterhead: str, doc_number: str | None) -> list[Block]:
    """The 版头 after the 内部 mark: organ, a blank line, the 文号 over the red rule."""
    at = next((i for i, b in enumerate(blocks) if b.kind != "mark"), len(blocks))
    while at < len(blocks) and blocks[at].kind == "blank":  # the mark's own blank line
        at += 1
    head = [Paragraph("letterhead", letterhead), Paragraph("blank", "")]
    head += [Paragraph("rule", doc_number or ""), Paragraph("blank", "")]
    return blocks[:at] + head + blocks[at:]


def _with_blank_lines(paragraphs: list[Block], doc_number: str | None) -> list[Block]:
    """Insert the empty lines the standard asks for: under the title, above the signature."""
    blank = Paragraph("blank", "")
    out: list[Block] = []
    for para in paragraphs:
        if para.kind == "title" and doc_number:
            out += [Paragraph("doc_number", doc_number), blank]
        if para.kind == "signature":
            out.append(blank)
        out.append(para)
        if para.kind in ("title", "mark"):
            out.append(blank)
    return out


def _signature_indents(paragraphs: list[Block]) -> dict[str, float]:
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


def letterhead_size(text: str) -> int:
    """The 版头's size in half-points: the largest from 小初 down to 二号, in whole
    points, at which it stays on one line of the text block (GB/T 9704 keeps the
    发文机关标志 on one line); at 二号 a longer one wraps rather than being cut."""
    for size in range(LETTERHEAD_SIZE, LETTERHEAD_MIN_SIZE, -2):
        # A character of `size` half-points is size × 10 twips wide. The Normal
        # style's negative character spacing is left out: a little room to spare
        # for a substituted font.
        if _width(text.strip()) * size * 10 <= TEXT_WIDTH:
            return size
    return LETTERHEAD_MIN_SIZE


def _width(text: str) -> float:
    """Width in 三号 characters: digits and Latin letters are half-width."""
    return sum(0.5 if ord(ch) < 0x2000 else 1 for ch in text)


def _write_paragraph(paragraph: DocxParagraph, para: Paragraph, right: float) -> None:
    look = LOOKS.get(para.kind, LOOKS["body"])
    p_pr = paragraph._p.get_or_add_pPr()
    _append(p_pr, "w:ind", _indent(look.first_line, right))
    _append(p_pr, "w:jc", {"w:val": look.align})
    if para.kind == "letterhead":  # taller than a line of the grid: its own exact height
        size = letterhead_size(para.text)
        _append(p_pr, "w:spacing", {"w:line": str(size * 15), "w:lineRule": "exact"})
        _write_run(paragraph, para.text, look.font, size, color=RED)
    elif look.lead_font and para.lead:
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


def _write_run(paragraph: DocxParagraph, text: str, font: str, size: int, color: str = "") -> None:
    if not text:
        return
    run = paragraph.add_run(text)
    r_pr = run._r.get_or_add_rPr()
    _set_run_props(r_pr, font, size)
    if color:
        _append(r_pr, "w:color", {"w:val": color})


def _write_rule(paragraph: DocxParagraph, doc_number: str) -> None:
    """The 文号 (centred, 仿宋) with the red rule under it across the text block
    (GB/T 9704 §7.2.4: 版头中的分隔线)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = _append(p_pr, "w:pBdr", {})
    line = {"w:val": "single", "w:sz": "12", "w:space": "11", "w:color": RED}
    borders.append(_element("w:bottom", line))
    _append(p_pr, "w:ind", _indent(0, 0))
    _append(p_pr, "w:jc", {"w:val": "center"})
    _write_run(paragraph, doc_number, FANGSONG, BODY_SIZE)


def _write_table(doc: DocxDocument, table: Table) -> None:
    """A full-width grid in 仿宋 四号, header rows in 黑体 and repeated on every page,
    rows never split across pages; lines as tall as their text (no exact height)."""
    columns = max((len(row) for row in table.rows), default=0)
    if not columns:
        return
    grid = doc.add_table(rows=0, cols=columns)
    grid.style = doc.styles["Table Grid"]
    grid.autofit = False
    weights = list(table.widths[:columns]) + [1.0] * (columns - len(table.widths[:columns]))
    widths = [round(TEXT_WIDTH * w / sum(weights)) for w in weights]
    tbl_pr = grid._tbl.tblPr
    _append(tbl_pr, "w:tblW", {"w:w": str(TEXT_WIDTH), "w:type": "dxa"})
    _append(tbl_pr, "w:jc", {"w:val": "center"})
    _append(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
    for col, width in zip(grid.columns, widths, strict=True):
        col.width = Twips(width)
    for index, texts in enumerate(table.rows):
        header = index < table.header
        row = grid.add_row()
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(_element("w:cantSplit", {}))
        if table.row_height:
            rule = {"w:val": str(table.row_height), "w:hRule": "atLeast"}
            tr_pr.append(_element("w:trHeight", rule))
        if header:
            tr_pr.append(_element("w:tblHeader", {}))
        cells = list(texts) + [""] * (columns - len(texts))
        for cell, text, width in zip(row.cells, cells, widths, strict=True):
            cell.width = Twips(width)
            lines = text.split("\n")
            if table.row_height:
                _append(cell._tc.get_or_add_tcPr(), "w:vAlign", {"w:val": "center"})
            _write_cell_line(cell.paragraphs[0], lines[0], header)
            for line in lines[1:]:
                _write_cell_line(cell.add_paragraph(), line, header)


def _write_cell_line(paragraph: DocxParagraph, text: str, header: bool) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    spacing = {"w:before": "0", "w:after": "0", "w:line": "360", "w:lineRule": "atLeast"}
    _append(p_pr, "w:spacing", spacing)
    _append(p_pr, "w:ind", _indent(0, 0))
    _append(p_pr, "w:jc", {"w:val": "center" if header else "left"})
    _write_run(paragraph, text, HEITI if header else FANGSONG, TABLE_SIZE)


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
