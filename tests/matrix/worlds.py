"""The worlds of the access matrices: one of each object in unit A, made through the
services as users would, and for the writes an object each can succeed on."""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import make_ledger
from tests.oversight.lookback_world import add_lookback
from tests.write_bodies import pdf
from zhenggai.api.models import ApiToken
from zhenggai.audit.models import Event
from zhenggai.disclosure import services as disclosure
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityKind,
    Completion,
    Extension,
    Figure,
    Handover,
    HandoverItem,
    Measure,
    Problem,
)
from zhenggai.oversight import services as oversight
from zhenggai.oversight.evaluation import create_evaluation
from zhenggai.oversight.models import Message, ReplyEvidence


def build_world(ledger_a, cast) -> dict:
    """One of each object in unit A, made through the services as users would."""
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    measures = list(problem.measures.all())
    for measure in measures:
        ledger.report_progress(
            measure,
            actor=cast["owen"],
            text="进展",
            reported_on=dt.date(2026, 3, 5),
            files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1")],
        )
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.DONE)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    completion = Completion.objects.create(measure=measures[0], requested_by=cast["owen"])
    order = oversight.issue_order(
        actor=cast["olivia"],
        unit=ledger_a.unit,
        problems=[problem],
        level="notice",
        due=dt.date(2026, 12, 31),
        text="请抓紧整改。",
    )
    # A file as a reply carries it (the order itself stays unanswered for its rows).
    reply_file = ReplyEvidence(order=order, name="回复.pdf", content_type="application/pdf")
    reply_file.file.save("upload", ContentFile(b"%PDF-1"), save=True)
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    comment = disclosure.add_comment(notice, actor=None, content="意见")
    draft = disclosure.submit_draft(ledger_a, actor=cast["alice"], text="标题\n二", note="更正")
    signed = disclosure.submit_draft(
        ledger_a, actor=cast["alice"], text="标题", audience="internal"
    )
    disclosure.sign_draft(signed, actor=cast["lena"])
    handover = Handover.objects.create(
        from_user=cast["bob"],
        to_user=cast["lena"],
        from_name="鲍勃",
        to_name="莉娜",
        reason="岗位调整",
        actor=cast["alice"],
    )
    HandoverItem.objects.create(handover=handover, measure=measures[0], duties="责任领导")
    held = Accountability.objects.create(
        problem=problem,
        name="张某某",
        # get_or_create: a transactional test run before this module flushes the kinds
        # the migration seeded.
        kind=AccountabilityKind.objects.get_or_create(name="诫勉")[0],
        decided_on=dt.date(2026, 4, 1),
        decided_by="区纪委监委",
    )
    extension = Extension.objects.create(
        measure=measures[0],
        old_due=measures[0].due,
        new_due=dt.date(2027, 6, 30),
        reason="需跨年度实施",
        requested_by=cast["owen"],
    )
    evaluation = create_evaluation(actor=cast["olivia"], round=ledger_a.round)
    report = oversight.draft_document(ledger_a, actor=cast["alice"], kind="report")
    oversight.freeze_document(report, actor=cast["alice"])
    filed = SimpleUploadedFile("整改情况报告.pdf", b"%PDF-1.4\n%%EOF\n")
    oversight.file_report(ledger_a, actor=cast["alice"], filed_on=dt.date(2026, 5, 6), upload=filed)
    plan = oversight.draft_document(ledger_a, actor=cast["alice"], kind="plan")
    return {
        "inspection": ledger_a.pk,
        "problem": problem.pk,
        "measure": measures[0].pk,
        "evidence": measures[0].progress.get().evidence.get().pk,
        "progress": measures[0].progress.get().pk,
        "completion": completion.pk,
        "signoff": signoff.pk,
        "order": order.pk,
        "reply_file": reply_file.pk,
        "notice": notice.pk,
        "comment": comment.pk,
        "draft": draft.pk,  # submitted, waiting to be signed
        "signed_draft": signed.pk,
        "handover": handover.pk,
        "accountability": held.pk,
        "extension": extension.pk,  # waiting for the office
        **add_lookback(ledger_a, problem, cast),
        "evaluation": evaluation.pk,  # 成效评估 of unit A's round, nobody scored yet
        "document": plan.pk,  # a draft 整改方案, not yet frozen; the report is filed
        # The order, comment and draft above asked alice to act: the first of her messages.
        "message": Message.objects.filter(recipient=cast["alice"]).order_by("pk").first().pk,
        "unit": ledger_a.unit_id,
        "person": cast["bob"].pk,
        "event": Event.objects.order_by("seq").last().pk,  # the newest of the audit log
        "membership": cast["bob"].memberships.get().pk,
        "token": ApiToken.objects.create(user=cast["alice"], name="大屏", key="k", digest="d").pk,
    }


def build_write_world(world, ledger_a, units, cast) -> dict:
    """The world, and for each write an object it can succeed on."""
    problems = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)
    place = {(p.parent.position, p.position): p for p in problems.select_related("parent")}
    spare, reported, finished = place[1, 2], place[2, 1], place[2, 2]
    open_measure = reported.measures.first()
    asked_measure = Measure.objects.create(
        problem=reported, position=9, text="待确认的措施", owner_user=cast["owen"]
    )
    own_report = ledger.report_progress(
        open_measure,
        actor=cast["owen"],
        text="召开专题民主生活会1次",
        reported_on=dt.date(2026, 4, 1),
        figures=[(1, "次", "召开专题民主生活会")],
        files=[pdf()],
    )
    ledger.report_progress(
        asked_measure,
        actor=cast["owen"],
        text="已修订制度",
        reported_on=dt.date(2026, 4, 1),
        files=[pdf()],
    )
    asked = ledger.request_completion(asked_measure, actor=cast["owen"])
    # As if the rules changed after the report: applying them has work to do.
    Figure.objects.update(indicator="")
    Measure.objects.filter(problem=finished).update(status=Measure.Status.DONE)
    closed = Problem.objects.create(
        inspection=ledger_a, parent=reported.parent, position=3, title="已销号的问题"
    )
    Measure.objects.create(problem=closed, position=1, text="措施", status=Measure.Status.DONE)
    applied = oversight.apply_signoff(closed, actor=cast["alice"])
    approved = oversight.approve_signoff(applied, actor=cast["olivia"])
    return {
        **world,
        **{name: unit.pk for name, unit in units.items()},
        "category": spare.parent_id,
        "spare_problem": spare.pk,  # no progress: it may be deleted
        "spare_measure": spare.measures.first().pk,
        "open_measure": open_measure.pk,  # evidence, not yet done
        "own_report": own_report.pk,  # owen's, on the open measure
        "asked": asked.pk,  # a completion waiting for the unit's confirmation
        # Registered by mistake: nothing reported, nothing published.
        "spare_inspection": make_ledger(units["A"], categories=1, problems=1, measures=1).pk,
        "finished_problem": finished.pk,  # every measure done, no application yet
        "approved_signoff": approved.pk,
    }
