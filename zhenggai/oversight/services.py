"""Sign-off and supervision orders: one function per act, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import PurePath

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from zhenggai.accounts.access import ANSWER, EDIT, OFFICE, access_for, within
from zhenggai.accounts.letterhead import create_numbered, letterhead_of, next_number
from zhenggai.accounts.models import Membership
from zhenggai.audit.services import record
from zhenggai.disclosure.models import text_sha256
from zhenggai.ledger import rules
from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem
from zhenggai.ledger.services import LedgerError, check_upload
from zhenggai.notices.render import cn_date

from . import cycle
from .documents import office_unit
from .models import (
    Document,
    ReplyEvidence,
    ReportCorrection,
    ReportFiling,
    SignOff,
    SupervisionOrder,
)

# Any constant (distinct from the audit chain's): serialises order numbering per year.
ORDER_NUMBER_LOCK = 704232


class OversightError(Exception):
    """A refused act, with a message for the user."""


def _require_office(actor) -> None:
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied


def measures_under(problem: Problem):
    """The measures of a problem and, for a category, of its specific problems."""
    return Measure.objects.filter(Q(problem=problem) | Q(problem__parent=problem))


def check_finished(problem: Problem) -> list[Measure]:
    """The measures under the problem; an OversightError if any is unfinished."""
    measures = list(measures_under(problem).order_by("problem__position", "position", "id"))
    if not measures:
        raise OversightError("该问题下没有整改措施，不能申请销号。")
    unfinished = [m for m in measures if not rules.holds(rules.settled(), m)]
    if unfinished:
        names = "；".join(f"“{m.text[:20]}”" for m in unfinished[:3])
        more = f"等{len(unfinished)}项" if len(unfinished) > 3 else ""
        raise OversightError(f"以下整改措施尚未完成或转入长期坚持，不能申请销号：{names}{more}。")
    return measures


def _is_closed(problem: Problem) -> bool:
    return bool(problem.closed_at or (problem.parent_id and problem.parent.closed_at))


def evidence_list(measures) -> list[dict]:
    rows = Evidence.objects.filter(progress__measure__in=measures, progress__withdrawn_at=None)
    rows = rows.order_by("id")
    return [{"id": e.pk, "name": e.name or e.reference, "sha256": e.sha256} for e in rows]


@transaction.atomic
def apply_signoff(problem: Problem, *, actor, note: str = "") -> SignOff:
    """An editor of the unit applies to close a problem whose measures are all finished."""
    problem = (
        Problem.objects.select_for_update(no_key=True, of=("self",))
        .select_related("parent", "inspection")
        .get(pk=problem.pk)
    )
    if not access_for(actor).may(EDIT, problem.inspection.unit):
        raise PermissionDenied
    if _is_closed(problem):
        raise OversightError("该问题已销号。")
    if problem.signoffs.filter(status=SignOff.Status.APPLIED).exists():
        raise OversightError("该问题已有待审核的销号申请。")
    measures = check_finished(problem)
    signoff = SignOff.objects.create(
        problem=problem, applicant=actor, note=note, evidence=evidence_list(measures)
    )
    record(
        "signoff.applied",
        signoff,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        problem=problem.pk,
        evidence=[e["sha256"] or e["name"] for e in signoff.evidence],
    )
    return signoff


def _pending(signoff: SignOff) -> SignOff:
    locked = (
        SignOff.objects.select_for_update(no_key=True, of=("self",))
        .select_related("problem__inspection", "problem__parent")
        .get(pk=signoff.pk)
    )
    if locked.status != SignOff.Status.APPLIED:
        raise OversightError("该申请已审核，不能重复处理。")
    return locked


@transaction.atomic
def approve_signoff(signoff: SignOff, *, actor) -> SignOff:
    """The office approves: the problem (and a category's specific problems) is closed."""
    _require_office(actor)
    signoff = _pending(signoff)
    problem = signoff.problem
    check_finished(problem)
    now = timezone.now()
    signoff.status, signoff.reviewer, signoff.reviewed_at = SignOff.Status.APPROVED, actor, now
    signoff.save(update_fields=["status", "reviewer", "reviewed_at"])
    Problem.objects.filter(Q(pk=problem.pk) | Q(parent=problem), closed_at=None).update(
        closed_at=now
    )
    record(
        "signoff.approved",
        signoff,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        problem=problem.pk,
    )
    return signoff


@transaction.atomic
def return_signoff(signoff: SignOff, *, actor, reason: str) -> SignOff:
    """The office sends the application back with a reason; the problem stays open."""
    _require_office(actor)
    if not reason.strip():
        raise OversightError("退回须写明理由。")
    signoff = _pending(signoff)
    signoff.status, signoff.reviewer = SignOff.Status.RETURNED, actor
    signoff.reviewed_at, signoff.reason = timezone.now(), reason.strip()
    signoff.save(update_fields=["status", "reviewer", "reviewed_at", "reason"])
    record(
        "signoff.returned",
        signoff,
        actor=actor,
        unit_id=signoff.problem.inspection.unit_id,
        problem=signoff.problem_id,
        reason=signoff.reason,
    )
    return signoff


@transaction.atomic
def correct_signoff(signoff: SignOff, *, actor, note: str) -> SignOff:
    """A later correction of an approved sign-off: a new record naming the one it corrects."""
    _require_office(actor)
    if signoff.status != SignOff.Status.APPROVED:
        raise OversightError("只能更正已销号的记录。")
    if not note.strip():
        raise OversightError("更正须写明更正内容。")
    now = timezone.now()
    correction = SignOff.objects.create(
        problem_id=signoff.problem_id,
        status=SignOff.Status.CORRECTION,
        note=note.strip(),
        applicant=actor,
        applied_at=now,
        reviewer=actor,
        reviewed_at=now,
        corrects=signoff,
    )
    record(
        "signoff.corrected",
        correction,
        actor=actor,
        unit_id=signoff.problem.inspection.unit_id,
        corrects=signoff.pk,
        note=correction.note,
    )
    return correction


@transaction.atomic
def request_correction(signoff: SignOff, *, actor, note: str) -> SignOff:
    """After 销号 the unit asks the office to correct the record; nothing changes until
    the office approves."""
    problem = signoff.problem
    if not access_for(actor).may(EDIT, problem.inspection.unit):
        raise PermissionDenied
    if signoff.status != SignOff.Status.APPROVED:
        raise OversightError("只能对已销号的记录申请更正。")
    if not note.strip():
        raise OversightError("申请更正须写明更正内容和理由。")
    if signoff.corrections.filter(status=SignOff.Status.CORRECTION_ASKED).exists():
        raise OversightError("该销号记录已有待审核的更正申请。")
    asked = SignOff.objects.create(
        problem=problem,
        status=SignOff.Status.CORRECTION_ASKED,
        note=note.strip(),
        applicant=actor,
        corrects=signoff,
    )
    record(
        "signoff.correction_requested",
        asked,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        corrects=signoff.pk,
        note=asked.note,
    )
    return asked


@transaction.atomic
def decide_correction(asked: SignOff, *, actor, approve: bool, reason: str = "") -> SignOff:
    """The office approves the unit's correction request (it becomes the 更正记录) or
    returns it with a reason."""
    _require_office(actor)
    asked = SignOff.objects.select_for_update(no_key=True, of=("self",)).get(pk=asked.pk)
    if asked.status != SignOff.Status.CORRECTION_ASKED:
        raise OversightError("该更正申请已审核，不能重复处理。")
    if not approve and not reason.strip():
        raise OversightError("退回须写明理由。")
    asked.status = SignOff.Status.CORRECTION if approve else SignOff.Status.RETURNED
    asked.reviewer, asked.reviewed_at, asked.reason = actor, timezone.now(), reason.strip()
    asked.save(update_fields=["status", "reviewer", "reviewed_at", "reason"])
    record(
        "signoff.correction_approved" if approve else "signoff.correction_returned",
        asked,
        actor=actor,
        unit_id=asked.problem.inspection.unit_id,
        corrects=asked.corrects_id,
        reason=asked.reason,
    )
    return asked


@transaction.atomic
def approve_review(signoff: SignOff, *, actor) -> SignOff:
    """The office's 审核通过, on the page and in the API: an application is approved
    into 销号, a unit's correction request into the 更正记录."""
    if signoff.status == SignOff.Status.CORRECTION_ASKED:
        return decide_correction(signoff, actor=actor, approve=True)
    return approve_signoff(signoff, actor=actor)


@transaction.atomic
def return_review(signoff: SignOff, *, actor, reason: str) -> SignOff:
    """The office's 退回 with a reason, on the page and in the API: an application goes
    back to the unit, a correction request is returned and the record stays as it was."""
    if signoff.status == SignOff.Status.CORRECTION_ASKED:
        return decide_correction(signoff, actor=actor, approve=False, reason=reason)
    return return_signoff(signoff, actor=actor, reason=reason)


def office_units() -> set[int]:
    """The inspection office's own units and every unit above them: they supervise, they
    are not supervised (the path /1/4/ holds the unit and its parents)."""
    paths = Membership.objects.filter(role=Membership.Role.OFFICE).values_list(
        "unit__path", flat=True
    )
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def _next_number(year: int, level: str) -> int:
    """The next number of the year's sequence of this kind of order, under a lock held
    until the issuing transaction ends."""
    key = ORDER_NUMBER_LOCK + SupervisionOrder.Level.values.index(level)
    return next_number(SupervisionOrder.objects.filter(year=year, level=level), (key, year))


def issuing_code(actor) -> str:
    """The 机关代字 of the office the actor issues for ("" when it has set none)."""
    head = letterhead_of(office_unit(actor))
    return head.code if head else ""


def _check_follows(follows, *, unit, level: str, problems: list):
    """The earlier order, locked, once the new one may follow it: same unit, its
    problems, a level not below its own, and no other order following it yet."""
    earlier = SupervisionOrder.objects.select_for_update(no_key=True).get(pk=follows.pk)
    if earlier.unit_id != unit.pk:
        raise OversightError(f"后续督办单须发给前一督办单{earlier}的被督办单位“{earlier.unit}”。")
    new = SupervisionOrder.Level(level)
    if SupervisionOrder.Level.values.index(new) < earlier.rank:
        raise OversightError(
            f"督办级别不能倒退：前一督办单{earlier}为“{earlier.get_level_display()}”，"
            f"不能再签发“{new.label}”。"
        )
    allowed = set(earlier.problems.values_list("pk", flat=True))
    if any(p.pk not in allowed for p in problems):
        raise OversightError(f"后续督办单只能督办前一督办单{earlier}所列的问题。")
    later = SupervisionOrder.objects.filter(follows=earlier).first()
    if later is not None:
        raise OversightError(f"督办单{earlier}已有后续督办单{later}，请在后者基础上升级。")
    return earlier


@transaction.atomic
def issue_order(
    *,
    actor,
    unit,
    problems=(),
    level: str,
    due: dt.date,
    text: str,
    follows: SupervisionOrder | None = None,
    today: dt.date | None = None,
) -> SupervisionOrder:
    """The office issues a numbered order to a unit about some of its problems; a later
    rung of the ladder follows an earlier order of the same unit."""
    _require_office(actor)
    if unit.pk in office_units():
        raise OversightError(f"“{unit.name}”是巡察机构本身或其上级，不能作为被督办单位。")
    problems = list(problems)
    if any(not unit.path or not within(p.inspection.unit, unit) for p in problems):
        raise OversightError("督办的问题须属于被督办单位（或其下级单位）。")
    if follows is not None:
        follows = _check_follows(follows, unit=unit, level=level, problems=problems)
    year = (today or timezone.localdate()).year
    fields = dict(unit=unit, level=level, due=due, text=text, issued_by=actor, follows=follows)
    order = _create_numbered(fields, year, issuing_code(actor))
    order.problems.set(problems)
    record(
        "order.issued",
        order,
        actor=actor,
        unit_id=unit.pk,
        number=order.doc_number,
        level=level,
        problems=[p.pk for p in problems],
        due=due.isoformat(),
        follows=follows.pk if follows else None,
    )
    return order


def _create_numbered(fields: dict, year: int, code: str) -> SupervisionOrder:
    return create_numbered(
        lambda: SupervisionOrder.objects.create(
            **fields, year=year, number=_next_number(year, fields["level"]), code=code
        )
    )


@transaction.atomic
def reply_order(order: SupervisionOrder, *, actor, text: str, files=()) -> SupervisionOrder:
    """The unit's editor or leader reports what was done, with evidence files; the first
    reply is final."""
    if not access_for(actor).may(ANSWER, order.unit):
        raise PermissionDenied
    order = SupervisionOrder.objects.select_for_update(no_key=True).get(pk=order.pk)
    if order.replied_at:
        raise OversightError("该督办单已回复。")
    if not text.strip():
        raise OversightError("请填写办理情况。")
    try:
        for upload in files:
            check_upload(upload)
    except LedgerError as exc:
        raise OversightError(str(exc)) from None
    order.reply_text, order.replied_by, order.replied_at = text.strip(), actor, timezone.now()
    order.save(update_fields=["reply_text", "replied_by", "replied_at"])
    stored = _store_reply_files(order, files)
    record(
        "order.replied",
        order,
        actor=actor,
        unit_id=order.unit_id,
        number=order.doc_number,
        evidence=[e.sha256 for e in stored],
    )
    return order


def _store_reply_files(order: SupervisionOrder, files) -> list[ReplyEvidence]:
    stored: list[ReplyEvidence] = []
    try:
        for upload in files:
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            evidence = ReplyEvidence(
                order=order,
                name=PurePath(upload.name).name[:200],
                content_type=check_upload(upload),
                size=upload.size,
                sha256=digest.hexdigest(),
            )
            evidence.file.save("upload", upload, save=False)
            evidence.save()
            stored.append(evidence)
    except Exception:
        # The rows roll back with the transaction; the files must go with them.
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    return stored


# --- the documents of the cycle (整改方案, 整改情况报告, 销号审批表, 回头看) and the report clock


def _require_edit(actor, unit) -> None:
    if not access_for(actor).may(EDIT, unit):
        raise PermissionDenied


@transaction.atomic
def draft_document(
    inspection: Inspection, *, actor, kind: str, problem: Problem | None = None
) -> Document:
    """A new draft written from the ledger as it is now; an open draft of the same kind
    (and problem) is rewritten instead, so that there is one open draft at a time."""
    _require_edit(actor, inspection.unit)
    Inspection.objects.select_for_update(no_key=True).filter(pk=inspection.pk).first()
    if (kind == Document.Kind.SIGNOFF_FORM) != (problem is not None):
        raise OversightError("销号审批表须针对一个问题生成，其他文稿针对整个巡察。")
    if problem is not None and problem.inspection_id != inspection.pk:
        raise OversightError("该问题不属于这次巡察。")
    text = cycle.write(kind, inspection, problem, timezone.localdate())
    same = Document.objects.filter(inspection=inspection, kind=kind, problem=problem)
    document = same.filter(frozen_at=None).first()
    if document is None:
        latest = same.aggregate(n=Max("version"))["n"] or 0
        document = Document(
            inspection=inspection, problem=problem, kind=kind, version=latest + 1, created_by=actor
        )
    document.title = cycle.blocks(text)[0].text[:300]
    document.text, document.updated_by, document.updated_at = text, actor, timezone.now()
    document.save()
    record(
        "document.drafted",
        document,
        actor=actor,
        unit_id=inspection.unit_id,
        kind=kind,
        version=document.version,
        problem=problem.pk if problem else None,
    )
    return document


def _open_document(document: Document) -> Document:
    fresh = Document.objects.select_for_update(no_key=True).get(pk=document.pk)
    if fresh.frozen_at:
        raise OversightError("该文稿已定稿，不能修改；如需修改，请重新生成新版本。")
    return fresh


@transaction.atomic
def save_document(document: Document, *, actor, text: str, doc_number: str = "") -> Document:
    """The unit's editor changes the draft's text (one paragraph a line) and 文号."""
    _require_edit(actor, document.inspection.unit)
    document = _open_document(document)
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    if not text:
        raise OversightError("文稿正文不能为空。")
    document.title = text.split("\n", 1)[0][:300]
    document.text, document.doc_number = text + "\n", doc_number.strip()[:50]
    document.updated_by, document.updated_at = actor, timezone.now()
    document.save()
    record(
        "document.edited",
        document,
        actor=actor,
        unit_id=document.inspection.unit_id,
        sha256=text_sha256(document.text),
    )
    return document


@transaction.atomic
def freeze_document(document: Document, *, actor) -> Document:
    """定稿: the text is frozen with its SHA-256; a change is a new version from then on."""
    _require_edit(actor, document.inspection.unit)
    document = _open_document(document)
    document.sha256 = text_sha256(document.text)
    document.frozen_by, document.frozen_at = actor, timezone.now()
    document.save()
    record(
        "document.frozen",
        document,
        actor=actor,
        unit_id=document.inspection.unit_id,
        kind=document.kind,
        version=document.version,
        sha256=document.sha256,
    )
    return document


def _check_filed_on(inspection: Inspection, filed_on: dt.date) -> None:
    if filed_on > timezone.localdate():
        raise OversightError("报送日期不能晚于今天。")
    if filed_on < inspection.feedback_date:
        raise OversightError(f"报送日期不能早于反馈日期（{cn_date(inspection.feedback_date)}）。")


def _attach_report(filed, inspection: Inspection, document, upload) -> None:
    """Put the frozen report or the checked, hashed upload on a filing or a correction."""
    if document is not None:
        if document.inspection_id != inspection.pk or document.kind != Document.Kind.REPORT:
            raise OversightError("所选文稿不是这次巡察的整改情况报告。")
        if not document.frozen_at:
            raise OversightError("整改情况报告尚未定稿，定稿后才能登记报送。")
        filed.document, filed.sha256 = document, document.sha256
        return
    try:
        check_upload(upload)
    except LedgerError as exc:
        raise OversightError(str(exc)) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    filed.name, filed.size = PurePath(upload.name).name[:200], upload.size
    filed.sha256 = digest.hexdigest()
    filed.file.save("upload", upload, save=False)


@transaction.atomic
def file_report(
    inspection: Inspection,
    *,
    actor,
    filed_on: dt.date,
    document: Document | None = None,
    upload=None,
) -> ReportFiling:
    """报送: the unit records that its 整改情况报告 went to the inspection body, as the
    frozen generated report or an uploaded file; the report clock stops warning."""
    _require_edit(actor, inspection.unit)
    Inspection.objects.select_for_update(no_key=True).filter(pk=inspection.pk).first()
    if ReportFiling.objects.filter(inspection=inspection).exists():
        raise OversightError("该巡察的整改情况报告已登记报送。")
    _check_filed_on(inspection, filed_on)
    if (document is None) == (upload is None):
        raise OversightError("请选择一份已定稿的整改情况报告，或上传报送的报告文件（二者选一）。")
    filing = ReportFiling(inspection=inspection, filed_on=filed_on, filed_by=actor)
    _attach_report(filing, inspection, document, upload)
    filing.save()
    record(
        "report.filed",
        filing,
        actor=actor,
        unit_id=inspection.unit_id,
        filed_on=filed_on.isoformat(),
        document=document.pk if document else None,
        name=filing.name,
        sha256=filing.sha256,
    )
    return filing


@transaction.atomic
def correct_filing(
    filing: ReportFiling,
    *,
    actor,
    reason: str,
    filed_on: dt.date,
    document: Document | None = None,
    upload=None,
) -> ReportCorrection:
    """更正: a new date and/or report, with the reason; what was filed before is kept."""
    _require_edit(actor, filing.inspection.unit)
    before = ReportFiling.objects.select_for_update(no_key=True).get(pk=filing.pk).current
    if not reason.strip():
        raise OversightError("更正须写明更正原因。")
    _check_filed_on(filing.inspection, filed_on)
    correction = ReportCorrection(
        filing=filing, filed_on=filed_on, reason=reason.strip()[:500], corrected_by=actor
    )
    if (document is None) != (upload is None):
        _attach_report(correction, filing.inspection, document, upload)
    elif document is not None:
        raise OversightError("请选择一份已定稿的整改情况报告，或上传报送的报告文件（二者选一）。")
    elif filed_on == before.filed_on:
        raise OversightError("报送日期和报告文件都没有变化，无需更正。")
    else:  # the date alone: the same report as before
        for field in ("document", "file", "name", "size", "sha256"):
            setattr(correction, field, getattr(before, field))
    correction.save()
    record(
        "report.corrected",
        correction,
        actor=actor,
        unit_id=filing.inspection.unit_id,
        reason=correction.reason,
        filed_on=filed_on.isoformat(),
        was_filed_on=before.filed_on.isoformat(),
        sha256=correction.sha256,
    )
    return correction
