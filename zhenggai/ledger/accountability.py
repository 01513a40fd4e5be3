"""问责: persons held accountable for a problem or a measure, and the kinds of it.

The unit's editor keeps the records of its problems; the office keeps the list of kinds.
Every act is atomic and audited. Names are read only inside the system (`READ`); the
public version of a notice counts them (`counts.held`).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenggai.accounts.access import EDIT, OFFICE, access_for
from zhenggai.audit.services import record
from zhenggai.forms import CleanForm, CleanModelForm
from zhenggai.notices.render import cn_date

from .forms import DATE
from .models import Accountability, AccountabilityKind, Measure, Problem
from .services import LedgerError, _check_open

FIELDS = ["measure", "name", "post", "person_unit", "kind", "decided_on", "decided_by", "note"]


class AccountabilityForm(CleanModelForm):
    class Meta:
        model = Accountability
        fields = FIELDS
        widgets = {"decided_on": DATE}

    def __init__(self, *args, problem: Problem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(problem=problem)
        self.fields["measure"].empty_label = "（针对问题本身）"
        self.fields["kind"].queryset = AccountabilityKind.objects.all()


class KindForm(CleanForm):
    name = forms.CharField(label="问责方式", max_length=30)
    phrase = forms.CharField(label="通报表述", max_length=30, required=False)


def _check(actor, problem: Problem, fields: dict) -> None:
    if not access_for(actor).may(EDIT, problem.inspection.unit):
        raise PermissionDenied
    _check_open(problem)
    measure = fields.get("measure")
    if measure is not None and measure.problem_id != problem.pk:
        raise LedgerError("所选整改措施不属于该问题。")
    if not (fields.get("name") or "").strip():
        raise LedgerError("请填写被问责人姓名。")
    if not (fields.get("decided_by") or "").strip():
        raise LedgerError("请填写问责决定机关。")
    day = fields.get("decided_on")
    if day and day > timezone.localdate():
        raise LedgerError(f"问责日期 {cn_date(day)} 晚于今天，请核对。")


@transaction.atomic
def add_accountability(problem: Problem, *, actor, **fields) -> Accountability:
    _check(actor, problem, fields)
    held = Accountability.objects.create(problem=problem, **fields)
    record(
        "accountability.added",
        held,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        problem=problem.pk,
        kind=held.kind.name,
    )
    return held


@transaction.atomic
def update_accountability(held: Accountability, *, actor, **fields) -> Accountability:
    held = Accountability.objects.select_for_update(no_key=True, of=("self",)).get(pk=held.pk)
    _check(actor, held.problem, {**{f: getattr(held, f) for f in FIELDS}, **fields})
    for name, value in fields.items():
        setattr(held, name, value)
    held.save()
    record(
        "accountability.updated",
        held,
        actor=actor,
        unit_id=held.problem.inspection.unit_id,
        problem=held.problem_id,
        fields=sorted(fields),
    )
    return held


@transaction.atomic
def delete_accountability(held: Accountability, *, actor) -> None:
    held = Accountability.objects.select_for_update(no_key=True, of=("self",)).get(pk=held.pk)
    problem = held.problem
    if not access_for(actor).may(EDIT, problem.inspection.unit):
        raise PermissionDenied
    _check_open(problem)
    record(
        "accountability.deleted",
        held,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        problem=problem.pk,
        kind=held.kind.name,
    )
    held.delete()


@transaction.atomic
def add_kind(*, actor, name: str, phrase: str = "") -> AccountabilityKind:
    """The office extends the list of kinds."""
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied
    name, phrase = name.strip(), phrase.strip()
    if not name:
        raise LedgerError("请填写问责方式。")
    if AccountabilityKind.objects.filter(name=name).exists():
        raise LedgerError(f"问责方式“{name}”已存在。")
    position = (AccountabilityKind.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    kind = AccountabilityKind.objects.create(name=name, phrase=phrase, position=position)
    record("accountability.kind_added", kind, actor=actor, name=name, phrase=phrase)
    return kind
