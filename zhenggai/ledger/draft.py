"""A ledger before it is saved: parsed from a notice or a workbook, previewed, committed.

Readers (`notice_read`, `workbook_read`, chosen in `readers`) only build a `LedgerDraft`
and note warnings and errors, each naming its place; `commit_draft` checks everything
first and then writes the whole tree in one transaction.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import gc
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from zhenggai.accounts.access import OFFICE, access_for
from zhenggai.accounts.models import Unit
from zhenggai.audit.services import record
from zhenggai.notices.render import cn_date

from . import search
from .counts import counted
from .indicators import name_indicators
from .models import (
    Evidence,
    Figure,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
    add_months,
)
from .services import LedgerError, check_register

Term, Status = Measure.Term, Measure.Status
# Beyond this many, messages are counted rather than listed: a broken 100,000-row
# sheet must not produce a preview of 100,000 lines.
MAX_MESSAGES = 200
BATCH = 5000


@dataclass(slots=True)
class DraftFigure:
    value: float
    unit: str
    counts: str = ""
    approx: bool = False
    # The figure as written (15000余名, 93.52%, 3至5个): what the preview shows.
    text: str = ""

    @property
    def shown(self) -> str:
        return self.text or f"{self.value:g}{self.unit}"


@dataclass(slots=True)
class DraftMeasure:
    text: str
    place: str = ""
    leader: str = ""
    department: str = ""
    owner: str = ""
    term: str = Term.DEADLINE
    due: dt.date | None = None
    # True when the file gave no deadline and `due` is the 集中整改期's end (default_deadlines).
    due_defaulted: bool = False
    status: str = Status.PLANNED
    progress: str = ""
    evidence: list[str] = field(default_factory=list)
    figures: list[DraftFigure] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def term_label(self) -> str:
        return Term(self.term).label


@dataclass(slots=True)
class DraftProblem:
    title: str
    place: str = ""
    measures: list[DraftMeasure] = field(default_factory=list)
    # 具体表现: what a feedback document says under the problem (its 一是/二是 findings).
    description: str = ""


@dataclass(slots=True)
class DraftCategory:
    title: str
    place: str = ""
    measures: list[DraftMeasure] = field(default_factory=list)
    problems: list[DraftProblem] = field(default_factory=list)


@dataclass
class LedgerDraft:
    """The inspection fields and the problem tree, with what the reader noticed."""

    source: str = ""
    round: str = ""
    group: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    feedback_date: dt.date | None = None
    kind: str = Inspection.Kind.XUNCHA
    unit_name: str = ""
    # The signing body and contact of a notice: a unit created by the import gets them.
    issuer: str = ""
    contact: dict = field(default_factory=dict)
    reported_on: dt.date | None = None
    categories: list[DraftCategory] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    more_warnings: int = 0
    more_errors: int = 0

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_MESSAGES:
            self.warnings.append(message)
        else:
            self.more_warnings += 1

    def fail(self, message: str) -> None:
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(message)
        else:
            self.more_errors += 1

    def measures(self):
        for category in self.categories:
            yield from category.measures
            for problem in category.problems:
                yield from problem.measures

    def counts(self) -> tuple[int, int, int]:
        """(categories, specific problems, measures)."""
        problems = sum(len(c.problems) for c in self.categories)
        return len(self.categories), problems, sum(1 for _ in self.measures())

    def problems_counted(self) -> int:
        """问题 as every page counts them (`zhenggai.ledger.counts`)."""
        return counted([len(c.problems) for c in self.categories])


KIND_WORDS = [
    ("巡视", Inspection.Kind.XUNSHI),
    ("审计", Inspection.Kind.AUDIT),
    ("督察", Inspection.Kind.DUCHA),
    ("专项检查", Inspection.Kind.SPECIAL_CHECK),
]


def kind_of(text: str) -> str:
    for word, kind in KIND_WORDS:
        if word in (text or ""):
            return kind
    return Inspection.Kind.XUNCHA


# --- what a status or a deadline written in words means ---------------------------

# Checked in this order, so that 未完成 and 基本完成 are not read as 完成.
STATUS_WORDS = [
    (Status.ONGOING, ("长期坚持", "持续整改", "长期", "常态化", "持续推进")),
    (Status.PLANNED, ("未开始", "未启动", "尚未开始", "未整改", "未开展")),
    (
        Status.IN_PROGRESS,
        (
            "推进中",
            "正在",
            "整改中",
            "进行中",
            "未完成",
            "部分完成",
            "基本完成",
            "按期推进",
            "序时推进",
            "未办结",
            "未到期",
        ),
    ),
    (Status.DONE, ("已完成", "完成", "已整改", "已办结", "办结", "整改到位", "已落实", "已销号")),
]
ONGOING_WORDS = ("长期坚持", "长期", "持续整改", "常态化", "持续推进")
IMMEDIATE_WORDS = ("立行立改", "立即整改", "即知即改", "立查立改")


def squeeze(text: str) -> str:
    """Half-width digits and letters, no spaces: how words and dates are matched."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def parse_status(value) -> str | None:
    return _status_of(str(value or ""))


