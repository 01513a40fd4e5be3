"""The dashboard's numbers, colours, clocks and filters, and its fixed query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_ledger
from zhenggai.accounts.access import Access
from zhenggai.ledger.counts import keep
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.oversight import services
from zhenggai.oversight.dashboard import Filters, Scope, build

pytestmark = pytest.mark.django_db

OFFICE = Scope(Access(office=True))
# make_ledger: 8 measures, every second one done, due 2026-03-31 and 2026-04-01.
BEFORE = dt.date(2026, 3, 25)
AFTER = dt.date(2026, 4, 2)


def test_it_counts_measures_by_status_and_colour(ledger_a, ledger_b):
    Measure.objects.filter(pk=Measure.objects.filter(status="planned").first().pk).update(
        status=Measure.Status.ONGOING, term=Measure.Term.ONGOING
    )
    keep([ledger_a.pk, ledger_b.pk])  # update() is no act: the counts are kept by hand
    t = build(OFFICE, Filters(), AFTER).total
    assert (t.total, t.done, t.ongoing, t.planned, t.in_progress) == (16, 8, 1, 7, 0)
    assert (t.done, t.yellow, t.red, t.blue) == (8, 0, 7, 1)
    assert str(t.measure_rate) == "50%" and t.problems == 8 and t.closed == 0


def test_it_computes_red_from_the_date_and_never_stores_it(ledger_a):
    before, after = build(OFFICE, Filters(), BEFORE).total, build(OFFICE, Filters(), AFTER).total
    assert (before.red, before.yellow, before.soon) == (0, 4, 4)
    assert (after.red, after.yellow, after.soon) == (4, 0, 0)


def test_it_lists_overdue_and_due_soon_measures(ledger_a):
    board = build(OFFICE, Filters(), dt.date(2026, 4, 1))
    assert [m.due for m in board.overdue] == [dt.date(2026, 3, 31)] * 4
    assert not any(m.due == dt.date(2026, 3, 31) for m in board.due_soon)


def test_it_ranks_units_and_counts_returned_sign_offs(cast, ledger_a, ledger_b):
    from tests.oversight.conftest import finish, specific

    Measure.objects.filter(problem__inspection=ledger_b).update(status="done")
    keep([ledger_b.pk])
    problem = specific(ledger_a)
    finish(problem)
    signoff = services.apply_signoff(problem, actor=cast["alice"])
    services.return_signoff(signoff, actor=cast["olivia"], reason="佐证不足")
    board = build(OFFICE, Filters(), AFTER)
    rows = [(u.name, str(t.problem_rate), str(t.measure_rate), t.returned) for u, t in board.units]
    assert rows == [("乙单位", "100%", "100%", 0), ("甲单位", "25%", "62.50%", 1)]


def test_it_shows_each_inspections_clock(ledger_a):
    clock = build(OFFICE, Filters(), dt.date(2026, 4, 21)).clocks[0]
    assert clock.inspection.rectify_until == dt.date(2026, 5, 1)
    assert (clock.stage, clock.days_left) == ("集中整改", 10)
    assert build(OFFICE, Filters(), dt.date(2026, 5, 2)).clocks[0].stage == "持续整改"


def test_it_filters_by_round_kind_and_unit(ledger_a, ledger_b, units):
    Inspection.objects.filter(pk=ledger_b.pk).update(round="第二轮", kind="audit")
    assert build(OFFICE, Filters(round="第二轮"), AFTER).total.total == 8
    assert build(OFFICE, Filters(kind="xuncha"), AFTER).total.total == 8
    assert build(OFFICE, Filters(unit=units["A"]), AFTER).units[0][0] == units["A"]
    assert build(OFFICE, Filters(round="无此轮次"), AFTER).total.total == 0


def test_it_shows_leaders_only_their_units(login, ledger_a, ledger_b, units):
    make_ledger(units["A1"])
    response = login("lena").get(reverse("oversight:dashboard"))
    names = [u.name for u, _t in response.context["board"].units]
    assert sorted(names) == ["甲单位", "甲单位下属站"]
    response = login("lena").get(reverse("oversight:dashboard"), {"unit": units["B"].pk})
    assert response.context["form"].errors and "乙单位</td>" not in response.content.decode()


def test_it_draws_charts_as_inline_svg_without_script(login, ledger_a):
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    main = page.split("<main>")[1]
    # The page's one shipped script (forms) is in the head; the charts need none.
    assert main.count("<svg") >= 4 and "<script" not in main
    assert "http" not in main.replace("http://testserver", "")


def _grow(units, times):
    for _ in range(times):
        make_ledger(units["A"], categories=3, problems=3, measures=4)
        make_ledger(units["B"], categories=2, problems=2, measures=3)


@pytest.mark.parametrize("user", ["olivia", "lena"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_size(
    login, cast, units, user, django_assert_num_queries
):
    client = login(user)
    url = reverse("oversight:dashboard")
    counts = []
    for times in (1, 6):
        _grow(units, times)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"round": "一届区委第一轮巡察"}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        client.get(url, {"round": "一届区委第一轮巡察"})


def test_it_asserts_the_query_count_of_the_office_dashboard(
    login, cast, units, django_assert_num_queries
):
    client = login("olivia")
    # session, user, memberships, rounds, passed due dates to fold (counts.fold); per
    # unit: kept counts of measures and problems, kept due dates, sign-offs, the units,
    # order counts; the clocks: inspections counted with the reports due or late, one
    # page of them, and per inspection of the page the same three kept and sign-off
    # counts; the live inspections' ids, overdue and due soon (ids along the index, then
    # the measures: two each), their owners, orders, pending sign-offs, units of the
    # filter, 屡查屡犯 found, and the navigation bar's counts of 待办 and unread messages.
    for times in (1, 5):
        _grow(units, times)
        with django_assert_num_queries(26):
            client.get(reverse("oversight:dashboard"))
