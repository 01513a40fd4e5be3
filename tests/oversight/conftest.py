import datetime as dt

import pytest

from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import services


def specific(ledger) -> Problem:
    return Problem.objects.filter(inspection=ledger, parent__isnull=False).order_by("id").first()


def finish(problem: Problem) -> None:
    """Mark every measure under the problem done, directly (evidence is not the point)."""
    services.measures_under(problem).update(status=Measure.Status.DONE)


@pytest.fixture
def applied(ledger_a, cast):
    problem = specific(ledger_a)
    finish(problem)
    return services.apply_signoff(problem, actor=cast["alice"], note="已全部整改到位")


@pytest.fixture
def approved(applied, cast):
    return services.approve_signoff(applied, actor=cast["olivia"])


@pytest.fixture
def order_a(ledger_a, cast, units):
    return services.issue_order(
        actor=cast["olivia"],
        unit=units["A"],
        problems=[specific(ledger_a)],
        level="notice",
        due=dt.date(2026, 6, 30),
        text="请立即组织整改。",
        today=dt.date(2026, 5, 1),
    )
