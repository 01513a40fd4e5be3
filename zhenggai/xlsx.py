"""The functions that write cells of an .xlsx sheet, with the formula guard.

Every workbook the system writes (the ledger, the office's round, the 通讯录) passes its
cells here, titles and merged cells included: `put` a cell, `put_row` a streamed row of
the ledger's long sheets; tests/ledger/test_workbook_guard.py fails on any other call
that writes a cell.
"""

from __future__ import annotations

import datetime as dt
import re

from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

# Text starting with these is a formula to Excel, WPS and every CSV they save.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def add_formats(book, styles: dict[str, dict]) -> dict:
    """Each named style, and its twin with Excel's quotePrefix for formula-like text."""
    fmt = {name: book.add_format(props) for name, props in styles.items()}
    for name, props in styles.items():
        fmt[f"{name}_quoted"] = book.add_format({**props, "quote_prefix": True})
    return fmt


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

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Excel's day 0 is 1899-12-30 for every date after 1900-02-28 (its 1900 leap-day bug).
_EXCEL_EPOCH = dt.date(1899, 12, 30).toordinal()
_EXCEL_LEAP_BUG = dt.date(1900, 3, 1)
MAX_TEXT = 32767  # characters in a cell


class _Styles(dict):
    """Style name → its xf index in the book, looked up once per sheet."""

    def __init__(self, fmt: dict):
        super().__init__()
        self.fmt = fmt

    def __missing__(self, style: str) -> int:
        index = self[style] = self.fmt[style]._get_xf_index()
        return index


def put_row(sheet, row: int, values, fmt: dict, styles=None) -> None:
    """Write a whole row of a constant_memory sheet, column 0 on; as `put` would, faster.

    `styles` names each column's style (default "cell"); dates take "date". The row must
    come after every row written so far and is not written to again by `put`.
    """
    if sheet.table:
        sheet._write_single_row(row)  # flush the row `put` was filling
    xf = sheet.__dict__.get("_zhenggai_xf")
    if xf is None or xf.fmt is not fmt:
        xf = sheet._zhenggai_xf = _Styles(fmt)
    if styles is None:
        styles = ("cell",) * len(values)
    sheet._check_dimensions(row, 0)
    sheet._check_dimensions(row, len(values) - 1)
    number = row + 1
    parts = [f'<row r="{number}">']
    append = parts.append
    for col, value in enumerate(values):
        ref = f"{_column(col)}{number}"
        style = styles[col]
        if type(value) is str:
            if not value:
                append(f'<c r="{ref}" s="{xf[style]}"/>')
                continue
            if value[0] in FORMULA_START:
                style = f"{style}_quoted"
            if len(value) > MAX_TEXT:
                value = value[:MAX_TEXT]  # as XlsxWriter's write_string cuts it
            if _NEEDS_ESCAPE.search(value):
                value = XMLwriter._escape_control_characters(value)
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if value[0].isspace() or value[-1].isspace():
                text = f'<t xml:space="preserve">{value}</t>'
            else:
                text = f"<t>{value}</t>"
            append(f'<c r="{ref}" s="{xf[style]}" t="inlineStr"><is>{text}</is></c>')
        elif value is None:
            append(f'<c r="{ref}" s="{xf[style]}"/>')
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            if value < _EXCEL_LEAP_BUG:
                serial = _datetime_to_excel_datetime(value, False, False)
            else:
                serial = value.toordinal() - _EXCEL_EPOCH
            append(f'<c r="{ref}" s="{xf["date"]}"><v>{serial:.16G}</v></c>')
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            append(f'<c r="{ref}" s="{xf[style]}"><v>{value:.16G}</v></c>')
        else:
            raise TypeError(f"put_row: unsupported cell value {type(value).__name__}")
    append("</row>")
    sheet.fh.write("".join(parts))
    sheet.previous_row = row


_COLUMNS = [xl_col_to_name(col) for col in range(64)]


def _column(col: int) -> str:
    return _COLUMNS[col] if col < 64 else xl_col_to_name(col)
