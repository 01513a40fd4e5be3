"""The functions that write cells of an .xlsx sheet, with the formula guard.

Every workbook the system writes (the ledger, the office's round, the 通讯录) passes its
cells here, titles and merged cells included: `put` a cell, `put_row` and `put_rows`
streamed rows of the ledger's long sheets; tests/ledger/test_workbook_guard.py fails on
any other call that writes a cell. `Workbook` packs faster than XlsxWriter's own.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from contextvars import ContextVar

import xlsxwriter.workbook
from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

_ZIP_LEVEL: ContextVar[int | None] = ContextVar("zip_level", default=None)


class _ZipFile(zipfile.ZipFile):
    """The zip file XlsxWriter packs a workbook in: as its own, deflated at the level of
    the `Workbook` being closed in this thread, if any."""

    def __init__(self, *args, **kwargs):
        level = _ZIP_LEVEL.get()
        if level is not None:
            kwargs.setdefault("compresslevel", level)
        super().__init__(*args, **kwargs)


xlsxwriter.workbook.ZipFile = _ZipFile


class Workbook(xlsxwriter.Workbook):
    """XlsxWriter's workbook, packed at deflate level 1 rather than zlib's default 6.

    At 100,000 measures the ledger's sheets are 150 MB of XML: level 6 takes about
    0.8 s to pack them into 10.3 MB, level 1 about 0.25 s into 13.3 MB (measured with
    bench/workbook.py). Other XlsxWriter workbooks keep their default.
    """

    def close(self) -> None:
        token = _ZIP_LEVEL.set(1)
        try:
            super().close()
        finally:
            _ZIP_LEVEL.reset(token)


# Text starting with these is a formula to Excel, WPS and every CSV they save.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def add_formats(book, styles: dict[str, dict]) -> Formats:
    """Each named style, and its twin with Excel's quotePrefix for formula-like text."""
    fmt = Formats({name: book.add_format(props) for name, props in styles.items()})
    for name, props in styles.items():
        fmt[f"{name}_quoted"] = book.add_format({**props, "quote_prefix": True})
    return fmt


class Formats(dict):
    """Style name → XlsxWriter format of one workbook, with what `put_row` keeps for it
    (the cells' XML of recent values, for all the workbook's sheets)."""

    def __init__(self, formats: dict):
        super().__init__(formats)
        self.rows = _RowState(self)


def put(
    sheet,
    row: int,
    col: int,
    value,
    fmt: dict,
    merged: bool = False,
    style: str = "cell",
    merge_to: tuple[int, int] | None = None,
) -> None:
    """Write one cell: the only place cell values reach a sheet.

    Text always goes through write_string, so it is never a formula. Text that starts
    with = + - @ also gets Excel's quotePrefix (the apostrophe-equivalent): Excel and
    WPS show it unchanged and keep it text when it is edited. A literal leading ' would
    instead become part of the text on re-import and in every copy. `merge_to` (last
    row, last column) merges the range first: XlsxWriter's merge_range would write its
    text through write(), which makes "=…" a formula. Dates take the style "date".
    """
    style = "merged" if merged else style
    if merge_to is not None:
        sheet.merge_range(row, col, *merge_to, "", fmt[style])
    # str first: nearly every cell is text, and this runs for every cell of 100,000 rows.
    if type(value) is str:
        if not value:
            sheet.write_blank(row, col, None, fmt[style])
        elif value[0] in FORMULA_START:
            sheet.write_string(row, col, value, fmt[f"{style}_quoted"])
        else:
            sheet.write_string(row, col, value, fmt[style])
    elif value is None:
        sheet.write_blank(row, col, None, fmt[style])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, fmt["date"])
    else:
        sheet.write_number(row, col, value, fmt[style])


# --- whole rows at once ------------------------------------------------------------
# `put` costs XlsxWriter's per-cell machinery (a cell object, a dict entry, attribute
# escaping, a write call): about 5 µs a cell, 11 s for the 2.2 million cells of a
# 100,000-measure ledger. `put_row` writes a streamed (constant_memory) sheet's row as
# one string with the same guard: text is always an inline string, never a formula,
# and formula-like text takes the quotePrefix style; XlsxWriter still writes the rest of
# the sheet (dimensions, merges, print settings) and the workbook around it.
#
# A cell is three pieces: its column's head '<c r="D', the row number, and the body
# '" s="5" t="inlineStr"><is><t>…</t></is></c>' (the style's xf index included); a
# chunk of rows (`put_rows`) is one join of those pieces and one write. The bodies are
# kept per style and workbook (`_Bodies`), as the same values come back row after row
# (责任人, dates, statuses) and in the three sheets of one measure: most cells cost one
# dict look-up.

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Excel's day 0 is 1899-12-30 for every date after 1900-02-28 (its 1900 leap-day bug).
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_EXCEL_LEAP_BUG = dt.date(1900, 3, 1)
MAX_TEXT = 32767  # characters in a cell


