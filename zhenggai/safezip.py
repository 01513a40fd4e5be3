"""Refuse zip bombs before they are unpacked: .docx and .xlsx are zip archives; and
measure how far a spreadsheet's cells reach before a reader lays out their grid.

The limits apply to the sizes the archive declares; Python's zipfile never inflates
an entry past its declared size, so a lying header cannot get round them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

MAX_ENTRIES = 10_000
MAX_TOTAL = 512 * 1024 * 1024  # uncompressed bytes, all entries together
MAX_RATIO = 200  # uncompressed / compressed, for entries larger than 1 MB


class UnsafeZip(ValueError):
    """An archive that would take too much memory or time to unpack."""


def check_zip(
    data: bytes,
    *,
    max_total: int = MAX_TOTAL,
    max_ratio: int = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> list[zipfile.ZipInfo]:
    """The entries of a safe archive; UnsafeZip (Chinese message) or BadZipFile if not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        # A damaged header can name a compression method or a version zipfile lacks.
        raise zipfile.BadZipFile(str(exc)) from exc
    if len(entries) > max_entries:
        raise UnsafeZip(f"压缩包内文件过多（{len(entries)} 个），疑似压缩炸弹")
    total = sum(info.file_size for info in entries)
    if total > max_total:
        raise UnsafeZip(f"解压后过大（{total // (1024 * 1024)} MB），疑似压缩炸弹")
    for info in entries:
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeZip(f"压缩比异常（{info.filename}），疑似压缩炸弹")
    return entries


# Where a sheet's XML places its cells: <row r="5">, <c r="B5"/>, <dimension ref="A1:K9"/>.
_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,3})(\d*)["']""")
_REF = re.compile(rb"""<(?:\w+:)?dimension\s+ref\s*=\s*["'](?:\w+:)?([A-Za-z]{1,3})(\d+)["']""")
# How Excel, WPS, LibreOffice and our own export write them: every row and cell opens
# with r="…" after one space; then only the places that could pass a limit are read.
_OPENINGS = (b"<c ", b"<c>", b"<c/>", b"<row ", b"<row>")
_WIDE = re.compile(rb' r="([A-Za-z]{2,3})\d')


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


class SheetSize:
    """The rows and columns a part's cells reach, as calamine would place them."""

    def __init__(self, rows: int) -> None:
        self.rows = self.columns = self.row = self.column = 0
        # Rows with as many digits as the limit: few in a sheet within it.
        self.far = re.compile(rb' r="[A-Za-z]{0,3}(\d{%d,})"' % len(str(rows)))

    def quick(self, chunk: bytes) -> bool:
        """Read a chunk written the usual way, in bulk; False if it is not."""
        tags = sum(chunk.count(opening) for opening in _OPENINGS)
        if tags != chunk.count(b' r="'):
            return False
        self.reach(max(map(int, self.far.findall(chunk)), default=0), 0)
        self.reach(0, max(map(_column, set(_WIDE.findall(chunk))), default=0))
        return True

    def follow(self, chunk: bytes) -> None:
        """Read a chunk tag by tag: a row or cell without r="…" follows the one before."""
        for kind, attrs in _TAG.findall(chunk):
            at = _R.search(attrs)
            if kind == b"row":
                self.row = int(at[2]) if at and at[2] else self.row + 1
                self.column = 0
            else:
                self.column = _column(at[1]) if at and at[1] else self.column + 1
                self.row = int(at[2]) if at and at[2] else max(self.row, 1)
            self.reach(self.row, self.column)

    def declared(self, head: bytes) -> None:
        """The size the sheet says it has, in <dimension>, which comes before the cells."""
        if ref := _REF.search(head):
            self.reach(int(ref[2]), _column(ref[1]))

    def reach(self, row: int, column: int) -> None:
        self.rows, self.columns = max(self.rows, row), max(self.columns, column)


def sheet_size(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, rows: int) -> SheetSize:
    """The rows and columns one part's cells reach, as calamine would place them, read
    before calamine allocates its grid of rows × columns (one cell at XFD1048576 would
    ask for 512 GB): in bulk if it is written the usual way, else tag by tag. `rows` is
    the limit the caller will hold it to (rows of as many digits are few in a sheet
    within it). UnsafeZip for a tag no real sheet has."""
    size = SheetSize(rows)
    if not all(size.quick(chunk) for chunk in _chunks(archive, entry)):
        size = SheetSize(rows)
        for chunk in _chunks(archive, entry):
            size.follow(chunk)
    size.declared(next(_chunks(archive, entry)))
    return size


def _chunks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part in pieces of about a megabyte, each ending before a tag."""
    rest = b""
    with archive.open(entry) as part:
        while chunk := part.read(1 << 20):
            chunk = rest + chunk
            cut = max(chunk.rfind(b"<"), 0)
            yield chunk[:cut]
            rest = chunk[cut:]
            if len(rest) > 1 << 20:  # no real tag is a megabyte long
                raise UnsafeZip(f"“{entry.filename}”中有异常的超长标记")
    yield rest
