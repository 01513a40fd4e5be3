"""Word files: paragraphs and tables in body order, with Word's automatic numbering.

python-docx gives a paragraph's text without its list number, yet notices number
their sections with Word lists (一、 （一） 1.), so the numbers are rebuilt here
from numbering.xml: each w:num points to an abstract list whose levels say the
format (chineseCounting, decimal, decimalEnclosedCircle…) and the text (%1、).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from zhenggai.safezip import UnsafeZip, check_zip

from .document import Cell, Document, Table
from .numerals import CIRCLED, PAREN_DIGITS, int_to_chinese

# A notice is text: even a long one with pictures unpacks to far less than this.
MAX_DOCX = 100 * 1024 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_to_text(data: bytes) -> str:
    """Paragraphs and table rows of a .docx, one per line, list numbers included."""
    return docx_to_document(data).text


def docx_to_document(data: bytes) -> Document:
    """The text of docx_to_text, with each table's grid of cells as spans of that text."""
    try:
        import docx  # python-docx: imported here so .txt and .html need no lxml

        check_zip(data, max_total=MAX_DOCX)
        document = docx.Document(io.BytesIO(data))
    except UnsafeZip as exc:
        raise ValueError(f"Word 文件被拒绝：{exc}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError("Word 文件已损坏或不是 .docx 格式") from exc
    except Exception as exc:  # noqa: BLE001 - lxml and python-docx raise many kinds
        raise ValueError("Word 文件无法打开") from exc
    writer = _Writer(_Numbering(document))
    for child in document.element.body.iterchildren():
        if child.tag == _W + "p":
            writer.line([writer.numbering.label(child) + _text(child)])
        elif child.tag == _W + "tbl":
            writer.table(child)
    return Document("\n".join(writer.lines), writer.tables)


def _text(paragraph) -> str:
    """Text of runs, tabs and breaks of one w:p (hyperlinks and fields included)."""
    parts = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br"):
        parts.append((node.text or "") if node.tag == _W + "t" else " ")
    return "".join(parts)


class _Writer:
    """Lines of the text in body order, and the tables with their cells' spans."""

    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering
        self.lines: list[str] = []
        self.tables: list[Table] = []
        self.pos = 0  # where the next line starts in the joined text

    def line(self, parts: list[str]) -> list[tuple[int, int]]:
        """Add one line made of parts joined by spaces; the span of each part."""
        spans, at = [], self.pos
        for part in parts:
            spans.append((at, at + len(part)))
            at += len(part) + 1
        text = " ".join(parts)
        self.lines.append(text)
        self.pos += len(text) + 1
        return spans

    def table(self, element) -> None:
        """One line per row holding text: its cells' paragraphs, apart by spaces."""
        table = Table(start=self.pos)
        above: list[Cell | None] = []
        for index, row in enumerate(element.iterchildren(_W + "tr")):
            grid: list[Cell | None] = [None] * _skip(row, "gridBefore")
            texts: list[str] = []
            owners: list[Cell] = []
            for tc in row.iterchildren(_W + "tc"):
                span = int(_val(tc.find(_W + "tcPr"), "gridSpan") or 1)
                column = len(grid)
                if _continues(tc) and column < len(above) and above[column] is not None:
                    cell = above[column]  # vertically merged: the cell above goes on
                else:
                    cell = Cell()
                    for paragraph in tc.iter(_W + "p"):
                        part = self.numbering.label(paragraph) + _text(paragraph)
                        if part.strip():
                            texts.append(part.strip())
                            owners.append(cell)
                grid.extend([cell] * max(1, min(span, 64)))
            if texts:
                for cell, span in zip(owners, self.line(texts), strict=True):
                    cell.paragraphs.append(span)
            if row.find(f"{_W}trPr/{_W}tblHeader") is not None:
                table.repeated.add(index)
            table.rows.append(grid)
            above = grid
        table.end = self.pos
        self.tables.append(table)


def _skip(row, name: str) -> int:
    return min(int(_val(row.find(_W + "trPr"), name) or 0), 64)


def _continues(tc) -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(_W + "val") in (None, "continue")


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)


class _Numbering:
    """The lists of numbering.xml, and their counters as paragraphs go by."""

    def __init__(self, document) -> None:
        self.lists: dict[str, _List] = {}
        self.style_numbers: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstracts = {a.get(_W + "abstractNumId"): a for a in root.iter(_W + "abstractNum")}
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            abstract = abstracts.get(ref.get(_W + "val")) if ref is not None else None
            if abstract is not None:
                self.lists[num.get(_W + "numId")] = _List(_levels(abstract, num))
        self._read_styles(document)

    def _read_styles(self, document) -> None:
        """Headings numbered through their style (w:pStyle → w:numPr)."""
        for style in document.styles.element.iter(_W + "style"):
            num = _num_pr(style)
            if num:
                self.style_numbers[style.get(_W + "styleId")] = num

    def label(self, paragraph) -> str:
        num = _num_pr(paragraph) or self._style_num(paragraph)
        if not num or num[0] not in self.lists:
            return ""
        numbered = self.lists[num[0]]
        ilvl = num[1]
        level = numbered.levels.get(ilvl, _Level())
        numbered.counters[ilvl] = numbered.counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in numbered.counters if k > ilvl]:
            del numbered.counters[deeper]  # (一) restarts under each 一、
        text = level.text
        for index in range(9):
            if f"%{index + 1}" in text:
                sub = numbered.levels.get(index, _Level())
                value = numbered.counters.get(index, sub.start)
                text = text.replace(f"%{index + 1}", format_number(value, sub.fmt))
        return "" if level.fmt in ("bullet", "none") else text

    def _style_num(self, paragraph) -> tuple[str, int] | None:
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        return self.style_numbers.get(style.get(_W + "val")) if style is not None else None


def _levels(abstract, num) -> dict[int, _Level]:
    levels = {}
    for lvl in abstract.iter(_W + "lvl"):
        level = _Level(
            start=int(_val(lvl, "start") or 1),
            fmt=_val(lvl, "numFmt") or "decimal",
            text=_val(lvl, "lvlText") or "",
        )
        levels[int(lvl.get(_W + "ilvl") or 0)] = level
    for override in num.iter(_W + "lvlOverride"):
        start = _val(override, "startOverride")
        ilvl = int(override.get(_W + "ilvl") or 0)
        if start and ilvl in levels:
            levels[ilvl].start = int(start)
    return levels


def _val(element, name: str) -> str | None:
    if element is None:
        return None
    child = element.find(_W + name)
    return child.get(_W + "val") if child is not None else None


def _num_pr(element) -> tuple[str, int] | None:
    num_pr = element.find(f"{_W}pPr/{_W}numPr")
    if num_pr is None:
        return None
    num_id = _val(num_pr, "numId")
    ilvl = _val(num_pr, "ilvl")
    if not num_id or num_id == "0":
        return None  # numId 0 switches numbering off
    return num_id, int(ilvl or 0)


def format_number(value: int, fmt: str) -> str:
    """One counter in one of Word's number formats."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "koreanCounting",
        "ideographTraditional",
    ):
        return int_to_chinese(value)
    if fmt == "ideographDigital":
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(value))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and value <= 20:
        return CIRCLED[value - 1]
    if fmt == "decimalEnclosedParen" and value <= 20:
        return PAREN_DIGITS[value - 1]
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out, value = out + letters, value - number
    return out
