"""Sign-off and supervision orders: one function per act, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from zhenggai.accounts.access import ANSWER, EDIT, OFFICE, access_for, within
from zhenggai.audit.services import record
from zhenggai.ledger import rules
from zhenggai.ledger.models import Evidence, Measure, Problem

from .models import SignOff, SupervisionOrder

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
        Problem.objects.select_for_update(of=("self",))
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
        SignOff.objects.select_for_update(of=("self",))
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
    asked = SignOff.objects.select_for_update(of=("self",)).get(pk=asked.pk)
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


def _next_number(year: int) -> int:
    """The year's next number, under a lock held until the issuing transaction ends."""
    if connection.vendor == "postgresql":
        # Row locks cannot guard a number not yet taken; a lock per year can. SQLite
        # needs none: IMMEDIATE transactions already serialise writers.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ORDER_NUMBER_LOCK, year])
    last = SupervisionOrder.objects.filter(year=year).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


@transaction.atomic
def issue_order(
    *, actor, unit, problems=(), level: str, due: dt.date, text: str, today: dt.date | None = None
) -> SupervisionOrder:
    """The office issues a numbered order to a unit about some of its problems."""
    _require_office(actor)
    problems = list(problems)
    if any(not unit.path or not within(p.inspection.unit, unit) for p in problems):
        raise OversightError("督办的问题须属于被督办单位（或其下级单位）。")
    year = (today or timezone.localdate()).year
    # The unique constraint has the last word: a clash (a number written by another
    # path) rolls back to the savepoint and takes the next number.
    for attempt in range(5):
        try:
            with transaction.atomic():
                order = SupervisionOrder.objects.create(
                    unit=unit,
                    level=level,
                    due=due,
                    text=text,
                    issued_by=actor,
                    year=year,
                    number=_next_number(year),
                )
            break
        except IntegrityError:
            if attempt == 4:
                raise
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
    )
    return order


@transaction.atomic
def reply_order(order: SupervisionOrder, *, actor, text: str) -> SupervisionOrder:
    """The unit's editor or leader reports what was done; the first reply is final."""
    if not access_for(actor).may(ANSWER, order.unit):
        raise PermissionDenied
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.replied_at:
        raise OversightError("该督办单已回复。")
    if not text.strip():
        raise OversightError("请填写办理情况。")
    order.reply_text, order.replied_by, order.replied_at = text.strip(), actor, timezone.now()
    order.save(update_fields=["reply_text", "replied_by", "replied_at"])
    record("order.replied", order, actor=actor, unit_id=order.unit_id, number=order.doc_number)
    return order
