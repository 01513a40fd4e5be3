"""Plans in Word tables: 问题清单、任务清单、责任清单 read by their columns.

A table is a ledger table when one of its first rows names a measure column and at
least two other fields (headers.find_header, the same names the workbook importer
knows). Below the header each row is a measure, and the problem and category cells
(merged down, or left empty, as people do) carry over from the row above. Where the
categories come from, in order: a category column; rows of one cell across the table
(一、政治建设方面); the numbered heading just before the table; else the problems
are the categories, as in a one-level workbook.

A measure cell may hold several measures, numbered (1. 一是 ① (1), in paragraphs or
run on) or as paragraphs that each end a sentence; a paragraph ending mid-sentence is
a wrapped line and goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Cell, Document, Table
from .headers import find_header, header_columns
from .markers import MEASURE_HANDS, find_markers
from .sections import Text
from .tree import DUTIES, Measure, Problem, Section

# How many of a table's first rows may be its header.
HEAD_ROWS = 4
_LABEL = re.compile(
    r"^\s*(?:(?P<h1>[一二三四五六七八九十]{1,3})[、.．]|[（(](?P<h2>[一二三四五六七八九十]{1,3})[)）]"
    r"|(?P<a1>\d{1,2})[.、．](?!\d)|[（(](?P<a2>\d{1,2})[)）]|(?P<c>[①-⑳]))\s*"
)
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])"
)
_CATEGORY_LOOK = re.compile(r"方面|问题|领域|类$")
_SENTENCE_END = "。；;！!？?"
_ITEM_HANDS = frozenset({"a1", "a2", "c", "s", "h2", "o"})


@dataclass
class LedgerTable:
    """A table read as a ledger: its columns, first data row and the heading above it."""

    table: Table
    columns: dict[str, int]
    first_row: int
    header_texts: tuple[str, ...] = ()
    heading: str | None = None
    heading_label: str | None = None


def find_ledger_tables(document: Document) -> list[LedgerTable]:
    """The tables of the document that hold a ledger, with their columns."""
    found: list[LedgerTable] = []
    for table in document.tables:
        texts = [[document.cell_text(cell) for cell in row] for row in table.rows]
        header = find_header(texts[:HEAD_ROWS], fold=False)
        if header is None:
            previous = found[-1] if found else None
            if previous and _continues(document, previous.table, table):
                found.append(LedgerTable(table, previous.columns, 0, previous.header_texts))
            continue
        index, columns = header
        ledger = LedgerTable(
            table,
            {name: col for name, (col, _) in columns.items()},
            index + 1,
            tuple(texts[index]),
        )
        ledger.heading, ledger.heading_label = _heading_before(document, table.start)
        found.append(ledger)
    return found


def _continues(document: Document, before: Table, table: Table) -> bool:
    """A headerless table right after a ledger table, on the same grid, goes on with it."""
    width = max((len(row) for row in before.rows), default=0)
    same = all(len(row) == width for row in table.rows)
    return same and not document.text[before.end : table.start].strip()


def _heading_before(document: Document, start: int) -> tuple[str | None, str | None]:
    """The numbered heading on the last line before a table: （一）医疗服务监管方面."""
    lines = document.text[:start].rstrip().rsplit("\n", 1)
    line = lines[-1].strip() if lines else ""
    if not line or len(line) > 60 or "。" in line or not _HEADING.match(line):
        return None, None
    label, title = split_label(line)
    return title, label


def split_label(text: str) -> tuple[str | None, str]:
    """(label, rest) of a cell or heading that starts with its number: （一）… → 一."""
    match = _LABEL.match(text)
    if not match or match.end() == len(text):
        return None, text.strip()
    return match.group(match.lastgroup or 0), text[match.end() :].strip()


def table_spans(document: Document, tables: list[LedgerTable]) -> list[tuple[int, int]]:
    """Spans the ledger tables take in the text, with the captions just above them."""
    spans = []
    for ledger in tables:
        start = _caption_start(document.text, ledger.table.start)
        if ledger.heading:
            start = document.text.rfind("\n", 0, max(start - 1, 0)) + 1
        spans.append((start, ledger.table.end))
    return spans


_CAPTION = re.compile(r"^(?:附件|附表)|(?:清单|台账|一览表|明细表|分解表|任务表|责任表)$")


def _caption_start(text: str, start: int) -> int:
    """Back over the short lines naming the table (附件, …整改清单) just above it."""
    pos = start
    while pos > 0:
        line_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[line_start:pos].strip()
        plain = re.sub(r"[\s:：\d]", "", line)
        if line and (len(line) > 40 or "。" in line or not _CAPTION.search(plain)):
            break
        pos = line_start
    return pos


def read_tables(document: Document, source: Text, tables: list[LedgerTable]) -> list[Section]:
    """The sections of all ledger tables, in order; categories go on across tables."""
    reader = _Reader(document, source)
    for ledger in tables:
        reader.table(ledger)
    return reader.sections


class _Reader:
    def __init__(self, document: Document, source: Text) -> None:
        self.document, self.source = document, source
        self.sections: list[Section] = []
        self.section: Section | None = None
        self.problem: Problem | None = None
        self.folded = False  # one-level: the problems are the sections

    def table(self, ledger: LedgerTable) -> None:
        columns = ledger.columns
        has_category = "category" in columns
        if ledger.heading and not has_category:
            self._open_section(ledger.heading, ledger.heading_label)
        rows = ledger.table.rows
        for index in range(ledger.first_row, len(rows)):
            row = rows[index]
            if index in ledger.table.repeated or self._repeats_header(row, ledger):
                continue
            if not has_category and (title := self._category_row(row, columns)):
                label, title = split_label(title)
                self._open_section(title, label)
                continue
            self._row(row, columns, has_category)

    def _repeats_header(self, row: list[Cell | None], ledger: LedgerTable) -> bool:
        texts = [self.document.cell_text(cell) for cell in row]
        if tuple(texts) == ledger.header_texts:
            return True
        named = header_columns(texts)
        return len(named) >= 3 and all(
            named[n][0] == c for n, c in ledger.columns.items() if n in named
        )

    def _category_row(self, row: list[Cell | None], columns: dict[str, int]) -> str | None:
        """A row of one merged cell across the table, or one short category-like cell."""
        cells = [cell for cell in dict.fromkeys(row) if cell is not None]
        texts = [(cell, self.document.cell_text(cell)) for cell in cells]
        filled = [(cell, text) for cell, text in texts if text]
        if len(filled) != 1:
            return None
        cell, text = filled[0]
        if len(cells) == 1 and len(row) > 1:
            return text
        measure = columns.get("measure")
        col = row.index(cell)
        if col != measure and col <= 1 and len(text) <= 40 and _CATEGORY_LOOK.search(text):
            return text
        return None

    def _row(self, row: list[Cell | None], columns: dict[str, int], has_category: bool) -> None:
        def cell(name: str) -> Cell | None:
            col = columns.get(name)
            return row[col] if col is not None and col < len(row) else None

        category = self.document.cell_text(cell("category"))
        problem = self.document.cell_text(cell("problem"))
        measure_cell = cell("measure")
        if not (category or problem or self.document.cell_text(measure_cell)):
            return
        if has_category and category:
            label, title = split_label(category)
            if self.section is None or title != self.section.title:
                self._open_section(title, label)
        if problem:
            label, title = split_label(problem)
            if self.section is None:
                self.folded = True
            if self.folded:
                if self.section is None or title != self.section.title:
                    self._open_section(title, label)
            elif self.problem is None or title != self.problem.title:
                self.problem = Problem(title=title, label=label)
                self.section.problems.append(self.problem)
        if self.section is None or measure_cell is None:
            return
        duties = {name: self._duty(cell(name), "" if name == "due" else "、") for name in DUTIES}
        measures = self.measures(measure_cell, duties)
        target = self.problem if (self.problem is not None and not self.folded) else self.section
        target.measures.extend(measures)

    def _duty(self, cell: Cell | None, joiner: str) -> str | None:
        return self.document.cell_text(cell, joiner) or None

    def _open_section(self, title: str, label: str | None) -> None:
        self.section = Section(title=title, label=label)
        self.sections.append(self.section)
        self.problem = None

    def measures(self, cell: Cell, duties: dict) -> list[Measure]:
        """The measures of one cell, each with the row's leader, department, owner, due."""
        items = self._items(cell)
        out = []
        for start, stop, label in items:
            text = self._join(cell, start, stop)
            if not text:
                continue
            measure = Measure(text=text, label=label, start=start, **duties)
            self.source.spans.append((start, stop, measure))
            out.append(measure)
        return out

    def _items(self, cell: Cell) -> list[tuple[int, int, str | None]]:
        """(start, stop, label) of each measure in the cell."""
        start, stop = cell.start, cell.end
        marks = [
            m
            for m in find_markers(self.source.norm, start, stop)
            if m.hand in _ITEM_HANDS | MEASURE_HANDS
        ]
        first = next((m for m in marks if m.value == 1), None)
        if first is not None and not self.source.norm[start : first.start].strip():
            items, counter = [first], 1
            for mark in marks:
                if (
                    mark.start > first.start
                    and mark.hand == first.hand
                    and mark.value == counter + 1
                ):
                    items.append(mark)
                    counter += 1
            return [
                (mark.end, items[i + 1].start if i + 1 < len(items) else stop, mark.label)
                for i, mark in enumerate(items)
            ]
        # Unnumbered: each paragraph that ends a sentence ends a measure.
        out, begin = [], None
        for a, b in cell.paragraphs:
            begin = a if begin is None else begin
            if self.document.text[a:b].rstrip().endswith(tuple(_SENTENCE_END)):
                out.append((begin, b, None))
                begin = None
        if begin is not None:
            out.append((begin, cell.end, None))
        return out

    def _join(self, cell: Cell, start: int, stop: int) -> str:
        """The text between start and stop, the cell's paragraphs joined without spaces."""
        parts = [
            self.source.original[max(a, start) : min(b, stop)].strip()
            for a, b in cell.paragraphs
            if b > start and a < stop
        ]
        return "".join(parts).strip(" ,;、:。，；：\n")
