import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import EDIT_A, READ_A, make_ledger
from zhenggai.ledger.models import KeptCount, Measure, Problem

pytestmark = pytest.mark.django_db


def first(ledger, model):
    if model is Problem:
        return Problem.objects.filter(inspection=ledger, parent__isnull=False).first()
    return Measure.objects.filter(problem__inspection=ledger).first()


@pytest.mark.parametrize("user,status", READ_A.items())
@pytest.mark.parametrize(
    "name,model",
    [
        ("ledger:inspection-detail", None),
        ("ledger:measure-detail", Measure),
    ],
)
def test_it_lets_only_readers_of_the_unit_read(login, ledger_a, user, status, name, model):
    pk = first(ledger_a, model).pk if model else ledger_a.pk
    assert login(user).get(reverse(name, args=[pk])).status_code == status


@pytest.mark.parametrize("user,status", EDIT_A.items())
@pytest.mark.parametrize(
    "name,model",
    [
        ("ledger:inspection-edit", None),
        ("ledger:problem-add", None),
        ("ledger:problem-edit", Problem),
        ("ledger:measure-add", Problem),
        ("ledger:measure-edit", Measure),
    ],
)
def test_it_lets_only_editors_open_forms(login, ledger_a, user, status, name, model):
    pk = first(ledger_a, model).pk if model else ledger_a.pk
    assert login(user).get(reverse(name, args=[pk])).status_code == status


@pytest.mark.parametrize("user,status", {**EDIT_A, "alice": 302}.items())
@pytest.mark.parametrize(
    "name,model",
    [
        ("ledger:problem-move", Problem),
        ("ledger:measure-move", Measure),
    ],
)
def test_it_lets_only_editors_reorder(login, ledger_a, user, status, name, model):
    item = first(ledger_a, model)
    response = login(user).post(reverse(name, args=[item.pk]), {"dir": "up"})
    assert response.status_code == status


def test_it_lists_only_visible_inspections_on_home(login, ledger_a, ledger_b):
    page = login("alice").get(reverse("ledger:home")).content.decode()
    assert "甲单位" in page and "乙单位" not in page
    page = login("olivia").get(reverse("ledger:home")).content.decode()
    assert "甲单位" in page and "乙单位" in page
    page = login("carol").get(reverse("ledger:home")).content.decode()
    assert "暂无您可查看" in page


def test_it_shows_completion_and_overdue_on_home(login, ledger_a):
    response = login("bob").get(reverse("ledger:home"))
    tally = response.context["inspections"][0].tally
    # 2 categories × 2 problems × 2 measures, every second one done, all due in 2026-04.
    assert (tally.total, tally.done, str(tally.measure_rate)) == (8, 4, "50%")
    assert tally.red == (4 if dt.date.today() > dt.date(2026, 3, 31) else 0)
    page = response.content.decode()
    assert "措施完成率" in page and "问题整改完成率" in page


def test_it_colours_measures_by_date_and_status(login, ledger_a):
    m = Measure.objects.filter(problem__inspection=ledger_a)
    m.filter(pk=m[0].pk).update(status=Measure.Status.IN_PROGRESS, due=dt.date(2000, 1, 1))
    m.filter(pk=m[1].pk).update(status=Measure.Status.DONE)
    m.filter(pk=m[2].pk).update(term=Measure.Term.ONGOING, status=Measure.Status.ONGOING, due=None)
    m.filter(pk=m[3].pk).update(status=Measure.Status.PLANNED, due=dt.date(2999, 1, 1))
    response = login("alice").get(reverse("ledger:inspection-detail", args=[ledger_a.pk]))
    colors = {
        x.pk: x.color for cat in response.context["tree"] for sub in cat.subs for x in sub.items
    }
    assert [colors[x.pk] for x in m[:4]] == ["red", "green", "blue", "yellow"]


def count_queries(django_assert_max_num_queries, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["ledger:inspection-detail", "ledger:home"])
def test_it_uses_the_same_queries_for_10_or_500_measures(
    login, cast, units, view, django_assert_max_num_queries
):
    small = make_ledger(units["A"], categories=1, problems=5, measures=2)
    big = make_ledger(units["A"], categories=10, problems=5, measures=10)
    client = login("alice")
    urls = [reverse(view, args=[i.pk]) if "detail" in view else reverse(view) for i in (small, big)]
    counts = [count_queries(django_assert_max_num_queries, client, u) for u in urls]
    assert counts[0] == counts[1]
    # Session, user, memberships, the page's rows, whether it may be voided, and the
    # navigation bar's counts of 待办 and unread messages.
    assert counts[0] <= 10


def test_the_inspection_list_reads_the_kept_counts_not_the_measures(login, ledger_a):
    """The list's figures come from the dashboard's kept counts, a few rows per
    inspection: the office's list of every inspection costs no scan of measures (only
    the navigation bar's own count of the user's measures reads them, by index)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = login("olivia").get(reverse("ledger:home"))
    tally = response.context["inspections"][0].tally
    assert (tally.total, tally.done, tally.problems) == (8, 4, 4)
    reading = [q["sql"] for q in ctx.captured_queries if '"ledger_measure"' in q["sql"]]
    assert len(reading) == 1 and "owner_user_id" in reading[0]
    # A kept row changed behind the services' back shows on the list: it is what is read.
    done = KeptCount.objects.filter(inspection=ledger_a, status="done", due=None).first()
    KeptCount.objects.filter(pk=done.pk).update(n=done.n + 10)
    tally = login("olivia").get(reverse("ledger:home")).context["inspections"][0].tally
    assert (tally.total, tally.done) == (18, 14)


def test_it_answers_unknown_ids_with_a_404_page(login, cast):
    client = login("alice")
    for name in [
        "ledger:inspection-detail",
        "ledger:measure-detail",
        "ledger:problem-edit",
        "ledger:evidence-download",
    ]:
        response = client.get(reverse(name, args=[999999]))
        assert response.status_code == 404
        assert "页面不存在" in response.content.decode()
