"""Office pages that flow: tiles and lights lead to their rows, the order form narrows."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_ledger
from tests.oversight.conftest import finish, specific
from zhenggai.accounts.models import Unit
from zhenggai.ledger.counts import keep
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.oversight import services
from zhenggai.oversight.dashboard import Filters, build
from zhenggai.oversight.forms import OrderForm, cut
from zhenggai.oversight.views.lists import LIGHTS

pytestmark = pytest.mark.django_db


def hrefs(page: str) -> set[str]:
    return {h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', page)}


def test_every_light_lists_what_the_dashboard_counts(login, ledger_a, ledger_b, cast):
    from zhenggai.oversight.access import get_scope_for_user

    Measure.objects.filter(pk=Measure.objects.filter(status="planned").first().pk).update(
        status=Measure.Status.ONGOING, term=Measure.Term.ONGOING
    )
    keep([ledger_a.pk, ledger_b.pk])  # update() is no act: the counts are kept by hand
    client = login("olivia")
    today = timezone.localdate()
    request = type("R", (), {"user": cast["olivia"]})()
    t = build(get_scope_for_user(request), Filters(), today).total
    expected = {"": t.total, "red": t.red, "soon": t.soon, "yellow": t.yellow}
    expected |= {"green": t.done, "blue": t.blue}
    for light in LIGHTS:
        page = client.get(reverse("oversight:measure-list"), {"light": light})
        assert page.context["page"].paginator.count == expected[light], light
    assert client.get(reverse("oversight:measure-list"), {"light": "pink"}).status_code == 404


def test_the_tiles_link_to_the_rows_they_count(login, ledger_a, cast):
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    links = hrefs(page)
    assert reverse("oversight:measure-list") + "?&light=red" in links
    assert reverse("oversight:order-list") + "?overdue=1" in links
    assert reverse("oversight:signoff-queue") + "?&status=returned" in links
    assert reverse("ledger:round-list") in links  # the round export, from the dashboard


def test_overdue_lists_say_by_how_many_days(login, ledger_a, cast, units):
    today = timezone.localdate()
    late = Measure.objects.filter(status="planned").first()
    Measure.objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=6))
    client = login("olivia")
    page = client.get(reverse("oversight:measure-list"), {"light": "red"}).content.decode()
    assert "超期 6 天" in page
    assert "超期 6 天" in client.get(reverse("oversight:dashboard")).content.decode()
    order = services.issue_order(
        actor=cast["olivia"],
        unit=units["A"],
        problems=[],
        level="notice",
        due=today - dt.timedelta(days=3),
        text="请回复。",
    )
    listed = client.get(reverse("oversight:order-list"), {"overdue": "1"})
    assert [o.pk for o in listed.context["orders"]] == [order.pk]
    assert "超期 3 天未复" in listed.content.decode()


def test_the_signoff_queue_lists_by_state(login, ledger_a, cast):
    problem = specific(ledger_a)
    finish(problem)
    signoff = services.apply_signoff(problem, actor=cast["alice"])
    client = login("olivia")
    page = client.get(reverse("oversight:signoff-queue"), {"status": "applied"})
    assert [s.pk for s in page.context["page"]] == [signoff.pk]
    services.return_signoff(signoff, actor=cast["olivia"], reason="佐证不足")
    page = client.get(reverse("oversight:signoff-queue"), {"status": "returned"})
    assert [s.pk for s in page.context["page"]] == [signoff.pk]
    # a leader sees her units' only
    assert login("lena").get(reverse("oversight:signoff-queue")).status_code == 200


@pytest.mark.parametrize("url", ["oversight:measure-list", "oversight:signoff-queue"])
def test_the_lists_cost_a_fixed_number_of_queries(login, units, cast, url):
    client = login("olivia")
    found = []
    for _ in (1, 2):
        make_ledger(units["A"], categories=3, problems=3, measures=3)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url)).status_code == 200
        found.append(len(captured))
    assert found[0] == found[1]


def test_the_order_form_never_offers_the_offices_own_units(cast, units):
    parent = Unit.objects.create(name="测试区委")
    Unit.objects.filter(pk=units["office"].pk).update(parent=parent)
    units["office"].refresh_from_db()
    units["office"].save()  # its path now under the district committee
    form = OrderForm(units=Unit.objects.all())
    offered = {u.name for u in form.fields["unit"].queryset.exclude(pk__in=services.office_units())}
    assert "巡察办" not in offered and "测试区委" not in offered and "甲单位" in offered
    with pytest.raises(services.OversightError, match="巡察机构本身"):
        services.issue_order(
            actor=cast["olivia"],
            unit=units["office"],
            level="notice",
            due=dt.date(2030, 1, 1),
            text="督办",
        )


def test_the_order_form_narrows_problems_to_the_unit_and_round(login, units, cast):
    first = make_ledger(units["A"])
    second = make_ledger(units["A"])
    Inspection.objects.filter(pk=second.pk).update(round="一届区委第二轮巡察")
    make_ledger(units["B"])
    Problem.objects.filter(pk=specific(first).pk).update(title="很长的问题标题" * 12)
    client = login("olivia")
    url = reverse("oversight:order-add")
    page = client.get(url)
    assert page.context["form"].fields["problems"].choices == []  # nothing before a unit
    assert "巡察办" not in page.content.decode().split('id="scope-unit"')[1].split("</select>")[0]
    page = client.get(url, {"unit": units["A"].pk})
    groups = page.context["form"].fields["problems"].choices
    assert [label for label, _ in groups] == [
        "甲单位 · 一届区委第一轮巡察",
        "甲单位 · 一届区委第二轮巡察",
    ]
    page = client.get(url, {"unit": units["A"].pk, "round": "一届区委第二轮巡察"})
    ((label, options),) = page.context["form"].fields["problems"].choices
    assert label.endswith("第二轮巡察") and len(options) == 6  # 2 categories, 4 problems
    assert options[0][1].startswith("【类别】") and options[1][1].startswith("\u3000")
    page = client.get(url, {"unit": units["A"].pk, "round": "一届区委第一轮巡察"})
    content = page.content.decode()
    assert cut("很长的问题标题" * 12) in content and cut("很长的问题标题" * 12).endswith("…")
    # issuing: the order names the unit and round it was narrowed to
    body = {
        "unit": units["A"].pk,
        "round": "一届区委第二轮巡察",
        "level": "notice",
        "problems": [specific(second).pk],
        "due": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        "text": "请整改。",
    }
    response = client.post(url, body)
    assert response.status_code == 302
    wrong = {**body, "problems": [specific(first).pk]}  # another round's problem
    assert client.post(url, wrong).status_code == 200


def test_the_office_previews_and_downloads_any_units_notice(login, ledger_a):
    client = login("olivia")
    page = client.get(reverse("disclosure:notice-draft", args=[ledger_a.pk])).content.decode()
    assert "预览：按台账生成的正文" in page
    for fmt in ("txt", "docx"):
        url = reverse("disclosure:notice-export", args=[ledger_a.pk, fmt])
        assert client.get(url).status_code == 200
    assert login("bob").get(url).status_code == 403
