"""The audit log in the app: for the audit administrator and the office, read only."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from zhenggai.accounts.access import AUDIT, require
from zhenggai.audit.models import Event
from zhenggai.ledger.integrity import verify_all

from .. import audit_log
from ..audit_log import AuditFilterForm

PER_PAGE = 50


def _filtered(request):
    """(form, events) for the query string; no events while a filter is invalid."""
    form = AuditFilterForm(request.GET or None, user=request.user)
    if not request.GET:
        return form, audit_log.filtered({})
    if not form.is_valid():
        return form, Event.objects.none()
    return form, audit_log.filtered(form.cleaned_data)


@login_required
def audit_list(request):
    require(request, AUDIT)
    form, events = _filtered(request)
    page = Paginator(events.select_related("actor"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = audit_log.unit_names(page.object_list)
    rows = [
        (e, audit_log.act_label(e.act), audit_log.object_label(e.object_type), names.get(e.unit_id))
        for e in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "oversight/audit_list.html", context)


@login_required
def audit_event(request, pk):
    require(request, AUDIT)
    event = get_object_or_404(Event.objects.select_related("actor"), pk=pk)
    context = {
        "event": event,
        "actor": audit_log.actor_name(event.actor),
        "act": audit_log.act_label(event.act),
        "object": audit_log.object_label(event.object_type),
        "unit": audit_log.unit_names([event]).get(event.unit_id),
        "data": audit_log.data_text(event),
    }
    return render(request, "oversight/audit_event.html", context)


@login_required
def audit_export(request):
    require(request, AUDIT)
    form, events = _filtered(request)
    if form.errors:
        return audit_list(request)  # the list page names what is wrong
    now = timezone.localtime()
    title = f"审计日志（导出于 {now:%Y-%m-%d %H:%M}）"
    out = audit_log.write_xlsx(events, title)
    return FileResponse(out, as_attachment=True, filename=f"审计日志-{now:%Y%m%d-%H%M}.xlsx")


@login_required
def audit_verify(request):
    """The same check as `zhenggai audit verify`, run when asked (it reads every file)."""
    require(request, AUDIT)
    result = verify_all() if request.GET.get("run") else None
    return render(request, "oversight/audit_verify.html", {"result": result})
