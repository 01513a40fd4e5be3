"""Reading a ledger workbook (.xlsx) into a LedgerDraft, tolerant of what units send.

python-calamine reads the values (Rust, about ten times faster than openpyxl here);
merged cells arrive empty and carry the value above down, which is also how people
write ledgers without merging. The zip is checked before anything is unpacked.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator

from python_calamine import CalamineWorkbook

from zhenggai.notices.render import cn_date
from zhenggai.safezip import UnsafeZip, check_zip

from .draft import (
    MAX_FILE,
    DraftCategory,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    default_deadlines,
    kind_of,
    parse_due,
    parse_status,
    squeeze,
)
from .models import Inspection, Measure

Term, Status = Measure.Term, Measure.Status

MAX_UNPACKED = 1024 * 1024 * 1024
# Spreadsheet XML compresses well, but not a thousandfold: beyond that it is a bomb.
MAX_RATIO = 1000
# A workbook has a few dozen parts; thousands means something else.
MAX_ENTRIES = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(Exception):
    """A workbook that cannot be read; the message is Chinese and names the file."""


def check_container(data: bytes, name: str) -> None:
    """Refuse what is not a safe .xlsx before anything is unpacked."""
    if len(data) > MAX_FILE:
        raise WorkbookError(f"文件“{name}”超过 {MAX_FILE // 1024 // 1024} MB，请拆分后导入。")
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
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        raise WorkbookError(f"“{name}”不是 Excel 工作簿（.xlsx）文件。")


ALIASES = {
    "seq": ("序号", "编号"),
    "unit": ("被巡察单位", "被巡视单位", "被检查单位", "单位名称"),
    "category": ("问题类别", "问题类型", "问题分类", "类别", "反馈问题类别", "问题方面", "方面"),
    "problem": (
        "具体问题",
        "问题",
        "存在问题",
        "问题描述",
        "问题表现",
        "反馈问题",
        "具体表现",
        "主要问题",
        "问题清单",
    ),
    "measure": ("整改措施", "措施", "具体措施", "整改举措", "整改任务", "任务清单"),
    "goal": ("整改目标",),
    "leader": ("责任领导", "牵头领导", "分管领导", "领导"),
    "department": (
        "责任部门",
        "责任单位",
        "牵头部门",
        "牵头单位",
        "责任科室",
        "责任处室",
        "承办部门",
    ),
    "owner": ("责任人", "整改责任人", "具体责任人", "经办人"),
    "due": ("完成时限", "时限", "完成时间", "整改时限", "整改期限", "完成期限", "办结时限"),
    "status": ("整改状态", "状态", "完成情况", "是否完成"),
    "progress": ("整改进展", "进展情况", "整改进展情况", "整改完成情况", "整改情况", "进展"),
    "evidence": ("佐证材料", "佐证", "证明材料", "印证材料", "佐证资料"),
}
_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def header_field(value) -> str | None:
    """The field a header cell names: exactly, or by the longest name it contains."""
    text = _BRACKETS.sub("", squeeze(str(value or ""))).rstrip("：:")
    if not text or len(text) > 20:
        return None
    if text in _BY_ALIAS:
        return _BY_ALIAS[text]
    found = [a for a in _BY_ALIAS if len(a) >= 2 and a in text]
    return _BY_ALIAS[max(found, key=len)] if found else None


def find_header(rows: list[list]) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """(row index, field -> (column, header text)) of the best header among rows."""
    best = None
    for index, row in enumerate(rows):
        columns: dict[str, tuple[int, str]] = {}
        for col, value in enumerate(row):
            name = header_field(value)
            if name and name not in columns:
                columns[name] = (col, str(value).strip())
        if ("measure" in columns or "goal" in columns) and len(columns) >= 3:
            if best is None or len(columns) > len(best[1]):
                best = (index, columns)
    if best and "measure" not in best[1]:
        best[1]["measure"] = best[1].pop("goal")
    if best and "category" not in best[1] and "problem" in best[1]:
        # A one-level ledger: its problems are the categories.
        best[1]["category"] = best[1].pop("problem")
    return best


def read_workbook(
    data: bytes,
    filename: str,
    *,
    feedback_date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LedgerDraft:
    """A ledger workbook as a draft; WorkbookError if the file cannot be read at all."""
    check_container(data, filename)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own kinds for zip, XML and passwords
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise WorkbookError(f"工作簿“{filename}”设有密码，请取消密码后再导入。") from None
        raise WorkbookError(f"工作簿“{filename}”已损坏，无法读取。") from None
    sheet, head, rows = _find_sheet(book, filename)
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


def _find_sheet(book, filename: str):
    """The sheet holding the ledger, the rows up to its header, and an iterator of the rest."""
    names = book.sheet_names
    for name in sorted(names, key=lambda n: n != "整改台账"):
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.iter_rows()
        except Exception:
            continue
        head = []
        for row in rows:
            head.append(row)
            if len(head) >= 30:
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
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return cn_date(value)
    return str(value).replace("\r\n", "\n").strip()


class RowReader:
    """Turns data rows into the draft tree; merged cells arrive empty and carry down."""

    def __init__(self, draft: LedgerDraft, sheet: str, columns: dict, feedback) -> None:
        self.draft, self.sheet, self.columns, self.feedback = draft, sheet, columns, feedback
        self.category: DraftCategory | None = None
        self.problem: DraftProblem | None = None
        self.units: set[str] = set()
        self.short_years = False

    def cell(self, row: list, name: str):
        col = self.columns.get(name)
        return row[col[0]] if col and col[0] < len(row) else None

    def add(self, row: list, number: int) -> None:
        place = f"工作表“{self.sheet}”第{number}行"
        category, problem = _text(self.cell(row, "category")), _text(self.cell(row, "problem"))
        text = _text(self.cell(row, "measure"))
        if unit := _text(self.cell(row, "unit")):
            self.units.add(unit)
        if not (text or category or problem):
            return
        opened = self.place(category, problem, place)
        if self.category is None:
            self.draft.fail(f"{place}：整改措施之前没有问题类别。")
        elif text:
            (self.problem or self.category).measures.append(self.measure(row, text, place))
        elif not opened:
            self.draft.warn(f"{place}：只有问题、没有整改措施，已跳过此行。")

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

    def measure(self, row: list, text: str, place: str) -> DraftMeasure:
        measure = DraftMeasure(
            text,
            place,
            leader=_text(self.cell(row, "leader")),
            department=_text(self.cell(row, "department")),
            owner=_text(self.cell(row, "owner")),
            progress=_text(self.cell(row, "progress")),
        )
        measure.evidence = [s for s in _text(self.cell(row, "evidence")).split("\n") if s.strip()]
        due = self.cell(row, "due")
        try:
            measure.term, measure.due = parse_due(due, self.feedback)
        except ValueError as exc:
            self.draft.fail(f"{place}“{self.columns['due'][1]}”列：{exc}。")
        if isinstance(due, str) and not re.search(r"\d{4}", due) and measure.due:
            self.short_years = True
        said = _text(self.cell(row, "status"))
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
