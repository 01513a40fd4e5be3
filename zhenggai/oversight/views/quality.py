"""整改质量: the paper-rectification checks of a round, and dismissing a flag."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, require
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.views import query_id

from .. import quality as q


def _rounds(user) -> tuple[list[str], str | None]:
    inspections = Inspection.objects.for_user(user, OFFICE)
    rounds = list(inspections.order_by("round").values_list("round", flat=True).distinct())
    latest = inspections.order_by("-feedback_date", "-id").values_list("round", flat=True).first()
    return rounds, latest


@login_required
def quality(request):
    require(request, OFFICE)
    rounds, latest = _rounds(request.user)
    chosen = request.GET.get("round", "")
    round_name = chosen if chosen in rounds else latest
    results = q.by_check(q.flags(q.scope(request.user, round_name))) if round_name else []
    return render(
        request,
        "oversight/quality.html",
        {
            "rounds": rounds,
            "round": round_name,
            "results": results,
            "flagged": sum(len(r.flags) for r in results),
        },
    )


@login_required
@require_POST
def flag_dismiss(request):
    """The office dismisses one check's flag on one measure, with a reason."""
    require(request, OFFICE)
    measure_id = query_id(request.POST, "measure")
    measure = (
        Measure.objects.for_user(request.user, OFFICE)
        .select_related("problem__inspection")
        .filter(pk=measure_id)
        .first()
    )
    if measure is None:
        raise Http404
    try:
        q.dismiss_flag(
            measure,
            actor=request.user,
            signal=request.POST.get("signal", ""),
            reason=request.POST.get("reason", ""),
        )
    except q.QualityError as error:
        messages.error(request, f"{measure.text[:30]}：{error}")
    else:
        messages.success(request, "已排除该提示，理由已留存。")
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, None):
        return redirect(back)
    query = urlencode({"round": measure.problem.inspection.round})
    return redirect(f"{reverse('oversight:quality')}?{query}")
