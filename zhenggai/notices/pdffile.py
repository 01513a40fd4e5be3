"""PDF files with a text layer: lines in reading order, page furniture gone, paragraphs whole.

The text is read with pypdfium2 (PDFium in a wheel: no program to install, and about ten
times faster than the pure-Python readers on a 40-page notice; bench/parse.py measures
the three). What PDFium gives is laid-out lines; a notice needs paragraphs, so:

1. each page's characters, in their font's box, make runs, and runs make lines by their
   height on the page, sorted top to bottom and left to right (a page header written last
   in the file still comes first, a quotation mark written after its word goes before it);
2. a page set in two columns (a clear vertical gutter through most of its lines, each
   side filled with text) is read left column first, band by band between the lines that
   cross the gutter; one-column pages, and forms of labels and values, stay as they are;
3. running headers and footers (the same line at the top or bottom of most pages, digits
   aside) and page numbers (— 3 —, 第3页 共9页, 3/9) are dropped;
4. a line that reaches the right margin goes on in the next line, across pages too,
   unless the next line opens a numbered heading (一、 （一） 1.); the spaces
   a layout puts between Chinese and digits (2023 年 4 月) are taken out.

Ruled tables (pdftables.py) come out as the Document's tables, a cell's lines joined into
its paragraphs and one text line per row, as wordfile.py writes Word tables, so the ledger
reader builds the tree from either. A table going on over a page break is one table: the
header rows repeated atop the page are dropped (and marked repeated), and a row the page
broke in two is one row again. A PDF without text (a scan) is refused: OCR is not done here.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .document import Cell, Document, Table
from .pdftables import CellLines, Grid, Sheet, find_grids, put_pieces, upright

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
    column: int = 0  # on a page set in two columns: 1 left, 2 right

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 0.1)


def pdf_to_text(data: bytes) -> str:
    """The paragraphs of a text-layer PDF, one per line; ValueError with a Chinese reason."""
    return pdf_to_document(data).text


def pdf_to_document(data: bytes) -> Document:
    """The paragraphs and ruled tables of a text-layer PDF; ValueError with a Chinese reason."""
    return compose(_read_pages(data, _page_blocks))


def read_lines(data: bytes) -> list[list[Line]]:
    """Each page's lines in reading order (top to bottom, column by column), tables' rows
    as lines; for comparing readers (bench/parse.py) and for lines_to_text."""
    return _read_pages(data, _page_lines)


def _read_pages(data: bytes, read_page: Callable[[Any], list[Any]]) -> list[list[Any]]:
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
        return [read_page(document[index]) for index in range(len(document))]
    except pdfium.PdfiumError:
        raise ValueError("PDF 文件已损坏，无法读取") from None
    finally:
        document.close()


def _page_lines(page) -> list[Line]:
    pieces = _pieces(page)
    return group_lines(pieces) if find_grids(page) else in_columns(pieces)


def _page_blocks(page) -> list[Line | Grid]:
    """The page's lines outside tables and its tables, in reading order."""
    pieces = _pieces(page)
    grids = find_grids(page)
    if not grids:
        return list(in_columns(pieces))
    blocks: list[Line | Grid] = [*group_lines(put_pieces(grids, pieces)), *grids]
    return sorted(blocks, key=lambda block: -block.top)


def _pieces(page) -> list[Line]:
    """Runs of characters next to each other both in the file and on the page, each in its
    font's box (the ink of 一 or 、 is a sliver, its box the full line height). A run ends
    at white space (the next run then starts with a space) and where the next character is
    not just right of the last: a quotation mark the file writes after the word it stands
    before becomes a run of its own, put back in place when lines are made."""
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    handle, box, turn = textpage.raw, raw.FS_RECTF(), upright(page)
    pieces: list[Line] = []
    run: Line | None = None
    space = ""
    for index, char in enumerate(_chars(raw, handle, textpage.count_chars())):
        if not char.strip() or not char.isprintable():
            run, space = None, " "
            continue
        raw.FPDFText_GetLooseCharBox(handle, index, box)
        (x1, y1), (x2, y2) = turn(box.left, box.bottom), turn(box.right, box.top)
        left, right, bottom, top = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
        if run is not None and _next_to(run, left, bottom, top):
            run.text += char
            run.right = max(run.right, right)
            run.top, run.bottom = max(run.top, top), min(run.bottom, bottom)
        else:
            run = Line(space + char, left, right, top, bottom)
            pieces.append(run)
        space = ""
    return pieces


