"""Writing the ledger workbook (三清单一台账) as .xlsx with XlsxWriter.

Writing streams: rows come from one generator over a fixed number of queries and go
to the file in order (XlsxWriter's constant_memory mode), so memory stays flat in the
row count. Reading a workbook back is `workbook_read`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from xlsxwriter.worksheet import Worksheet

from zhenggai.notices.render import cn_date
from zhenggai.xlsx import Workbook, add_formats, put, put_rows

from . import rules
from .counts import Tally, tally
from .models import Evidence, HandoverItem, Inspection, Measure, Problem, Progress

Term, Status = Measure.Term, Measure.Status
STATUS_LABELS, TERM_LABELS = dict(Status.choices), dict(Term.choices)
LEDGER = [
    ("序号", 6),
    ("问题类别", 22),
    ("具体问题", 28),
    ("整改措施", 46),
    ("责任领导", 10),
    ("责任部门", 14),
    ("责任人", 10),
    ("完成时限", 14),
    ("整改状态", 10),
    ("整改进展", 40),
    ("佐证材料", 24),
]
PROBLEMS = [
    ("序号", 8),
    ("问题类别", 40),
    ("具体问题", 50),
    ("整改措施（项）", 14),
    ("已完成（项）", 14),
    ("销号情况", 14),
]
TASKS = [("序号", 8), ("具体问题", 40), ("整改措施", 70), ("完成时限", 16), ("整改状态", 12)]
DUTIES = [
    ("序号", 8),
    ("整改措施", 70),
    ("责任领导", 16),
    ("责任部门", 20),
    ("责任人", 16),
    ("交接记录", 40),
]
UNIT_COLUMN = ("被巡察单位", 16)
HEAD_ROWS = 3  # title, inspection line, header
CHUNK = 200  # ledger rows written at once: a write per 200 rows, memory as with one


# --- export ------------------------------------------------------------------------


class StreamingSheet(Worksheet):
    """A worksheet that can merge cells down while rows are streamed."""

    def merge_down(self, first_row: int, col: int, last_row: int) -> None:
        # XlsxWriter's merge_range pads the range with blanks at once, which in
        # constant_memory mode flushes the rows below before they are written, and it
        # keeps a dict entry per merged cell. The caller writes the first cell and the
        # formatted blanks in row order; Excel needs only this <mergeCell> entry.
        if last_row > first_row:
            self.merge.append([first_row, col, last_row, col])

    def _write_optimized_sheet_data(self) -> None:
        # XlsxWriter copies the streamed rows into the sheet's XML through text files,
        # decoding and encoding again the 150 MB of a 100,000-measure ledger: the bytes
        # are copied as they are.
        if self.dim_rowmin is None or not hasattr(self.fh, "buffer"):
            super()._write_optimized_sheet_data()
            return
        self._xml_start_tag("sheetData")
        self.row_data_fh.close()
        self.fh.flush()
        with open(self.row_data_filename, "rb") as rows:
            _append(rows, self.fh.buffer)
        os.unlink(self.row_data_filename)
        self._xml_end_tag("sheetData")


def _append(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy a whole file to the end of another, in the kernel where it can."""
    target.flush()
    size, sent = os.fstat(source.fileno()).st_size, 0
    try:
        while sent < size:
            sent += os.sendfile(target.fileno(), source.fileno(), sent, size - sent)
    except (AttributeError, OSError):  # no file-to-file sendfile (not Linux)
        source.seek(sent)
        shutil.copyfileobj(source, target, 1 << 20)


@dataclass(slots=True)
class LedgerRow:
    """One measure with its place in the tree; runs > 0 open a merged block."""

    seq: int
    unit: str
    unit_run: int
    category: str
    category_run: int
    problem: str
    problem_run: int
    text: str
    leader: str
    department: str
    owner: str
    due: dt.date | str
    status: str
    progress: str
    evidence: str
    handover: str = ""  # the 交接 records of the measure, for the 责任清单


