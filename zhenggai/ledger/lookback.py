"""回头看: linking an inspection to the unit's earlier inspections.

The office or the unit's editor sets a link; the comparison of problems and the
finding of 屡查屡犯 are the office's and live in oversight (ledger does not import it).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhenggai.accounts.access import EDIT, OFFICE, access_for
from zhenggai.audit.services import record
from zhenggai.forms import CleanForm
from zhenggai.notices.render import cn_date

from .models import Inspection, InspectionLink
from .services import LedgerError


def may_link(user, inspection: Inspection) -> bool:
    """The unit's editor, or the office where it reads the unit."""
    access = access_for(user)
    unit = inspection.unit
    return access.may(EDIT, unit) or (access.anywhere(OFFICE) and access.can_read(unit))


def earlier_candidates(inspection: Inspection):
    """The unit's inspections fed back before this one, not yet linked."""
    return (
        Inspection.objects.filter(
            unit_id=inspection.unit_id, feedback_date__lt=inspection.feedback_date
        )
        .exclude(later_links__inspection=inspection)
        .order_by("-feedback_date", "-id")
    )


class LinkForm(CleanForm):
    earlier = forms.ModelChoiceField(
        label="此前的巡察",
        queryset=Inspection.objects.none(),
        error_messages={"invalid_choice": "所选巡察不是本单位此前的巡察，或已关联。"},
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = earlier_candidates(inspection)
        self.fields["earlier"].label_from_instance = lambda i: (
            f"{i.round}（{i.get_kind_display()}，{cn_date(i.feedback_date)}反馈）"
        )


@transaction.atomic
def link_earlier(inspection: Inspection, earlier: Inspection, *, actor) -> InspectionLink:
    if not may_link(actor, inspection):
        raise PermissionDenied
    if earlier.unit_id != inspection.unit_id:
        raise LedgerError(f"“{earlier}”不是“{inspection.unit}”的巡察，不能关联。")
    if earlier.feedback_date >= inspection.feedback_date:
        raise LedgerError(
            f"“{earlier.round}”反馈于{cn_date(earlier.feedback_date)}，"
            f"不早于本次巡察（{cn_date(inspection.feedback_date)}），不能作为此前巡察关联。"
        )
    if InspectionLink.objects.filter(inspection=inspection, earlier=earlier).exists():
        raise LedgerError(f"已关联“{earlier.round}”。")
    link = InspectionLink.objects.create(inspection=inspection, earlier=earlier, linked_by=actor)
    record(
        "inspection.linked",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        earlier=earlier.pk,
        earlier_round=earlier.round,
    )
    return link


@transaction.atomic
def unlink_earlier(link: InspectionLink, *, actor) -> None:
    link = (
        InspectionLink.objects.select_for_update(no_key=True)
        .select_related("inspection")
        .get(pk=link.pk)
    )
    inspection = link.inspection
    if not may_link(actor, inspection):
        raise PermissionDenied
    record(
        "inspection.unlinked",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        earlier=link.earlier_id,
    )
    link.delete()