def _chars(raw, handle, count: int) -> Iterator[str]:
    """The page's characters, one per index (FPDFText_GetText may leave some out or add
    some, and then its text no longer lines up with the boxes)."""
    for index in range(count):
        yield _char(raw.FPDFText_GetUnicode(handle, index))


def _char(code: int) -> str:
    """One character; a surrogate half (a character PDFium split in two) is dropped."""
    return "" if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else chr(code)


def _next_to(run: Line, left: float, bottom: float, top: float) -> bool:
    """Starts where the run ends (font boxes touch): text in the next cell of a table,
    a padding away, or in the next column is another run."""
    size = run.height
    middle = (top + bottom) / 2
    return run.right - size / 2 <= left <= run.right + 0.3 * size and (
        run.bottom - 1 <= middle <= run.top + 1
    )


def group_lines(pieces: list[Line]) -> list[Line]:
    """Pieces whose vertical middle falls within a line's height join it, left to right;
    the lines come top to bottom, whatever order the file wrote them in."""
    return [_joined(row) for row in _rows(pieces)]


def _rows(pieces: list[Line]) -> list[list[Line]]:
    """The pieces in rows (by their vertical middle), top to bottom, each left to right."""
    rows: list[list[Line]] = []
    for piece in pieces:
        middle = (piece.top + piece.bottom) / 2
        row = next((r for r in reversed(rows) if r[0].bottom - 1 <= middle <= r[0].top + 1), None)
        if row is None:
            rows.append([piece])
        else:
            row.append(piece)
    rows.sort(key=lambda r: -r[0].top)
    for row in rows:
        row.sort(key=lambda p: p.left)
    return rows


def _joined(row: list[Line], column: int = 0) -> Line:
    line = Line(row[0].text, row[0].left, row[0].right, row[0].top, row[0].bottom, column)
    for piece in row[1:]:
        line.text += (" " if piece.left - line.right > line.height else "") + piece.text
        line.right = max(line.right, piece.right)
        line.top, line.bottom = max(line.top, piece.top), min(line.bottom, piece.bottom)
    return line


# --- two columns ---------------------------------------------------------------------

# A page is read in two columns only when at most this share of its rows cross the gutter
# (a title, a heading or a footer across both columns)...
_CROSSING = 0.4
# ... at least this many rows have text on each side of it ...
_COLUMN_ROWS = 4
# ... and at least this share of each side's lines run up to the side's right edge (text
# filling a column, not a form of labels and values).
_FILLED = 0.5


def in_columns(pieces: list[Line]) -> list[Line]:
    """The page's lines in reading order. On a page set in two columns (a clear vertical
    gutter through most of its lines) the left column comes before the right one, band by
    band: a line across the gutter, or a wide empty stretch, starts a new band."""
    rows = _rows(pieces)
    gutter = _gutter(rows)
    if gutter is None:
        return [_joined(row) for row in rows]
    lines: list[Line] = []
    band: list[Line] = []
    height = statistics.median(row[0].height for row in rows)
    previous: list[Line] | None = None
    for row in rows:
        crossing = any(p.left < gutter < p.right for p in _segments(row))
        gap = previous is not None and previous[0].bottom - row[0].top > 2.5 * height
        if crossing or gap:
            lines += _band(band, gutter)
            band = []
        if crossing:
            lines.append(_joined(row))
        else:
            band += row
        previous = row
    return lines + _band(band, gutter)


def _band(pieces: list[Line], gutter: float) -> list[Line]:
    left = [p for p in pieces if (p.left + p.right) / 2 < gutter]
    right = [p for p in pieces if (p.left + p.right) / 2 >= gutter]
    return [_joined(row, 1) for row in _rows(left)] + [_joined(row, 2) for row in _rows(right)]


