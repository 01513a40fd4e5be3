"""Reading a ledger workbook (.xlsx) into a LedgerDraft, tolerant of what units send.

python-calamine reads the values (Rust, about ten times faster than openpyxl here);
merged cells arrive empty and carry the value above down, which is also how people
write ledgers without merging. The zip is checked before anything is unpacked.
"""

from __future__ import annotations

import datetime as dt
import io
import operator
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from lxml import etree
from python_calamine import CalamineWorkbook

# Column names are matched in notices.headers, shared with the Word-table reader;
# header_field stays importable from here.
from zhenggai.notices.headers import find_header, header_field  # noqa: F401
from zhenggai.notices.render import cn_date
from zhenggai.safezip import UnsafeZip, check_zip, sheet_size

from .draft import (
    DraftCategory,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    default_deadlines,
    gc_paused,
    kind_of,
    parse_due,
    parse_status,
)
from .models import Inspection, Measure

Term, Status = Measure.Term, Measure.Status

# A 100,000-row ledger written with inline strings unpacks to about 80 MB.
MAX_UNPACKED = 512 * 1024 * 1024
# Spreadsheet XML compresses well, but not a thousandfold: beyond that it is a bomb.
MAX_RATIO = 1000
# A workbook has a few dozen parts; thousands means something else.
MAX_ENTRIES = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The header is looked for in a sheet's first rows; the row limit counts the rows below.
HEAD_ROWS = 30


class WorkbookError(Exception):
    """A workbook that cannot be read; the message is Chinese and names the file."""


def check_container(data: bytes, name: str) -> dict[str, str]:
    """Refuse what is not a safe .xlsx before anything is unpacked; the parts of its
    sheets by name (`sheet_parts`), each checked by `check_sheet` before it is loaded."""
    if len(data) > (limit := settings.IMPORT_MAX_BYTES):
        raise WorkbookError(f"文件“{name}”超过 {limit // 1024 // 1024} MB，请拆分后导入。")
    if not data:
        raise WorkbookError(f"文件“{name}”是空文件。")
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise WorkbookError(
                f"工作簿“{name}”设有打开密码，请在 Excel 或 WPS 中取消密码后再导入。"
            )
        raise WorkbookError(
            f"“{name}”是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx）文件。")
    try:
        entries = check_zip(
            data, max_total=MAX_UNPACKED, max_ratio=MAX_RATIO, max_entries=MAX_ENTRIES
        )
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        if isinstance(exc, UnsafeZip):
            raise WorkbookError(f"工作簿“{name}”已拒绝：{exc}。") from None
        raise WorkbookError(f"工作簿“{name}”已损坏，无法打开。") from None
    names = {e.filename for e in entries}
    # calamine would read the parts of another format (.ods, .xlsb) in the same zip.
    if "xl/workbook.xml" not in names or names & {"content.xml", "xl/workbook.bin"}:
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx）文件。")
    with _unreadable(name), zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = sheet_parts(archive)
        skipped = set(sheets.values())
        check_sheets(archive, name, [e for e in archive.infolist() if e.filename not in skipped])
    return sheets


@contextmanager
def _unreadable(name: str):
    """What the zip and zlib raise on a damaged file, as the Chinese refusal."""
    try:
        yield
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ):
        raise WorkbookError(f"工作簿“{name}”已损坏，无法打开。") from None


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the part holding its cells (xl/worksheets/sheet1.xml), read from
    the workbook and its relationships as calamine reads them; {} if they cannot be read,
    and then every part is checked before anything is loaded."""
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        book = etree.fromstring(archive.read("xl/workbook.xml"), parser)
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), parser)
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return {}
    targets = {}
    for rel in rels.iter(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    names = set(archive.namelist())
    return {
        sheet.get("name"): targets[sheet.get(_REL_ID)]
        for sheet in book.iter(f"{_MAIN}sheet")
        if targets.get(sheet.get(_REL_ID)) in names
    }


def check_sheets(archive: zipfile.ZipFile, name: str, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a workbook whose sheets reach beyond the limits, before calamine allocates
    the grid of rows × columns (one cell at XFD1048576 would ask for 512 GB). Within the
    limits the grid is at most about 10 million cells. XML crafted to be misjudged here
    (a tab before r=) still meets the reading process's memory bound
    (sandbox.py). A sheet is checked just before it is loaded (`_find_sheet`): a ledger
    exported by us holds three long sheets and only one is read."""
    rows, columns = settings.IMPORT_MAX_ROWS + HEAD_ROWS, settings.IMPORT_MAX_COLUMNS
    for entry in entries:
        if not entry.filename.endswith(".xml"):
            continue
        try:
            size = sheet_size(archive, entry, rows)
        except UnsafeZip as exc:
            raise WorkbookError(f"工作簿“{name}”已拒绝：{exc}。") from None
        if size.rows > rows:
            raise WorkbookError(
                f"工作簿“{name}”的“{entry.filename}”有 {size.rows} 行，超过上限"
                f"（表头以下 {rows - HEAD_ROWS} 行），请拆分后分别导入，或删除表格末尾的空行。"
            )
        if size.columns > columns:
            raise WorkbookError(
                f"工作簿“{name}”的“{entry.filename}”有 {size.columns} 列，"
                f"超过上限 {columns} 列，请删除多余的列后再导入。"
            )


