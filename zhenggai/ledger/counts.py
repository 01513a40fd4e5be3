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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q

from . import rules
from .models import Measure, Problem


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

    def add(self, other: Tally) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name, 0))

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
