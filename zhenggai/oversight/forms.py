from django import forms
from django.forms import modelformset_factory
from django.utils import timezone

from zhenggai.accounts.access import within
from zhenggai.forms import CleanForm, CleanModelForm, QuickSelect
from zhenggai.ledger.forms import MultipleFileField
from zhenggai.ledger.models import IndicatorRule, Inspection, Problem

from .models import SupervisionOrder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(CleanForm):
    """The dashboard's filters; every field may stay empty."""

    round = forms.ChoiceField(label="轮次", required=False, widget=QuickSelect)
    kind = forms.ChoiceField(
        label="类型", required=False, choices=[("", "全部类型"), *Inspection.Kind.choices]
    )
    unit = forms.ModelChoiceField(
        label="单位", required=False, queryset=None, empty_label="全部单位", widget=QuickSelect
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
    files = MultipleFileField(
        label="佐证材料",
        required=False,
        help_text="可选多个文件：PDF、OFD、Word、WPS、Excel、图片或文本，与整改进展的佐证材料要求相同",
    )


def cut(text: str, size: int = 50) -> str:
    """A title shortened to `size` characters, marked with …"""
    return text if len(text) <= size else text[: size - 1] + "…"


def problem_groups(problems) -> list[tuple[str, list[tuple[int, str]]]]:
    """Problems grouped by inspection, each category followed by its specific problems."""
    groups: dict[int, tuple[str, list]] = {}
    children: dict[int, list] = {}
    for p in problems:
        if p.parent_id:
            children.setdefault(p.parent_id, []).append(p)
    for p in problems:
        inspection = p.inspection
        label = f"{inspection.unit.name} · {inspection.round}"
        options = groups.setdefault(inspection.pk, (label, []))[1]
        if not p.parent_id:
            options.append((p.pk, f"【类别】{cut(p.title)}"))
            options += [(c.pk, f"\u3000{cut(c.title)}") for c in children.get(p.pk, [])]
        elif p.parent_id not in {q.pk for q in problems}:
            options.append((p.pk, cut(p.title)))  # its category is closed: on its own
    return list(groups.values())


class OrderForm(CleanModelForm):
    """A supervision order: the unit, then the round, narrow the problems offered."""

    round = forms.ChoiceField(label="巡察轮次", required=False)

    class Meta:
        model = SupervisionOrder
        fields = ["follows", "unit", "round", "level", "problems", "due", "text"]
        widgets = {
            "due": DATE,
            "text": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, units=None, unit=None, round="", follows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # Escalating (升级为下一级): the earlier order rides along, chosen on its page.
        self.fields["follows"].widget = forms.HiddenInput()
        self.fields["follows"].queryset = SupervisionOrder.objects.filter(
            pk=follows.pk if follows else None
        )
        self.fields["follows"].error_messages["invalid_choice"] = (
            "前一督办单不存在或不属于被督办单位，请从督办单页面重新升级。"
        )
        problems = Problem.objects.filter(closed_at=None).select_related("inspection__unit")
        self.rounds: list[str] = []
        if unit is not None:
            problems = problems.within(unit)
            rounds = problems.order_by("inspection__round").values_list(
                "inspection__round", flat=True
            )
            self.rounds = list(dict.fromkeys(rounds))
            # Chosen above the form (列出问题); the order carries them along.
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["round"].widget = forms.HiddenInput()
        self.fields["round"].choices = [("", "全部轮次"), *((r, r) for r in self.rounds)]
        if round:
            problems = problems.filter(inspection__round=round)
        if follows is not None:
            problems = problems.filter(orders=follows)  # the earlier order's, still open
        problems = problems.order_by("inspection__unit__name", "inspection_id", "position", "id")
        self.fields["problems"].queryset = problems
        self.fields["problems"].error_messages["invalid_choice"] = (
            "所选问题不属于被督办单位或所选轮次（或已销号），请重新列出问题后勾选。"
        )
        # Offered once a unit is chosen, grouped by inspection and category.
        self.fields["problems"].choices = problem_groups(list(problems)) if unit else []

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError("办理时限不能早于今天。")
        return due

    def clean(self):
        data = super().clean()
        unit, follows, level = data.get("unit"), data.get("follows"), data.get("level")
        if follows and level and self.Meta.model.Level.values.index(level) < follows.rank:
            self.add_error(
                "level",
                f"督办级别不能倒退：前一督办单{follows}为“{follows.get_level_display()}”。",
            )
        for problem in data.get("problems") or ():
            if unit and not within(problem.inspection.unit, unit):
                self.add_error("problems", f"问题“{cut(problem.title, 20)}”不属于被督办单位。")
                break
        return data


class RuleForm(CleanModelForm):
    class Meta:
        model = IndicatorRule
        fields = ["position", "name", "verb", "unit", "keywords"]


RuleFormSet = modelformset_factory(IndicatorRule, form=RuleForm, extra=2, can_delete=True)


class DocumentForm(CleanForm):
    """A draft of the cycle's documents: its text, one paragraph a line, and its 文号."""

    doc_number = forms.CharField(
        label="文号", max_length=50, required=False, help_text="如“临建党〔2026〕5号”；可不填"
    )
    text = forms.CharField(
        label="正文",
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 30, "class": "notice-text"}),
        help_text="每段一行；以“|”开头的行是表格的一行，各栏以“|”分隔。定稿后不可更改。",
    )


class ReportFilingForm(CleanForm):
    """报送: the date, and the frozen report or the file that was sent."""

    filed_on = forms.DateField(label="报送日期", widget=DATE)
    document = forms.ModelChoiceField(
        label="已定稿的整改情况报告", queryset=None, required=False, empty_label="（上传文件）"
    )
    file = forms.FileField(label="或上传报送的报告文件", required=False)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents


class ReportCorrectionForm(ReportFilingForm):
    """更正 of a filing: the right date, the right report when the file was wrong, and why."""

    reason = forms.CharField(
        label="更正原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].label = "正确的报送日期"
        self.fields["document"].empty_label = "（不换报告，或上传文件）"
        self.fields["file"].label = "或上传正确的报告文件"
        self.fields["file"].help_text = "只更正日期时，不选报告也不上传文件；原报告文件保留。"
