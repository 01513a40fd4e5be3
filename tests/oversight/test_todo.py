"""待办: the home page shows each role what waits for it, in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_ledger
from zhenggai.accounts.models import Membership
from zhenggai.disclosure import services as disclosure
from zhenggai.disclosure.models import Comment
from zhenggai.ledger.models import Completion, Inspection, Measure, Problem
from zhenggai.oversight import services as oversight
from zhenggai.oversight import todo
from zhenggai.oversight.models import SignOff
from zhenggai.oversight.todo import counts, sections

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 4, 10)


def shown(user, today=TODAY) -> dict[str, list]:
    return {s.key: s for s in sections(user, today)}


def world(units, cast, times=1):
    """Work of every kind in unit A (and some in B), `times` over."""
    for _ in range(times):
        inspection = make_ledger(units["A"], owner=cast["owen"])
        make_ledger(units["B"])
        problem = Problem.objects.filter(inspection=inspection, parent__isnull=False).first()
        open_ = problem.measures.exclude(status=Measure.Status.DONE).first()
        Completion.objects.create(measure=open_, requested_by=cast["owen"])
        returned = Completion.objects.create(
            measure=Measure.objects.filter(problem__inspection=inspection, status="planned")
            .exclude(pk=open_.pk)
            .first(),
            requested_by=cast["owen"],
            status=Completion.Status.RETURNED,
            reason="佐证不足",
        )
        assert returned
        Measure.objects.create(problem=problem, position=9, text="无人负责的措施", due=TODAY)
        order = oversight.issue_order(
            actor=cast["olivia"],
            unit=units["A"],
            problems=[problem],
            level="notice",
            due=TODAY - dt.timedelta(days=3),
            text="请抓紧整改并报送情况。",
            today=TODAY,
        )
        assert order
        signoff_problem = Problem.objects.filter(inspection=inspection, parent__isnull=False).last()
        signoff_problem.measures.update(status=Measure.Status.DONE)
        signoff = oversight.apply_signoff(signoff_problem, actor=cast["alice"])
        assert signoff
        notice = disclosure.publish_notice(inspection, actor=cast["alice"], text="标题\n正文")
        disclosure.add_comment(notice, actor=None, content="建议公开更多细节。")
        disclosure.submit_draft(inspection, actor=cast["alice"], text="标题\n第二版", note="更正")
        Inspection.objects.filter(pk=inspection.pk).update(rectify_until=TODAY)


def test_each_role_sees_its_work(units, cast):
    world(units, cast)
    owen = shown(cast["owen"])
    mine, open_ = owen["my_measures"], Measure.objects.exclude(status="done")
    # make_ledger: open measures due 2026-03-31, overdue first, with days.
    assert mine.total == open_.filter(owner_user=cast["owen"]).count() > 0
    assert mine.items[0].late and mine.items[0].note == "超期 10 天"
    assert owen["returned_completions"].items[0].note == "退回：佐证不足"
    assert "orders_to_answer" not in owen  # an owner answers no orders

    alice = shown(cast["alice"])
    assert alice["orders_to_answer"].items[0].note == "超期未回复 3 天"
    assert alice["to_confirm"].total == 1  # the inspection names the editor
    assert alice["unit_comments"].total == 1
    assert alice["incomplete_measures"].items[0].note == "缺责任人"
    assert "signoffs_to_review" not in alice

    lena = shown(cast["lena"])
    assert lena["drafts_to_sign"].total == 1
    assert lena["to_confirm"].total == 0  # not hers to confirm: the editor confirms
    late = Measure.objects.filter(problem__inspection__unit=units["A"]).overdue(TODAY)
    assert lena["unit_overdue"].total == late.count() > 0

    olivia = shown(cast["olivia"])
    assert olivia["signoffs_to_review"].total == 1
    assert olivia["orders_overdue"].total == 1
    assert olivia["reports_due"].items[0].note == "今天到期"
    assert olivia["all_comments"].total == 1
    assert "to_confirm" not in olivia and "drafts_to_sign" not in olivia

    # dave keeps unit B: nothing of A reaches him
    dave = shown(cast["dave"])
    assert all(item.unit != "甲单位" for s in dave.values() for item in s.items)


def test_the_leader_confirms_where_the_inspection_names_the_leader(units, cast):
    world(units, cast)
    Inspection.objects.update(confirm_by="leader")
    assert shown(cast["lena"])["to_confirm"].total == 1
    assert shown(cast["alice"])["to_confirm"].total == 0


def test_a_returned_item_leaves_once_asked_again(units, cast):
    world(units, cast)
    signoff = SignOff.objects.get()
    oversight.return_signoff(signoff, actor=cast["olivia"], reason="材料不全")
    assert shown(cast["alice"])["returned_signoffs"].items[0].note == "退回：材料不全"
    oversight.apply_signoff(signoff.problem, actor=cast["alice"])
    assert shown(cast["alice"])["returned_signoffs"].total == 0


def test_each_row_links_where_it_is_done(units, cast, login):
    world(units, cast)
    for name in ("owen", "alice", "lena", "olivia", "bob"):
        client = login(name)
        for section in sections(cast[name], TODAY):
            for item in section.items:
                assert client.get(item.url.split("#")[0]).status_code == 200, (name, item.url)


@pytest.mark.parametrize("user", ["owen", "alice", "lena", "olivia", "bob"])
def test_the_home_page_costs_a_fixed_number_of_queries(units, cast, login, user):
    client = login(user)
    found = []
    for times in (1, 4):
        world(units, cast, times)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("todo:home")).status_code == 200
        found.append(len(captured))
    assert found[0] == found[1]


def test_the_navigation_bar_counts_in_one_query(units, cast, login, django_assert_num_queries):
    world(units, cast)
    today = timezone.localdate()
    with django_assert_num_queries(1):
        found = counts(cast["alice"], today)
    assert found["orders_to_answer"] == 1 and found["unit_comments"] == 1
    page = login("alice").get(reverse("ledger:home")).content.decode()
    assert f'<span class="badge">{sum(found.values())}</span>' in page


def test_the_counts_query_is_built_once_and_always_asked_afresh(units, cast, monkeypatch):
    built = []
    real = todo._counts_sql
    monkeypatch.setattr(todo, "_counts_sql", lambda *a: built.append(1) or real(*a))
    world(units, cast)
    alice = cast["alice"]
    first = counts(alice, TODAY)
    # Work that arrives after the query was built is counted: the text is kept, not counts.
    Comment.objects.create(notice=Comment.objects.first().notice, content="又一条意见")
    again = counts(alice, TODAY)
    assert again["unit_comments"] == first["unit_comments"] + 1 and len(built) == 1
    # Another day, or other grants, build it anew (access is resolved once per request).
    counts(alice, TODAY + dt.timedelta(days=1))
    assert len(built) == 2
    Membership.objects.create(user=alice, unit=units["B"], role=Membership.Role.EDITOR)
    del alice._zhenggai_access
    widened = counts(alice, TODAY)  # B's ledger has measures without an owner
    assert widened["incomplete_measures"] > again["incomplete_measures"] and len(built) == 3


def test_the_successor_of_a_handover_finds_the_measures_in_the_to_do(units, cast):
    from zhenggai.ledger.handover import hand_over

    make_ledger(units["A"], owner=cast["owen"])
    cast["alice"].first_name = "艾丽"
    cast["alice"].save()
    before = shown(cast["owen"])["my_measures"].total
    hand_over(cast["owen"], cast["alice"], actor=cast["olivia"], reason="调岗")
    assert shown(cast["owen"])["my_measures"].total == 0
    assert shown(cast["alice"])["my_measures"].total == before


def test_a_named_leader_finds_the_measures_they_lead(units, cast):
    inspection = make_ledger(units["A"])
    cast["lena"].first_name = "李娜"
    cast["lena"].save()
    Measure.objects.filter(problem__inspection=inspection).update(leader="王五、李娜")
    Measure.objects.filter(problem__inspection=inspection, position=1).update(leader="李娜娜")
    led = shown(cast["lena"])["led_measures"]
    assert led.total == Measure.objects.filter(leader="王五、李娜").exclude(status="done").count()


def admin_world(units, cast):
    """A deactivated owner with open measures, a new account, a throttled one, a role change."""
    from zhenggai.accounts import org
    from zhenggai.accounts.models import LoginThrottle, Profile

    make_ledger(units["A"], owner=cast["owen"])
    Measure.objects.filter(problem__inspection__unit=units["A"]).update(owner_user=cast["owen"])
    org.set_user_active(cast["owen"], False, actor=cast["simon"])
    Profile.objects.update_or_create(user=cast["bob"], defaults={"must_change_password": True})
    LoginThrottle.objects.create(
        key="account:dave", failures=7, last_failure=timezone.now(), wait_until=timezone.now()
    )


def test_each_administrator_finds_the_work_of_their_duty(units, cast, login):
    admin_world(units, cast)
    today = timezone.localdate()
    simon, sara, audrey = (shown(cast[n], today) for n in ("simon", "sara", "audrey"))
    assert [i.unit for i in simon["handovers_due"].items] == ["owen"]
    assert [i.unit for i in simon["first_logins"].items] == ["bob"]
    assert "held_logins" not in simon and "account_events" not in simon
    assert [i.text for i in sara["held_logins"].items] == ["账号“dave”登录受限"]
    assert "handovers_due" not in sara
    assert "user.deactivated" not in audrey["account_events"].items[0].text
    assert "停用" in audrey["account_events"].items[0].text
    # Empty lists of roles they do not hold are left out: their own work comes first.
    assert set(audrey) == {"account_events"}
    # Nobody else gets the administrators' lists.
    assert not {"handovers_due", "held_logins", "account_events"} & set(shown(cast["olivia"]))
    for name in ("simon", "sara", "audrey"):
        client = login(name)
        for section in sections(cast[name], today):
            for item in section.items:
                assert client.get(item.url).status_code == 200, (name, item.url)


def test_the_counts_of_the_administrators_take_one_query(units, cast, django_assert_num_queries):
    admin_world(units, cast)
    with django_assert_num_queries(1):
        found = counts(cast["simon"], timezone.localdate())
    assert found["handovers_due"] == 1 and found["first_logins"] == 1


def test_an_extension_request_waits_for_whoever_decides_it(units, cast, login):
    from zhenggai.ledger.extensions import confirm_ledger, decide_extension, request_extension

    inspection = make_ledger(units["A"], owner=cast["owen"])
    measure = Measure.objects.filter(
        problem__inspection=inspection, status=Measure.Status.PLANNED
    ).first()
    confirm_ledger(inspection, actor=cast["olivia"])
    extension = request_extension(
        measure, actor=cast["alice"], new_due=measure.due + dt.timedelta(days=30), reason="待批复"
    )
    today = timezone.localdate()
    office = shown(cast["olivia"], today)["extensions_to_decide"]
    assert [i.text for i in office.items] == [measure.text]
    assert "申请延期至" in office.items[0].note
    assert login("olivia").get(office.items[0].url.split("#")[0]).status_code == 200
    assert "extensions_to_decide" not in shown(cast["alice"], today)
    # The leader sees it only where the office delegated the decision to the unit's leader.
    assert shown(cast["lena"], today)["extensions_to_decide"].total == 0
    confirm_ledger(inspection, actor=cast["olivia"], extension_by="leader")
    assert shown(cast["lena"], today)["extensions_to_decide"].total == 1
    decide_extension(extension, actor=cast["lena"], approve=False, answer="理由不足")
    assert shown(cast["olivia"], today)["extensions_to_decide"].total == 0
