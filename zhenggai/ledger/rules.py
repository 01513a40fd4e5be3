"""The state of a measure, defined once: open, finished, overdue, due soon, the four colours.

Each rule is a list of alternatives, each a dict of field lookups, so that the one
definition filters in the database (`Measure.objects.overdue(today)`, counts) and
answers for one row in Python (`measure.is_overdue(today)`, `measure.light(today)`).

Terms (完成时限类型):
- 立行立改 and 限期整改 have a due date; past it and not finished, a measure is overdue
  (超期, red), and within `SOON_DAYS` of it, due soon.
- 长期坚持 is never 已完成 and never overdue: the services refuse 已完成 for it, it shows
  blue, reminders leave it out, and each notice reports its latest progress. Its problem
  counts as rectified only once the office signs it off (销号).
- The status 长期坚持 (a measure turned into a standing practice) is blue and not open,
  whatever the term.
"""

from __future__ import annotations

import datetime as dt
import operator

from django.db.models import Q

PLANNED, IN_PROGRESS, DONE, ONGOING = "planned", "in_progress", "done", "ongoing"
OPEN = (PLANNED, IN_PROGRESS)
DATED_TERMS = ("immediate", "deadline")
SOON_DAYS = 10
# The 整改情况报告 is announced this many days before it is due (and after, until filed):
# on the dashboard's clock, in the to-do and in reminders.
REPORT_WARN_DAYS = 15

Rule = list[dict]


def finished() -> Rule:
    return [{"status": DONE}]


def settled() -> Rule:
    """已完成 or turned into a standing practice (status 长期坚持): ready for sign-off."""
    return [{"status__in": (DONE, ONGOING)}]


def open_() -> Rule:
    return [{"status__in": OPEN}]


def overdue(today: dt.date) -> Rule:
    """超期: a dated measure past its due date and not finished."""
    return [{"status__in": OPEN, "term__in": DATED_TERMS, "due__lt": today}]


def due_soon(today: dt.date, days: int = SOON_DAYS) -> Rule:
    """Due today or within `days` days, dated and not finished."""
    end = today + dt.timedelta(days=days)
    return [{"status__in": OPEN, "term__in": DATED_TERMS, "due__gte": today, "due__lte": end}]


def report_late(today: dt.date) -> Rule:
    """An inspection whose 整改情况报告 is not filed: late once 集中整改 has ended."""
    return [{"rectify_until__lt": today}]


def report_soon(today: dt.date) -> Rule:
    """An inspection whose 整改情况报告 is not filed: due within `REPORT_WARN_DAYS` days."""
    end = today + dt.timedelta(days=REPORT_WARN_DAYS)
    return [{"rectify_until__gte": today, "rectify_until__lte": end}]


def report_due(today: dt.date) -> Rule:
    """Late or soon: announced on the dashboard, in to-do lists and reminders until filed."""
    return report_late(today) + report_soon(today)


def blue() -> Rule:
    """长期坚持: by term (and not finished), or by status."""
    return [{"status__in": OPEN, "term": ONGOING}, {"status": ONGOING}]


def lights(today: dt.date) -> dict[str, Rule]:
    """四色预警, first match wins; a measure matching none is yellow (按期推进)."""
    return {"green": finished(), "blue": blue(), "red": overdue(today)}


def q(rule: Rule, prefix: str = "") -> Q:
    """The rule as a database filter on `<prefix>field`."""
    result = Q(pk__in=[])
    for alternative in rule:
        result |= Q(**{f"{prefix}{key}": value for key, value in alternative.items()})
    return result


OPERATORS = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda value, choices: value in choices,
    "exact": operator.eq,
}


def holds(rule: Rule, obj) -> bool:
    """The rule for one object in Python, with SQL's answer for a missing value (false)."""
    return any(all(_lookup(obj, key, value) for key, value in alt.items()) for alt in rule)


def _lookup(obj, key: str, expected) -> bool:
    name, _, op = key.partition("__")
    value = getattr(obj, name)
    if value is None:
        return False
    return OPERATORS[op or "exact"](value, expected)


def light(obj, today: dt.date) -> str:
    for colour, rule in lights(today).items():
        if holds(rule, obj):
            return colour
    return "yellow"
