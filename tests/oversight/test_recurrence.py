"""回头看 and 屡查屡犯: linking earlier inspections, comparing problems, the office's finding."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.ledger import lookback
from zhenggai.ledger.models import Inspection, InspectionLink, Problem
from zhenggai.ledger.services import LedgerError
from zhenggai.oversight import recurrence
from zhenggai.oversight.models import Recurrence
from zhenggai.oversight.services import OversightError

pytestmark = pytest.mark.django_db

BEFORE = ["公务用车管理不规范，存在私车公养现象", "违规发放津贴补贴", "党费收缴管理不规范"]
NOW = ["公车管理混乱，私车公养问题仍然存在", "干部人事档案管理不严格", "巧立名目违规发放补贴和福利"]


def inspection(unit, titles, feedback, round_name="一届区委第一轮巡察"):
    made = Inspection.objects.create(
        unit=unit, round=round_name, group="区委第一巡察组", feedback_date=feedback
    )
    category = Problem.objects.create(inspection=made, position=1, title="一、作风建设方面")
    for k, title in enumerate(titles, 1):
        Problem.objects.create(inspection=made, parent=category, position=k, title=title)
    return made


@pytest.fixture
def pair(units, cast):
    earlier = inspection(units["A"], BEFORE, dt.date(2024, 5, 1))
    later = inspection(units["A"], NOW, dt.date(2026, 5, 1), "一届区委第五轮巡察（回头看）")
    return earlier, later


def test_it_lets_the_editor_link_an_earlier_inspection_audited(pair, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    assert list(later.earlier_links.values_list("earlier", flat=True)) == [earlier.pk]
    event = Event.objects.get(act="inspection.linked")
    assert event.data["earlier"] == earlier.pk and event.actor == cast["alice"]


@pytest.mark.parametrize("who", ["bob", "owen", "lena", "dave"])
def test_it_refuses_links_from_those_who_do_not_keep_the_unit(pair, cast, who):
    earlier, later = pair
    with pytest.raises(PermissionDenied):
        lookback.link_earlier(later, earlier, actor=cast[who])
    assert not InspectionLink.objects.exists()


def test_it_refuses_a_later_or_foreign_inspection_in_chinese(pair, units, cast):
    earlier, later = pair
    with pytest.raises(LedgerError, match="不早于本次巡察"):
        lookback.link_earlier(earlier, later, actor=cast["olivia"])
    foreign = inspection(units["B"], BEFORE, dt.date(2023, 1, 1))
    with pytest.raises(LedgerError, match="不是“甲单位”的巡察"):
        lookback.link_earlier(later, foreign, actor=cast["olivia"])
    lookback.link_earlier(later, earlier, actor=cast["olivia"])
    with pytest.raises(LedgerError, match="已关联"):
        lookback.link_earlier(later, earlier, actor=cast["olivia"])
    assert InspectionLink.objects.count() == 1


def test_it_shows_each_problem_beside_its_most_similar_earlier_problems(pair, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    rows = {row.problem.title: row.matches for row in recurrence.compare(later)}
    assert "一、作风建设方面" not in rows  # a category with problems under it is a heading
    car = rows[NOW[0]]
    assert car[0].earlier.title == BEFORE[0] and car[0].likely
    assert [m.score for m in car] == sorted((m.score for m in car), reverse=True)
    assert rows[NOW[2]][0].earlier.title == BEFORE[1]
    assert all(not m.likely for m in rows[NOW[1]])


def test_it_compares_in_a_fixed_number_of_queries(pair, units, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    with CaptureQueriesContext(connection) as small:
        recurrence.compare(later)
    older = inspection(units["A"], BEFORE * 5, dt.date(2022, 5, 1))
    lookback.link_earlier(later, older, actor=cast["alice"])
    with CaptureQueriesContext(connection) as large:
        recurrence.compare(later)
    assert len(small) == len(large) == 4


def car_problems(later, earlier):
    return later.problems.get(title=NOW[0]), earlier.problems.get(title=BEFORE[0])


def test_it_keeps_the_office_finding_with_who_when_and_score(pair, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    now, before = car_problems(later, earlier)
    finding = recurrence.confirm_recurrence(now, before, actor=cast["olivia"])
    shown = recurrence.compare(later)
    assert finding.confirmed_by == cast["olivia"] and finding.confirmed_at
    assert finding.score == pytest.approx(
        next(m.score for r in shown if r.problem == now for m in r.matches if m.earlier == before),
        abs=1e-4,
    )
    assert Event.objects.filter(act="recurrence.confirmed").count() == 1
    with pytest.raises(OversightError, match="已认定为屡查屡犯"):
        recurrence.confirm_recurrence(now, before, actor=cast["olivia"])


def test_it_leaves_the_finding_to_the_office(pair, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    with pytest.raises(PermissionDenied):
        recurrence.confirm_recurrence(*car_problems(later, earlier), actor=cast["alice"])
    assert not Recurrence.objects.exists()


def test_it_finds_recurrence_only_against_a_linked_inspection(pair, cast):
    earlier, later = pair
    with pytest.raises(OversightError, match="请先关联"):
        recurrence.confirm_recurrence(*car_problems(later, earlier), actor=cast["olivia"])
    assert not Recurrence.objects.exists()


def test_it_withdraws_a_finding_with_a_reason_and_keeps_it(pair, cast):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    now, before = car_problems(later, earlier)
    finding = recurrence.confirm_recurrence(now, before, actor=cast["olivia"])
    with pytest.raises(OversightError, match="请填写撤销理由"):
        recurrence.withdraw_recurrence(finding, actor=cast["olivia"], reason="  ")
    recurrence.withdraw_recurrence(finding, actor=cast["olivia"], reason="两次问题性质不同")
    finding.refresh_from_db()
    assert finding.withdrawn_by == cast["olivia"] and finding.withdraw_reason == "两次问题性质不同"
    assert Recurrence.objects.standing().count() == 0
    again = recurrence.confirm_recurrence(now, before, actor=cast["olivia"])
    assert Recurrence.objects.count() == 2 and again.withdrawn_at is None
    assert Event.objects.filter(act="recurrence.withdrawn").count() == 1


def test_it_counts_findings_on_the_office_dashboard(pair, cast, login):
    earlier, later = pair
    lookback.link_earlier(later, earlier, actor=cast["alice"])
    recurrence.confirm_recurrence(*car_problems(later, earlier), actor=cast["olivia"])
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    assert "屡查屡犯<b>1</b>" in page and reverse("oversight:recurrence-list") in page
    listed = login("olivia").get(reverse("oversight:recurrence-list")).content.decode()
    assert NOW[0] in listed and BEFORE[0] in listed


def test_it_shows_the_comparison_with_scores_and_the_button_to_the_office_only(pair, cast, login):
    earlier, later = pair
    url = reverse("oversight:recurrence-review", args=[later.pk])
    assert "尚未关联此前的巡察" in login("alice").get(url).content.decode()
    page = login("alice").post(
        reverse("ledger:inspection-earlier", args=[later.pk]), {"earlier": earlier.pk}
    )
    assert page.status_code == 302
    editor = login("alice").get(url).content.decode()
    assert BEFORE[0] in editor and "疑似同一问题" in editor and "认定屡查屡犯" not in editor
    assert "认定屡查屡犯" in login("olivia").get(url).content.decode()
    now, before = car_problems(later, earlier)
    confirm = reverse("oversight:recurrence-confirm", args=[later.pk])
    login("olivia").post(confirm, {"problem": now.pk, "earlier": before.pk})
    assert Recurrence.objects.get().problem == now


def test_it_refuses_an_earlier_problem_outside_the_links_from_the_page(pair, units, cast, login):
    earlier, later = pair
    foreign = inspection(units["B"], BEFORE, dt.date(2023, 1, 1))
    now = later.problems.get(title=NOW[0])
    confirm = reverse("oversight:recurrence-confirm", args=[later.pk])
    other = foreign.problems.get(title=BEFORE[0])
    response = login("olivia").post(confirm, {"problem": now.pk, "earlier": other.pk}, follow=True)
    assert "请选择本次巡察的问题和关联的此前巡察中的问题" in response.content.decode()
    assert not Recurrence.objects.exists()
