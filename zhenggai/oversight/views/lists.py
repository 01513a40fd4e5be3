"""The dashboard's numbers as lists: every tile and light count links to the rows it counts."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from zhenggai.accounts.access import LEAD
from zhenggai.ledger import rules
from zhenggai.ledger.models import Measure

from ..access import get_scope_for_user
from ..models import SignOff
from .dashboard import _filters

PER_PAGE = 50
# light -> (title, the rows): the dashboard's four lights and 10 days ahead.
LIGHTS = {
    "": "全部整改措施",
    "red": "超期的整改措施",
    "soon": f"{rules.SOON_DAYS}日内到期的整改措施",
    "yellow": "按期推进的整改措施",
    "green": "已完成的整改措施",
    "blue": "长期坚持的整改措施",
}
SIGNOFF_STATES = {
    SignOff.Status.APPLIED: "待审核的销号申请",
    SignOff.Status.RETURNED: "被退回的销号申请",
    SignOff.Status.APPROVED: "已销号的问题",
}


def lit(measures, light: str, today):
    """The measures showing `light` (四色预警, first match wins as `rules.light` says)."""
    lights = rules.lights(today)
    if light == "soon":
        return measures.due_soon(today)
    if light in lights:
        order = list(lights)
        shown = measures.filter(rules.q(lights[light]))
        for earlier in order[: order.index(light)]:
            shown = shown.exclude(rules.q(lights[earlier]))
        return shown
    for rule in lights.values():  # yellow: none of the others
        measures = measures.exclude(rules.q(rule))
    return measures


def _page(request, rows):
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _tabs(request, key: str, choices: dict) -> list[tuple[str, str, bool]]:
    """(label, query, current) for each choice of `key`, the other filters kept."""
    query = request.GET.copy()
    query.pop("page", None)
    current = request.GET.get(key, next(iter(choices)))
    tabs = []
    for value, label in choices.items():
        query[key] = value
        tabs.append((label, query.urlencode(), value == current))
    return tabs


@login_required
def measure_list(request):
    """Measures in the dashboard's scope and filters, by light; overdue with days."""
    scope = get_scope_for_user(request)
    light = request.GET.get("light", "")
    if light not in LIGHTS:
        raise Http404
    form, filters = _filters(request)
    today = timezone.localdate()
    measures = Measure.objects.for_user(request.user, LEAD).filter(
        filters.inspections(scope, "problem__inspection__")
    )
    if light:
        measures = lit(measures, light, today)
    rows = measures.select_related("problem__inspection__unit", "owner_user").order_by("due", "id")
    page, query = _page(request, rows)
    for m in page:
        m.days_late = m.overdue_days(today)
        m.days_left = (m.due - today).days if m.due and not m.days_late else None
    return render(
        request,
        "oversight/measures.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "title": LIGHTS[light],
            "tabs": _tabs(request, "light", LIGHTS),
            "keep": [("light", light)],
        },
    )


@login_required
def signoff_queue(request):
    """Sign-off applications in the dashboard's scope and filters, by state."""
    scope = get_scope_for_user(request)
    state = request.GET.get("status", SignOff.Status.APPLIED)
    if state not in SIGNOFF_STATES:
        raise Http404
    form, filters = _filters(request)
    rows = (
        SignOff.objects.for_user(request.user, LEAD)
        .filter(filters.inspections(scope, "problem__inspection__"), status=state)
        .select_related("problem__inspection__unit", "applicant", "reviewer")
        .order_by("applied_at", "id")
    )
    page, query = _page(request, rows)
    return render(
        request,
        "oversight/signoffs.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "title": SIGNOFF_STATES[state],
            "tabs": _tabs(request, "status", SIGNOFF_STATES),
            "keep": [("status", state)],
        },
    )
