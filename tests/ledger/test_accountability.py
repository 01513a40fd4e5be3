"""问责 records: kept by the unit's editor, read inside only, counted everywhere alike."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger import accountability
from zhenggai.ledger.counts import held
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityKind,
    Inspection,
    Measure,
    Problem,
)
from zhenggai.ledger.services import LedgerError
from zhenggai.notices.render import to_text
from zhenggai.oversight.statistics import as_text, round_summary, statement

pytestmark = pytest.mark.django_db


def a_problem(ledger):
    return Problem.objects.filter(inspection=ledger, parent__isnull=False).first()


def kind(name):
    return AccountabilityKind.objects.get(name=name)


def body(**changes):
    data = {
        "name": "张某某",
        "post": "办公室主任",
        "person_unit": "甲单位",
        "kind": kind("诫勉").pk,
        "decided_on": "2026-04-01",
        "decided_by": "区纪委监委",
        "note": "",
    }
    return {**data, **changes}


def test_the_kinds_are_seeded_and_the_office_extends_them(login, cast):
    names = list(AccountabilityKind.objects.values_list("name", flat=True))
    assert names[:2] == ["批评教育", "谈话提醒"] and "党纪处分" in names and "诫勉" in names
    client = login("olivia")
    response = client.post(reverse("ledger:accountability-kinds"), {"name": "免职", "phrase": ""})
    assert response.status_code == 302
    assert AccountabilityKind.objects.last().name == "免职"
    assert Event.objects.filter(act="accountability.kind_added").count() == 1
    response = client.post(reverse("ledger:accountability-kinds"), {"name": "免职"})
    assert "问责方式“免职”已存在" in response.content.decode()
    assert AccountabilityKind.objects.filter(name="免职").count() == 1
    assert login("alice").get(reverse("ledger:accountability-kinds")).status_code == 403


def test_the_editor_adds_edits_and_deletes_a_record_each_audited(login, ledger_a):
    problem = a_problem(ledger_a)
    client = login("alice")
    url = reverse("ledger:accountability-list", args=[problem.pk])
    assert client.post(url, body()).status_code == 302
    record = Accountability.objects.get()
    assert (record.name, record.kind.name, record.problem) == ("张某某", "诫勉", problem)
    edit = reverse("ledger:accountability-edit", args=[record.pk])
    assert client.post(edit, body(kind=kind("通报批评").pk)).status_code == 302
    record.refresh_from_db()
    assert record.kind.name == "通报批评"
    assert client.post(reverse("ledger:accountability-delete", args=[record.pk])).status_code == 302
    assert not Accountability.objects.exists()
    acts = list(
        Event.objects.filter(act__startswith="accountability.").values_list("act", flat=True)
    )
    assert acts == ["accountability.added", "accountability.updated", "accountability.deleted"]


def test_a_bad_record_gets_a_chinese_message_and_changes_nothing(login, ledger_a, cast):
    problem = a_problem(ledger_a)
    client = login("alice")
    url = reverse("ledger:accountability-list", args=[problem.pk])
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    assert "晚于今天" in client.post(url, body(decided_on=future)).content.decode()
    assert client.post(url, body(name="  ")).status_code == 200  # the form, with its error
    elsewhere = Problem.objects.filter(inspection=ledger_a).exclude(pk=problem.pk).last()
    foreign = Measure.objects.exclude(problem=problem).first()
    fields = {"name": "某", "kind": kind("诫勉"), "decided_on": dt.date(2026, 4, 1)}
    with pytest.raises(LedgerError, match="不属于该问题"):
        accountability.add_accountability(
            problem, actor=cast["alice"], measure=foreign, decided_by="区纪委", **fields
        )
    with pytest.raises(PermissionDenied):
        accountability.add_accountability(
            elsewhere, actor=cast["dave"], decided_by="区纪委", **fields
        )
    assert not Accountability.objects.exists()
    assert not Event.objects.filter(act__startswith="accountability.").exists()


def test_names_are_read_inside_only_and_the_public_notice_counts(login, ledger_a, cast):
    problem = a_problem(ledger_a)
    for name, k in [("张某某", "诫勉"), ("李某", "诫勉"), ("王某", "通报批评")]:
        accountability.add_accountability(
            problem,
            actor=cast["alice"],
            name=name,
            kind=kind(k),
            decided_on=dt.date(2026, 4, 1),
            decided_by="区纪委监委",
        )
    url = reverse("ledger:accountability-list", args=[problem.pk])
    assert "张某某" in login("bob").get(url).content.decode()  # a reader of unit A
    assert login("dave").get(url).status_code == 404  # another unit's editor
    assert login("bob").post(url, body()).status_code == 403
    internal = to_text(notice_from_ledger(ledger_a, internal=True), internal=True)
    public = to_text(notice_from_ledger(ledger_a))
    sentence = "共问责3人，其中通报批评1人，诫勉谈话2人"
    assert sentence in internal and sentence in public
    assert "张某某" not in public and "王某" not in public


def test_the_statement_and_the_notice_count_the_same_persons(ledger_a, cast):
    problems = list(Problem.objects.filter(inspection=ledger_a, parent__isnull=False))
    withheld = problems[-1]
    Problem.objects.filter(pk=withheld.pk).update(withhold_reason="case")
    for problem, k in [(problems[0], "党纪处分"), (problems[1], "批评教育"), (withheld, "诫勉")]:
        accountability.add_accountability(
            problem,
            actor=cast["alice"],
            name="某某",
            kind=kind(k),
            decided_on=dt.date(2026, 4, 1),
            decided_by="区纪委",
        )
    today = dt.date(2026, 5, 1)
    inspections = Inspection.objects.filter(pk=ledger_a.pk)
    summary = round_summary(ledger_a.round, inspections, today)
    text = as_text(statement(summary, [], today=today))
    assert summary.held.total == held(inspections).total == 3
    assert "共问责3人，其中批评教育1人，诫勉谈话1人，给予党纪处分1人。" in text
    internal = to_text(notice_from_ledger(ledger_a, internal=True, today=today), internal=True)
    assert "共问责3人" in internal
    # A record on a withheld problem (a case under investigation) leaves the public count.
    public = to_text(notice_from_ledger(ledger_a, today=today))
    assert "共问责2人，其中批评教育1人，给予党纪处分1人" in public
    assert held(inspections, public=True).total == 2
