"""The whole chain through the pages, as its users would walk it, and the audit log of it:
report with evidence → request completion → confirm → apply 销号 → office approves →
correction request → office approves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.audit.services import verify_chain
from zhenggai.ledger.models import Completion, Measure, Problem
from zhenggai.oversight.models import SignOff

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whole_chain_through_the_pages(ledger_a, cast):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    owner, editor, office = (as_user(cast[name]) for name in ("owen", "alice", "olivia"))
    first = Event.objects.count()  # what the fixtures wrote is not this chain
    for measure in problem.measures.exclude(status=Measure.Status.DONE):
        response = owner.post(
            reverse("ledger:measure-detail", args=[measure.pk]),
            {
                "reported_on": "2026-03-20",
                "text": "已修订制度并印发",
                "figures": "完善制度 1 项",
                "files": SimpleUploadedFile("制度.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF\n"),
                "reference": "",
            },
        )
        assert response.status_code == 302
        owner.post(reverse("ledger:completion-request", args=[measure.pk]), {"note": "已完成"})
        completion = Completion.objects.get(measure=measure)
        editor.post(reverse("ledger:completion-confirm", args=[completion.pk]))
        measure.refresh_from_db()
        assert measure.status == Measure.Status.DONE
    editor.post(reverse("oversight:signoff-apply", args=[problem.pk]), {"note": "措施均已完成"})
    signoff = SignOff.objects.get(problem=problem, status=SignOff.Status.APPLIED)
    office.post(reverse("oversight:signoff-approve", args=[signoff.pk]))
    problem.refresh_from_db()
    assert problem.closed_at
    correct = reverse("oversight:signoff-correct", args=[signoff.pk])
    editor.post(correct, {"note": "佐证材料补充会议纪要一份"})
    asked = SignOff.objects.get(corrects=signoff)
    assert asked.status == SignOff.Status.CORRECTION_ASKED
    office.post(reverse("oversight:signoff-approve", args=[asked.pk]))
    asked.refresh_from_db()
    assert (asked.status, asked.reviewer) == (SignOff.Status.CORRECTION, cast["olivia"])

    steps = list(Event.objects.order_by("id").values_list("act", "actor__username"))[first:]
    expected = [
        ("progress.reported", "owen"),
        ("measure.completion_requested", "owen"),
        ("measure.completion_confirmed", "alice"),
    ]
    assert steps[:3] == expected
    assert steps[-4:] == [
        ("signoff.applied", "alice"),
        ("signoff.approved", "olivia"),
        ("signoff.correction_requested", "alice"),
        ("signoff.correction_approved", "olivia"),
    ]
    checked, broken = verify_chain()
    assert broken is None and checked == Event.objects.count()
