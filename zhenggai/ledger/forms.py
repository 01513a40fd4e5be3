import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from zhenggai.accounts.access import Role, members_q
from zhenggai.forms import CleanForm, CleanModelForm, clean_text

from .models import Inspection, Measure, Problem
from .services import LedgerError, check_figure, check_term

# A typed figure: ASCII digits (after full-width ones are made half-width), an optional
# sign for a clear refusal, thousands commas, a decimal point. Not 1e20, nan, inf or ٣.
NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InspectionForm(CleanModelForm):
    class Meta:
        model = Inspection
        fields = [
            "unit",
            "kind",
            "mode",
            "round",
            "group",
            "start",
            "end",
            "feedback_date",
            "rectify_until",
            "confirm_by",
        ]
        widgets = {f: DATE for f in ("start", "end", "feedback_date", "rectify_until")}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rectify_until"].required = False
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        start, end, feedback = data.get("start"), data.get("end"), data.get("feedback_date")
        if start and end and end < start:
            self.add_error("end", "结束日期不能早于进驻日期。")
        if end and feedback and feedback < end:
            self.add_error("feedback_date", "反馈日期不能早于巡察结束日期。")
        until = data.get("rectify_until")
        if until and feedback and until < feedback:
            self.add_error("rectify_until", "集中整改期不能早于反馈日期。")
        return data


class ProblemForm(CleanModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Problem
        fields = ["parent", "title", "description", "withhold_reason", "withhold_approver"]

    def __init__(self, *args, inspection=None, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Problem.objects.filter(inspection=inspection, parent=None)
        if self.instance.pk:
            categories = categories.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = categories
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = "（无，作为问题类别）"
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        if data.get("withhold_reason") and not data.get("withhold_approver"):
            self.add_error("withhold_approver", "不公开须写明审批人。")
        if data.get("parent") and self.instance.pk and self.instance.children.exists():
            self.add_error("parent", "该问题下已有具体问题，不能再挂到其他类别之下。")
        return data


def measure_owners(inspection: Inspection):
    """The users a measure of the inspection may name as its owner (owner_user): the
    active 责任人 of its unit, or of a unit above that covers its sub-units."""
    owners = members_q(inspection.unit, Role.OWNER)
    return get_user_model().objects.filter(owners, is_active=True).distinct()


class MeasureForm(CleanModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = [
            "text",
            "leader",
            "department",
            "owner",
            "owner_user",
            "term",
            "due",
            "status",
            "withhold_reason",
            "withhold_approver",
        ]
        widgets = {"due": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner_user"].queryset = owners
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        term, due = data.get("term"), data.get("due")
        if term == Measure.Term.DEADLINE and not due:
            self.add_error("due", "限期整改的措施须填写完成时限。")
        try:
            check_term(term, data.get("status"))
        except LedgerError as exc:
            self.add_error("status", str(exc))
        if data.get("withhold_reason") and not data.get("withhold_approver"):
            self.add_error("withhold_approver", "不公开须写明审批人。")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProgressForm(CleanForm):
    reported_on = forms.DateField(label="日期", widget=DATE)
    text = forms.CharField(
        label="整改进展", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    figures = forms.CharField(
        label="成效数据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一项：事项 数值 单位，如“召开专题民主生活会 1 次”",
    )
    files = MultipleFileField(label="佐证材料文件", required=False)
    reference = forms.CharField(
        label="材料说明",
        required=False,
        max_length=500,
        help_text="无电子文件时，写明材料名称及存放位置",
    )

    def clean_figures(self):
        rows = []
        for number, line in enumerate(clean_text(self.cleaned_data["figures"]).splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2 or not NUMBER.fullmatch(parts[-2]):
                raise forms.ValidationError(
                    f"第{number}行“{line[:50]}”无法识别，应为“事项 数值 单位”，"
                    "数值用阿拉伯数字，如“召开专题民主生活会 1 次”。"
                )
            value = Decimal(parts[-2].replace(",", ""))
            try:
                check_figure(value)
            except LedgerError as exc:
                raise forms.ValidationError(f"第{number}行：{exc}") from None
            rows.append((value, parts[-1][:10], " ".join(parts[:-2])[:100]))
        return rows


class CorrectionForm(ProgressForm):
    """A corrected report: what it should have said, and why."""

    reason = forms.CharField(label="更正理由", max_length=400)

    field_order = ["reason", "reported_on", "text", "figures", "files", "reference"]