def _segments(row: list[Line]) -> list[Line]:
    """A row's stretches of text: pieces less than a line's height apart run together."""
    out: list[Line] = []
    for piece in row:
        if out and piece.left - out[-1].right <= out[-1].height:
            out[-1] = _joined([out[-1], piece])
        else:
            out.append(piece)
    return out


def _gutter(rows: list[list[Line]]) -> float | None:
    """The middle of the gutter between two columns, or None on a one-column page."""
    if len(rows) < 2 * _COLUMN_ROWS:
        return None
    segments = [_segments(row) for row in rows]
    low = min(s.left for row in segments for s in row)
    high = max(s.right for row in segments for s in row)
    span = _emptiest(segments, low + (high - low) / 4, high - (high - low) / 4)
    height = statistics.median(row[0].height for row in rows)
    if span is None or span[1] - span[0] < 0.8 * height:
        return None
    middle = (span[0] + span[1]) / 2
    lefts = [
        max(s.right for s in row if s.right <= middle) for row in segments if row[0].right <= middle
    ]
    rights = [row[-1].right for row in segments if row[-1].left >= middle]
    for ends in (lefts, rights):
        full = sum(1 for end in ends if end >= max(ends, default=0) - 3 * height)
        if len(ends) < _COLUMN_ROWS or full < _FILLED * len(ends):
            return None
    return middle


def _emptiest(segments: list[list[Line]], low: float, high: float) -> tuple[float, float] | None:
    """The widest stretch of x between low and high that few rows' text crosses."""
    edges = [(s.left, 1) for row in segments for s in row]
    edges += [(s.right, -1) for row in segments for s in row]
    allowed = _CROSSING * len(segments)
    best: tuple[float, float] | None = None
    covered, opened = 0, low
    for x, step in sorted(edges):
        clear = covered <= allowed
        covered += step
        if clear and covered > allowed:
            best = _wider(best, (max(opened, low), min(x, high)))
        elif not clear and covered <= allowed:
            opened = x
    return _wider(best, (max(opened, low), high))


def _wider(
    best: tuple[float, float] | None, span: tuple[float, float]
) -> tuple[float, float] | None:
    if span[1] <= span[0]:
        return best
    return span if best is None or span[1] - span[0] > best[1] - best[0] else best


_CJK = r"\u2460-\u24ff\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’"  # ① counts as Chinese
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
    return compose(pages).text


def compose(pages: list[list[Line | Grid]]) -> Document:
    """Paragraphs and tables from the pages' blocks; ValueError if there is no text at all."""
    lines = [[b for b in page if isinstance(b, Line)] for page in pages]
    chars = sum(len(re.sub(r"\s", "", line.text)) for page in lines for line in page)
    chars += sum(_grid_chars(b) for page in pages for b in page if isinstance(b, Grid))
    if not pages or chars < MIN_CHARS_PER_PAGE * len(pages):
        raise ValueError(SCANNED)
    lines = [[line for line in page if _tidied(line).text] for page in lines]
    kept = {id(line) for page in _drop_furniture(lines) for line in page}
    writer = _Writer()
    for page, edges in zip(pages, _margins(lines), strict=True):
        for block in page:
            if isinstance(block, Grid):
                writer.grid(block)
            elif id(block) in kept:
                writer.paragraph_line(block, edges[block.column])
    writer.close()
    return Document("\n".join(writer.paragraphs), writer.tables)


def _grid_chars(grid: Grid) -> int:
    return sum(len(re.sub(r"\s", "", p.text)) for ps in grid.pieces.values() for p in ps)


def _margins(pages: list[list[Line]]) -> list[dict[int, tuple[float, float]]]:
    """Each page's left and right text margin: of each column (1, 2) on a page set in two,
    and of the whole page (0) for lines across it. A page narrower than the widest (a last
    page of short lines, a page of tables) is given that width, so that its short lines
    do not count as full ones."""
    margins = []
    for page in pages:
        edges = {}
        for column in {line.column for line in page} | ({0} if page else set()):
            inside = [line for line in page if line.column == column or not column]
            edges[column] = (min(x.left for x in inside), max(x.right for x in inside))
        margins.append(edges)
    width = max((e[0][1] - e[0][0] for e in margins if e), default=0)
    for edges in margins:
        if edges:
            left, right = edges[0]
            edges[0] = (left, max(right, left + width))
    return margins


