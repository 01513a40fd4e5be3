"""What the figures count, defined once for every page, document and workbook.

- 问题 (problems): the specific problems, and each category that has none, for it is
  then itself the problem (`Problem.objects.counted()`). A category with specific
  problems is a 问题类别 and is not counted.
- 已完成整改的问题 (rectified): a counted problem signed off (销号, its own or its
  category's), or with at least one measure and every measure 已完成. A 长期坚持 measure
  is never 已完成, so its problem waits for the sign-off.
- 整改措施 (measures): every measure, those hung on a category included.
- 问题整改完成率 = rectified ÷ problems; 措施完成率 = measures 已完成 ÷ measures. Always
  named as which of the two it is; written as the genre writes it, on every page and in
  every document: two decimals rounded half up, a whole number without them (16.67%,
  93.52%, 100%).
- The public version counts only what it may show (`public()`), totals included: a
  category whose specific problems are all withheld is, in it, a problem of its own.
- 已延期 (extended): measures whose due date an approved 延期申请 moved (`original_due`
  kept); counted among the measures like any other.
- 问责 (held accountable): one person per accountability record, on the problems and
  measures counted; the public version counts only those on what it shows, and never
  names anyone.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q

from zhenggai.audit.services import hold_chain

from . import rules
from .models import Accountability, Measure, Problem


@dataclass(frozen=True, order=True)
class Rate:
    """A percentage, kept exact for sorting and bars, shown by the one rounding rule."""

    value: Decimal

    @classmethod
    def of(cls, part: int, whole: int) -> Rate:
        if not whole:
            return cls(Decimal(0))
        exact = Decimal(100 * part) / Decimal(whole)
        return cls(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def __str__(self) -> str:
        return f"{self.value:.2f}".removesuffix(".00") + "%"

    def __float__(self) -> float:
        return float(self.value)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    # Dashboards add a tally per inspection: dataclasses.fields() each time cost more
    # than the adding.
    return tuple(f.name for f in fields(cls))


@dataclass
class Tally:
    """Counts for an inspection, a unit or everything; the colours follow `rules`."""

    problems: int = 0
    rectified: int = 0
    closed: int = 0
    total: int = 0
    done: int = 0
    in_progress: int = 0
    ongoing: int = 0
    blue: int = 0
    red: int = 0
    soon: int = 0
    extended: int = 0

    def add(self, other: Tally) -> None:
        mine, theirs = self.__dict__, other.__dict__
        for name in _field_names(type(self)):
            mine[name] += theirs.get(name, 0)

    @property
    def planned(self) -> int:
        return self.total - self.done - self.in_progress - self.ongoing

    @property
    def green(self) -> int:
        return self.done

    @property
    def yellow(self) -> int:
        return self.total - self.done - self.blue - self.red

    @property
    def unrectified(self) -> int:
        return self.problems - self.rectified

    @property
    def problem_rate(self) -> Rate:
        """问题整改完成率."""
        return Rate.of(self.rectified, self.problems)

    @property
    def measure_rate(self) -> Rate:
        """措施完成率."""
        return Rate.of(self.done, self.total)


def counted(children: list[int]) -> int:
    """问题 of a ledger not yet stored, given how many specific problems each category has."""
    return sum(n or 1 for n in children)


def measure_counts(measures, today: dt.date, by: str = "problem__inspection_id"):
    """Measures grouped by `by`: totals by status and by colour, overdue and due soon."""
    return (
        measures.values(by)
        .annotate(
            total=Count("id"),
            done=Count("id", filter=rules.q(rules.finished())),
            in_progress=Count("id", filter=Q(status=Measure.Status.IN_PROGRESS)),
            ongoing=Count("id", filter=Q(status=Measure.Status.ONGOING)),
            blue=Count("id", filter=rules.q(rules.blue())),
            red=Count("id", filter=rules.q(rules.overdue(today))),
            soon=Count("id", filter=rules.q(rules.due_soon(today))),
            extended=Count("id", filter=Q(original_due__isnull=False)),
        )
        .order_by()
    )


def problem_counts(problems, *, public: bool = False, by: str = "inspection_id"):
    """Counted problems grouped by `by`: how many, rectified, signed off."""
    measures = Measure.objects.filter(problem=OuterRef("pk"))
    if public:
        measures = measures.filter(withhold_reason="")
    unfinished = measures.exclude(rules.q(rules.finished()))
    closed = Q(closed_at__isnull=False) | Q(parent__closed_at__isnull=False)
    rectified = closed | (Q(Exists(measures)) & ~Q(Exists(unfinished)))
    return (
        problems.counted(public=public)
        .values(by)
        .annotate(
            problems=Count("id"),
            rectified=Count("id", filter=rectified),
            closed=Count("id", filter=closed),
        )
        .order_by()
    )


def tallies(inspections, today: dt.date, *, public: bool = False) -> dict[int, Tally]:
    """Per inspection id, in two queries whatever the size."""
    measures = Measure.objects.filter(problem__inspection__in=inspections)
    problems = Problem.objects.filter(inspection__in=inspections)
    if public:
        measures, problems = measures.public(), problems.public()
    result: dict[int, Tally] = defaultdict(Tally)
    fill(result, measure_counts(measures, today), "problem__inspection_id")
    fill(result, problem_counts(problems, public=public), "inspection_id")
    return result


def fill(result: dict, rows, key: str) -> None:
    """Set each grouped row's counts on the tally of its `key`."""
    for row in rows:
        tally = result[row.pop(key)]
        for name, value in row.items():
            setattr(tally, name, value)