class _Bodies(dict):
    """Cell value → the cell's XML after its reference, in one style of one workbook.

    Keeps what it made (at most KEPT, so memory stays flat in the row count), but for
    the numbers 0 and 1: False == 0 and True == 1 must not find them and be written.
    """

    KEPT = 1024

    def __init__(self, fmt: dict, style: str):
        super().__init__()
        self.xf = fmt[style]._get_xf_index()
        self.quoted = fmt[f"{style}_quoted"]._get_xf_index()
        self.date = fmt["date"]._get_xf_index()

    def __missing__(self, value) -> bytes:
        kind = type(value)
        if kind is str:
            body = self._text(value) if value else b'" s="%d"/>' % self.xf
        elif kind is int or kind is float:
            body = f'" s="{self.xf}"><v>{value:.16G}</v></c>'.encode()
            if value == 0 or value == 1:
                return body
        elif value is None:
            body = b'" s="%d"/>' % self.xf
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if value < _EXCEL_LEAP_BUG:
                serial = _datetime_to_excel_datetime(value, False, False)
            else:
                serial = value.toordinal() - _EXCEL_EPOCH
            body = f'" s="{self.date}"><v>{serial:.16G}</v></c>'.encode()
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'" s="{self.xf}"><v>{value:.16G}</v></c>'.encode()  # subclass: not kept
        else:
            raise TypeError(f"put_row: unsupported cell value {type(value).__name__}")
        if len(self) >= self.KEPT:
            self.clear()
        self[value] = body
        return body

    def _text(self, value: str) -> bytes:
        xf = self.quoted if value[0] in FORMULA_START else self.xf
        if len(value) > MAX_TEXT:
            value = value[:MAX_TEXT]  # as XlsxWriter's write_string cuts it
        if _NEEDS_ESCAPE.search(value):
            value = XMLwriter._escape_control_characters(value)
            value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if value[0].isspace() or value[-1].isspace():
            text = f'" s="{xf}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
        else:
            text = f'" s="{xf}" t="inlineStr"><is><t>{value}</t></is></c>'
        return text.encode()


class _RowState:
    """What the row writers keep for a workbook: the bodies per style, and per column
    styles those columns' heads and bodies."""

    def __init__(self, fmt: dict):
        self.fmt = fmt
        self.bodies: dict[str, _Bodies] = {}
        self.shapes: dict[tuple | int, tuple[tuple[_Bodies, ...], str]] = {}

    def shape(self, styles: tuple | None, width: int) -> tuple[tuple, tuple[_Bodies, ...]]:
        """The cells' heads ('<c r="A') and bodies for `styles` (None: all "cell")."""
        key = width if styles is None else styles if type(styles) is tuple else tuple(styles)
        shape = self.shapes.get(key)
        if shape is None:
            names = ("cell",) * width if styles is None else tuple(styles)
            for style in names:
                if style not in self.bodies:
                    self.bodies[style] = _Bodies(self.fmt, style)
            heads = tuple(f'<c r="{_column(c)}'.encode() for c in range(len(names)))
            shape = self.shapes[key] = (heads, tuple(self.bodies[s] for s in names))
        return shape


def _state(sheet, fmt: dict) -> _RowState:
    state = getattr(fmt, "rows", None)  # a Formats: shared by the sheets of a workbook
    if state is None:
        state = sheet.__dict__.get("_zhenggai_rows")
        if state is None or state.fmt is not fmt:
            state = sheet._zhenggai_rows = _RowState(fmt)
    return state


def put_row(sheet, row: int, values, fmt: dict, styles=None) -> None:
    """Write a whole row of a constant_memory sheet, column 0 on; as `put` would, faster.

    `styles` names each column's style (default "cell"); dates take "date". The row must
    come after every row written so far and is not written to again by `put`.
    """
    put_rows(sheet, [(row, values, styles)], fmt)


def put_rows(sheet, rows: list[tuple[int, Sequence, Sequence | None]], fmt: dict) -> None:
    """`put_row` for each (row, values, styles) of `rows`, in rising row order, as one
    write: a few hundred rows at a time cost a tenth of their writes one by one."""
    if not rows:
        return
    first, last = rows[0][0], rows[-1][0]
    if sheet.table:
        sheet._write_single_row(first)  # flush the row `put` was filling
    shape = _state(sheet, fmt).shape
    parts: list[bytes] = []
    append = parts.append
    width = 0
    for row, values, styles in rows:
        heads, columns = shape(styles, len(values))
        if len(columns) != len(values):
            raise ValueError(f"put_row: {len(values)} values for {len(columns)} styles")
        number = b"%d" % (row + 1)
        append(b'<row r="')
        append(number)
        append(b'">')
        for head, column, value in zip(heads, columns, values, strict=False):
            append(head)
            append(number)
            append(column[value])
        append(b"</row>")
        if len(values) > width:
            width = len(values)
    sheet._check_dimensions(first, 0)
    sheet._check_dimensions(last, width - 1)
    data = b"".join(parts)
    if len(rows) > 1 and hasattr(sheet.fh, "buffer"):
        # XlsxWriter's text file: flushed, then our bytes after its text (a flush a row
        # would cost more than the encoding it saves, so a single row goes as text)
        sheet.fh.flush()
        sheet.fh.buffer.write(data)
    else:
        sheet.fh.write(data.decode())
    sheet.previous_row = last


_COLUMNS = [xl_col_to_name(col) for col in range(64)]


def _column(col: int) -> str:
    return _COLUMNS[col] if col < 64 else xl_col_to_name(col)