class Joined(Aggregate):
    """Texts joined by newlines: GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, CHAR(10))"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, E'\\n')",
            **extra,
        )


def _joined(queryset, field) -> Subquery:
    return Subquery(
        queryset.order_by().values("measure_key").annotate(t=Joined(field)).values("t")[:1]
    )


def measure_rows(inspections: list[Inspection], internal: bool) -> tuple[list, dict, Iterator]:
    """The problems (one query) and the measure rows (two queries), in ledger order."""
    measures = Measure.objects.filter(problem__inspection__in=inspections)
    problems = Problem.objects.filter(inspection__in=inspections)
    if not internal:
        measures, problems = measures.public(), problems.public()
    problem_list = list(
        problems.order_by("position", "id").values(
            "id", "parent_id", "inspection_id", "title", "closed_at"
        )
    )
    counts = {
        r["problem_id"]: r
        for r in measures.values("problem_id").annotate(
            n=Count("id"), done=Count("id", filter=rules.q(rules.finished()))
        )
    }
    progress = (
        Progress.objects.current().filter(measure=OuterRef("pk")).annotate(measure_key=F("measure"))
    )
    evidence = Evidence.objects.filter(
        progress__measure=OuterRef("pk"), progress__withdrawn_at=None
    ).annotate(
        measure_key=F("progress__measure"),
        shown=Case(When(name="", then=F("reference")), default=F("name")),
    )
    handovers = HandoverItem.objects.filter(measure=OuterRef("pk")).annotate(
        measure_key=F("measure")
    )
    rows = measures.annotate(
        handover_text=_joined(handovers, "note"),
        progress_text=_joined(progress, "text"),
        evidence_text=_joined(evidence, "shown"),
        cat_position=Coalesce("problem__parent__position", "problem__position"),
        cat_id=Coalesce("problem__parent_id", "problem_id"),
        is_sub=Case(
            When(problem__parent=None, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
    ).order_by(
        "problem__inspection__unit__name",
        "problem__inspection_id",
        "cat_position",
        "cat_id",
        "is_sub",
        "problem__position",
        "problem_id",
        "position",
        "id",
    )
    return (
        problem_list,
        counts,
        rows.values_list(
            "problem__inspection_id",
            "problem_id",
            "text",
            "leader",
            "department",
            "owner",
            "term",
            "due",
            "status",
            "progress_text",
            "evidence_text",
            "handover_text",
        ).iterator(chunk_size=2000),
    )


def ledger_rows(
    inspections: list[Inspection], problems: list[dict], counts: dict, measures: Iterator
) -> Iterator[LedgerRow]:
    """Rows of the 整改台账 sheet, with the run length of each merged block.

    A problem without measures gets a row of its own with an empty measure (seq 0), so
    that the tree survives a round trip through the workbook.
    """
    by_id = {p["id"]: p for p in problems}
    order, bare = _tree_order(problems, counts)
    runs: Counter = Counter()
    for p in problems:
        n = counts.get(p["id"], {}).get("n", 0) or int(p["id"] in bare)
        runs[("p", p["id"])] = n
        runs[("c", p["parent_id"] or p["id"])] += n
        runs[("i", p["inspection_id"])] += n
    units = {i.pk: i.unit.name for i in inspections}
    # Per problem: its category, its sub-problem (None under a category itself), and the
    # keys of its merged blocks (inspection, category, sub-problem).
    places = {}
    for p in problems:
        category = by_id[p["parent_id"]] if p["parent_id"] else p
        sub = p if p["parent_id"] else None
        keys = (p["inspection_id"], category["id"], sub and sub["id"])
        places[p["id"]] = (category["title"], sub["title"] if sub else "", keys)
    last: tuple = (None, None, None)
    seq = 0
    for row in _with_bare(measures, order, bare, [i.pk for i in inspections]):
        inspection_id, problem_id, text, leader, department, owner, term, due, status = row[:9]
        category, sub, keys = places[problem_id]
        if keys == last:  # inside the blocks of the row above
            unit_run = category_run = 0
            problem_run = 0 if sub else 1
        else:
            unit_run = _run(runs, "i", keys, last, 0)
            category_run = _run(runs, "c", keys, last, 1)
            problem_run = _run(runs, "p", keys, last, 2) if sub else 1
        if term is None:
            number = 0
        else:
            seq += 1
            number = seq
        yield LedgerRow(
            number,
            units[inspection_id],
            unit_run,
            category,
            category_run,
            sub,
            problem_run,
            text,
            leader,
            department,
            owner,
            (due or "" if term == Term.DEADLINE else due_text(term, due)) if term else "",
            STATUS_LABELS[status] if status else "",
            row[9] or "",
            row[10] or "",
            row[11] or "",
        )
        last = keys


def _tree_order(problems: list[dict], counts: dict) -> tuple[dict, set]:
    """Each inspection's problems in ledger order, and those that need a row of their own."""
    subs: dict[int, list[dict]] = {}
    for p in problems:
        if p["parent_id"]:
            subs.setdefault(p["parent_id"], []).append(p)
    order: dict[int, list[int]] = {}
    bare = set()
    for p in problems:
        if p["parent_id"]:
            continue
        below = subs.get(p["id"], [])
        order.setdefault(p["inspection_id"], []).extend([p["id"], *(s["id"] for s in below)])
        for q in below if below else [p]:
            if not counts.get(q["id"], {}).get("n"):
                bare.add(q["id"])
    return order, bare