@functools.lru_cache(maxsize=4096)
def _status_of(said: str) -> str | None:
    # A 100,000-row ledger says a handful of statuses: each is matched once.
    text = squeeze(said)
    if not text:
        return None
    for status, words in STATUS_WORDS:
        if any(word in text for word in words):
            return status
    return None


EXCEL_EPOCH = dt.date(1899, 12, 30)
_YMD = re.compile(r"(\d{4})[年.\-/](\d{1,2})[月.\-/](\d{1,2})")
_YM = re.compile(r"(\d{4})年(\d{1,2})月(上旬|中旬)?")
_Y_END = re.compile(r"(\d{4})年(?:底|末|内|年底|年末)")
_MD = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")
_M = re.compile(r"(?<![\d年个])(\d{1,2})月(上旬|中旬)?")
_MONTHS = re.compile(r"(\d{1,2})个月")


def parse_due(value, feedback: dt.date | None) -> tuple[str, dt.date | None]:
    """(term, due) of a deadline cell; ValueError with the Chinese reason if unreadable."""
    if value is None or value == "":
        return Term.DEADLINE, None
    if isinstance(value, dt.datetime):
        return Term.DEADLINE, value.date()
    if isinstance(value, dt.date):
        return Term.DEADLINE, value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return Term.DEADLINE, EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"无法识别的日期“{value}”")
    text = squeeze(str(value))
    term = (
        Term.ONGOING
        if any(w in text for w in ONGOING_WORDS)
        else Term.IMMEDIATE
        if any(w in text for w in IMMEDIATE_WORDS)
        else Term.DEADLINE
    )
    due = date_in(text, feedback)
    if due is None and term == Term.DEADLINE and text:
        raise ValueError(f"无法识别的日期“{value}”")
    return term, due


