"""屡查屡犯 pages: an inspection's problems beside the earlier ones, the office's findings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, access_for, require
from zhenggai.ledger.access import get_inspection_for_user
from zhenggai.ledger.models import Inspection, Problem
from zhenggai.notices.similar import THRESHOLD
from zhenggai.views import query_id

from .. import recurrence
from ..models import Recurrence
from ..services import OversightError


@login_required
def recurrence_review(request, pk):
    """Each problem with the most similar problems of the linked earlier inspections."""
    inspection, _ = get_inspection_for_user(request, pk)
    earlier = inspection.earlier_links.select_related("earlier")
    return render(
        request,
        "oversight/recurrence_review.html",
        {
            "inspection": inspection,
            "earlier": [link.earlier for link in earlier],
            "rows": recurrence.compare(inspection),
            "office": access_for(request.user).anywhere(OFFICE),
            "threshold": THRESHOLD,
        },
    )


@login_required
@require_POST
def recurrence_confirm(request, pk):
    require(request, OFFICE)
    inspection, _ = get_inspection_for_user(request, pk)
    problem = inspection.problems.filter(pk=query_id(request.POST, "problem")).first()
    earlier = (
        Problem.objects.for_user(request.user)
        .filter(
            pk=query_id(request.POST, "earlier"),
            inspection__later_links__inspection=inspection,
        )
        .select_related("inspection")
        .first()
    )
    if problem is None or earlier is None:
        messages.error(request, "请选择本次巡察的问题和关联的此前巡察中的问题。")
    else:
        try:
            recurrence.confirm_recurrence(problem, earlier, actor=request.user)
            messages.success(request, f"已认定“{problem.title[:30]}”为屡查屡犯。")
        except OversightError as exc:
            messages.error(request, str(exc))
    return redirect("oversight:recurrence-review", inspection.pk)


@login_required
def recurrence_list(request):
    """The office's findings (standing, or all with ?all=1) and the 回头看 inspections."""
    require(request, OFFICE)
    show_all = request.GET.get("all") == "1"
    findings = Recurrence.objects.for_user(request.user).select_related(
        "problem__inspection__unit", "earlier__inspection", "confirmed_by", "withdrawn_by"
    )
    if not show_all:
        findings = findings.standing()
    linked = (
        Inspection.objects.for_user(request.user)
        .filter(earlier_links__isnull=False)
        .select_related("unit")
        .distinct()
        .order_by("-feedback_date", "-id")
    )
    return render(
        request,
        "oversight/recurrence_list.html",
        {"findings": findings[:500], "linked": linked[:200], "show_all": show_all},
    )


@login_required
@require_POST
def recurrence_withdraw(request, pk):
    require(request, OFFICE)
    finding = get_object_or_404(Recurrence.objects.for_user(request.user), pk=pk)
    try:
        recurrence.withdraw_recurrence(
            finding, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, "已撤销屡查屡犯认定。")
    except OversightError as exc:
        messages.error(request, str(exc))
    return redirect("oversight:recurrence-list")
