"""Dates that make sense, and reports that can be put right without losing the original."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from zhenggai.audit.models import Event
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger import services
from zhenggai.ledger.models import Measure, Progress
from zhenggai.notices.render import to_text

pytestmark = pytest.mark.django_db


def a_measure(ledger):
    return Measure.objects.filter(problem__inspection=ledger, status=Measure.Status.PLANNED).first()


def report(client, measure, day, text="已召开专题会议"):
    data = {"reported_on": day, "text": text, "figures": "", "reference": "纪要存档"}
    return client.post(reverse("ledger:measure-detail", args=[measure.pk]), data)


def test_it_refuses_progress_dated_in_the_future_or_before_the_feedback(login, ledger_a):
    measure, client = a_measure(ledger_a), login("owen")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day, words in [(tomorrow, "晚于今天"), (dt.date(2026, 2, 28), "早于反馈日期")]:
        response = report(client, measure, day.isoformat())
        assert response.status_code == 200 and words in response.content.decode()
    assert not Progress.objects.exists()
    assert report(client, measure, "2026-03-01").status_code == 302


def test_it_refuses_a_due_date_before_the_feedback_or_beyond_the_horizon(ledger_a, cast):
    measure = a_measure(ledger_a)
    with pytest.raises(services.LedgerError, match="早于反馈日期"):
        services.update_measure(measure, actor=cast["alice"], due=dt.date(2026, 1, 1))
    with pytest.raises(services.LedgerError, match="晚于反馈后5年（2031年3月1日）"):
        services.update_measure(measure, actor=cast["alice"], due=dt.date(2031, 3, 2))
    services.update_measure(measure, actor=cast["alice"], due=dt.date(2031, 3, 1))


def test_it_withdraws_a_report_and_keeps_it_as_history(login, ledger_a, cast):
    measure = a_measure(ledger_a)
    services.report_progress(
        measure, actor=cast["owen"], text="错报的进展", reported_on=dt.date(2026, 3, 5)
    )
    progress = measure.progress.get()
    url = reverse("ledger:progress-withdraw", args=[progress.pk])
    assert login("bob").post(url, {"reason": "x"}).status_code == 403
    login("owen").post(url, {"reason": "报错了措施"})
    progress.refresh_from_db()
    assert progress.withdrawn_by == cast["owen"] and progress.withdraw_reason == "报错了措施"
    page = login("alice").get(reverse("ledger:measure-detail", args=[measure.pk])).content
    assert "<del>错报的进展</del>" in page.decode() and "报错了措施" in page.decode()
    assert "错报的进展" not in to_text(notice_from_ledger(ledger_a, internal=True), internal=True)
    assert Event.objects.filter(act="progress.withdrawn", actor=cast["owen"]).exists()


def test_it_corrects_a_report_the_original_struck_through(login, ledger_a, cast):
    measure = a_measure(ledger_a)
    original = services.report_progress(
        measure, actor=cast["owen"], text="召开会议3次", reported_on=dt.date(2026, 3, 5)
    )
    client = login("alice")
    response = client.post(
        reverse("ledger:progress-correct", args=[original.pk]),
        {"reason": "次数有误", "reported_on": "2026-03-05", "text": "召开会议2次", "figures": ""},
    )
    assert response.status_code == 302
    original.refresh_from_db()
    corrected = Progress.objects.get(corrects=original)
    assert original.withdraw_reason == "更正：次数有误" and corrected.text == "召开会议2次"
    text = to_text(notice_from_ledger(ledger_a, internal=True), internal=True)
    assert "召开会议2次" in text and "召开会议3次" not in text
    # A withdrawn report cannot be withdrawn or corrected again.
    again = client.post(reverse("ledger:progress-withdraw", args=[original.pk]), {"reason": "x"})
    assert again.status_code == 302 and Progress.objects.count() == 2


def test_it_freezes_reports_of_a_signed_off_problem(login, ledger_a, cast):
    measure = a_measure(ledger_a)
    progress = services.report_progress(
        measure, actor=cast["owen"], text="进展", reported_on=dt.date(2026, 3, 5)
    )
    problem = measure.problem
    problem.closed_at = timezone.now()
    problem.save()
    with pytest.raises(services.LedgerError, match="已销号"):
        services.withdraw_progress(progress, actor=cast["alice"], reason="x")
    page = login("alice").get(reverse("ledger:measure-detail", args=[measure.pk])).content.decode()
    assert "已销号" in page and "报送整改进展" not in page and "更正或撤回" not in page


def test_it_lets_the_role_the_inspection_names_confirm_or_return(ledger_a, cast):
    measure = a_measure(ledger_a)
    services.report_progress(
        measure,
        actor=cast["owen"],
        text="进展",
        reported_on=dt.date(2026, 3, 5),
        references=["纪要存档"],
    )
    ledger_a.confirm_by = "leader"
    ledger_a.save()
    asked = services.request_completion(measure, actor=cast["owen"])
    with pytest.raises(services.LedgerError, match="已有待确认"):
        services.request_completion(measure, actor=cast["owen"])
    with pytest.raises(PermissionDenied):
        services.confirm_completion(asked, actor=cast["alice"], inspected=True)
    with pytest.raises(services.LedgerError, match="退回须写明理由"):
        services.return_completion(asked, actor=cast["lena"], reason=" ")
    services.return_completion(asked, actor=cast["lena"], reason="佐证不足")
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS
    again = services.request_completion(measure, actor=cast["owen"])
    services.confirm_completion(again, actor=cast["lena"], inspected=True)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.DONE
    acts = list(
        Event.objects.filter(act__startswith="measure.completion")
        .order_by("id")
        .values_list("act", "actor")
    )
    assert acts == [
        ("measure.completion_requested", cast["owen"].pk),
        ("measure.completion_returned", cast["lena"].pk),
        ("measure.completion_requested", cast["owen"].pk),
        ("measure.completion_confirmed", cast["lena"].pk),
    ]


def test_the_office_reviews_a_sign_off_against_each_measure_and_its_evidence(login, ledger_a, cast):
    from zhenggai.oversight import services as oversight

    problem = a_measure(ledger_a).problem
    for measure in problem.measures.all():
        services.report_progress(
            measure,
            actor=cast["owen"],
            text="进展",
            reported_on=dt.date(2026, 3, 5),
            references=[f"纸质材料{measure.pk}"],
        )
        if measure.status != Measure.Status.DONE:
            asked = services.request_completion(measure, actor=cast["owen"])
            services.confirm_completion(asked, actor=cast["alice"], inspected=True)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    page = login("olivia").get(reverse("oversight:signoff-detail", args=[signoff.pk]))
    text = page.content.decode()
    assert "问题下的整改措施" in text and "已查验纸质材料" in text
    for measure in problem.measures.all():
        assert f"纸质材料{measure.pk}" in text


def test_a_figure_is_written_as_the_notice_writes_it(ledger_a, cast):
    progress = services.report_progress(
        a_measure(ledger_a),
        actor=cast["owen"],
        text="培训干部",
        reported_on=dt.date(2026, 3, 5),
        figures=[(15000, "名", "培训干部")],
    )
    figure = progress.figures.get()
    figure.approx = True
    assert (str(figure), figure.amount) == ("培训干部15000余名", "15000余名")
