"""Sign-off pages: an inspection's problems with their state, applying, reviewing."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import EDIT, access_for
from zhenggai.ledger import rules
from zhenggai.ledger.access import get_inspection_for_user, get_problem_for_user
from zhenggai.ledger.models import Completion, Measure, Progress

from .. import quality, services
from ..access import get_signoff_for_user
from ..forms import CorrectionForm, ReasonForm, SignOffForm
from ..models import SignOff


def _problem_rows(inspection, user):
    """Problems in ledger order with measure counts (a category's include its
    specific problems') and their latest sign-off, in three queries."""
    problems = list(inspection.problems.order_by("position", "id"))
    counts = {
        row["problem_id"]: row
        for row in Measure.objects.visible_to(user)
        .filter(problem__inspection=inspection)
        .values("problem_id")
        .annotate(total=Count("id"), unfinished=Count("id", filter=~rules.q(rules.settled())))
        .order_by()
    }
    latest = {}
    signoffs = SignOff.objects.visible_to(user).filter(problem__inspection=inspection)
    for signoff in signoffs.order_by("id"):
        latest[signoff.problem_id] = signoff
    children = defaultdict(list)
    for p in problems:
        if p.parent_id:
            children[p.parent_id].append(p)
    rows = []
    for p in (p for p in problems if not p.parent_id):
        for item in [p, *children[p.pk]]:
            own = [counts.get(item.pk, {})] + (
                [counts.get(c.pk, {}) for c in children[p.pk]] if item is p else []
            )
            item.total = sum(c.get("total", 0) for c in own)
            item.unfinished = sum(c.get("unfinished", 0) for c in own)
            item.closed = bool(item.closed_at or (item.parent_id and p.closed_at))
            item.signoff = latest.get(item.pk)
            item.level = 2 if item.parent_id else 1
            rows.append(item)
    return rows


@login_required
def signoff_list(request, pk):
    inspection, can_edit = get_inspection_for_user(request, pk)
    return render(
        request,
        "oversight/signoff_list.html",
        {
            "inspection": inspection,
            "rows": _problem_rows(inspection, request.user),
            "can_edit": can_edit,
        },
    )


@login_required
def signoff_apply(request, pk):
    problem, _ = get_problem_for_user(request, pk, edit=True)
    measures = services.measures_under(problem).order_by("problem__position", "position", "id")
    form = SignOffForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_signoff(problem, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, "已提交销号申请，待巡察办审核。")
            return redirect("oversight:signoff-list", problem.inspection_id)
        except services.OversightError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "oversight/signoff_apply.html",
        {
            "problem": problem,
            "inspection": problem.inspection,
            "form": form,
            "measures": measures,
            "evidence": services.evidence_list(measures),
        },
    )


@login_required
def signoff_detail(request, pk):
    signoff, can_review = get_signoff_for_user(request, pk)
    # What the office checks before 销号: each measure, its state, who confirmed it, and
    # the evidence still standing (withdrawn reports left out).
    measures = (
        services.measures_under(signoff.problem)
        .visible_to(request.user)
        .order_by("problem__position", "position", "id")
        .prefetch_related(
            Prefetch(
                "progress",
                queryset=Progress.objects.visible_to(request.user)
                .current()
                .prefetch_related("evidence"),
            ),
            Prefetch(
                "completions",
                queryset=Completion.objects.visible_to(request.user)
                .filter(status=Completion.Status.CONFIRMED)
                .select_related("reviewer"),
            ),
        )
    )
    results = quality.by_check(quality.for_problem(signoff.problem, request.user))
    return render(
        request,
        "oversight/signoff_detail.html",
        {
            "signoff": signoff,
            "measures": measures,
            "inspection": signoff.problem.inspection,
            "can_review": can_review,
            "can_ask_correction": may_edit(request.user, signoff.problem.inspection.unit),
            "reason_form": ReasonForm(),
            "correction_form": CorrectionForm(),
            "corrections": signoff.corrections.all(),
            # 形式整改 checks on the measures under the problem; the office may dismiss.
            "results": results,
            "flagged": sum(len(r.flags) for r in results),
            "can_dismiss": can_review,
        },
    )


def may_edit(user, unit) -> bool:
    return access_for(user).may(EDIT, unit)


def _review(request, pk, act, form_class=None):
    signoff, can_review = get_signoff_for_user(request, pk)
    if not can_review:
        raise PermissionDenied
    data = {}
    if form_class:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "请写明" + next(iter(form.fields.values())).label + "。")
            return redirect("oversight:signoff-detail", signoff.pk)
        data = form.cleaned_data
    try:
        act(signoff, actor=request.user, **data)
        messages.success(request, "已处理。")
    except services.OversightError as exc:
        messages.error(request, str(exc))
    return redirect("oversight:signoff-detail", signoff.pk)


@login_required
@require_POST
def signoff_approve(request, pk):
    return _review(request, pk, services.approve_review)


@login_required
@require_POST
def signoff_return(request, pk):
    return _review(request, pk, services.return_review, ReasonForm)


@login_required
@require_POST
def signoff_correct(request, pk):
    """The office registers a correction; the unit's editor asks the office for one."""
    signoff, can_review = get_signoff_for_user(request, pk)
    if can_review:
        return _review(request, pk, services.correct_signoff, CorrectionForm)
    form = CorrectionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.request_correction(signoff, actor=request.user, note=note)
        messages.success(request, "已提交更正申请，待巡察办审核。")
    except services.OversightError as exc:
        messages.error(request, str(exc))
    return redirect("oversight:signoff-detail", signoff.pk)