def date_in(text: str, feedback: dt.date | None) -> dt.date | None:
    """The first deadline written in text; month-day without a year follows the feedback."""
    try:
        if m := _YMD.search(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YM.search(text):
            return _month_end(int(m[1]), int(m[2]), m[3])
        if m := _Y_END.search(text):
            return dt.date(int(m[1]), 12, 31)
        base = feedback or timezone.localdate()
        if m := _MD.search(text):
            return _after(base, lambda year: dt.date(year, int(m[1]), int(m[2])))
        if m := _M.search(text):
            return _after(base, lambda year: _month_end(year, int(m[1]), m[2]))
        if m := _MONTHS.search(text):
            return add_months(base, int(m[1]))
    except ValueError:
        raise ValueError(f"日期“{text}”不存在") from None
    return None


def _month_end(year: int, month: int, part: str | None) -> dt.date:
    if part:
        return dt.date(year, month, 10 if part == "上旬" else 20)
    return dt.date(year, month, calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0)


def _after(base: dt.date, make: Callable[[int], dt.date]) -> dt.date:
    day = make(base.year)
    return day if day >= base else make(base.year + 1)


def default_deadlines(draft: LedgerDraft, until: dt.date | None = None) -> int:
    """Give each measure the file left without a deadline the 集中整改期's end; how many.

    `until` is `Inspection.rectify_until`; before the inspection exists it is the same
    default, two months after feedback. A notice rarely states deadlines, and without
    one no measure could ever be overdue. 限期整改 and 立行立改 both get this date:
    立行立改 means at once, so the end of the intensive period is its latest date, and a
    shorter default would be a rule no document states. 长期坚持 (term or status) gets
    none: it is never overdue (`rules`); nor does a measure already 已完成, for which a
    date would only be invented. The default shows in the preview and its count
    and date go into the import's audit event; the measure holds no flag, which any
    later change of its date would leave false.
    """
    if until is None and draft.feedback_date:
        until = add_months(draft.feedback_date, 2)
    count = 0
    for measure in draft.measures():
        if measure.term == Term.ONGOING or measure.status in (Status.ONGOING, Status.DONE):
            continue
        if measure.due is None or measure.due_defaulted:
            measure.due, measure.due_defaulted = until, until is not None
            count += measure.due_defaulted
    return count


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector off while a draft of up to 100,000 measures is built or
    copied: its objects hold no cycles, and the collector's passes over them cost as
    much as the building (a 100,000-row read 2.3 s -> 1.8 s, its JSON read back
    1.5 s -> 0.4 s). Nested or in another thread, it leaves the collector as it is."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# --- checking and writing ----------------------------------------------------------

LIMITS = (("leader", "责任领导", 100), ("department", "责任部门", 100), ("owner", "责任人", 100))


def check_draft(draft: LedgerDraft, unit_name: str) -> None:
    """Add an error for everything the database would refuse, before anything is written."""
    if not unit_name.strip():
        draft.fail("请填写被巡察单位。")
    elif len(unit_name.strip()) > 100:
        draft.fail("单位名称不能超过100字。")
    if not draft.round.strip():
        draft.fail("请填写巡察轮次（如：一届区委第二轮巡察）。")
    if len(draft.round) > 100 or len(draft.group) > 100:
        draft.fail("巡察轮次和巡察组名称不能超过100字。")
    if not draft.feedback_date:
        draft.fail("缺少反馈日期：文件中没有写明巡察反馈日期，请补填后再导入。")
    if draft.start and draft.end and draft.end < draft.start:
        draft.fail("结束日期不能早于进驻日期。")
    for measure in draft.measures():
        _check_measure(draft, measure)


def _check_measure(draft: LedgerDraft, measure: DraftMeasure) -> None:
    if measure.term == Term.ONGOING and measure.status == Status.DONE:
        measure.status = Status.ONGOING
        draft.warn(f"{measure.place}：长期坚持的措施不能标记为“已完成”，按“长期坚持”导入。")
    for name, label, limit in LIMITS:
        if len(getattr(measure, name)) > limit:
            draft.fail(f"{measure.place}：{label}超过{limit}字。")
    if measure.due and draft.feedback_date and measure.due < draft.feedback_date:
        draft.fail(
            f"{measure.place}：完成时限 {cn_date(measure.due)} 早于反馈日期 "
            f"{cn_date(draft.feedback_date)}。"
        )
    for figure in measure.figures:
        if not abs(figure.value) < 10**12:
            draft.fail(f"{measure.place}：成效数据 {figure.value} 过大。")


def summary(draft: LedgerDraft) -> str:
    shown = "\n".join(draft.errors[:20])
    rest = len(draft.errors) - 20 + draft.more_errors
    return shown + (f"\n……另有 {rest} 处错误。" if rest > 0 else "")


def commit_draft(
    draft: LedgerDraft,
    unit_name: str,
    *,
    actor,
    progress: Callable[[str], None] | None = None,
    source_sha256: str = "",
) -> Inspection:
    """The whole tree into the database, or nothing and a LedgerError listing the errors.

    Everything is checked before anything is written. The rows then go in transactions
    of BATCH measures, so that SQLite's write lock is never held for long and other
    users' writes go on between them; until the last one the inspection is hidden as
    voided (导入中), and a failure on the way removes it. `progress` hears of each batch.
    """
    default_deadlines(draft)
    check_draft(draft, unit_name)
    if draft.errors:
        raise LedgerError(summary(draft))
    inspection, created = _begin(draft, unit_name, actor, source_sha256)
    try:
        defaulted = default_deadlines(draft, inspection.rectify_until)
        ids = _Written()
        pairs = _write_problems(inspection, draft, ids)
        reported_on = draft.reported_on or timezone.localdate()
        written = _write_measures(pairs, actor, reported_on, progress, ids)
        if connection.vendor == "postgresql" and written >= BATCH:
            # The planner's statistics lag a large import until autovacuum's next
            # analyze; without them the counts that follow it took seconds.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE ledger_problem, ledger_measure, ledger_progress")
        with transaction.atomic(), search.prepared(inspection.pk, lambda: ids.entries(inspection)):
            inspection.voided_at, inspection.void_reason = None, ""
            inspection.save(update_fields=["voided_at", "void_reason"])
            categories, problems, _ = draft.counts()
            record(
                "inspection.imported",
                inspection,
                actor=actor,
                unit_id=inspection.unit_id,
                source=draft.source,
                unit_created=created,
                categories=categories,
                problems=problems,
                measures=written,
                due_defaulted=defaulted,
                default_due=inspection.rectify_until.isoformat() if defaulted else None,
            )
    except BaseException:
        _discard(inspection, created)
        raise
    return inspection


IMPORTING = "导入中：尚未写完的导入不计入任何统计和列表"


@transaction.atomic
def _begin(draft: LedgerDraft, unit_name: str, actor, source_sha256: str):
    """The unit (created if absent) and the inspection, hidden until the import ends."""
    unit, created = Unit.objects.get_or_create(
        name=unit_name.strip(),
        defaults={"full_name": draft.issuer[:200], **_contact(draft.contact)},
    )
    if created and actor is not None and not access_for(actor).anywhere(OFFICE):
        raise LedgerError(f"单位“{unit.name}”不存在；新单位由巡察办创建。")
    check_register(actor, unit)
    inspection = Inspection.objects.create(
        unit=unit,
        kind=draft.kind,
        round=draft.round.strip(),
        group=draft.group.strip(),
        start=draft.start,
        end=draft.end,
        feedback_date=draft.feedback_date,
        source_sha256=source_sha256,
        voided_at=timezone.now(),
        void_reason=IMPORTING,
    )
    return inspection, created


def _discard(inspection: Inspection, unit_created: bool) -> None:
    """Remove what a failed import wrote; the unit too if the import created it."""
    with transaction.atomic():
        Inspection.all_objects.filter(pk=inspection.pk).delete()
        if unit_created:
            Unit.objects.filter(pk=inspection.unit_id, inspections=None).delete()


def _contact(contact: dict) -> dict:
    """The notice's contact block as unit fields, cut to the fields' lengths."""
    email = contact.get("email") or ""
    return {
        "phone": (contact.get("phone") or "")[:50],
        "address": (contact.get("address") or "")[:200],
        "email": email if len(email) <= 254 and "@" in email else "",
    }


def _problem_row(title: str, description: str = "") -> tuple[str, str]:
    # Long headings keep their whole text as the description.
    return title[:500], description or (title if len(title) > 500 else "")


class _Rows:
    """Rows of one model written by plain SQL, their ids taken first (`_take_ids`).

    The ORM's bulk_create spent most of a 100,000-measure import compiling each value
    (bench/workbook.py); here the fields every row shares are converted once, from an
    instance made with them, and the caller gives the others as the database takes them.
    """

    def __init__(self, model, columns: tuple[str, ...], **shared):
        opts = model._meta
        template = model(**shared)
        fields = [f for f in opts.concrete_fields if not f.primary_key]
        rest = [f for f in fields if f.name not in columns]
        self.model = model
        self.shared = tuple(
            f.get_db_prep_save(f.pre_save(template, True), connection) for f in rest
        )
        names = [opts.pk.column, *(opts.get_field(c).column for c in columns)]
        names += [f.column for f in rest]
        quote = connection.ops.quote_name
        into = f"{quote(opts.db_table)} ({', '.join(map(quote, names))})"
        self.sql = f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(names))})"
        self.copy = f"COPY {into} FROM STDIN"

    def write(self, rows: list[tuple]) -> None:
        """Rows of (id, *columns): on PostgreSQL by COPY (a third of the time of
        executemany), on SQLite one statement executed many times."""
        if not rows:
            return
        shared = self.shared
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with connection.wrap_database_errors, cursor.cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row + shared)
            else:
                cursor.executemany(self.sql, [row + shared for row in rows])


