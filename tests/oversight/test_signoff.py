"""Sign-off: apply, approve (the problem is locked), return, correct; bad input changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.oversight.conftest import finish, specific
from zhenggai.audit.models import Event
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import services
from zhenggai.oversight.models import SignOff

pytestmark = pytest.mark.django_db


def category(ledger_a) -> Problem:
    return Problem.objects.filter(inspection=ledger_a, parent=None).order_by("id").first()


def test_it_applies_through_the_page_and_audits(login, ledger_a):
    problem = specific(ledger_a)
    finish(problem)
    response = login("alice").post(
        reverse("oversight:signoff-apply", args=[problem.pk]), {"note": "  已整改到位  "}
    )
    assert response.status_code == 302
    signoff = SignOff.objects.get()
    assert (signoff.status, signoff.note, signoff.applicant.username) == (
        "applied",
        "已整改到位",
        "alice",
    )
    assert Event.objects.filter(act="signoff.applied", object_id=str(signoff.pk)).exists()


@pytest.mark.parametrize("status", ["planned", "in_progress"])
def test_it_refuses_an_application_with_an_unfinished_measure(login, ledger_a, status):
    problem = specific(ledger_a)
    finish(problem)
    problem.measures.filter(pk=problem.measures.first().pk).update(status=status)
    events = Event.objects.count()
    response = login("alice").post(reverse("oversight:signoff-apply", args=[problem.pk]), {})
    assert response.status_code == 200
    assert "尚未完成或转入长期坚持" in str(response.context["form"].non_field_errors())
    assert not SignOff.objects.exists() and Event.objects.count() == events


def test_it_counts_a_categorys_specific_problems(ledger_a, cast):
    cat = category(ledger_a)
    finish(cat.children.first())
    with pytest.raises(services.OversightError, match="尚未完成"):
        services.apply_signoff(cat, actor=cast["alice"])
    finish(cat)
    assert services.apply_signoff(cat, actor=cast["alice"]).status == "applied"


def test_it_accepts_ongoing_measures_and_refuses_an_empty_problem(ledger_a, cast):
    problem = specific(ledger_a)
    services.measures_under(problem).update(status=Measure.Status.ONGOING)
    assert services.apply_signoff(problem, actor=cast["alice"])
    empty = ledger.add_problem(ledger_a, actor=cast["alice"], title="新问题")
    with pytest.raises(services.OversightError, match="没有整改措施"):
        services.apply_signoff(empty, actor=cast["alice"])


def test_it_refuses_a_second_pending_application(applied, cast):
    with pytest.raises(services.OversightError, match="待审核"):
        services.apply_signoff(applied.problem, actor=cast["alice"])


def test_it_closes_and_locks_the_problem_on_approval(login, applied, cast):
    response = login("olivia").post(reverse("oversight:signoff-approve", args=[applied.pk]))
    assert response.status_code == 302
    applied.refresh_from_db()
    problem = Problem.objects.get(pk=applied.problem_id)
    assert applied.status == "approved" and applied.reviewer == cast["olivia"]
    assert problem.closed_at is not None
    with pytest.raises(ledger.LedgerError, match="已销号"):
        ledger.update_measure(problem.measures.first(), actor=cast["alice"], text="改")
    with pytest.raises(services.OversightError, match="已销号"):
        services.apply_signoff(problem, actor=cast["alice"])
    assert Event.objects.filter(act="signoff.approved").count() == 1


def test_it_closes_a_categorys_specific_problems_with_it(ledger_a, cast):
    cat = category(ledger_a)
    finish(cat)
    signoff = services.apply_signoff(cat, actor=cast["alice"])
    services.approve_signoff(signoff, actor=cast["olivia"])
    assert not Problem.objects.filter(parent=cat, closed_at=None).exists()


@pytest.mark.parametrize("user", ["alice", "bob", "lena", "owen"])
def test_it_refuses_approval_by_a_non_office_user(applied, cast, user):
    with pytest.raises(PermissionDenied):
        services.approve_signoff(applied, actor=cast[user])
    applied.refresh_from_db()
    assert applied.status == "applied"
    assert Problem.objects.get(pk=applied.problem_id).closed_at is None


def test_it_rechecks_the_measures_at_approval(applied, cast):
    services.measures_under(applied.problem).update(status="in_progress")
    with pytest.raises(services.OversightError):
        services.approve_signoff(applied, actor=cast["olivia"])
    assert Problem.objects.get(pk=applied.problem_id).closed_at is None


def test_it_returns_with_a_reason_and_allows_a_new_application(login, applied, cast):
    client = login("olivia")
    url = reverse("oversight:signoff-return", args=[applied.pk])
    client.post(url, {"reason": "   "})
    applied.refresh_from_db()
    assert applied.status == "applied"
    client.post(url, {"reason": "会议记录缺失"})
    applied.refresh_from_db()
    assert (applied.status, applied.reason) == ("returned", "会议记录缺失")
    assert services.apply_signoff(applied.problem, actor=cast["alice"]).status == "applied"


def test_it_refuses_to_review_twice(approved, cast):
    with pytest.raises(services.OversightError, match="已审核"):
        services.return_signoff(approved, actor=cast["olivia"], reason="x")


def test_it_records_a_correction_naming_what_it_corrects(login, approved):
    events = Event.objects.count()
    login("olivia").post(
        reverse("oversight:signoff-correct", args=[approved.pk]), {"note": "补录佐证材料"}
    )
    correction = approved.corrections.get()
    assert (correction.status, correction.note) == ("correction", "补录佐证材料")
    event = Event.objects.order_by("-id").first()
    assert Event.objects.count() == events + 1
    assert event.act == "signoff.corrected" and event.data["corrects"] == approved.pk


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_the_office_decides_a_correction_request_on_the_page(login, approved, decision):
    page = reverse("oversight:signoff-correct", args=[approved.pk])
    login("alice").post(page, {"note": "纪要日期有误"})
    asked = SignOff.objects.get(corrects=approved)
    assert asked.status == "corr_asked"
    before = SignOff.objects.filter(pk=approved.pk).values().get()
    closed = Problem.objects.get(pk=approved.problem_id).closed_at
    url = reverse(f"oversight:signoff-{decision}", args=[asked.pk])
    body = {"reason": "更正依据不足"} if decision == "return" else {}
    response = login("olivia").post(url, body)
    assert response.status_code == 302
    asked.refresh_from_db()
    event = Event.objects.order_by("-id").first()
    assert event.actor.username == "olivia"
    if decision == "approve":
        assert (asked.status, asked.reviewer.username) == ("correction", "olivia")
        assert event.act == "signoff.correction_approved"
    else:
        assert (asked.status, asked.reason) == ("returned", "更正依据不足")
        assert event.act == "signoff.correction_returned"
    # The 销号 record and the problem's closure stand either way.
    assert SignOff.objects.filter(pk=approved.pk).values().get() == before
    assert Problem.objects.get(pk=approved.problem_id).closed_at == closed
    assert not SignOff.objects.filter(problem=approved.problem, status="applied").exists()


def test_it_freezes_the_evidence_list_at_application(ledger_a, cast):
    problem = specific(ledger_a)
    measure = problem.measures.first()
    ledger.report_progress(
        measure,
        actor=cast["alice"],
        text="已完成",
        reported_on=ledger_a.feedback_date,
        references=["会议纪要（存档室）"],
    )
    finish(problem)
    signoff = services.apply_signoff(problem, actor=cast["alice"])
    assert [e["name"] for e in signoff.evidence] == ["会议纪要（存档室）"]


def test_it_shows_the_apply_button_only_when_eligible(login, ledger_a):
    problem = specific(ledger_a)
    url = reverse("oversight:signoff-list", args=[ledger_a.pk])
    apply = reverse("oversight:signoff-apply", args=[problem.pk])
    assert apply not in login("alice").get(url).content.decode()
    finish(problem)
    assert apply in login("alice").get(url).content.decode()
    assert apply not in login("bob").get(url).content.decode()
