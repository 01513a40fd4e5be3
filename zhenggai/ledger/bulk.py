"""Bulk edits of measures: the same fields set on many in one act, all or nothing.

Each measure goes through `services.update_measure` with its own checks (closed problem,
deadline range, 长期坚持, the version seen when confirming) and its own audit event.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhenggai.accounts.access import EDIT, access_for
from zhenggai.forms import CleanForm

from . import services
from .forms import DATE
from .models import Measure
from .services import LedgerError

# The fields a bulk edit may set, in the order the page shows them.
FIELDS = ["owner", "owner_user", "leader", "department", "term", "due"]
MAX_MEASURES = 500


class BulkMeasureForm(CleanForm):
    set_owner = forms.BooleanField(label="修改责任人", required=False)
    owner = forms.CharField(label="责任人", max_length=100, required=False)
    set_owner_user = forms.BooleanField(label="修改责任人账号", required=False)
    owner_user = forms.ModelChoiceField(
        label="责任人账号", queryset=None, required=False, empty_label="（不关联账号）"
    )
    set_leader = forms.BooleanField(label="修改责任领导", required=False)
    leader = forms.CharField(label="责任领导", max_length=100, required=False)
    set_department = forms.BooleanField(label="修改责任部门", required=False)
    department = forms.CharField(label="责任部门", max_length=100, required=False)
    set_term = forms.BooleanField(label="修改时限类型", required=False)
    term = forms.ChoiceField(label="时限类型", choices=Measure.Term.choices, required=False)
    set_due = forms.BooleanField(label="修改完成时限", required=False)
    due = forms.DateField(label="完成时限", widget=DATE, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_user"].queryset = owners

    def clean(self):
        data = super().clean()
        if data.get("set_term") and not data.get("term"):
            self.add_error("term", "请选择新的时限类型。")
        if data.get("set_due") and not data.get("due"):
            self.add_error("due", "请填写新的完成时限。")
        changes = {name: data.get(name) for name in FIELDS if data.get(f"set_{name}")}
        if not changes and not self.errors:
            raise forms.ValidationError("请至少勾选一项要修改的内容。")
        data["changes"] = changes
        return data


def _value(measure: Measure, name: str):
    return measure.owner_user_id if name == "owner_user" else getattr(measure, name)


def differences(measure: Measure, changes: dict) -> dict:
    """The changes that would alter this measure."""
    return {
        name: value
        for name, value in changes.items()
        if _value(measure, name) != (value.pk if name == "owner_user" and value else value)
    }


def _check_deadline(measure: Measure, fields: dict) -> None:
    term, due = fields.get("term", measure.term), fields.get("due", measure.due)
    if term == Measure.Term.DEADLINE and not due:
        raise LedgerError("限期整改的措施须填写完成时限。")


@transaction.atomic
def update_measures(measures, *, actor, changes: dict, versions: dict | None = None) -> int:
    """Set `changes` on every measure that differs; the number changed. A refusal of
    any row rolls back all and names the row (its place in the list and its text)."""
    access, versions, changed = access_for(actor), versions or {}, 0
    for number, measure in enumerate(measures, start=1):
        if not access.may(EDIT, measure.problem.inspection.unit):
            raise PermissionDenied
        fields = differences(measure, changes)
        if not fields:
            continue
        try:
            _check_deadline(measure, fields)
            version = versions.get(measure.pk)
            services.update_measure(measure, actor=actor, version=version, **fields)
        except LedgerError as exc:
            where = f"第{number}项措施“{measure.text[:30]}”"
            raise LedgerError(f"{where}未能修改，全部未保存：{exc}") from None
        changed += 1
    return changed