def tally(inspections, today: dt.date, *, public: bool = False) -> Tally:
    """One sum over the inspections."""
    total = Tally()
    for one in tallies(inspections, today, public=public).values():
        total.add(one)
    return total


@dataclass
class Held:
    """问责: persons held accountable, in all and by kind (in the kinds' order)."""

    total: int = 0
    # (the kind as a notice words it, persons), kinds without anyone left out.
    by_kind: list[tuple[str, int]] = field(default_factory=list)

    def sentence(self) -> str:
        """共问责5人，其中诫勉谈话2人，通报批评3人 — empty when nobody was."""
        if not self.total:
            return ""
        parts = "，".join(f"{kind}{n}人" for kind, n in self.by_kind)
        return f"共问责{self.total}人，其中{parts}"


def held(inspections, *, public: bool = False) -> Held:
    """The persons held accountable over the inspections, in one query."""
    records = Accountability.objects.filter(problem__inspection__in=inspections)
    if public:
        records = records.public()
    rows = (
        records.values("kind_id", "kind__name", "kind__phrase", "kind__position")
        .annotate(n=Count("id"))
        .order_by("kind__position", "kind_id")
    )
    result = Held()
    for row in rows:
        result.total += row["n"]
        result.by_kind.append((row["kind__phrase"] or row["kind__name"], row["n"]))
    return result


# --- kept counts (看板计数) ------------------------------------------------------------
# The dashboard reads KeptCount rows instead of scanning measures. `keep` rewrites an
# inspection's rows from its measures and problems, inside the transaction of the act
# that changed them; it runs on every audit event about an inspection's contents and on
# every save of a measure or problem (ledger.apps), and services that change rows with
# update() or bulk_create() call it themselves. The date-dependent part: open dated
# measures are kept by due date, so 超期 (due before today) and 临期 are sums over a date
# range; `fold` merges the dates that have passed into KeptCount.PAST as days go by,
# touching only those rows, so no nightly rewrite of every count is needed.


