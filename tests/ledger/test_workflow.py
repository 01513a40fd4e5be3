import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhenggai.audit.models import Event
from zhenggai.audit.services import verify_chain
from zhenggai.ledger import services
from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem, Progress

pytestmark = pytest.mark.django_db


def a_measure(ledger):
    return Measure.objects.filter(problem__inspection=ledger, status=Measure.Status.PLANNED).first()


def test_it_adds_a_problem_and_a_measure_through_the_forms(login, ledger_a):
    client = login("alice")
    response = client.post(
        reverse("ledger:problem-add", args=[ledger_a.pk]),
        {"title": "  新发现的问题  ", "description": ""},
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="新发现的问题")
    assert problem.parent is None and problem.position == 3
    response = client.post(
        reverse("ledger:measure-add", args=[problem.pk]),
        {
            "text": "制定整改方案",
            "term": "deadline",
            "due": "2026-05-01",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    assert problem.measures.get().due == dt.date(2026, 5, 1)
    assert list(Event.objects.values_list("act", flat=True)) == ["problem.added", "measure.added"]


@pytest.mark.parametrize(
    "data,field,message",
    [
        (
            {"text": "", "term": "deadline", "due": "2026-05-01", "status": "planned"},
            "text",
            "这个字段是必填项",
        ),
        (
            {"text": "措施", "term": "deadline", "due": "", "status": "planned"},
            "due",
            "限期整改的措施须填写完成时限",
        ),
        (
            {"text": "措施", "term": "deadline", "due": "2026-13-01", "status": "planned"},
            "due",
            "日期",
        ),
        (
            {"text": "措施", "term": "ongoing", "due": "", "status": "done"},
            "status",
            "长期坚持的措施不能标记为已完成",
        ),
    ],
)
def test_it_refuses_a_bad_measure_form_and_changes_nothing(login, ledger_a, data, field, message):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    before = Measure.objects.count()
    response = login("alice").post(reverse("ledger:measure-add", args=[problem.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Measure.objects.count() == before and not Event.objects.exists()


def test_it_refuses_a_due_date_before_the_feedback(login, ledger_a):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    response = login("alice").post(
        reverse("ledger:measure-add", args=[problem.pk]),
        {"text": "措施", "term": "deadline", "due": "2026-01-01", "status": "planned"},
    )
    assert "早于反馈日期" in response.content.decode()
    assert not problem.measures.filter(text="措施").exists()


def report(client, measure, **extra):
    data = {"reported_on": "2026-04-01", "text": "已召开专题会议", "figures": "", **extra}
    return client.post(reverse("ledger:measure-detail", args=[measure.pk]), data)


def test_it_lets_the_owner_report_progress_with_evidence(login, ledger_a):
    measure = a_measure(ledger_a)
    content = b"%PDF-1.4 minutes of the meeting"
    upload = SimpleUploadedFile("../../会议纪要.pdf", content, "application/pdf")
    response = report(
        login("owen"), measure, files=upload, figures="召开专题会议 2 次\n追回资金 12.5 万元"
    )
    assert response.status_code == 302
    progress = Progress.objects.get(measure=measure)
    evidence = progress.evidence.get()
    assert evidence.name == "会议纪要.pdf"
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert ".." not in evidence.file.name and "会议" not in evidence.file.name
    assert sorted(str(f) for f in progress.figures.all()) == ["召开专题会议2次", "追回资金12.5万元"]
    # Mapped to the office's indicators as entered, not only when the office re-applies.
    assert sorted(progress.figures.values_list("indicator", flat=True)) == ["", "追回资金"]
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS
    download = login("bob").get(reverse("ledger:evidence-download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == content
    assert (
        login("dave").get(reverse("ledger:evidence-download", args=[evidence.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name,size,message",
    [
        ("脚本.exe", 10, "类型不允许上传"),
        ("大文件.pdf", 3 * 1024 * 1024, "超过大小上限"),
    ],
)
def test_it_refuses_forbidden_uploads(login, ledger_a, settings, name, size, message):
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    measure = a_measure(ledger_a)
    response = report(login("alice"), measure, files=SimpleUploadedFile(name, b"x" * size))
    assert message in response.content.decode()
    assert not Progress.objects.exists() and not Evidence.objects.exists()
    assert not any((settings.MEDIA_ROOT).rglob("*")) if settings.MEDIA_ROOT.exists() else True


def test_it_refuses_progress_from_someone_elses_owner(login, ledger_a, cast):
    measure = a_measure(ledger_a)
    measure.owner_user = cast["alice"]
    measure.save()
    assert report(login("owen"), measure).status_code == 403
    assert report(login("bob"), measure).status_code == 403
    assert not Progress.objects.exists()


def test_it_completes_a_measure_only_when_the_unit_confirms_its_evidence(login, ledger_a, cast):
    measure = a_measure(ledger_a)
    owner = login("owen")
    ask = reverse("ledger:completion-request", args=[measure.pk])
    owner.post(ask)
    assert not measure.completions.exists()
    report(owner, measure, reference="会议纪要，存办公室")
    owner.post(ask, {"note": "已完成"})
    completion = measure.completions.get()
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS and not measure.done_at
    # The owner cannot confirm their own request; the editor must, having seen the paper.
    confirm = reverse("ledger:completion-confirm", args=[completion.pk])
    assert owner.post(confirm).status_code == 403
    editor = login("alice")
    editor.post(confirm)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.IN_PROGRESS
    page = editor.get(reverse("ledger:measure-detail", args=[measure.pk])).content.decode()
    assert "已查验纸质原件" in page
    editor.post(confirm, {"inspected": "on"})
    measure.refresh_from_db()
    completion.refresh_from_db()
    assert measure.status == Measure.Status.DONE and measure.done_at
    assert (completion.status, completion.reviewer, completion.inspected) == (
        "confirmed",
        cast["alice"],
        True,
    )


def test_it_refuses_a_save_based_on_an_old_version(ledger_a, cast):
    measure = a_measure(ledger_a)
    stale = Measure.objects.get(pk=measure.pk)
    services.update_measure(measure, actor=cast["alice"], version=1, text="第一人修改")
    with pytest.raises(services.LedgerError, match="已被他人修改"):
        services.update_measure(stale, actor=cast["alice"], version=1, text="第二人修改")
    assert Measure.objects.get(pk=measure.pk).text == "第一人修改"


def test_it_never_edits_a_closed_problem(ledger_a, cast):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    Problem.objects.filter(pk=problem.pk).update(closed_at=timezone.now())
    problem.refresh_from_db()
    with pytest.raises(services.LedgerError, match="已销号"):
        services.update_problem(problem, actor=cast["alice"], title="改")
    with pytest.raises(services.LedgerError, match="已销号"):
        services.add_measure(problem, actor=cast["alice"], text="新措施")


def test_it_reorders_siblings(login, ledger_a):
    measures = list(
        Measure.objects.filter(problem__inspection=ledger_a).order_by("problem", "position")[:2]
    )
    login("alice").post(reverse("ledger:measure-move", args=[measures[1].pk]), {"dir": "up"})
    order = list(
        Measure.objects.filter(problem=measures[0].problem)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    assert order[:2] == [measures[1].pk, measures[0].pk]


def test_it_defaults_the_intensive_period_to_two_months(units):
    inspection = Inspection.objects.create(
        unit=units["A"], round="r", feedback_date=dt.date(2025, 12, 31)
    )
    assert inspection.rectify_until == dt.date(2026, 2, 28)


def test_it_chains_every_audit_event(ledger_a, cast):
    measure = a_measure(ledger_a)
    services.update_measure(measure, actor=cast["alice"], text="一")
    services.update_measure(measure, actor=cast["alice"], text="二")
    assert verify_chain() == (2, None)
    Event.objects.filter(pk=Event.objects.first().pk).update(act="measure.forged")
    checked, broken = verify_chain()
    assert checked == 0 and broken.act == "measure.forged"
