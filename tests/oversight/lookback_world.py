"""The 回头看, 屡查屡犯 and 共性问题 objects of the access matrix's world, and the
valid bodies of their forms (tests/matrix/, tests/write_bodies.py)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import make_ledger
from zhenggai.accounts.models import Unit
from zhenggai.ledger.models import Inspection, InspectionLink, Problem
from zhenggai.oversight.models import CommonProblem, Recurrence, SupervisionOrder

EARLIER_FEEDBACK = dt.date(2025, 3, 1)
OLDER_FEEDBACK = dt.date(2024, 3, 1)


def add_lookback(ledger_a, problem, cast) -> dict:
    """An earlier inspection of unit A linked to the world's, and one finding on it."""
    earlier = make_ledger(ledger_a.unit, feedback=EARLIER_FEEDBACK)
    link = InspectionLink.objects.create(
        inspection=ledger_a, earlier=earlier, linked_by=cast["alice"]
    )
    before = earlier.problems.filter(parent__isnull=False).order_by("pk")
    finding = Recurrence.objects.create(
        problem=problem, earlier=before[0], score=0.5, confirmed_by=cast["olivia"]
    )
    return {"earlier_link": link.pk, "recurrence": finding.pk, "common": common(ledger_a, cast)}


def specifics(inspection) -> list[Problem]:
    return list(inspection.problems.filter(parent__isnull=False).order_by("pk"))


def common(ledger_a, cast) -> int:
    """A common problem of the round: two problems of unit A and two of unit B."""
    ledger_b = make_ledger(Unit.objects.get(name="乙单位"))
    found = CommonProblem.objects.create(
        round=ledger_a.round, name="公务用车管理不规范", confirmed_by=cast["olivia"]
    )
    found.problems.set(specifics(ledger_a)[:2] + specifics(ledger_b)[:2])
    return found.pk


def common_body(world) -> dict:
    """Two problems of the round not yet in a common problem, of units A and B."""
    a = specifics(Inspection.objects.get(pk=world["inspection"]))
    b = specifics(Inspection.objects.get(unit__name="乙单位"))
    return {"round": a[0].inspection.round, "problems": [a[2].pk, b[2].pk], "name": "津贴补贴"}


def split_body(world) -> dict:
    members = CommonProblem.objects.get(pk=world["common"]).problems.order_by("pk")
    return {"problems": [members[1].pk]}


def order_body(world) -> dict:
    return {
        "level": SupervisionOrder.Level.NOTICE,
        "due": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
        "text": "请针对共性问题抓紧整改。",
    }


def commons(world, client) -> int:
    return CommonProblem.objects.count()


def common_name(world, client) -> str:
    return CommonProblem.objects.get(pk=world["common"]).name


def common_members(world, client) -> list[int]:
    found = CommonProblem.objects.get(pk=world["common"])
    return sorted(found.problems.values_list("pk", flat=True))


def common_orders(world, client) -> int:
    return CommonProblem.objects.get(pk=world["common"]).orders.count()


def older(world, client) -> dict:
    """A second earlier inspection of unit A, not yet linked (prepare of a write)."""
    make_ledger(Inspection.objects.get(pk=world["inspection"]).unit, feedback=OLDER_FEEDBACK)
    return {}


def older_body(world) -> dict:
    return {"earlier": Inspection.objects.get(feedback_date=OLDER_FEEDBACK).pk}


def confirm_body(world) -> dict:
    """A problem of the world's inspection without a finding, and an earlier problem."""
    found = Recurrence.objects.get(pk=world["recurrence"])
    problem = (
        Problem.objects.filter(inspection_id=world["inspection"], parent__isnull=False)
        .exclude(pk=found.problem_id)
        .order_by("pk")
        .first()
    )
    return {"problem": problem.pk, "earlier": found.earlier_id}


def links(world, client) -> int:
    return InspectionLink.objects.count()


def findings(world, client) -> int:
    return Recurrence.objects.count()


def withdrawn(world, client):
    return Recurrence.objects.filter(pk=world["recurrence"]).values("withdrawn_at").first()
