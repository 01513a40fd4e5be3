"""回头看 pages: an inspection's links to the unit's earlier inspections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import lookback
from .access import get_inspection_for_user
from .models import InspectionLink
from .services import LedgerError


@login_required
def inspection_earlier(request, pk):
    """The earlier inspections linked to this one; the editor or the office links more."""
    inspection, _ = get_inspection_for_user(request, pk)
    can_link = lookback.may_link(request.user, inspection)
    if request.method == "POST" and not can_link:
        raise PermissionDenied
    form = lookback.LinkForm(request.POST or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            lookback.link_earlier(inspection, form.cleaned_data["earlier"], actor=request.user)
        except LedgerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已关联“{form.cleaned_data['earlier'].round}”。")
            return redirect("ledger:inspection-earlier", inspection.pk)
    links = (
        InspectionLink.objects.for_user(request.user)
        .filter(inspection=inspection)
        .select_related("earlier", "linked_by")
    )
    return render(
        request,
        "ledger/inspection_earlier.html",
        {"inspection": inspection, "links": links, "form": form, "can_link": can_link},
    )


@login_required
@require_POST
def earlier_remove(request, pk):
    link = get_object_or_404(InspectionLink.objects.for_user(request.user), pk=pk)
    if not lookback.may_link(request.user, link.inspection):
        raise PermissionDenied
    lookback.unlink_earlier(link, actor=request.user)
    messages.success(request, "已取消关联。")
    return redirect("ledger:inspection-earlier", link.inspection_id)
