"""The office dashboard's numbers, in a fixed number of grouped queries whatever the size.

Measures and problems are counted in the database, grouped by inspection; the few
thousand per-inspection rows are then rolled up to units and totals in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from zhenggai.accounts.access import LEAD, OFFICE, Access, subtree_q
from zhenggai.accounts.models import Unit
from zhenggai.ledger import counts, rules
from zhenggai.ledger.models import Inspection, Measure

from .models import ReportCorrection, SignOff, SupervisionOrder

LIST_LIMIT = 20
CLOCKS_PER_PAGE = 30
BY_UNIT = "inspection__unit_id"
CLOCK_FIELDS = ("round", "kind", "feedback_date", "rectify_until", "unit__name", "unit__path")


@dataclass(frozen=True)
class Scope:
    """The units a dashboard covers: where the user may lead (the office: every unit)."""

    access: Access

    @classmethod
    def of(cls, access: Access) -> Scope | None:
        return cls(access) if access.anywhere(LEAD) else None

    @property
    def office(self) -> bool:
        return self.access.anywhere(OFFICE)

    def units(self, prefix: str = "") -> Q:
        """A Q on `<prefix>path` for the units in scope."""
        return self.access.q(LEAD, prefix)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the dashboard to: a round, a kind, a unit and its sub-units."""

    round: str = ""
    kind: str = ""
    unit: Unit | None = None

    def inspections(self, scope: Scope, prefix: str = "") -> Q:
        """A Q on inspections (through `prefix`) in scope and matching the filters."""
        q = self.units(scope, prefix) & Q(**{f"{prefix}voided_at": None})
        if self.round:
            q &= Q(**{f"{prefix}round": self.round})
        if self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        return q

    def units(self, scope: Scope, prefix: str = "") -> Q:
        q = scope.units(f"{prefix}unit__")
        if self.unit:
            q &= subtree_q(self.unit, f"{prefix}unit__")
        return q


def signoff_counts(q: Q, by: str = "problem__inspection_id"):
    """Per inspection (or per `by`): applications waiting for review and returned."""
    return (
        SignOff.objects.filter(q)
        .values(by)
        .annotate(
            applied=Count("id", filter=Q(status=SignOff.Status.APPLIED)),
            returned=Count("id", filter=Q(status=SignOff.Status.RETURNED)),
        )
        .order_by()
    )


def order_counts(q: Q, today: dt.date):
    """Per unit: supervision orders past their due date without a reply."""
    return (
        SupervisionOrder.objects.filter(q)
        .overdue(today)
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )


@dataclass
class Tally(counts.Tally):
    """The ledger's counts, and the office's own: sign-offs and unanswered orders."""

    applied: int = 0
    returned: int = 0
    orders_overdue: int = 0


@dataclass
class Clock:
    """An inspection's deadlines: feedback, report due, stage and days left."""

    inspection: Inspection
    tally: Tally
    today: dt.date

    @property
    def report_filed_on(self) -> dt.date | None:
        """When the 整改情况报告 was filed (annotated by `build`), or None."""
        return getattr(self.inspection, "report_filed_on", None)

    @property
    def report_late(self) -> bool:
        unfiled = not self.report_filed_on
        return unfiled and rules.holds(rules.report_late(self.today), self.inspection)

    @property
    def report_soon(self) -> bool:
        unfiled = not self.report_filed_on
        return unfiled and rules.holds(rules.report_soon(self.today), self.inspection)

    @property
    def intensive(self) -> bool:
        return self.today <= self.inspection.rectify_until

    @property
    def stage(self) -> str:
        return "集中整改" if self.intensive else "持续整改"

    @property
    def days_left(self) -> int:
        return (self.inspection.rectify_until - self.today).days


@dataclass
class Dashboard:
    """Everything the dashboard page shows."""

    today: dt.date
    total: Tally = field(default_factory=Tally)
    units: list[tuple[Unit, Tally]] = field(default_factory=list)
    # The clocks of one page (`clock_page`, a Paginator page over the inspections).
    clocks: list[Clock] = field(default_factory=list)
    clock_page: Page | None = None
    reports_late: int = 0  # 整改情况报告 past due and not filed
    reports_soon: int = 0
    overdue: list[Measure] = field(default_factory=list)
    due_soon: list[Measure] = field(default_factory=list)
    orders: list[SupervisionOrder] = field(default_factory=list)
    pending: list[SignOff] = field(default_factory=list)


def _tallies(within, today: dt.date, by: str) -> dict[int, Tally]:
    """Tallies per `by` ("inspection_id" or "inspection__unit_id"), of the inspections
    `within(prefix)` gives as a Q through that prefix: the kept counts (counts.keep), not
    a scan of the measures."""
    tallies = counts.kept_tallies(within("inspection__"), today, Tally, by=by)
    for row in signoff_counts(within("problem__inspection__"), f"problem__{by}"):
        tally = tallies[row[f"problem__{by}"]]
        tally.applied, tally.returned = row["applied"], row["returned"]
    return tallies


def _report_filed_on():
    """The date the report counts as filed: its latest correction's, else the filing's."""
    latest = ReportCorrection.objects.filter(filing__inspection=OuterRef("pk")).order_by("-id")
    return Coalesce(Subquery(latest.values("filed_on")[:1]), F("report_filing__filed_on"))


