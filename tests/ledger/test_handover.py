"""交接: a person's open duties move to a successor in one act, with a record of each."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import PASSWORD, make_ledger
from zhenggai.accounts.models import Membership
from zhenggai.audit.models import Event
from zhenggai.ledger.handover import hand_over, names_in, open_duties, replace_name
from zhenggai.ledger.models import Handover, HandoverItem, Measure, Problem
from zhenggai.ledger.services import LedgerError
from zhenggai.ledger.workbook import export_inspection
from zhenggai.oversight.reminders import build_digests

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.mark.parametrize(
    "text,old,new,expected",
    [
        ("张明", "张明", "李华", "李华"),
        ("张明、王五", "张明", "李华", "李华、王五"),
        ("王五，张明", "张明", "李华", "王五，李华"),
        ("张明、李华", "张明", "李华", "李华"),
        ("李华、张明", "张明", "李华", "李华"),
        ("张明华", "张明", "李华", "张明华"),
        ("分管副局长", "张明", "李华", "分管副局长"),
    ],
)
def test_it_replaces_a_name_among_the_names_written(text, old, new, expected):
    assert replace_name(text, old, new) == expected


def test_it_reads_the_names_of_a_cell():
    assert names_in("张明、王五，赵六 / 孙七") == ["张明", "王五", "赵六", "孙七"]
    assert names_in("") == []


def person(django_user_model, units, username, name, unit="A", role=Role.LEADER):
    user = django_user_model.objects.create_user(username, password=PASSWORD, first_name=name)
    Membership.objects.create(user=user, unit=units[unit], role=role)
    return user


@pytest.fixture
def leaders(cast, units, django_user_model):
    """张明 leads 30 open measures of unit A; 李华 succeeds him."""
    inspection = make_ledger(units["A"], categories=3, problems=5, measures=4, owner=cast["owen"])
    measures = Measure.objects.filter(problem__inspection=inspection).order_by("id")
    Measure.objects.filter(pk__in=[m.pk for m in measures]).update(
        leader="张明", status=Measure.Status.PLANNED
    )
    # 30 open: 10 of the 60 are done, 10 belong to a signed-off problem, 10 name another.
    ids = [m.pk for m in measures]
    Measure.objects.filter(pk__in=ids[:10]).update(status=Measure.Status.DONE)
    closed = Problem.objects.get(pk=Measure.objects.get(pk=ids[10]).problem_id)
    Measure.objects.filter(pk__in=ids[10:20]).update(problem=closed, status=Measure.Status.ONGOING)
    Problem.objects.filter(pk=closed.pk).update(closed_at=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    Measure.objects.filter(pk__in=ids[20:30]).update(leader="王五")
    Measure.objects.filter(pk__in=ids[30:35]).update(leader="张明、王五")
    return {
        "zhang": person(django_user_model, units, "zhang", "张明"),
        "li": person(django_user_model, units, "li", "李华"),
        "open": ids[30:],
        "inspection": inspection,
    }


def test_it_lists_the_open_duties_named_in_the_units_of_the_person(leaders, cast):
    duties = open_duties(leaders["zhang"])
    assert sorted(d.measure.pk for d in duties) == leaders["open"]
    assert {d.labels for d in duties} == {"责任领导"}
    assert {d.labels for d in open_duties(cast["owen"])} == {"责任人"}


def test_it_hands_one_leaders_30_measures_to_a_successor(leaders, cast, client):
    zhang, li = leaders["zhang"], leaders["li"]
    handover = hand_over(zhang, li, actor=cast["alice"], reason="岗位调整")
    moved = Measure.objects.filter(pk__in=leaders["open"]).order_by("id")
    assert len(moved) == 30 and handover.items.count() == 30
    assert {m.leader for m in moved} == {"李华", "李华、王五"}
    assert all(m.version == 2 for m in moved)  # an open edit form now sees the change
    assert Measure.objects.filter(leader="王五").count() == 10  # another's, untouched
    assert open_duties(zhang) == [] and len(open_duties(li)) == 30
    item = HandoverItem.objects.get(measure=moved[10])
    assert item.before["leader"] == "张明"
    assert "责任领导由张明交接给李华（岗位调整）" in item.note
    # the audit log
    event = Event.objects.get(act="duties.handed_over")
    assert event.actor == cast["alice"] and event.unit_id == leaders["inspection"].unit_id
    assert sorted(event.data["measures"]) == leaders["open"]
    assert event.data["from_name"] == "张明" and event.data["to_name"] == "李华"
    # the 责任清单 of the workbook
    sheet = load_workbook(io.BytesIO(export_inspection(leaders["inspection"], internal=True)))
    rows = list(sheet["责任清单"].iter_rows(min_row=3, values_only=True))
    assert rows[0][2:] == ("责任领导", "责任部门", "责任人", "交接记录")
    handed = {row[1]: row for row in rows[1:] if row[5]}
    assert len(handed) == 30 and handed[moved[10].text][2] == "李华"
    assert handed[moved[10].text][5] == item.note
    # the measure's history
    client.force_login(cast["bob"])
    page = client.get(reverse("ledger:measure-detail", args=[moved[10].pk])).content.decode()
    assert "交接记录" in page and item.note in page


def test_the_successor_gets_the_reminders_from_then_on(leaders, cast):
    zhang, li = leaders["zhang"], leaders["li"]
    today = dt.date(2026, 3, 15)  # due 03-31 .. 04-03: within 20 days, not within 10

    def reminded(user):
        return {m.pk for d in build_digests(today) if d.user == user for m in d.measures}

    before = reminded(zhang)
    assert before and before <= set(leaders["open"])
    assert reminded(li) == set()
    hand_over(zhang, li, actor=cast["olivia"], reason="退休")
    assert reminded(zhang) == set()
    assert reminded(li) == before


def test_it_moves_an_owners_account_and_name(leaders, cast, units, django_user_model):
    owen, olga = cast["owen"], person(django_user_model, units, "olga", "赵敏", role=Role.OWNER)
    owen.first_name = "王强"
    owen.save()
    shared = Measure.objects.get(pk=leaders["open"][0])
    Measure.objects.filter(pk=shared.pk).update(owner="王强、孙七")
    hand_over(owen, olga, actor=cast["alice"], reason="调岗")
    assert Measure.objects.get(pk=shared.pk).owner == "赵敏、孙七"
    assert (
        Measure.objects.filter(owner_user=owen)
        .exclude(status=Measure.Status.DONE)
        .filter(problem__closed_at=None)
        .count()
        == 0
    )
    assert Measure.objects.get(pk=leaders["open"][1]).owner_user == olga


@pytest.mark.parametrize(
    "to,reason,message",
    [
        ("zhang", "岗位调整", "同一人"),
        ("li", "  ", "写明原因"),
        ("dave", "岗位调整", "没有相应角色"),
    ],
)
def test_it_refuses_a_bad_handover_and_changes_nothing(leaders, cast, to, reason, message):
    before = list(Measure.objects.values())
    successor = leaders.get(to) or cast[to]
    successor.first_name = successor.first_name or "戴维"
    successor.save()
    with pytest.raises(LedgerError, match=message):
        hand_over(leaders["zhang"], successor, actor=cast["alice"], reason=reason)
    assert list(Measure.objects.values()) == before
    assert not Handover.objects.exists() and not Event.objects.filter(act__startswith="duties")


@pytest.mark.parametrize("actor", ["bob", "owen", "lena", "dave"])
def test_only_the_units_editor_or_the_office_hands_over(leaders, cast, actor):
    with pytest.raises(PermissionDenied):
        hand_over(leaders["zhang"], leaders["li"], actor=cast[actor], reason="岗位调整")
    assert not Handover.objects.exists()


def test_the_page_lists_the_duties_and_hands_them_over(leaders, cast, client):
    client.force_login(cast["alice"])
    url = reverse("ledger:handover-add")
    page = client.get(url, {"from": leaders["zhang"].pk})
    assert len(page.context["duties"]) == 30
    response = client.post(
        url,
        {
            "from": leaders["zhang"].pk,
            "to_user": leaders["li"].pk,
            "reason": "岗位调整",
            "measures": leaders["open"][:5],
        },
    )
    handover = Handover.objects.get()
    assert response.status_code == 302 and handover.items.count() == 5
    assert len(open_duties(leaders["zhang"])) == 25
    detail = client.get(response.url).content.decode()
    assert "张明 → 李华" in detail
    assert client.get(reverse("ledger:handover-list")).context["handovers"][0] == handover
    # an outsider neither sees it nor lists unit A's people
    client.force_login(cast["dave"])
    assert client.get(response.url).status_code == 404
    assert client.get(url, {"from": leaders["zhang"].pk}).status_code == 404


def test_the_page_shows_a_refusal_in_chinese(leaders, cast, client, django_user_model):
    client.force_login(cast["alice"])
    response = client.post(
        reverse("ledger:handover-add"),
        {"from": leaders["zhang"].pk, "to_user": leaders["li"].pk, "reason": "", "measures": []},
    )
    assert response.status_code == 200 and "交接原因" in response.content.decode()
    assert not Handover.objects.exists()


def test_an_imported_organisation_hands_one_leaders_30_measures_to_a_successor(login, cast):
    """Issue 12's closing test: the 通讯录 of 60 units and 400 people, one leader's 30
    measures handed to a successor: history, reminders and the 责任清单 follow."""
    from django.contrib.auth import get_user_model

    from tests.accounts.test_directory import district_rows, import_as
    from zhenggai.accounts.models import Unit

    rows = district_rows()
    for admin in ("simon", "sara"):  # accounts, then roles, from the same sheet
        import_as(login(admin), rows)
    users = get_user_model().objects
    bureau = Unit.objects.get(name="临川区第1局")
    leader = users.get(username="p000")  # 人员000 leads the bureau
    successor = users.get(username="p120")
    Membership.objects.create(user=successor, unit=bureau, role=Role.LEADER)
    inspection = make_ledger(bureau, categories=3, problems=5, measures=2)
    measures = Measure.objects.filter(problem__inspection=inspection)
    measures.update(leader="人员000", status=Measure.Status.PLANNED)
    today = dt.date(2026, 3, 15)  # due 03-31 and 04-01: within 20 days, not 10

    def reminded(user):
        return {m.pk for d in build_digests(today) if d.user == user for m in d.measures}

    assert len(open_duties(leader)) == 30 and len(reminded(leader)) == 30
    handover = hand_over(leader, successor, actor=cast["olivia"], reason="岗位调整")
    assert handover.items.count() == 30 and set(measures.values_list("leader", flat=True)) == {
        "人员120"
    }
    assert reminded(leader) == set() and len(reminded(successor)) == 30
    client = login("olivia")
    page = client.get(reverse("ledger:measure-detail", args=[measures.first().pk]))
    assert "责任领导由人员000交接给人员120（岗位调整）" in page.content.decode()
    sheet = load_workbook(io.BytesIO(export_inspection(inspection, internal=True)))["责任清单"]
    duties = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert len(duties) == 30 and {row[2] for row in duties} == {"人员120"}
    assert all("交接给人员120" in row[5] for row in duties)
    assert Event.objects.filter(act="duties.handed_over", unit_id=bureau.pk).count() == 1