def _with_bare(measures: Iterator, order: dict, bare: set, inspection_ids: list) -> Iterator:
    """The measure rows, and an empty one (term None) for each problem without measures."""
    pending = {i: iter(order.get(i, [])) for i in inspection_ids}
    current = (None, None)
    for row in measures:
        if row[:2] != current:
            if current[0] is not None and current[0] != row[0]:
                yield from _bare_rows(current[0], pending.pop(current[0]), bare)
            yield from _bare_rows(row[0], pending[row[0]], bare, until=row[1])
            current = row[:2]
        yield row
    for inspection_id, rest in pending.items():
        yield from _bare_rows(inspection_id, rest, bare)


def _bare_rows(inspection_id: int, problems: Iterator, bare: set, until=None) -> Iterator:
    for problem_id in problems:
        if problem_id == until:
            return
        if problem_id in bare:
            yield (inspection_id, problem_id, "", "", "", "", None, None, None, "", "", "")


def _run(runs: Counter, kind: str, keys: tuple, last: tuple, level: int) -> int:
    if keys[: level + 1] == last[: level + 1]:
        return 0
    return runs[(kind, keys[level])]


def due_text(term: str, due: dt.date | None) -> dt.date | str:
    """A date cell for a deadline, words for 立行立改 and 长期坚持."""
    if term == Term.DEADLINE:
        return due or ""
    label = TERM_LABELS[term]
    return f"{label}（{cn_date(due)}）" if due else label


def _formats(book) -> dict:
    """Each cell style, and its twin with Excel's quotePrefix for formula-like text."""
    cell = {"border": 1, "text_wrap": True, "valign": "top", "font_size": 10}
    styles = {
        "title": {"bold": True, "font_size": 16, "align": "center"},
        "info": {"font_size": 10},
        "head": {
            **cell,
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "bg_color": "#D9E1F2",
        },
        "cell": cell,
        "date": {**cell, "num_format": 'yyyy"年"m"月"d"日"'},
        "merged": {**cell, "valign": "vcenter"},
    }
    return add_formats(book, styles)