def check_sheet(data: bytes, name: str, part: str) -> None:
    """`check_sheets` for the part of one sheet, before calamine loads it."""
    with _unreadable(name), zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_sheets(archive, name, [archive.getinfo(part)])


@gc_paused()
def read_workbook(
    data: bytes,
    filename: str,
    *,
    feedback_date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LedgerDraft:
    """A ledger workbook as a draft; WorkbookError if the file cannot be read at all."""
    parts = check_container(data, filename)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own kinds for zip, XML and passwords
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise WorkbookError(f"工作簿“{filename}”设有密码，请取消密码后再导入。") from None
        raise WorkbookError(f"工作簿“{filename}”已损坏，无法读取。") from None
    sheet, head, rows = _find_sheet(book, filename, data, parts)
    draft = LedgerDraft(source=filename)
    read_title(draft, head[:-1])
    if feedback_date:
        draft.feedback_date = feedback_date
    reader = RowReader(draft, sheet.name, find_header(head[-1:])[1], feedback=draft.feedback_date)
    start = sheet.start[0] if sheet.start else 0
    for index, row in enumerate(rows, start=start + len(head) + 1):
        reader.add(row, index)
        if progress and index % 10000 == 0:
            progress(f"已校验 {index} 行")
    reader.finish()
    default_deadlines(draft)
    return draft


def _find_sheet(book, filename: str, data: bytes, parts: dict[str, str]):
    """The sheet holding the ledger, the rows up to its header, and an iterator of the rest."""
    names = book.sheet_names
    for name in sorted(names, key=lambda n: n != "整改台账"):
        if name in parts:
            check_sheet(data, filename, parts[name])
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.iter_rows()
        except Exception:
            continue
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= HEAD_ROWS:
                break
        found = find_header(head)
        if found:
            index = found[0]
            return sheet, head[: index + 1], _chain(head[index + 1 :], rows)
    raise WorkbookError(
        f"工作簿“{filename}”中找不到台账表头：前30行中应有“问题类别”“具体问题”"
        f"“整改措施”“完成时限”等列名。"
    )


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# The labels of the inspection line above the header, as `workbook._info` writes it
# (fields apart by 　) and as people type it. A value runs to the next label, a 　,
# a line end or two spaces.
_FIELDS = {
    "unit_name": r"被巡[察视]单位",
    "round": r"(?:巡察|巡视)?轮次",
    "group": r"巡[察视]组",
    "kind": r"类型",
    "stay": r"进驻(?:时间|日期)?",
    "feedback": r"反馈(?:日期|时间)?",
}
_LABEL = re.compile(
    "(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _FIELDS.items())
    + r"|(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,6}"  # any other label: 导出日期, 制表人
    + r")(?=[：:])"
)
_ROUND = re.compile(r"([^\s　]*?第[一二三四五六七八九十\d]+轮巡[察视])")
_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_KIND_LABELS = {label: value for value, label in Inspection.Kind.choices}


def read_title(draft: LedgerDraft, rows: list[list]) -> None:
    """Inspection fields written above the header: 轮次：… 反馈日期：2022年2月9日 …"""
    text = "　".join(_text(v) for row in rows for v in row if v not in (None, ""))
    info = title_fields(text)
    if not re.fullmatch(r"\d+\s*个", unit := info.get("unit_name", "")):
        draft.unit_name = unit or draft.unit_name  # a round's export counts its units instead
    draft.round = info.get("round") or (m[1] if (m := _ROUND.search(text)) else draft.round)
    draft.group = info.get("group", draft.group)
    if m := re.match(_DATE, info.get("feedback", "")):
        draft.feedback_date = _date(m, 1)
    if m := re.match(_DATE + r"\s*[至到—\-~]\s*" + _DATE, info.get("stay", "")):
        draft.start, draft.end = _date(m, 1), _date(m, 4)
    kind = info.get("kind", "")
    draft.kind = _KIND_LABELS.get(kind) or kind_of(draft.round + kind)


def title_fields(text: str) -> dict[str, str]:
    """Label → value of the lines above the header; unknown labels end a value only."""
    found = list(_LABEL.finditer(text))
    fields: dict[str, str] = {}
    for i, match in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(text)
        value = text[match.end() + 1 : stop].strip()
        value = re.split(r"　|\n|\t|\s{2,}", value)[0].strip()
        name = match.lastgroup
        if name and value and name not in fields:
            fields[name] = value
    return fields


def _date(match: re.Match, at: int) -> dt.date | None:
    try:
        return dt.date(int(match[at]), int(match[at + 1]), int(match[at + 2]))
    except ValueError:
        return None


def _text(value) -> str:
    if type(value) is str:  # nearly every cell: the test that finds it first
        return value.replace("\r\n", "\n").strip() if value else ""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return cn_date(value)
    return str(value).replace("\r\n", "\n").strip()


_YEAR = re.compile(r"\d{4}")
# The columns a data row is read for, in the order `RowReader.add` unpacks them.
CELLS = ("category", "problem", "measure", "unit", "leader", "department", "owner")
CELLS += ("progress", "evidence", "due", "status")


class RowReader:
    """Turns data rows into the draft tree; merged cells arrive empty and carry down."""

    def __init__(self, draft: LedgerDraft, sheet: str, columns: dict, feedback) -> None:
        self.draft, self.sheet, self.columns, self.feedback = draft, sheet, columns, feedback
        self.category: DraftCategory | None = None
        self.problem: DraftProblem | None = None
        self.units: set[str] = set()
        self.short_years = False
        self.dues: dict[str, tuple] = {}
        at = [columns[name][0] if name in columns else -1 for name in CELLS]
        self.fetch = operator.itemgetter(*at)
        self.width = max(at) + 1

    def cell(self, row: list, name: str):
        col = self.columns.get(name)
        return row[col[0]] if col and col[0] < len(row) else None

    def add(self, row: list, number: int) -> None:
        # The cells a row is read for, by one look-up of all of them; a column the sheet
        # lacks reads the None put after the row's last cell.
        cells = self.fetch([*row, None]) if len(row) >= self.width else self.fetch_short(row)
        category, problem, text, unit = map(_text, cells[:4])
        if unit:
            self.units.add(unit)
        if not (text or category or problem):
            return
        place = f"工作表“{self.sheet}”第{number}行"
        opened = self.place(category, problem, place)
        if self.category is None:
            self.draft.fail(f"{place}：整改措施之前没有问题类别。")
        elif text:
            (self.problem or self.category).measures.append(self.measure(cells, text, place))
        elif not opened:
            self.draft.warn(f"{place}：只有问题、没有整改措施，已跳过此行。")

    def fetch_short(self, row: list) -> tuple:
        """`fetch` of a row shorter than the header (a hand-made sheet's ragged row)."""
        return tuple(self.cell(row, name) for name in CELLS)

    def place(self, category: str, problem: str, place: str) -> bool:
        """Open the category and problem the row names; whether it opened one."""
        opened = False
        if category and (self.category is None or category != self.category.title):
            self.category, self.problem = DraftCategory(category, place), None
            self.draft.categories.append(self.category)
            opened = True
        if self.category is not None and problem:
            if self.problem is None or problem != self.problem.title:
                self.problem = DraftProblem(problem, place)
                self.category.problems.append(self.problem)
                opened = True
        return opened

    def measure(self, cells: tuple, text: str, place: str) -> DraftMeasure:
        _, _, _, _, leader, department, owner, progress, evidence, due, said = cells
        measure = DraftMeasure(
            text,
            place,
            leader=_text(leader),
            department=_text(department),
            owner=_text(owner),
            progress=_text(progress),
        )
        measure.evidence = [s for s in _text(evidence).split("\n") if s.strip()]
        try:
            if type(due) is str:  # a ledger writes a handful of deadlines: each read once
                if (read := self.dues.get(due)) is None:
                    read = self.dues[due] = parse_due(due, self.feedback)
                measure.term, measure.due = read
                self.short_years |= bool(measure.due and not _YEAR.search(due))
            else:
                measure.term, measure.due = parse_due(due, self.feedback)
        except ValueError as exc:
            self.draft.fail(f"{place}“{self.columns['due'][1]}”列：{exc}。")
        said = _text(said)
        measure.status = parse_status(said) or (
            Status.ONGOING if measure.term == Term.ONGOING else Status.PLANNED
        )
        if said and parse_status(said) is None:
            self.draft.warn(
                f"{place}“{self.columns['status'][1]}”列：无法识别的整改状态"
                f"“{said[:20]}”，按“{Status(measure.status).label}”导入。"
            )
        return measure

    def finish(self) -> None:
        # A row with a problem and no measure is how the export writes a problem without
        # measures (`workbook.ledger_rows`): kept, with a warning.
        for category in self.draft.categories:
            bare = [p for p in category.problems if not p.measures]
            if not category.problems and not category.measures:
                bare = [category]
            for problem in bare:
                self.draft.warn(f"{problem.place}：问题“{problem.title[:20]}”下没有整改措施。")
        if len(self.units) > 1:
            shown = "、".join(sorted(self.units)[:5])
            self.draft.fail(f"工作表“{self.sheet}”含多个被巡察单位（{shown}），请按单位分别导入。")
        elif self.units:
            self.draft.unit_name = self.draft.unit_name or next(iter(self.units))
        if not any(self.draft.measures()) and not self.draft.errors:
            self.draft.fail(f"工作表“{self.sheet}”表头下没有整改措施。")
        if not self.draft.feedback_date:
            later = "未写年份的时限已暂按今年推算，补填后重新推算。" if self.short_years else ""
            self.draft.warn(
                f"表头上方没有写明反馈日期（如“反馈日期：2022年2月9日”），请补填。{later}"
            )
