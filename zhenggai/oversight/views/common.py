"""共性问题 pages: a round's suggested clusters, the confirmed ones, and their acts."""

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, require
from zhenggai.forms import CleanForm
from zhenggai.ledger.forms import DATE
from zhenggai.ledger.models import Inspection, Problem

from .. import common
from ..models import CommonProblem, SupervisionOrder
from ..services import OversightError


class CommonOrderForm(CleanForm):
    level = forms.ChoiceField(label="督办级别", choices=SupervisionOrder.Level.choices)
    due = forms.DateField(label="办理时限", widget=DATE)
    text = forms.CharField(label="督办事项", widget=forms.Textarea(attrs={"rows": 5}))

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise forms.ValidationError("办理时限不能早于今天。")
        return due


def _ids(request) -> list[int]:
    """The chosen problems' ids; anything but plain ASCII digits (², ٣) is no id."""
    return [int(v) for v in request.POST.getlist("problems") if re.fullmatch(r"[0-9]{1,18}", v)]


def _act(request, call, success: str) -> bool:
    try:
        call()
    except OversightError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@login_required
def common_list(request):
    """The round's confirmed common problems and the clusters suggested for it."""
    require(request, OFFICE)
    rounds = list(
        Inspection.objects.for_user(request.user)
        .order_by("round")
        .values_list("round", flat=True)
        .distinct()
    )
    round_name = request.GET.get("round", "")
    if round_name not in rounds:
        round_name = rounds[-1] if rounds else ""
    confirmed = (
        CommonProblem.objects.for_user(request.user)
        .filter(round=round_name)
        .distinct()
        .prefetch_related("problems__inspection__unit", "orders")
    )
    return render(
        request,
        "oversight/common_list.html",
        {
            "rounds": rounds,
            "round": round_name,
            "confirmed": confirmed,
            "suggestions": common.suggest(round_name) if round_name else [],
        },
    )


@login_required
@require_POST
def common_confirm(request):
    require(request, OFFICE)
    round_name = request.POST.get("round", "")
    problems = Problem.objects.for_user(request.user).filter(pk__in=_ids(request))
    problems = list(problems.select_related("inspection__unit"))
    if len(problems) < 2:
        messages.error(request, "请至少勾选两个问题。")
    else:
        _act(
            request,
            lambda: common.confirm_common(
                round_name, problems, actor=request.user, name=request.POST.get("name", "")
            ),
            "已确认共性问题。",
        )
    return redirect(f"{reverse('oversight:common-list')}?{urlencode({'round': round_name})}")


def _get(request, pk) -> CommonProblem:
    require(request, OFFICE)
    return get_object_or_404(CommonProblem.objects.for_user(request.user).distinct(), pk=pk)


@login_required
def common_detail(request, pk):
    found = _get(request, pk)
    problems = found.problems.select_related("inspection__unit").order_by(
        "inspection__unit__name", "pk"
    )
    return render(
        request,
        "oversight/common_detail.html",
        {
            "common": found,
            "problems": problems,
            "units": sorted({p.inspection.unit.name for p in problems}),
            "orders": found.orders.select_related("unit"),
            "form": CommonOrderForm(initial={"text": f"请针对共性问题“{found.name}”抓紧整改。"}),
        },
    )


@login_required
@require_POST
def common_rename(request, pk):
    found = _get(request, pk)
    name = request.POST.get("name", "")
    _act(request, lambda: common.rename_common(found, actor=request.user, name=name), "已重命名。")
    return redirect("oversight:common-detail", found.pk)


@login_required
@require_POST
def common_split(request, pk):
    found = _get(request, pk)
    moving = list(found.problems.filter(pk__in=_ids(request)))
    name = request.POST.get("name", "")
    _act(
        request,
        lambda: common.split_common(found, moving, actor=request.user, name=name),
        "已拆分：所选问题已移出。",
    )
    return redirect("oversight:common-detail", found.pk)


@login_required
@require_POST
def common_order(request, pk):
    found = _get(request, pk)
    form = CommonOrderForm(request.POST)
    if not form.is_valid():
        errors = "；".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"督办单未签发：{errors}")
        return redirect("oversight:common-detail", found.pk)
    data = form.cleaned_data
    _act(
        request,
        lambda: common.order_common(
            found, actor=request.user, level=data["level"], due=data["due"], text=data["text"]
        ),
        "已向该共性问题涉及的各单位签发督办单。",
    )
    return redirect("oversight:common-detail", found.pk)
