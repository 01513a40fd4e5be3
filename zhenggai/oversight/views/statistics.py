"""Statistics for the office: indicator totals, the round's statement, the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, require
from zhenggai.ledger import services as ledger
from zhenggai.ledger.models import Figure, IndicatorRule, Inspection
from zhenggai.notices.docx import official_docx

from ..documents import issuer_of
from ..forms import RoundForm, RuleFormSet
from ..statistics import as_text, indicator_totals, round_summary, statement
from .orders import DOCX, attachment


def _round(request):
    """The chosen round (default: the latest) and the form choosing it."""
    inspections = Inspection.objects.for_user(request.user, OFFICE)
    rounds = list(inspections.order_by("round").values_list("round", flat=True).distinct())
    form = RoundForm(request.GET or None, rounds=rounds)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["round"]
    latest = inspections.order_by("-feedback_date", "-id").values_list("round", flat=True).first()
    return RoundForm(initial={"round": latest}, rounds=rounds), latest


def _statement(request, round_name):
    inspections = Inspection.objects.for_user(request.user, OFFICE).filter(round=round_name)
    rules = list(IndicatorRule.objects.all())
    today = timezone.localdate()
    summary = round_summary(round_name, inspections, today)
    totals = indicator_totals(inspections, rules)
    paras = statement(summary, totals, today=today, issuer=issuer_of(request.user))
    return summary, totals, paras


@login_required
def statistics(request):
    require(request, OFFICE)
    form, round_name = _round(request)
    context = {
        "form": form,
        "round": round_name,
        "unmapped": Figure.objects.for_user(request.user, OFFICE).filter(indicator="").count(),
    }
    if round_name:
        summary, totals, paras = _statement(request, round_name)
        context.update(summary=summary, totals=totals, paragraphs=paras)
    return render(request, "oversight/statistics.html", context)


def _statement_download(request, kind):
    require(request, OFFICE)
    form, round_name = _round(request)
    if not round_name:
        messages.error(request, "尚无巡察轮次，无法生成汇总。")
        return redirect("oversight:statistics")
    _summary, _totals, paras = _statement(request, round_name)
    name = f"{round_name}整改情况汇总"
    if kind == "docx":
        return attachment(official_docx(paras), f"{name}.docx", DOCX)
    return attachment(as_text(paras).encode(), f"{name}.txt", "text/plain; charset=utf-8")


@login_required
def statement_text(request):
    return _statement_download(request, "txt")


@login_required
def statement_docx(request):
    return _statement_download(request, "docx")


@login_required
def indicator_list(request):
    require(request, OFFICE)
    formset = RuleFormSet(request.POST or None, queryset=IndicatorRule.objects.all())
    if request.method == "POST" and formset.is_valid():
        changed = ledger.save_indicator_rules(formset, actor=request.user)
        messages.success(request, f"已保存统计指标，重新归集成效数据 {changed} 条。")
        return redirect("oversight:indicator-list")
    return render(request, "oversight/indicators.html", {"formset": formset})


@login_required
@require_POST
def indicator_apply(request):
    require(request, OFFICE)
    changed = ledger.apply_indicator_rules(actor=request.user)
    messages.success(request, f"已按统计指标重新归集成效数据，变动 {changed} 条。")
    return redirect("oversight:statistics")