class _Writer:
    """Paragraphs in reading order, and the tables with their cells' spans."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.tables: list[Table] = []
        self.pos = 0  # where the next paragraph starts in the joined text
        self.previous: _Full | None = None
        self.sheet: Sheet | None = None  # the table being read, which may go on

    def paragraph_line(self, line: Line, edges: tuple[float, float]) -> None:
        self.close()
        previous = self.previous
        if previous and self.paragraphs and _goes_on(previous, self.paragraphs[-1], line):
            glue = "" if _cjk_join(self.paragraphs[-1], line.text) else " "
            self.paragraphs[-1] += glue + line.text
            self.pos += len(glue) + len(line.text)
        else:
            self._add(line.text)
        self.previous = _Full(line, _reaches(line, *edges))

    def grid(self, grid: Grid) -> None:
        """A table on a page; right after one with the same columns, it goes on with it."""
        if self.sheet is None or not self.sheet.takes(grid):
            self.close()
            self.sheet = Sheet(grid.xs)
        self.sheet.add(grid, _cell_lines(grid))

    def close(self) -> None:
        """Write the table read so far: one line per row holding text, as Word's are."""
        sheet, self.sheet = self.sheet, None
        if sheet is None:
            return
        self.previous = None
        table = Table(start=self.pos, repeated=sheet.repeated)
        cells: dict[int, Cell] = {}
        for row in sheet.rows:
            parts, owners = [], []
            for key in row:
                if key not in cells:
                    cells[key] = Cell()
                    for text in _paragraphs(sheet.cells[key]):
                        parts.append(text)
                        owners.append(cells[key])
            for cell, span in zip(owners, self._spans(parts), strict=True):
                cell.paragraphs.append(span)
            table.rows.append([cells[key] for key in row])
        table.end = self.pos
        self.tables.append(table)

    def _add(self, text: str) -> None:
        self.paragraphs.append(text)
        self.pos += len(text) + 1

    def _spans(self, parts: list[str]) -> list[tuple[int, int]]:
        if not parts:
            return []
        spans, at = [], self.pos
        for part in parts:
            spans.append((at, at + len(part)))
            at += len(part) + 1
        self._add(" ".join(parts))
        return spans


def _cell_lines(grid: Grid) -> dict[int, CellLines]:
    """Each cell's lines, and whether each reaches the cell's right side less the padding
    (the least space between a cell's left rule and its text, over the table)."""
    lines = {
        cell: [x for x in group_lines(pieces) if _tidied(x).text]
        for cell, pieces in grid.pieces.items()
    }
    insets = [x.left - grid.bounds(cell)[0] for cell, inside in lines.items() for x in inside]
    padding = max(0.0, min(insets, default=0.0))
    out: dict[int, CellLines] = {}
    for cell, inside in lines.items():
        right = grid.bounds(cell)[2] - padding
        out[cell] = [(x, _fills(x, right)) for x in inside]
    return out


def _fills(line: Line, right: float) -> bool:
    """Reaches the right side, or nearly when not ending a clause: a narrow cell sends a
    character on with the punctuation after it (职。 never starts a line with 。)."""
    short = right - line.right
    return short <= 1.5 * line.height or (short <= 2.6 * line.height and not _ends(line.text))


def _ends(text: str) -> bool:
    return text.endswith(("。", "；", ";", "：", ":", "！", "!", "？", "?", "，", ","))


def _paragraphs(lines: CellLines) -> list[str]:
    """A cell's lines joined into paragraphs: a full line goes on in the next one."""
    paragraphs: list[str] = []
    previous: _Full | None = None
    for line, full in lines:
        if previous is not None and paragraphs and _goes_on(previous, paragraphs[-1], line):
            paragraphs[-1] += ("" if _cjk_join(paragraphs[-1], line.text) else " ") + line.text
        else:
            paragraphs.append(line.text)
        previous = _Full(line, full)
    return paragraphs


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