def _take_ids(model, count: int) -> list[int]:
    """`count` new primary keys of the model's table, inside the current transaction.

    PostgreSQL draws them from the column's sequence. SQLite's transactions take the
    write lock at BEGIN (settings: IMMEDIATE), so no other writer inserts before this
    one commits: the keys after the highest ever given (AUTOINCREMENT's sqlite_sequence)
    are free. Were the lock not held, a key taken twice would fail the primary key and
    roll the batch back, never join two rows.
    """
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


@dataclass(slots=True)
class _Written:
    """The ids the import gave, in ledger order, for its search entries."""

    problems: list[tuple[int, int | None, str, str]] = field(default_factory=list)
    measures: list[tuple[int, int, DraftMeasure]] = field(default_factory=list)
    reports: list[tuple[int, int, int, DraftMeasure]] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)

    def entries(self, inspection: Inspection):
        """The search entries of what was written (`search.insert` rows), in ledger order."""
        return search.ledger_rows(
            inspection.unit_id,
            inspection.pk,
            self.problems,
            (
                (pk, problem, m.text, m.leader, m.department, m.owner)
                for pk, problem, m in self.measures
            ),
            (
                (pk, measure, problem, m.text, m.progress or "见佐证材料")
                for pk, measure, problem, m in self.reports
            ),
        )


