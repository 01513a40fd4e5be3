"""Bulk edits: many measures (or 销号 applications) in one act, one confirmation, all or nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.ledger import search, services
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import services as oversight
from zhenggai.oversight.models import SignOff

pytestmark = pytest.mark.django_db
BULK = reverse("ledger:measure-bulk")


def ledger_rows(inspection):
    return list(Measure.objects.filter(problem__inspection=inspection).order_by("id"))


def snapshot(inspection):
    return list(
        Measure.objects.filter(problem__inspection=inspection)
        .order_by("id")
        .values("owner", "owner_user", "leader", "department", "term", "due", "version")
    )


def choose(measures, **fields) -> dict:
    """What the first step posts: the measures and the fields ticked with their values."""
    data = {"measure": [m.pk for m in measures], "next": "/somewhere/"}
    for name, value in fields.items():
        data[f"set_{name}"] = "on"
        data[name] = value
    return data


def confirm(client, measures, **fields):
    """The first step, then the confirmation page's own form, as a browser sends them."""
    preview = client.post(BULK, choose(measures, **fields))
    assert preview.status_code == 200 and "确认批量修改" in preview.content.decode()
    data = {**choose(measures, **fields), "confirm": "1"}
    data.update({f"version-{m.pk}": m.version for m in measures})
    return preview, client.post(BULK, data)


def test_it_sets_owner_leader_department_deadline_and_term_on_many_measures(ledger_a, cast, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)[:3]
    before = Event.objects.count()
    preview, done = confirm(
        client,
        measures,
        owner="李华",
        owner_user=cast["owen"].pk,
        leader="王强",
        department="办公室",
        term=Measure.Term.DEADLINE,
        due="2026-09-30",
    )
    page = preview.content.decode()
    assert "责任人：（空） → <strong>李华</strong>" in page
    assert "2026年9月30日" in page
    assert done.status_code == 302 and done.url == "/somewhere/"
    for m in Measure.objects.filter(pk__in=[m.pk for m in measures]):
        assert (m.owner, m.owner_user, m.leader, m.department) == (
            "李华",
            cast["owen"],
            "王强",
            "办公室",
        )
        assert m.due == dt.date(2026, 9, 30)
    events = Event.objects.filter(act="measure.updated")
    assert Event.objects.count() - before == 3 == events.count()
    assert {e.object_id for e in events} == {str(m.pk) for m in measures}
    # The search box knows the new names at once.
    assert {g.kind: g.total for g in search.search(cast["alice"], ["李华"]) if g.total} == {
        "measure": 3
    }


