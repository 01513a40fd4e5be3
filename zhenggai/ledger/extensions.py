"""延期申请 and 台账确认: after the office confirms a ledger, a due date moves only
through an approved extension request; the original date is kept on the measure.

The owner or the unit's editor asks with a reason and a new date; the office decides,
or the unit's leader where the office delegated it for the inspection (`extension_by`).
A refused request leaves the measure as it was.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.access import EDIT, OFFICE, REPORT, Role, access_for
from zhenggai.audit.services import record
from zhenggai.forms import CleanForm
from zhenggai.notices.render import cn_date

from .forms import DATE
from .models import Extension, Inspection, Measure
from .services import LedgerError, _check_due, _check_open


class ExtensionForm(CleanForm):
    new_due = forms.DateField(label="申请延期至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}))


def may_decide(user, inspection: Inspection) -> bool:
    """The office, or the unit's leader where the office delegated the decision."""
    access = access_for(user)
    if access.may(OFFICE, inspection.unit):
        return True
    return inspection.extension_by == Role.LEADER and access.has_role(inspection.unit, Role.LEADER)


def may_request(user, measure: Measure) -> bool:
    access, unit = access_for(user), measure.problem.inspection.unit
    return access.may(EDIT, unit) or (measure.owner_user_id == user.pk and access.may(REPORT, unit))


@transaction.atomic
def confirm_ledger(inspection: Inspection, *, actor, extension_by: str = "office") -> Inspection:
    """The office confirms the ledger (台账确认), naming who decides extensions; later
    calls change only who decides."""
    inspection = Inspection.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=inspection.pk
    )
    if not access_for(actor).may(OFFICE, inspection.unit):
        raise PermissionDenied
    if extension_by not in (Role.OFFICE, Role.LEADER):
        raise LedgerError("延期审批只能由巡察办或单位领导负责。")
    if inspection.confirmed_at:
        if inspection.extension_by == extension_by:
            day = cn_date(timezone.localdate(inspection.confirmed_at))
            raise LedgerError(f"该台账已于{day}确认。")
        inspection.extension_by = extension_by
        inspection.save(update_fields=["extension_by"])
        record(
            "inspection.extensions_delegated",
            inspection,
            actor=actor,
            unit_id=inspection.unit_id,
            extension_by=extension_by,
        )
        return inspection
    inspection.confirmed_at, inspection.confirmed_by = timezone.now(), actor
    inspection.extension_by = extension_by
    inspection.save(update_fields=["confirmed_at", "confirmed_by", "extension_by"])
    record(
        "inspection.ledger_confirmed",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        extension_by=extension_by,
    )
    return inspection


@transaction.atomic
def request_extension(measure: Measure, *, actor, new_due: dt.date, reason: str) -> Extension:
    measure = (
        Measure.objects.select_for_update(no_key=True, of=("self",))
        .select_related("problem__inspection__unit", "problem__parent")
        .get(pk=measure.pk)
    )
    if not may_request(actor, measure):
        raise PermissionDenied
    inspection = measure.problem.inspection
    _check_open(measure.problem)
    if not inspection.confirmed_at:
        raise LedgerError("台账尚未确认，完成时限可直接在措施中修改，无需延期申请。")
    if measure.term == Measure.Term.ONGOING:
        raise LedgerError("长期坚持的措施没有完成时限，无需延期申请。")
    if measure.status == Measure.Status.DONE:
        raise LedgerError("该措施已完成，不能申请延期。")
    if not reason.strip():
        raise LedgerError("延期申请须写明理由。")
    if measure.due and new_due <= measure.due:
        raise LedgerError(
            f"申请延期至 {cn_date(new_due)} 须晚于现在的完成时限 {cn_date(measure.due)}。"
        )
    _check_due(inspection, new_due)
    if measure.extensions.filter(status=Extension.Status.REQUESTED).exists():
        raise LedgerError("该措施已有待审批的延期申请。")
    extension = Extension.objects.create(
        measure=measure,
        old_due=measure.due,
        new_due=new_due,
        reason=reason.strip(),
        requested_by=actor,
    )
    record(
        "extension.requested",
        extension,
        actor=actor,
        unit_id=inspection.unit_id,
        measure=measure.pk,
        old_due=str(measure.due or ""),
        new_due=str(new_due),
    )
    return extension


@transaction.atomic
def decide_extension(extension: Extension, *, actor, approve: bool, answer: str = "") -> Extension:
    """Approve (the measure's due date becomes the new one, the first date kept) or
    refuse (the measure stays as it was)."""
    extension = Extension.objects.select_for_update(no_key=True, of=("self",)).get(pk=extension.pk)
    measure = (
        Measure.objects.select_for_update(no_key=True, of=("self",))
        .select_related("problem__inspection__unit", "problem__parent")
        .get(pk=extension.measure_id)
    )
    inspection = measure.problem.inspection
    if not may_decide(actor, inspection):
        raise PermissionDenied
    if extension.status != Extension.Status.REQUESTED:
        raise LedgerError("该延期申请已审批。")
    answer = answer.strip()
    if not approve and not answer:
        raise LedgerError("不批准延期须写明理由。")
    if approve:
        _check_open(measure.problem)
        if measure.due != extension.old_due:
            raise LedgerError("申请提出后该措施的完成时限已变动，请申请人重新申请。")
        if measure.original_due is None:
            measure.original_due = measure.due
        measure.due = extension.new_due
        measure.version += 1
        measure.save(update_fields=["original_due", "due", "version"])
    extension.status = Extension.Status.APPROVED if approve else Extension.Status.REFUSED
    extension.decided_by, extension.decided_at = actor, timezone.now()
    extension.answer = answer[:2000]
    extension.save(update_fields=["status", "decided_by", "decided_at", "answer"])
    record(
        "extension.decided",
        extension,
        actor=actor,
        unit_id=inspection.unit_id,
        measure=measure.pk,
        approved=approve,
        new_due=str(extension.new_due),
        answer=extension.answer,
    )
    return extension
