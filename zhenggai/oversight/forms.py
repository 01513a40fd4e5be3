from django import forms
from django.forms import modelformset_factory
from django.utils import timezone

from zhenggai.accounts.access import within
from zhenggai.forms import CleanForm, CleanModelForm
from zhenggai.ledger.models import IndicatorRule, Inspection, Problem

from .models import SupervisionOrder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(CleanForm):
    """The dashboard's filters; every field may stay empty."""

    round = forms.ChoiceField(label="轮次", required=False)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *Inspection.Kind.choices]
    )
    unit = forms.ModelChoiceField(
        label="单位", required=False, queryset=None, empty_label="全部单位"
    )

    def __init__(self, *args, rounds=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "全部轮次"), *((r, r) for r in rounds)]
        self.fields["unit"].queryset = units


class RoundForm(CleanForm):
    round = forms.ChoiceField(label="轮次")

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [(r, r) for r in rounds]


class SignOffForm(CleanForm):
    note = forms.CharField(
        label="申请说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="整改完成情况及佐证材料说明；系统自动附上各措施已上传的佐证材料清单",
    )


class ReasonForm(CleanForm):
    reason = forms.CharField(
        label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectionForm(CleanForm):
    note = forms.CharField(
        label="更正内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(CleanForm):
    text = forms.CharField(
        label="办理情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class OrderForm(CleanModelForm):
    class Meta:
        model = SupervisionOrder
        fields = ["unit", "level", "problems", "due", "text"]
        widgets = {
            "due": DATE,
            "text": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, units=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        problems = Problem.objects.filter(closed_at=None).select_related("inspection__unit")
        if unit is not None:
            problems = problems.within(unit)
        self.fields["problems"].queryset = problems.order_by("inspection_id", "position", "id")
        self.fields["problems"].label_from_instance = lambda p: f"{p.inspection.unit} · {p.title}"

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError("办理时限不能早于今天。")
        return due

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        for problem in data.get("problems") or ():
            if unit and not within(problem.inspection.unit, unit):
                self.add_error("problems", f"问题“{problem.title[:20]}”不属于被督办单位。")
                break
        return data


class RuleForm(CleanModelForm):
    class Meta:
        model = IndicatorRule
        fields = ["position", "name", "verb", "unit", "keywords"]


RuleFormSet = modelformset_factory(IndicatorRule, form=RuleForm, extra=2, can_delete=True)
