"""The office dashboard's numbers, in a fixed number of grouped queries whatever the size.

Measures and problems are counted in the database, grouped by inspection; the few
thousand per-inspection rows are then rolled up to units and totals in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from zhenggai.accounts.access import LEAD, OFFICE, Access, subtree_q
from zhenggai.accounts.models import Unit
from zhenggai.ledger import counts
from zhenggai.ledger.models import Inspection, Measure, Problem

from .models import SignOff, SupervisionOrder

LIST_LIMIT = 20


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


def signoff_counts(q: Q):
    """Per inspection: applications waiting for review and applications returned."""
    return (
        SignOff.objects.filter(q)
        .values("problem__inspection_id")
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
    clocks: list[Clock] = field(default_factory=list)
    overdue: list[Measure] = field(default_factory=list)
    due_soon: list[Measure] = field(default_factory=list)
    orders: list[SupervisionOrder] = field(default_factory=list)
    pending: list[SignOff] = field(default_factory=list)


def _tallies(filters: Filters, scope: Scope, today: dt.date) -> dict[int, Tally]:
    tallies: dict[int, Tally] = defaultdict(Tally)
    measures = Measure.objects.filter(filters.inspections(scope, "problem__inspection__"))
    counts.fill(tallies, counts.measure_counts(measures, today), "problem__inspection_id")
    problems = Problem.objects.filter(filters.inspections(scope, "inspection__"))
    counts.fill(tallies, counts.problem_counts(problems), "inspection_id")
    for row in signoff_counts(filters.inspections(scope, "problem__inspection__")):
        tallies[row["problem__inspection_id"]].applied = row["applied"]
        tallies[row["problem__inspection_id"]].returned = row["returned"]
    return tallies


def build(scope: Scope, filters: Filters, today: dt.date) -> Dashboard:
    """The dashboard's numbers and lists for a scope and filters, as of `today`."""
    board = Dashboard(today)
    tallies = _tallies(filters, scope, today)
    inspections = Inspection.objects.filter(filters.inspections(scope)).select_related("unit")
    by_unit: dict[int, tuple[Unit, Tally]] = {}
    for inspection in inspections.order_by("rectify_until", "id"):
        tally = tallies.get(inspection.pk, Tally())
        board.clocks.append(Clock(inspection, tally, today))
        unit_tally = by_unit.setdefault(inspection.unit_id, (inspection.unit, Tally()))[1]
        unit_tally.add(tally)
        board.total.add(tally)
    _lists(board, scope, filters, today)
    for row in order_counts(filters.units(scope), today):
        if row["unit_id"] in by_unit:
            by_unit[row["unit_id"]][1].orders_overdue = row["n"]
        board.total.orders_overdue += row["n"]
    board.units = sorted(
        by_unit.values(),
        key=lambda ut: (
            -ut[1].problem_rate.value,
            -ut[1].measure_rate.value,
            ut[1].red,
            ut[0].name,
        ),
    )
    board.clocks.sort(key=lambda c: (not c.intensive, c.days_left if c.intensive else 0))
    return board


def _league_order(row: tuple[Unit, Tally]):
    """Best first: problems rectified, then measures done, then fewer overdue."""
    unit, tally = row
    return (-tally.problem_rate.value, -tally.measure_rate.value, tally.red, unit.name)


def _lists(board: Dashboard, scope: Scope, filters: Filters, today: dt.date) -> None:
    # Owners are fetched apart: a LEFT JOIN on users turns SQLite's plan away from
    # the (due, status) index and makes the list scan every measure.
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
    board.orders = list(
        SupervisionOrder.objects.filter(filters.units(scope))
        .overdue(today)
        .select_related("unit")
        .order_by("due", "id")[:LIST_LIMIT]
    )
    board.pending = list(
        SignOff.objects.filter(
            filters.inspections(scope, "problem__inspection__"), status=SignOff.Status.APPLIED
        )
        .select_related("problem__inspection__unit", "applicant")
        .order_by("applied_at", "id")[:LIST_LIMIT]
    )


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""