def _write_problems(inspection, draft: LedgerDraft, written: _Written):
    """Categories, then their specific problems, a batch per transaction; the pairs of
    (problem id, its measures) in the order their measures are written."""
    rows = _Rows(Problem, ("parent", "position", "title", "description"), inspection=inspection)
    heads = [_problem_row(c.title) for c in draft.categories]
    ids = _in_batches(rows, [(None, i, *h) for i, h in enumerate(heads, 1)])
    pairs = [(pk, c.measures) for pk, c in zip(ids, draft.categories, strict=True)]
    subs, owners = [], []
    for pk, category in zip(ids, draft.categories, strict=True):
        for j, p in enumerate(category.problems, start=1):
            subs.append((pk, j, *_problem_row(p.title, p.description)))
            owners.append(p)
    sub_ids = _in_batches(rows, subs)
    pairs += [(pk, p.measures) for pk, p in zip(sub_ids, owners, strict=True)]
    # Ledger order for the search entries: each category, then its specific problems.
    by_parent: dict[int, list] = {}
    for pk, row in zip(sub_ids, subs, strict=True):
        by_parent.setdefault(row[0], []).append((pk, row[0], row[2], row[3]))
    for pk, (title, description) in zip(ids, heads, strict=True):
        written.problems.append((pk, None, title, description))
        written.problems += by_parent.get(pk, [])
    written.titles = {pk: title for pk, _, title, _ in written.problems}
    return pairs