def test_it_refuses_all_when_one_row_is_refused_and_names_it(ledger_a, cast, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)
    closed = measures[2].problem
    Problem.objects.filter(pk=closed.pk).update(closed_at=dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    before, events = snapshot(ledger_a), Event.objects.count()
    _preview, answer = confirm(client, measures, owner="李华")
    page = answer.content.decode()
    assert answer.status_code == 200
    assert f"第3项措施“{measures[2].text}”未能修改，全部未保存" in page and "已销号" in page
    assert snapshot(ledger_a) == before and Event.objects.count() == events


def test_a_deadline_before_the_feedback_is_refused_naming_the_row(ledger_a, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)[:2]
    before = snapshot(ledger_a)
    _preview, answer = confirm(client, measures, due="2020-01-01")
    page = answer.content.decode()
    assert "第1项措施" in page and "早于反馈日期" in page
    assert snapshot(ledger_a) == before


def test_a_deadline_term_needs_a_date(ledger_a, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)[:2]
    Measure.objects.filter(pk=measures[1].pk).update(term=Measure.Term.ONGOING, due=None)
    before = snapshot(ledger_a)
    _preview, answer = confirm(client, measures, term=Measure.Term.DEADLINE)
    assert "第2项措施" in answer.content.decode()
    assert "限期整改的措施须填写完成时限" in answer.content.decode()
    assert snapshot(ledger_a) == before


def test_a_measure_changed_since_the_preview_is_not_overwritten(ledger_a, cast, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)[:2]
    preview = client.post(BULK, choose(measures, owner="李华"))
    assert preview.status_code == 200
    seen = {f"version-{m.pk}": m.version for m in measures}
    services.update_measure(measures[1], actor=cast["alice"], owner="赵六")
    data = {**choose(measures, owner="李华"), "confirm": "1", **seen}
    page = client.post(BULK, data).content.decode()
    assert "第2项措施" in page and "已被他人修改" in page
    assert Measure.objects.get(pk=measures[0].pk).owner == ""


def test_nothing_ticked_or_nothing_chosen_is_a_message(ledger_a, login):
    client = login("alice")
    measures = ledger_rows(ledger_a)[:2]
    page = client.post(BULK, choose(measures)).content.decode()
    assert "请至少勾选一项要修改的内容" in page
    page = client.post(BULK, {**choose(measures), "set_due": "on"}).content.decode()
    assert "请填写新的完成时限" in page
    answer = client.get(BULK, {"next": "/inspections/"})
    assert answer.status_code == 302


@pytest.mark.parametrize("role, status", [("bob", 403), ("owen", 403), ("dave", 404)])
def test_only_the_units_editor_may_bulk_edit(ledger_a, login, role, status):
    measures = ledger_rows(ledger_a)[:2]
    before = snapshot(ledger_a)
    client = login(role)
    assert client.get(BULK, {"measure": [m.pk for m in measures]}).status_code == status
    data = {**choose(measures, owner="李华"), "confirm": "1"}
    assert client.post(BULK, data).status_code == status
    assert snapshot(ledger_a) == before


def test_a_measure_of_another_unit_in_the_selection_is_not_found(ledger_a, ledger_b, login):
    mixed = ledger_rows(ledger_a)[:1] + ledger_rows(ledger_b)[:1]
    assert login("alice").get(BULK, {"measure": [m.pk for m in mixed]}).status_code == 404
    assert login("alice").get(BULK, {"measure": ["1x"]}).status_code == 404


def test_the_ledger_page_and_the_search_results_offer_the_choice_to_editors(ledger_a, login):
    search.index_inspection(ledger_a)
    detail = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    search_url = reverse("ledger:search")
    for role, shown in (("alice", True), ("bob", False)):
        client = login(role)
        for page in (client.get(detail), client.get(search_url, {"q": "措施"})):
            html = page.content.decode()
            assert ('form="bulk-form"' in html) is shown
            assert ("批量修改所选措施" in html) is shown


# --- 批量申请销号 --------------------------------------------------------------------


def finish(problem, owner):
    for measure in problem.measures.all():
        services.report_progress(
            measure,
            actor=owner,
            text="已完成",
            reported_on=dt.date(2026, 4, 1),
            files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n")],
        )
    problem.measures.update(status=Measure.Status.DONE)


def test_it_applies_for_signoff_on_several_problems_at_once(ledger_a, cast, login):
    problems = list(Problem.objects.filter(inspection=ledger_a, parent__isnull=False))[:2]
    for problem in problems:
        finish(problem, cast["owen"])
    client = login("alice")
    url = reverse("oversight:signoff-bulk", args=[ledger_a.pk])
    listing = client.get(reverse("oversight:signoff-list", args=[ledger_a.pk])).content.decode()
    assert listing.count('form="bulk-signoff"') == 2
    ids = [p.pk for p in problems]
    step = client.post(url, {"problem": ids})
    assert step.status_code == 200 and "确认申请销号" in step.content.decode()
    assert not SignOff.objects.exists()
    done = client.post(url, {"problem": ids, "confirm": "1", "note": "均已完成"})
    assert done.status_code == 302
    assert sorted(SignOff.objects.values_list("problem", flat=True)) == sorted(ids)
    assert Event.objects.filter(act="signoff.applied").count() == 2


def test_one_unfinished_problem_stops_the_whole_application(ledger_a, cast, login):
    problems = list(Problem.objects.filter(inspection=ledger_a, parent__isnull=False))[:2]
    finish(problems[0], cast["owen"])
    client = login("alice")
    url = reverse("oversight:signoff-bulk", args=[ledger_a.pk])
    page = client.post(url, {"problem": [p.pk for p in problems], "confirm": "1"})
    html = page.content.decode()
    assert f"第2个问题“{problems[1].title}”不能申请销号，全部未提交" in html
    assert not SignOff.objects.exists()
    assert not Event.objects.filter(act="signoff.applied").exists()


def test_only_the_editor_applies_and_only_for_the_inspections_problems(
    ledger_a, ledger_b, cast, login
):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    finish(problem, cast["owen"])
    url = reverse("oversight:signoff-bulk", args=[ledger_a.pk])
    body = {"problem": [problem.pk], "confirm": "1"}
    assert login("bob").post(url, body).status_code == 403
    assert login("dave").post(url, body).status_code == 404
    other = Problem.objects.filter(inspection=ledger_b).first()
    assert login("alice").post(url, {"problem": [other.pk], "confirm": "1"}).status_code == 404
    assert login("alice").get(url).status_code == 405
    assert not SignOff.objects.exists()
    oversight.apply_signoff(problem, actor=cast["alice"])
    page = login("alice").post(url, body).content.decode()
    assert "已有待审核的销号申请" in page
