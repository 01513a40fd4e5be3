"""A document as read from a file: its text, and the tables inside that text.

Readers of formats without tables (.txt, .html) give text only. A Word file, and a
PDF with ruled tables (pdftables.py), also give their tables as grids of cells,
each cell a span of the text, so that the table reader can build the problem tree
from columns while titles, dates and figures are still found in (and point into) the
one text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Cell:
    """One cell: the spans of its paragraphs in the document's text."""

    paragraphs: list[tuple[int, int]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.paragraphs[0][0] if self.paragraphs else 0

    @property
    def end(self) -> int:
        return self.paragraphs[-1][1] if self.paragraphs else 0


@dataclass
class Table:
    """Rows of cells on the table's grid. A merged cell is the same Cell object in each
    grid place it covers; a place no cell covers is None."""

    rows: list[list[Cell | None]] = field(default_factory=list)
    start: int = 0
    end: int = 0
    # Rows Word repeats at the top of each page (w:tblHeader).
    repeated: set[int] = field(default_factory=set)


@dataclass
class Document:
    text: str
    tables: list[Table] = field(default_factory=list)

    def cell_text(self, cell: Cell | None, joiner: str = "") -> str:
        if cell is None:
            return ""
        return joiner.join(self.text[a:b].strip() for a, b in cell.paragraphs).strip()