def _in_batches(rows: _Rows, values: list[tuple]) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(values), BATCH):
        chunk = values[start : start + BATCH]
        with transaction.atomic():
            taken = _take_ids(rows.model, len(chunk))
            rows.write([(pk, *row) for pk, row in zip(taken, chunk, strict=True)])
        ids += taken
    return ids


class _Writer:
    """The measures with their progress, figures and evidence, BATCH measures a
    transaction."""

    def __init__(self, actor, reported_on: dt.date, written: _Written):
        author = actor if actor and actor.is_authenticated else None
        self.now = timezone.now()
        self.done_at = connection.ops.adapt_datetimefield_value(self.now)
        self.measures = _Rows(
            Measure,
            ("problem", "position", "text", "leader", "department", "owner")
            + ("term", "due", "status", "done_at"),
        )
        self.progress = _Rows(
            Progress,
            ("measure", "text"),
            author=author,
            reported_on=reported_on,
            created_at=self.now,
        )
        self.figures = _Rows(Figure, ("progress", "value", "unit", "counts", "indicator", "approx"))
        self.evidence = _Rows(Evidence, ("progress", "reference"))
        self.rules = None
        self.written = written

    @transaction.atomic
    def flush(self, batch: list[tuple[int, int, DraftMeasure]]) -> int:
        date = connection.ops.adapt_datefield_value
        ids = _take_ids(Measure, len(batch))
        self.measures.write(
            [
                (pk, problem, position, m.text, m.leader, m.department, m.owner, m.term)
                + (date(m.due), m.status, self.done_at if m.status == Status.DONE else None)
                for pk, (problem, position, m) in zip(ids, batch, strict=True)
            ]
        )
        pairs = zip(ids, batch, strict=True)
        self.written.measures += [(pk, problem, m) for pk, (problem, _, m) in pairs]
        reported = [
            (pk, problem, m)
            for pk, (problem, _, m) in zip(ids, batch, strict=True)
            if m.progress or m.evidence or m.figures
        ]
        report_ids = _take_ids(Progress, len(reported))
        self.progress.write(
            [
                (pk, measure, m.progress or "见佐证材料")
                for pk, (measure, _, m) in zip(report_ids, reported, strict=True)
            ]
        )
        self.written.reports += [
            (pk, measure, problem, m)
            for pk, (measure, problem, m) in zip(report_ids, reported, strict=True)
        ]
        figures, evidence = [], []
        for report, (_, _, m) in zip(report_ids, reported, strict=True):
            figures += [
                Figure(
                    progress_id=report,
                    value=Decimal(str(f.value)).quantize(Decimal("0.0001")),
                    unit=f.unit[:10],
                    counts=f.counts[:100],
                    approx=f.approx,
                )
                for f in m.figures
            ]
            evidence += [(report, ref[:500]) for ref in m.evidence]
        if figures:
            if self.rules is None:
                self.rules = list(IndicatorRule.objects.all())
            name_indicators(figures, self.rules)
            value = Figure._meta.get_field("value")
            self.figures.write(
                [
                    (pk, f.progress_id, value.get_db_prep_save(f.value, connection), f.unit)
                    + (f.counts, f.indicator, f.approx)
                    for pk, f in zip(_take_ids(Figure, len(figures)), figures, strict=True)
                ]
            )
        self.evidence.write(
            [
                (pk, *row)
                for pk, row in zip(_take_ids(Evidence, len(evidence)), evidence, strict=True)
            ]
        )
        return len(batch)


def _write_measures(pairs, actor, reported_on: dt.date, progress, written: _Written) -> int:
    writer = _Writer(actor, reported_on, written)
    batch: list[tuple[int, int, DraftMeasure]] = []
    count = 0
    for problem, measures in pairs:
        for position, m in enumerate(measures, start=1):
            batch.append((problem, position, m))
            if len(batch) >= BATCH:
                count += writer.flush(batch)
                batch = []
                if progress:
                    progress(f"已写入 {count} 项整改措施")
    return count + (writer.flush(batch) if batch else 0)
