"""共性问题: a round's clusters across units, confirmed, renamed, split and ordered."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhenggai.accounts.models import Unit
from zhenggai.audit.models import Event
from zhenggai.ledger.models import Inspection, Problem
from zhenggai.oversight import common
from zhenggai.oversight.models import CommonProblem, SupervisionOrder
from zhenggai.oversight.services import OversightError

pytestmark = pytest.mark.django_db

ROUND = "一届区委第三轮巡察"
TITLES = {
    "A": ["公务用车管理不规范，存在私车公养现象", "违规发放津贴补贴", "党费收缴管理不规范"],
    "B": ["公车管理混乱，私车公养问题仍然存在", "存在违规发放津补贴问题", "干部人事档案管理不严格"],
    "C": ["私车公养问题屡禁不止，公务用车管理混乱", "办公用房面积超过标准"],
}


@pytest.fixture
def round_(units, cast):
    units = {**units, "C": Unit.objects.create(name="丙单位")}
    made = {}
    for key, titles in TITLES.items():
        inspection = Inspection.objects.create(
            unit=units[key], round=ROUND, group="区委第二巡察组", feedback_date=dt.date(2026, 4, 1)
        )
        category = Problem.objects.create(inspection=inspection, position=1, title="一、作风方面")
        for k, title in enumerate(titles, 1):
            made[title] = Problem.objects.create(
                inspection=inspection, parent=category, position=k, title=title
            )
    return made


def by_title(suggestions):
    return {frozenset(p.title for p in s.problems): s for s in suggestions}


def test_it_suggests_clusters_across_units_with_a_central_name(round_):
    found = by_title(common.suggest(ROUND))
    cars = frozenset([TITLES["A"][0], TITLES["B"][0], TITLES["C"][0]])
    pay = frozenset([TITLES["A"][1], TITLES["B"][1]])
    assert set(found) == {cars, pay}  # one unit's problem alone is no common problem
    assert [u.name for u in found[cars].units] == sorted(["甲单位", "乙单位", "丙单位"])
    assert found[cars].name in cars
    assert "作风方面" not in {p.title for s in found.values() for p in s.problems}
    assert list(by_title(common.suggest(ROUND))) == list(found)  # largest first, stable


def test_it_keeps_a_confirmed_cluster_and_suggests_it_no_more(round_, cast):
    pay = [round_[TITLES["A"][1]], round_[TITLES["B"][1]]]
    kept = common.confirm_common(ROUND, pay, actor=cast["olivia"], name=" 违规发放津补贴 ")
    assert kept.name == "违规发放津补贴" and kept.confirmed_by == cast["olivia"]
    assert set(kept.problems.all()) == set(pay)
    assert all(TITLES["A"][1] not in {p.title for p in s.problems} for s in common.suggest(ROUND))
    assert Event.objects.filter(act="common.confirmed").count() == 1
    with pytest.raises(OversightError, match="已有问题归入共性问题"):
        common.confirm_common(ROUND, pay, actor=cast["olivia"], name="再次确认")


def test_it_refuses_one_unit_an_empty_name_and_the_unit_editor(round_, cast):
    own = [round_[TITLES["A"][0]], round_[TITLES["A"][1]]]
    with pytest.raises(OversightError, match="至少两个单位"):
        common.confirm_common(ROUND, own, actor=cast["olivia"], name="甲单位自己的")
    pair = [round_[TITLES["A"][0]], round_[TITLES["B"][0]]]
    with pytest.raises(OversightError, match="请填写共性问题名称"):
        common.confirm_common(ROUND, pair, actor=cast["olivia"], name="  ")
    with pytest.raises(PermissionDenied):
        common.confirm_common(ROUND, pair, actor=cast["alice"], name="私车公养")
    assert not CommonProblem.objects.exists()


@pytest.fixture
def cars(round_, cast):
    problems = [round_[TITLES[k][0]] for k in "ABC"]
    return common.confirm_common(ROUND, problems, actor=cast["olivia"], name="私车公养")


def test_it_renames_audited(cars, cast):
    common.rename_common(cars, actor=cast["olivia"], name="公务用车管理和私车公养")
    cars.refresh_from_db()
    assert cars.name == "公务用车管理和私车公养"
    event = Event.objects.get(act="common.renamed")
    assert event.data["old"] == "私车公养"


def test_it_splits_problems_out_and_keeps_two_units(cars, round_, cast):
    c_problem = round_[TITLES["C"][0]]
    assert common.split_common(cars, [c_problem], actor=cast["olivia"]) is None
    assert c_problem not in cars.problems.all() and cars.problems.count() == 2
    with pytest.raises(OversightError, match="至少两个单位"):
        common.split_common(cars, [round_[TITLES["A"][0]]], actor=cast["olivia"])
    assert cars.problems.count() == 2
    assert Event.objects.filter(act="common.split").count() == 1


def test_it_splits_two_units_into_a_new_common_problem(round_, cast):
    problems = [round_[t] for t in (TITLES["A"][0], TITLES["B"][0], TITLES["A"][1])]
    problems.append(round_[TITLES["B"][1]])
    mixed = common.confirm_common(ROUND, problems, actor=cast["olivia"], name="作风问题")
    moving = [round_[TITLES["A"][1]], round_[TITLES["B"][1]]]
    new = common.split_common(mixed, moving, actor=cast["olivia"], name="津补贴")
    assert new.name == "津补贴" and set(new.problems.all()) == set(moving)
    assert mixed.problems.count() == 2


def test_it_issues_one_order_to_each_unit_in_one_act(cars, round_, cast):
    orders = common.order_common(
        cars,
        actor=cast["olivia"],
        level=SupervisionOrder.Level.NOTICE,
        due=dt.date(2026, 12, 31),
        text="请针对私车公养问题开展专项整治。",
    )
    assert sorted(o.unit.name for o in orders) == ["丙单位", "乙单位", "甲单位"]
    for order in orders:
        assert [p.inspection.unit_id for p in order.problems.all()] == [order.unit_id]
    assert set(cars.orders.all()) == set(orders)
    assert len({o.number for o in orders}) == 3
    assert Event.objects.filter(act="order.issued").count() == 3
    assert Event.objects.get(act="common.ordered").data["orders"] == [o.pk for o in orders]


def test_it_issues_no_order_at_all_when_one_is_refused(cars, round_, units, cast):
    # A problem of the office's own unit cannot be ordered: nothing is issued.
    office = Inspection.objects.create(
        unit=units["office"], round=ROUND, feedback_date=dt.date(2026, 4, 1)
    )
    cars.problems.add(Problem.objects.create(inspection=office, title="公车私用"))
    with pytest.raises(OversightError):
        common.order_common(
            cars,
            actor=cast["olivia"],
            level=SupervisionOrder.Level.NOTICE,
            due=dt.date(2026, 12, 31),
            text="请整改。",
        )
    assert not SupervisionOrder.objects.exists() and not cars.orders.exists()


def test_it_shows_the_round_page_and_confirms_from_it(round_, cast, login):
    client = login("olivia")
    page = client.get(reverse("oversight:common-list"), {"round": ROUND}).content.decode()
    assert "建议的共性问题（2）" in page and "丙单位" in page
    pay = [round_[TITLES["A"][1]].pk, round_[TITLES["B"][1]].pk]
    body = {"round": ROUND, "problems": pay, "name": "违规发放津补贴"}
    response = client.post(reverse("oversight:common-confirm"), body)
    assert response.status_code == 302
    kept = CommonProblem.objects.get()
    detail = client.get(reverse("oversight:common-detail", args=[kept.pk])).content.decode()
    assert "违规发放津补贴" in detail and "各签发一份督办单" in detail
    order = {"level": "notice", "due": "2020-01-01", "text": "请整改。"}
    client.post(reverse("oversight:common-order", args=[kept.pk]), order)
    assert not SupervisionOrder.objects.exists()  # a past due date is refused


def test_it_keeps_the_pages_to_the_office(round_, cast, login):
    assert login("alice").get(reverse("oversight:common-list")).status_code == 403
    assert login("lena").get(reverse("oversight:common-list")).status_code == 403


def test_it_takes_no_odd_digit_for_an_id(round_, cast, login):
    body = {"round": ROUND, "problems": ["²", "٣", "9" * 30], "name": "怪数字"}
    response = login("olivia").post(reverse("oversight:common-confirm"), body, follow=True)
    assert "请至少勾选两个问题" in response.content.decode()
    assert not CommonProblem.objects.exists()
