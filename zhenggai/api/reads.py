"""Read endpoints: every list through the querysets' `for_user`, every object through
its `get_<thing>_for_user`, as the pages do."""

from __future__ import annotations

from django.db.models import Q
from django.http import FileResponse
from ninja import Query

from zhenggai.disclosure.access import comments_visible_to, get_comment_for_user
from zhenggai.ledger.access import (
    get_evidence_for_user,
    get_inspection_for_user,
    get_measure_for_user,
    get_problem_for_user,
    get_progress_for_user,
)
from zhenggai.ledger.models import Inspection, Measure, Problem, Progress
from zhenggai.oversight.access import get_order_for_user, get_signoff_for_user, visible_orders
from zhenggai.oversight.models import SignOff

from . import schemas as s
from .common import Filters, light_filters, narrow, page, router, today
from .errors import Error, Refused

TAGS = ["查询"]
ERRORS = {401: Error, 403: Error, 404: Error}
LIST_ERRORS = {400: Error, 401: Error, 403: Error}


@router.get("/inspections", tags=TAGS, response={200: s.page_of(s.InspectionOut), **LIST_ERRORS})
def inspection_list(request, f: Query[Filters]):
    """巡察列表。日期：反馈日期。"""
    found = Inspection.objects.for_user(request.user).select_related("unit")
    return page(narrow(found, f, inspection="", date="feedback_date"), f)


@router.get("/inspections/{pk}", tags=TAGS, response={200: s.InspectionOut, **ERRORS})
def inspection_detail(request, pk: int):
    return get_inspection_for_user(request, pk)[0]


PROBLEM_STATUSES = {
    "open": Q(closed_at=None) & (Q(parent=None) | Q(parent__closed_at=None)),
    "closed": Q(closed_at__isnull=False) | Q(parent__closed_at__isnull=False),
}


@router.get("/problems", tags=TAGS, response={200: s.page_of(s.ProblemOut), **LIST_ERRORS})
def problem_list(request, f: Query[Filters], inspection: int | None = None):
    """问题列表。状态：open 未销号、closed 已销号；日期：销号时间。"""
    found = Problem.objects.for_user(request.user).select_related("parent")
    if inspection is not None:
        found = found.filter(inspection=inspection)
    found = found.order_by("inspection_id", "parent__position", "position", "id")
    return page(
        narrow(
            found, f, inspection="inspection", date="closed_at__date", statuses=PROBLEM_STATUSES
        ),
        f,
    )


@router.get("/problems/{pk}", tags=TAGS, response={200: s.ProblemOut, **ERRORS})
def problem_detail(request, pk: int):
    return get_problem_for_user(request, pk)[0]


def measure_statuses() -> dict[str, Q]:
    statuses = {value: Q(status=value) for value in Measure.Status.values}
    lights = {f"light:{colour}": q for colour, q in light_filters(today()).items()}
    return {**statuses, **lights}


@router.get("/measures", tags=TAGS, response={200: s.page_of(s.MeasureOut), **LIST_ERRORS})
def measure_list(
    request, f: Query[Filters], inspection: int | None = None, problem: int | None = None
):
    """整改措施列表。状态：planned 未开始、in_progress 推进中、done 已完成、ongoing 长期坚持，
    或四色预警 light:green、light:yellow、light:red（超期）、light:blue；日期：完成时限。"""
    found = Measure.objects.for_user(request.user).select_related("problem")
    if inspection is not None:
        found = found.filter(problem__inspection=inspection)
    if problem is not None:
        found = found.filter(problem=problem)
    found = found.order_by("problem__inspection_id", "problem_id", "position", "id")
    where = "problem__inspection"
    return page(narrow(found, f, inspection=where, date="due", statuses=measure_statuses()), f)


@router.get("/measures/{pk}", tags=TAGS, response={200: s.MeasureOut, **ERRORS})
def measure_detail(request, pk: int):
    return get_measure_for_user(request, pk)[0]


PROGRESS_STATUSES = {"current": Q(withdrawn_at=None), "withdrawn": Q(withdrawn_at__isnull=False)}


