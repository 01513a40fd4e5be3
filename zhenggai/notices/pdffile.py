"""PDF files with a text layer: lines in reading order, page furniture gone, paragraphs whole.

The text is read with pypdfium2 (PDFium in a wheel: no program to install, and about ten
times faster than the pure-Python readers on a 40-page notice; bench/parse.py measures
the three). What PDFium gives is laid-out lines; a notice needs paragraphs, so:

1. each page's text pieces are grouped into lines by their height on the page, and the
   lines sorted top to bottom (a page header written last in the file still comes first);
2. running headers and footers (the same line at the top or bottom of most pages, digits
   aside) and page numbers (— 3 —, 第3页 共9页, 3/9) are dropped;
3. a line that reaches the right margin goes on in the next line, across pages too,
   unless the next line opens a numbered heading (一、 （一） 1.); the spaces
   a layout puts between Chinese and digits (2023 年 4 月) are taken out.

A PDF without text (a scan) is refused: OCR is not done here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# A notice is a few pages; a 300-page PDF is something else, and bounded work matters.
MAX_PAGES = 300
MAX_PDF = 64 * 1024 * 1024
# Fewer readable characters than this per page: a scan, or pictures of text.
MIN_CHARS_PER_PAGE = 5

SCANNED = (
    "这是扫描件或图片型 PDF，没有可提取的文字（系统不做文字识别），"
    "请上传 Word 原文件或可复制文字的 PDF"
)


@dataclass
class Line:
    """One laid-out line: its text and box in page units (y grows upwards)."""

    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.1)


def pdf_to_text(data: bytes) -> str:
    """The paragraphs of a text-layer PDF, one per line; ValueError with a Chinese reason."""
    return lines_to_text(read_lines(data))


def read_lines(data: bytes) -> list[list[Line]]:
    """Each page's lines, top to bottom, as PDFium lays them out."""
    if len(data) > MAX_PDF:
        raise ValueError(f"PDF 文件超过 {MAX_PDF // 1024 // 1024} MB")
    if b"%PDF-" not in data[:1024]:
        raise ValueError("文件不是 PDF 格式")
    import pypdfium2 as pdfium  # imported here: only PDFs need it

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ValueError("PDF 文件设有打开密码，请取消密码后再上传") from None
        raise ValueError("PDF 文件已损坏，无法读取") from None
    try:
        if len(document) > MAX_PAGES:
            raise ValueError(f"PDF 文件超过 {MAX_PAGES} 页，请只上传通报或方案本身")
        return [_page_lines(document[index]) for index in range(len(document))]
    except pdfium.PdfiumError:
        raise ValueError("PDF 文件已损坏，无法读取") from None
    finally:
        document.close()


def _page_lines(page) -> list[Line]:
    textpage = page.get_textpage()
    pieces = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if text.strip():
            pieces.append(Line(text, left, right, top, bottom))
    return group_lines(pieces)


def group_lines(pieces: list[Line]) -> list[Line]:
    """Pieces whose vertical middle falls within a line's height join it, left to right;
    the lines come top to bottom, whatever order the file wrote them in."""
    rows: list[list[Line]] = []
    for piece in pieces:
        middle = (piece.top + piece.bottom) / 2
        row = next((r for r in reversed(rows) if r[0].bottom - 1 <= middle <= r[0].top + 1), None)
        if row is None:
            rows.append([piece])
        else:
            row.append(piece)
    lines = []
    for row in sorted(rows, key=lambda r: -r[0].top):
        row.sort(key=lambda p: p.left)
        line = Line(row[0].text, row[0].left, row[0].right, row[0].top, row[0].bottom)
        for piece in row[1:]:
            line.text += (" " if piece.left - line.right > line.height else "") + piece.text
            line.right = max(line.right, piece.right)
            line.top, line.bottom = max(line.top, piece.top), min(line.bottom, piece.bottom)
        lines.append(line)
    return lines


_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"
_LAYOUT_SPACE = re.compile(
    rf"(?<=[{_CJK}])[ \t]+(?=[0-9A-Za-z%.])|(?<=[0-9A-Za-z%.])[ \t]+(?=[{_CJK}])"
)


def tidy(text: str) -> str:
    """One line's text without layout spaces: 2023 年 → 2023年, 两个空格 → 一个."""
    text = re.sub(r"[ \t\u00a0]+", " ", text.replace("\r", "").replace("\n", " ")).strip()
    text = _LAYOUT_SPACE.sub("", text)
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~·•\s]*\d{1,4}[-—–－~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|Page|PAGE)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_CN = "一二三四五六七八九十"
_MARKER = re.compile(rf"^(?:[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[)）]|\d{{1,2}}[.．、](?!\d))")
_PROBLEM_HEAD = re.compile(r"^(?:针对|关于|在)“")
# How far from the top or bottom of a page a running header or footer may stand.
_EDGE_LINES = 2


def lines_to_text(pages: list[list[Line]]) -> str:
    """Paragraphs from the pages' lines; ValueError if the PDF has no text at all."""
    chars = sum(len(re.sub(r"\s", "", line.text)) for page in pages for line in page)
    if not pages or chars < MIN_CHARS_PER_PAGE * len(pages):
        raise ValueError(SCANNED)
    pages = [[line for line in page if _tidied(line).text] for page in pages]
    body = _drop_furniture(pages)
    paragraphs: list[str] = []
    previous: Line | None = None
    for page in body:
        if not page:
            continue
        left = min(line.left for line in page)
        right = max(line.right for line in page)
        for line in page:
            if previous is not None and paragraphs and _goes_on(previous, paragraphs[-1], line):
                paragraphs[-1] += ("" if _cjk_join(paragraphs[-1], line.text) else " ") + line.text
            else:
                paragraphs.append(line.text)
            previous = _Full(line, _reaches(line, left, right))
    return "\n".join(paragraphs)


def _tidied(line: Line) -> Line:
    line.text = tidy(line.text)
    return line


@dataclass
class _Full:
    line: Line
    full: bool


def _reaches(line: Line, left: float, right: float) -> bool:
    """Starts near the left margin (an indent allowed) and ends near the right one."""
    size = line.height
    return line.left <= left + 3 * size and line.right >= right - 2.5 * size


def _goes_on(previous: _Full, paragraph: str, line: Line) -> bool:
    """A full line goes on, unless the next one opens a numbered heading (一、 （一） 1.),
    or a problem heading (针对“…”) after a heading line."""
    if not previous.full or _MARKER.match(line.text):
        return False
    heading = _MARKER.match(paragraph) and "。" not in paragraph
    return not (heading and _PROBLEM_HEAD.match(line.text))


def _cjk_join(before: str, after: str) -> bool:
    return not (before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii())


def _drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without page numbers and without lines repeated at the top or bottom."""
    repeated = Counter()
    for page in pages:
        edges = {_shape(line.text) for line in page[:_EDGE_LINES] + page[-_EDGE_LINES:]}
        repeated.update(edges)
    many = max(2, (len(pages) + 1) // 2)
    out = []
    for page in pages:
        keep = []
        for index, line in enumerate(page):
            edge = index < _EDGE_LINES or index >= len(page) - _EDGE_LINES
            if edge and (_PAGE_NUMBER.match(line.text) or repeated[_shape(line.text)] >= many):
                continue
            keep.append(line)
        out.append(keep)
    return out


def _shape(text: str) -> str:
    """A line with its digits masked: 第3页 and 第4页 are one running footer."""
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))
