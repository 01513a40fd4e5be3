"""成效评估: the office's score sheets, scoring a unit, the result sheet and its files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, require
from zhenggai.ledger.counts import held, tally
from zhenggai.ledger.models import Inspection
from zhenggai.views import attachment, query_id

from .. import evaluation as ev
from .. import quality
from ..documents import issuer_of
from ..evaluation_files import to_docx, to_xlsx
from ..models import Evaluation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_evaluation_for_user(request, pk) -> tuple[Evaluation, bool]:
    """The office's evaluation and whether the user may change it (the office: always)."""
    require(request, OFFICE)
    return get_object_or_404(Evaluation, pk=pk), True


def _rounds(user) -> list[str]:
    inspections = Inspection.objects.for_user(user, OFFICE)
    return list(inspections.order_by("round").values_list("round", flat=True).distinct())


@login_required
def evaluation_list(request):
    require(request, OFFICE)
    taken = set(Evaluation.objects.values_list("round", flat=True))
    rounds = [r for r in _rounds(request.user) if r not in taken]
    form = ev.EvaluationForm(request.POST or None, rounds=rounds)
    if request.method == "POST" and form.is_valid():
        try:
            made = ev.create_evaluation(actor=request.user, **form.cleaned_data)
        except ev.EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已建立“{made.title}”，可调整指标、权重和等次分数线。")
            return redirect("oversight:evaluation-detail", made.pk)
    evaluations = Evaluation.objects.order_by("-created_at", "-id")
    return render(
        request,
        "oversight/evaluation_list.html",
        {"evaluations": evaluations, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def evaluation_detail(request, pk):
    evaluation, can_edit = get_evaluation_for_user(request, pk)
    return _detail(request, evaluation, can_edit)


def _detail(request, evaluation, can_edit, indicator_form=None, threshold_form=None, status=200):
    sheet = ev.results(evaluation, request.user)
    initial = {"good": evaluation.good, "fair": evaluation.fair, "average": evaluation.average}
    return render(
        request,
        "oversight/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "sheet": sheet,
            "can_edit": can_edit,
            "indicator_form": indicator_form or ev.IndicatorForm(),
            "threshold_form": threshold_form or ev.ThresholdForm(initial=initial),
        },
        status=status,
    )


@login_required
@require_POST
def indicator_add(request, pk):
    evaluation, can_edit = get_evaluation_for_user(request, pk)
    form = ev.IndicatorForm(request.POST)
    if form.is_valid():
        try:
            ev.add_indicator(evaluation, actor=request.user, **form.cleaned_data)
        except ev.EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已增加指标“{form.cleaned_data['name']}”。")
            return redirect("oversight:evaluation-detail", evaluation.pk)
    return _detail(request, evaluation, can_edit, indicator_form=form, status=400)


@login_required
@require_POST
def thresholds(request, pk):
    evaluation, can_edit = get_evaluation_for_user(request, pk)
    form = ev.ThresholdForm(request.POST)
    if form.is_valid():
        try:
            ev.set_thresholds(evaluation, actor=request.user, **form.cleaned_data)
        except ev.EvaluationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已保存等次分数线。")
            return redirect("oversight:evaluation-detail", evaluation.pk)
    return _detail(request, evaluation, can_edit, threshold_form=form, status=400)


@login_required
def score(request, pk):
    """One scorer's scores of one unit (?unit=): each scored indicator, 0–100, a reason."""
    evaluation, _can_edit = get_evaluation_for_user(request, pk)
    params = request.POST if request.method == "POST" else request.GET
    unit_id = query_id(params, "unit")
    units = {u.pk: u for u in ev.units_of(evaluation, request.user)}
    unit = units.get(unit_id)
    if unit is None:
        raise Http404
    indicators = list(evaluation.indicators.filter(source=ev.Source.SCORED))
    mine = ev.EvaluationScore.objects.filter(
        indicator__evaluation=evaluation, unit=unit, scorer=request.user
    )
    initial = {f"score_{s.indicator_id}": s.value for s in mine}
    initial.update({f"note_{s.indicator_id}": s.note for s in mine})
    form = ev.score_form(indicators, request.POST or None, initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            scores = {i.pk: (data[f"score_{i.pk}"], data[f"note_{i.pk}"]) for i in indicators}
            try:
                ev.score_unit(evaluation, unit, actor=request.user, scores=scores)
            except ev.EvaluationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已保存对{unit.name}的评分。")
                return redirect("oversight:evaluation-detail", evaluation.pk)
        status = 400
    context = {
        "evaluation": evaluation,
        "unit": unit,
        "form": form,
        **_facts(evaluation, unit, request.user),
    }
    return render(request, "oversight/evaluation_score.html", context, status=status)


def _facts(evaluation, unit, user) -> dict:
    """What the ledger says of the unit in the round, for the scorer to weigh."""
    inspections = Inspection.objects.for_user(user, OFFICE).filter(
        round=evaluation.round, unit=unit
    )
    measures = quality.scope(user, evaluation.round).filter(problem__inspection__unit=unit)
    found = quality.flags(measures)
    return {
        "tally": tally(inspections, timezone.localdate()),
        "held": held(inspections),
        "flags": [r for r in quality.by_check(found) if r.flags],
    }


@login_required
def result_xlsx(request, pk):
    evaluation, _can_edit = get_evaluation_for_user(request, pk)
    data = to_xlsx(ev.results(evaluation, request.user))
    return attachment(data, f"{evaluation.title}.xlsx", XLSX)


@login_required
def result_docx(request, pk):
    evaluation, _can_edit = get_evaluation_for_user(request, pk)
    data = to_docx(ev.results(evaluation, request.user), issuer_of(request.user))
    return attachment(data, f"{evaluation.title}.docx", DOCX)