def build(scope: Scope, filters: Filters, today: dt.date, page=1) -> Dashboard:
    """The dashboard's numbers and lists for a scope and filters, as of `today`: rows per
    unit, not per inspection or measure, but for one page of clocks (`page`)."""
    board = Dashboard(today)
    # Passed due dates folded once enough have gathered (one query when nothing to do).
    counts.fold(today)
    live = Inspection.objects.filter(filters.inspections(scope))
    by_unit = _tallies(lambda prefix: filters.inspections(scope, prefix), today, BY_UNIT)
    units = Unit.objects.filter(pk__in=live.values("unit_id")).only("name", "path")
    board.units = sorted(((unit, by_unit[unit.pk]) for unit in units), key=_league_order)
    for _unit, tally in board.units:
        board.total.add(tally)
    league = dict((unit.pk, tally) for unit, tally in board.units)
    for row in order_counts(filters.units(scope), today):
        if row["unit_id"] in league:
            league[row["unit_id"]].orders_overdue = row["n"]
        board.total.orders_overdue += row["n"]
    _clocks(board, live, today, page)
    _lists(board, scope, filters, live, today)
    return board


def _clocks(board: Dashboard, live, today: dt.date, page) -> None:
    """One page of clocks, 集中整改 first by days left, then the rest by date; and the
    reports due or late over every inspection."""
    unfiled = Q(report_filed_on=None)
    reports = live.annotate(report_filed_on=_report_filed_on()).aggregate(
        count=Count("pk"),
        late=Count("pk", filter=unfiled & rules.q(rules.report_late(today))),
        soon=Count("pk", filter=unfiled & rules.q(rules.report_soon(today))),
    )
    board.reports_late, board.reports_soon = reports["late"], reports["soon"]
    passed = Case(When(rectify_until__lt=today, then=Value(1)), default=Value(0))
    # Only what the clock shows: a province holds thousands of inspections.
    ordered = (
        live.select_related("unit")
        .only(*CLOCK_FIELDS)
        .annotate(report_filed_on=_report_filed_on(), passed=passed)
        .order_by("passed", "rectify_until", "id")
    )
    paginator = Paginator(ordered, CLOCKS_PER_PAGE)
    paginator.count = reports["count"]  # counted above, not once more
    board.clock_page = paginator.get_page(page)
    shown = list(board.clock_page)
    ids = [i.pk for i in shown] or [0]
    tallies = _tallies(lambda prefix: Q(**{f"{prefix}pk__in": ids}), today, "inspection_id")
    board.clocks = [Clock(i, tallies.get(i.pk) or Tally(), today) for i in shown]
    board.clock_page.object_list = board.clocks


def _league_order(row: tuple[Unit, Tally]):
    """Best first: problems rectified, then measures done, then fewer overdue."""
    unit, tally = row
    return (-tally.problem_rate.value, -tally.measure_rate.value, tally.red, unit.name)


def _lists(board: Dashboard, scope: Scope, filters: Filters, live, today: dt.date) -> None:
    # Owners are fetched apart: a LEFT JOIN on users turns SQLite's plan away from
    # the (due, status) index and makes the list scan every measure.
    if scope.office and filters == Filters():
        # Every live inspection: read along the (due, status) index and stop at the
        # first LIST_LIMIT, instead of a join the planner may start from the inspections.
        allowed = set(live.values_list("pk", flat=True))
        board.overdue = _first(Measure.all_objects.overdue(today), allowed)
        board.due_soon = _first(Measure.all_objects.due_soon(today), allowed)
    else:
        measures = Measure.objects.filter(
            filters.inspections(scope, "problem__inspection__")
        ).select_related("problem__inspection__unit")
        board.overdue = list(measures.overdue(today).order_by("due", "id")[:LIST_LIMIT])
        board.due_soon = list(measures.due_soon(today).order_by("due", "id")[:LIST_LIMIT])
    ids = {m.owner_user_id for m in board.overdue + board.due_soon if m.owner_user_id}
    # [0] matches no one and keeps the query count the same when no list has an owner.
    owners = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids or [0])}
    for m in board.overdue + board.due_soon:
        m.owner_name = _name(owners.get(m.owner_user_id)) or m.owner
        m.days_late = m.overdue_days(today)
    # An overdue order proposes the next level (升级为下一级) until an order follows it.
    followed = SupervisionOrder.objects.filter(follows=OuterRef("pk"))
    board.orders = list(
        SupervisionOrder.objects.filter(filters.units(scope))
        .overdue(today)
        .annotate(escalated=Exists(followed))
        .select_related("unit")
        .order_by("due", "id")[:LIST_LIMIT]
    )
    for order in board.orders:
        order.days_late = (today - order.due).days
    board.pending = list(
        SignOff.objects.filter(
            filters.inspections(scope, "problem__inspection__"), status=SignOff.Status.APPLIED
        )
        .select_related("problem__inspection__unit", "applicant")
        .order_by("applied_at", "id")[:LIST_LIMIT]
    )


def _first(measures, allowed: set[int]) -> list[Measure]:
    """The first LIST_LIMIT measures in due order whose inspection is in `allowed` (two
    queries: ids along the index, read until enough; then those measures)."""
    ids: list[int] = []
    rows = measures.order_by("due", "id").values_list("id", "problem__inspection_id")
    chunk, start = LIST_LIMIT * 10, 0
    # Plain LIMIT queries, not iterator(): PostgreSQL's WITH HOLD cursor would first
    # materialise every overdue measure. One chunk unless many are of voided inspections.
    while len(ids) < LIST_LIMIT:
        batch = list(rows[start : start + chunk])
        ids += [pk for pk, inspection_id in batch if inspection_id in allowed]
        if len(batch) < chunk:
            break
        start += chunk
    ids = ids[:LIST_LIMIT]
    found = Measure.all_objects.select_related("problem__inspection__unit").in_bulk(ids or [0])
    return [found[pk] for pk in ids if pk in found]


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""
