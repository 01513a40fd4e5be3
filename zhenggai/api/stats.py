"""Statistics and the caller's own identity."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from ninja import Query

from zhenggai.accounts.access import LEAD, OFFICE, access_for
from zhenggai.ledger.models import IndicatorRule, Inspection, Measure, Problem
from zhenggai.oversight.statistics import indicator_totals

from . import schemas as s
from .common import Filters, light_filters, narrow, router, today
from .errors import Error

TAGS = ["统计"]
LIST_ERRORS = {400: Error, 401: Error, 403: Error}
LIGHT_LABELS = {"green": "已完成", "yellow": "按期推进", "red": "超期", "blue": "长期坚持"}


@router.get(
    "/statistics", tags=TAGS, response={200: s.StatisticsOut, 400: Error, 401: Error, 403: Error}
)
def statistics(request, f: Query[Filters]):
    """统计（单位领导与巡察办）：问题与措施数、措施按状态和四色预警、成效指标合计。
    可按单位、轮次和反馈日期筛选；分页参数不适用。"""
    if not access_for(request.user).anywhere(LEAD):
        raise PermissionDenied
    inspections = narrow(
        Inspection.objects.for_user(request.user, LEAD), f, inspection="", date="feedback_date"
    )
    problems = Problem.objects.filter(inspection__in=inspections).counted()
    closed = Q(closed_at__isnull=False) | Q(parent__closed_at__isnull=False)
    problem_counts = problems.aggregate(total=Count("id"), closed=Count("id", filter=closed))
    measures = Measure.objects.filter(problem__inspection__in=inspections)
    lights = light_filters(today())
    by_light = measures.aggregate(**{c: Count("id", filter=q) for c, q in lights.items()})
    by_status = dict(measures.values_list("status").annotate(n=Count("id")).order_by())
    rules = list(IndicatorRule.objects.all())
    return {
        "inspections": inspections.count(),
        "problems": problem_counts["total"],
        "problems_closed": problem_counts["closed"],
        "measures": sum(by_status.values()),
        "measures_by_status": [
            {"key": key, "label": label, "count": by_status.get(key, 0)}
            for key, label in Measure.Status.choices
        ],
        "measures_by_light": [
            {"key": key, "label": LIGHT_LABELS[key], "count": by_light[key]} for key in LIGHT_LABELS
        ],
        "indicators": [
            {"name": t.rule.name, "unit": t.rule.unit, "value": t.value, "approx": t.approx}
            for t in indicator_totals(inspections, rules)
        ],
    }


@router.get("/me", tags=TAGS, response={200: s.MeOut, 401: Error})
def me(request):
    """当前用户：身份、各单位角色，以及所用令牌（如用令牌访问）。"""
    user, access = request.user, access_for(request.user)
    token = getattr(request, "api_token", None)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name(),
        "office": access.anywhere(OFFICE),
        "roles": [
            {"unit_path": path, "role": role, "covers_subunits": subs}
            for path, role, subs in access.grants
        ],
        "token": token and {"name": token.name, "read_only": token.read_only},
    }