@router.get("/progress", tags=TAGS, response={200: s.page_of(s.ProgressOut), **LIST_ERRORS})
def progress_list(request, f: Query[Filters], measure: int | None = None):
    """整改进展列表（含成效数据与佐证材料）。
    状态：current 有效、withdrawn 已撤回；日期：进展日期。"""
    found = (
        Progress.objects.for_user(request.user)
        .select_related("author")
        .prefetch_related("figures", "evidence")
        .order_by("-reported_on", "-id")
    )
    if measure is not None:
        found = found.filter(measure=measure)
    where = "measure__problem__inspection"
    return page(
        narrow(found, f, inspection=where, date="reported_on", statuses=PROGRESS_STATUSES), f
    )


@router.get("/progress/{pk}", tags=TAGS, response={200: s.ProgressOut, **ERRORS})
def progress_detail(request, pk: int):
    return get_progress_for_user(request, pk)[0]


@router.get("/evidence/{pk}/file", tags=TAGS, response={200: bytes, **ERRORS})
def evidence_file(request, pk: int):
    """佐证材料文件（下载）。"""
    evidence = get_evidence_for_user(request, pk)
    if not evidence.file:
        raise Refused(404, "not_found", "该佐证材料没有电子文件（仅有材料说明）。")
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.name or "evidence"
    )
    response["Content-Type"] = evidence.content_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


SIGNOFF_STATUSES = {value: Q(status=value) for value in SignOff.Status.values}


@router.get("/signoffs", tags=TAGS, response={200: s.page_of(s.SignOffOut), **LIST_ERRORS})
def signoff_list(request, f: Query[Filters], problem: int | None = None):
    """对账销号列表。状态：applied 待审核、approved 已销号、returned 已退回、correction 更正记录、
    corr_asked 更正申请；日期：申请时间。"""
    found = SignOff.objects.for_user(request.user).select_related(
        "problem", "applicant", "reviewer"
    )
    if problem is not None:
        found = found.filter(problem=problem)
    where = "problem__inspection"
    return page(
        narrow(found, f, inspection=where, date="applied_at__date", statuses=SIGNOFF_STATUSES), f
    )


@router.get("/signoffs/{pk}", tags=TAGS, response={200: s.SignOffOut, **ERRORS})
def signoff_detail(request, pk: int):
    return get_signoff_for_user(request, pk)[0]


def order_statuses() -> dict[str, Q]:
    return {
        "open": Q(replied_at=None),
        "replied": Q(replied_at__isnull=False),
        "overdue": Q(replied_at=None, due__lt=today()),
    }


@router.get("/orders", tags=TAGS, response={200: s.page_of(s.OrderOut), **LIST_ERRORS})
def order_list(request, f: Query[Filters]):
    """督办单列表。状态：open 未回复、replied 已回复、overdue 超期未复；日期：签发时间。
    轮次筛选督办问题所属的巡察轮次。"""
    found = visible_orders(request.user).select_related("unit").prefetch_related("problems")
    found = found.order_by("-issued_at", "-id")
    if f.round:
        found = found.filter(problems__inspection__round=f.round).distinct()
        f = f.model_copy(update={"round": None})
    return page(
        narrow(found, f, inspection="", date="issued_at__date", statuses=order_statuses()), f
    )


@router.get("/orders/{pk}", tags=TAGS, response={200: s.OrderOut, **ERRORS})
def order_detail(request, pk: int):
    return get_order_for_user(request, pk)[0]


COMMENT_STATUSES = {"open": Q(handled=False), "handled": Q(handled=True)}


@router.get("/comments", tags=TAGS, response={200: s.page_of(s.CommentOut), **LIST_ERRORS})
def comment_list(request, f: Query[Filters], notice: int | None = None):
    """群众意见列表（本单位编辑、领导和巡察办可查）。状态：open 未处理、handled 已处理；
    日期：提交时间。"""
    found = comments_visible_to(request.user).select_related("notice").order_by("-created_at")
    if notice is not None:
        found = found.filter(notice=notice)
    where = "notice__inspection"
    return page(
        narrow(found, f, inspection=where, date="created_at__date", statuses=COMMENT_STATUSES), f
    )


@router.get("/comments/{pk}", tags=TAGS, response={200: s.CommentOut, **ERRORS})
def comment_detail(request, pk: int):
    return get_comment_for_user(request, pk)[0]