def keep(inspection_ids, today: dt.date | None = None) -> None:
    """Recompute the kept counts of these inspections, under the audit chain's lock."""
    from django.db import transaction
    from django.utils import timezone

    from .models import Inspection, KeptCount

    today = today or timezone.localdate()
    with transaction.atomic():
        hold_chain()  # one recount at a time, and the chain before any row (hold_chain)
        ids = list(
            Inspection.all_objects.filter(pk__in=set(inspection_ids))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return
        KeptCount.objects.filter(inspection_id__in=ids).delete()
        measures = Measure.all_objects.filter(problem__inspection_id__in=ids)
        rows = [
            KeptCount(
                inspection_id=r["problem__inspection_id"],
                status=r["status"],
                term=r["term"],
                extended=r["extended"],
                n=r["n"],
            )
            for r in measures.values("problem__inspection_id", "status", "term")
            .annotate(extended=Q(original_due__isnull=False), n=Count("id"))
            .order_by()
        ]
        by_due: dict[tuple, int] = defaultdict(int)
        dated = measures.filter(rules.q(rules.open_()), term__in=rules.DATED_TERMS)
        for r in (
            dated.exclude(due=None)
            .values("problem__inspection_id", "due")
            .annotate(n=Count("id"))
            .order_by()
        ):
            by_due[(r["problem__inspection_id"], r["due"])] += r["n"]
        rows += [KeptCount(inspection_id=i, due=due, n=n) for (i, due), n in by_due.items()]
        problems = Problem.all_objects.filter(inspection_id__in=ids)
        rows += [
            KeptCount(
                inspection_id=r["inspection_id"],
                problems=r["problems"],
                rectified=r["rectified"],
                closed=r["closed"],
            )
            for r in problem_counts(problems)
        ]
        KeptCount.objects.bulk_create(rows, batch_size=1000)


# Folding pays off once this many passed due-date rows wait (one query tells).
FOLD_ROWS = 2000


def fold(today: dt.date, at_least: int = FOLD_ROWS) -> int:
    """Merge the due-date rows that have passed into one PAST row per inspection.

    Only the rows of dates passed since the last fold are touched (not every count);
    the sums, and so every figure, stay as they were: folding only makes the dashboard
    read fewer rows. It waits until `at_least` such rows have gathered. A dashboard asked
    for a day before an earlier fold would count the folded rows as past. Returns the
    number of inspections folded.
    """
    from django.db import transaction
    from django.db.models import Sum

    from .models import KeptCount

    passed = KeptCount.objects.filter(due__gt=KeptCount.PAST, due__lt=today)
    if passed[:at_least].count() < at_least:
        return 0
    with transaction.atomic():
        hold_chain()  # not while a recount (`keep`) rewrites these rows
        locked = sorted(set(passed.values_list("inspection_id", flat=True)))
        if not locked:
            return 0
        rows = KeptCount.objects.filter(
            inspection_id__in=locked, due__gte=KeptCount.PAST, due__lt=today
        )
        sums = list(rows.values("inspection_id").annotate(s=Sum("n")).order_by())
        rows.delete()
        KeptCount.objects.bulk_create(
            KeptCount(inspection_id=r["inspection_id"], due=KeptCount.PAST, n=r["s"])
            for r in sums
            if r["s"]
        )
        return len(locked)


def kept_tallies(inspections: Q, today: dt.date, cls: type = Tally, by: str = "inspection_id"):
    """Per inspection id matching `inspections` (a Q on KeptCount, e.g. through
    "inspection__"), its counts from the kept rows: two grouped queries over a few rows
    per inspection, whatever the number of measures. `by` groups otherwise, e.g.
    "inspection__unit_id" for one tally per unit."""
    from django.db.models import Sum

    from .models import KeptCount

    result: dict[int, Tally] = defaultdict(cls)
    kept = KeptCount.objects.filter(inspections)

    def total(q: Q):
        return Sum("n", filter=q, default=0)

    for r in (
        kept.filter(due=None)
        .values(by)
        .annotate(
            total=total(~Q(status="")),
            done=total(Q(status=rules.DONE)),
            in_progress=total(Q(status=rules.IN_PROGRESS)),
            ongoing=total(Q(status=rules.ONGOING)),
            blue=total(rules.q(rules.blue())),
            extended=total(Q(extended=True)),
            problems=Sum("problems", default=0),
            rectified=Sum("rectified", default=0),
            closed=Sum("closed", default=0),
        )
        .order_by()
    ):
        fill_one(result, r, by)
    soon = today + dt.timedelta(days=rules.SOON_DAYS)
    for r in (
        kept.filter(due__lte=soon)
        .values(by)
        .annotate(red=total(Q(due__lt=today)), soon=total(Q(due__gte=today)))
        .order_by()
    ):
        fill_one(result, r, by)
    return result


def fill_one(result: dict, row: dict, key: str) -> None:
    tally = result[row.pop(key)]
    for name, value in row.items():
        setattr(tally, name, value)


def differences(today: dt.date) -> list[str]:
    """Where the kept counts differ from a scan, one Chinese line per inspection."""
    from .models import Inspection

    live = Inspection.objects.all()
    scanned = tallies(live, today)
    kept = kept_tallies(Q(inspection__in=live), today)
    lines = []
    for pk in sorted(set(scanned) | set(kept)):
        a, b = scanned.get(pk, Tally()), kept.get(pk, Tally())
        wrong = [
            f"{f.name} 扫描 {getattr(a, f.name)}，计数 {getattr(b, f.name)}"
            for f in fields(Tally)
            if getattr(a, f.name) != getattr(b, f.name)
        ]
        if wrong:
            lines.append(f"巡察 {pk}：" + "；".join(wrong))
    return lines


def inspection_of(obj) -> int | None:
    """The inspection an object of the ledger or of oversight belongs to, if any."""
    from .models import Inspection

    if isinstance(obj, Inspection):
        return obj.pk
    for name in ("inspection", "problem", "measure", "progress"):
        cached = obj._state.fields_cache.get(name) if hasattr(obj, "_state") else None
        if cached is not None:
            return inspection_of(cached)
        pk = getattr(obj, f"{name}_id", None)
        if pk is None:
            continue
        if name == "inspection":
            return pk
        return _inspection_by(name, pk)
    return None


def _inspection_by(name: str, pk: int) -> int | None:
    from .models import Progress

    if name == "problem":
        rows = Problem.all_objects.filter(pk=pk).values_list("inspection_id", flat=True)
    elif name == "measure":
        rows = Measure.all_objects.filter(pk=pk).values_list("problem__inspection_id", flat=True)
    else:
        rows = Progress.all_objects.filter(pk=pk).values_list(
            "measure__problem__inspection_id", flat=True
        )
    return next(iter(rows), None)


# Acts that change no counted field (a measure's status, term, due date or extension, a
# problem's closure) by their nature; the service that may also change one keeps the
# counts itself. The most frequent act of all, so recounting it cost half its time.
UNCOUNTED_EVENTS = frozenset({"progress.reported"})


def keep_after_event(sender, event, obj, **kwargs) -> None:
    """Every act is audited: keep the counts of the inspection it was on."""
    if event.act in UNCOUNTED_EVENTS:
        return
    ids = {inspection_of(obj)}
    data = event.data or {}
    for key in ("measure", "problem"):
        if isinstance(data.get(key), int):
            ids.add(_inspection_by(key, data[key]))
    measures = data.get("measures")
    if isinstance(measures, list) and measures:
        ids |= set(
            Measure.all_objects.filter(pk__in=[m for m in measures if isinstance(m, int)])
            .values_list("problem__inspection_id", flat=True)
            .distinct()
        )
    ids.discard(None)
    if ids:
        keep(ids)


def keep_after_save(sender, instance, raw=False, **kwargs) -> None:
    """A measure or problem saved outside an audited act is kept all the same."""
    if not raw:
        keep([inspection_of(instance)])


# An inspection being deleted takes its counts with it: its problems and measures,
# deleted before it, must not write them again (they would outlive it).
_deleting = threading.local()


def _being_deleted() -> set:
    if not hasattr(_deleting, "ids"):
        _deleting.ids = set()
    return _deleting.ids


def mark_deleting(sender, instance, **kwargs) -> None:
    _being_deleted().add(instance.pk)


def unmark_deleting(sender, instance, **kwargs) -> None:
    _being_deleted().discard(instance.pk)


def keep_after_delete(sender, instance, **kwargs) -> None:
    """A measure or problem deleted (services record the act before deleting)."""
    inspection_id = inspection_of(instance)
    if inspection_id is not None and inspection_id not in _being_deleted():
        keep([inspection_id])
