"""The one definition of what the figures count (zhenggai.ledger.counts), case by case.

The property test (tests/test_one_truth.py) holds every surface to it on random
ledgers; these name the decisions one at a time.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_ledger
from zhenggai.ledger import services
from zhenggai.ledger.counts import Rate, tally
from zhenggai.ledger.models import Measure, Problem

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 2)


def test_it_counts_specific_problems_and_not_their_categories(units):
    inspection = make_ledger(units["A"], categories=2, problems=3, measures=1)
    Problem.objects.create(inspection=inspection, position=3, title="类别问题3")
    t = tally([inspection], TODAY)
    # 2 × 3 specific problems, and the third category, which has none, is one itself.
    assert (t.problems, t.total) == (7, 6)


def test_it_rectifies_a_problem_by_finished_measures_or_by_sign_off(units):
    inspection = make_ledger(units["A"], categories=1, problems=3, measures=2)
    first, second, third = Problem.objects.filter(parent__isnull=False).order_by("position")
    first.measures.update(status=Measure.Status.DONE)
    second.closed_at = timezone.now()
    second.save()
    third.measures.update(status=Measure.Status.ONGOING)
    t = tally([inspection], TODAY)
    # 长期坚持 (status) is not 已完成: the third waits for its sign-off.
    assert (t.problems, t.rectified, t.closed, t.blue) == (3, 2, 1, 2)
    assert (str(t.problem_rate), str(t.measure_rate)) == ("66.67%", "50%")


def test_it_counts_in_public_what_the_public_version_shows(units):
    inspection = make_ledger(units["A"], categories=2, problems=2, measures=1)
    category = Problem.objects.get(title="类别问题1")
    category.children.update(withhold_reason="涉及个人隐私")
    Measure.objects.create(problem=category, position=1, text="类别自身的措施")
    internal, public = tally([inspection], TODAY), tally([inspection], TODAY, public=True)
    assert (internal.problems, internal.total) == (4, 5)
    # Its specific problems withheld, the category is shown as a problem of its own.
    assert (public.problems, public.total) == (3, 3)


def test_it_never_lets_an_ongoing_measure_be_done_or_overdue(units, cast):
    inspection = make_ledger(units["A"], categories=1, problems=1, measures=1)
    measure = Measure.objects.get(problem__inspection=inspection)
    measure.term, measure.due, measure.status = Measure.Term.ONGOING, dt.date(2026, 3, 1), "planned"
    measure.save()
    assert not measure.is_overdue(TODAY) and measure.light(TODAY) == "blue"
    assert not Measure.objects.overdue(TODAY).exists()
    with pytest.raises(services.LedgerError, match="长期坚持的措施不能标记为已完成"):
        services.update_measure(measure, actor=cast["alice"], status=Measure.Status.DONE)
    with pytest.raises(services.LedgerError, match="长期坚持"):
        services.request_completion(measure, actor=cast["alice"])
    measure.refresh_from_db()
    assert measure.status == Measure.Status.PLANNED


def test_it_writes_each_rate_by_one_rounding_rule():
    assert [str(Rate.of(*pair)) for pair in [(1, 6), (2, 3), (1, 8), (688, 697), (0, 5)]] == [
        "16.67%",
        "66.67%",
        "12.50%",
        "98.71%",
        "0%",
    ]
    assert Rate.of(1, 3) < Rate.of(1, 2) and float(Rate.of(1, 4)) == 25.0