def _sheet(book, name: str, columns: list, title: str, info: str, fmt: dict) -> StreamingSheet:
    sheet = book.add_worksheet(name, worksheet_class=StreamingSheet)
    last = len(columns) - 1
    put(sheet, 0, 0, title, fmt, style="title", merge_to=(0, last))
    put(sheet, 1, 0, info, fmt, style="info", merge_to=(1, last))
    for col, (label, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        put(sheet, 2, col, label, fmt, style="head")
    sheet.freeze_panes(HEAD_ROWS, 0)
    sheet.repeat_rows(2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    return sheet


def write_ledger(
    out: IO[bytes] | str, inspections: list[Inspection], *, internal: bool, title: str, info: str
) -> int:
    """Write the four sheets of one or more inspections; returns the measure count."""
    problems, counts, measures = measure_rows(inspections, internal)
    several = len(inspections) > 1
    book = Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    fmt = _formats(book)
    ledger_cols = [LEDGER[0], UNIT_COLUMN, *LEDGER[1:]] if several else LEDGER
    ledger = _sheet(book, "整改台账", ledger_cols, title, info, fmt)
    problem_sheet = _sheet(book, "问题清单", PROBLEMS, title, info, fmt)
    tasks = _sheet(book, "任务清单", TASKS, title, info, fmt)
    duties = _sheet(book, "责任清单", DUTIES, title, info, fmt)
    last = _write_problems(problem_sheet, problems, counts, fmt)
    total = tally(inspections, timezone.localdate(), public=not internal)
    _write_cells(problem_sheet, last + 1, total_row(total), fmt)
    seq = 0
    shift = 1 if several else 0
    # The merged columns (unit, category, problem) take "merged" where a run spans rows.
    plain = ("cell",) * (len(ledger_cols) - 3 - shift)
    shapes: dict[tuple, tuple] = {}
    chunks: tuple[list, list, list] = ([], [], [])  # rows of the ledger, tasks, duties
    for index, row in enumerate(ledger_rows(inspections, problems, counts, measures)):
        r = HEAD_ROWS + index
        category_run, problem_run = row.category_run, row.problem_run
        if several:
            unit_run = row.unit_run
            merged = (unit_run != 1, category_run != 1, problem_run != 1)
            values: list = [row.seq or "", row.unit if unit_run else None]
            if unit_run > 1:
                ledger.merge_down(r, 1, r + unit_run - 1)
        else:
            merged = (category_run != 1, problem_run != 1)
            values = [row.seq or ""]
        values.append(row.category if category_run else None)
        values.append(row.problem if problem_run else None)
        if category_run > 1:
            ledger.merge_down(r, 1 + shift, r + category_run - 1)
        if problem_run > 1:
            ledger.merge_down(r, 2 + shift, r + problem_run - 1)
        values += (
            row.text,
            row.leader,
            row.department,
            row.owner,
            row.due,
            row.status,
            row.progress,
            row.evidence,
        )
        styles = shapes.get(merged)
        if styles is None:
            styles = shapes[merged] = ("cell", *("merged" if m else "cell" for m in merged), *plain)
        chunks[0].append((r, values, styles))
        if row.seq:  # not a problem without measures, which has no task and no duty
            seq = row.seq
            # A measure under a category itself is listed against the category.
            problem = row.problem or row.category
            r = HEAD_ROWS + seq - 1
            chunks[1].append((r, (seq, problem, row.text, row.due, row.status), None))
            duty = (seq, row.text, row.leader, row.department, row.owner, row.handover)
            chunks[2].append((r, duty, None))
        if len(chunks[0]) == CHUNK:
            _put_chunks((ledger, tasks, duties), chunks, fmt)
    _put_chunks((ledger, tasks, duties), chunks, fmt)
    book.close()
    return seq


def _put_chunks(sheets: tuple, chunks: tuple[list, ...], fmt: dict) -> None:
    for sheet, rows in zip(sheets, chunks, strict=True):
        put_rows(sheet, rows, fmt)
        rows.clear()


def _write_cells(sheet, row: int, values: Iterable, fmt: dict) -> None:
    for col, value in enumerate(values):
        put(sheet, row, col, value, fmt)


def total_row(t: Tally) -> tuple:
    """The 合计 row under the problem list, in the words and figures of every page."""
    return (
        "合计",
        f"问题{t.problems}个，已完成整改{t.rectified}个，问题整改完成率{t.problem_rate}",
        f"整改措施{t.total}项，已完成{t.done}项，措施完成率{t.measure_rate}",
        t.total,
        t.done,
        f"已销号{t.closed}个",
    )


def _write_problems(sheet, problems: list[dict], counts: dict, fmt: dict) -> int:
    """The problem rows; returns the row after the last."""
    subs: dict[int, list[dict]] = {}
    for p in problems:
        if p["parent_id"]:
            subs.setdefault(p["parent_id"], []).append(p)
    row = HEAD_ROWS
    for i, category in enumerate(p for p in problems if not p["parent_id"]):
        items = [category, *subs.get(category["id"], [])]
        total = sum(counts.get(p["id"], {}).get("n", 0) for p in items)
        done = sum(counts.get(p["id"], {}).get("done", 0) for p in items)
        _write_cells(
            sheet,
            row,
            (f"{_cn(i + 1)}、", category["title"], "", total, done, _closed(category)),
            fmt,
        )
        row += 1
        for j, sub in enumerate(subs.get(category["id"], []), start=1):
            count = counts.get(sub["id"], {})
            _write_cells(
                sheet,
                row,
                (
                    f"（{_cn(j)}）",
                    category["title"],
                    sub["title"],
                    count.get("n", 0),
                    count.get("done", 0),
                    _closed(sub),
                ),
                fmt,
            )
            row += 1
    return row


def _closed(problem: dict) -> str:
    return (
        f"已销号（{cn_date(timezone.localdate(problem['closed_at']))}）"
        if problem["closed_at"]
        else "未销号"
    )


def _cn(n: int) -> str:
    from zhenggai.notices.numerals import int_to_chinese

    return int_to_chinese(n)


def _info(inspection: Inspection) -> str:
    parts = [
        f"被巡察单位：{inspection.unit.name}",
        f"巡察轮次：{inspection.round}",
        f"类型：{inspection.get_kind_display()}",
    ]
    if inspection.group:
        parts.append(f"巡察组：{inspection.group}")
    if inspection.start and inspection.end:
        parts.append(f"进驻：{cn_date(inspection.start)}至{cn_date(inspection.end)}")
    parts += [
        f"反馈日期：{cn_date(inspection.feedback_date)}",
        f"导出日期：{cn_date(timezone.localdate())}",
    ]
    return "　".join(parts)


def export_inspection(inspection: Inspection, internal: bool = False) -> bytes:
    """The ledger workbook of one inspection; the public version leaves out withheld items."""
    out = io.BytesIO()
    write_inspection(out, inspection, internal=internal)
    return out.getvalue()


def write_inspection(out, inspection: Inspection, *, internal: bool = False) -> int:
    title = f"{inspection.unit.name}{inspection.round}整改台账" + ("（内部）" if internal else "")
    return write_ledger(out, [inspection], internal=internal, title=title, info=_info(inspection))


def export_round(
    round_name: str, inspections: Iterable[Inspection], internal: bool = True, out=None
) -> bytes | None:
    """All inspections of a round on one sheet, with a 被巡察单位 column (for the office)."""
    chosen = sorted(inspections, key=lambda i: (i.unit.name, i.pk))
    info = (
        f"巡察轮次：{round_name}　被巡察单位：{len(chosen)} 个"
        f"　导出日期：{cn_date(timezone.localdate())}"
    )
    target = out or io.BytesIO()
    write_ledger(target, chosen, internal=internal, title=f"{round_name}整改台账汇总", info=info)
    return None if out else target.getvalue()
