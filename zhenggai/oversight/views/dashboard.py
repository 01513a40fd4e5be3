"""The dashboard page: numbers from oversight.dashboard, charts as inline SVG."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts.access import LEAD, units_for
from zhenggai.ledger import rules
from zhenggai.ledger.models import Inspection

from .. import charts
from ..access import get_scope_for_user
from ..dashboard import Filters, build
from ..forms import FilterForm
from ..models import Recurrence

LEAGUE_CHART_ROWS = 15


def _filters(request):
    rounds = (
        Inspection.objects.for_user(request.user, LEAD)
        .order_by("round")
        .values_list("round", flat=True)
        .distinct()
    )
    units = units_for(request.user, LEAD)
    form = FilterForm(request.GET or None, rounds=list(rounds), units=units)
    if not form.is_valid():
        return form, Filters()
    data = form.cleaned_data
    return form, Filters(round=data["round"], kind=data["kind"], unit=data["unit"])


def _charts(board):
    t = board.total
    return {
        "lights": charts.stacked_bar(
            [
                ("已完成", t.done, "green"),
                ("按期推进", t.yellow, "yellow"),
                ("超期", t.red, "red"),
                ("长期坚持", t.blue, "blue"),
            ]
        ),
        "statuses": charts.stacked_bar(
            [
                ("已完成", t.done, "green"),
                ("推进中", t.in_progress, "yellow"),
                ("未开始", t.planned, "grey"),
                ("长期坚持", t.ongoing, "blue"),
            ]
        ),
        "problems": charts.stacked_bar(
            [
                ("已销号", t.closed, "green"),
                ("已整改待销号", t.rectified - t.closed, "yellow"),
                ("未整改", t.unrectified, "grey"),
            ]
        ),
        "gauge": charts.gauge(t.problem_rate, label="问题整改完成率"),
        "league": charts.rate_bars(
            [
                (unit.name, tally.problem_rate, tally.red)
                for unit, tally in board.units[:LEAGUE_CHART_ROWS]
            ]
        ),
    }


def _recurrences(request, filters) -> int:
    """屡查屡犯 the office has found (and not withdrawn), in the round chosen."""
    found = Recurrence.objects.for_user(request.user).standing()
    if filters.round:
        found = found.filter(problem__inspection__round=filters.round)
    return found.count()


@login_required
def dashboard(request):
    scope = get_scope_for_user(request)
    form, filters = _filters(request)
    today = timezone.localdate()
    board = build(scope, filters, today, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "oversight/dashboard.html",
        {
            "form": form,
            "board": board,
            "t": board.total,
            "clocks": board.clock_page,
            "charts": _charts(board),
            "today": today,
            "soon_days": rules.SOON_DAYS,
            "office": scope.office,
            "query": query.urlencode(),
            "recurrences": _recurrences(request, filters) if scope.office else None,
            # Reversed once, not on each of the league's rows.
            "urls": {
                "measures": reverse("oversight:measure-list"),
                "signoffs": reverse("oversight:signoff-queue"),
                "order_add": reverse("oversight:order-add"),
            },
        },
    )
