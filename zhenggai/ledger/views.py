from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, REGISTER, access_for, units_for

from . import services
from .access import (
    get_completion_for_user,
    get_evidence_for_user,
    get_inspection_for_user,
    get_measure_for_user,
    get_problem_for_user,
    get_progress_for_user,
    may_confirm,
)
from .counts import Tally, kept_tallies
from .extensions import may_decide
from .forms import (
    CorrectionForm,
    InspectionForm,
    MeasureForm,
    ProblemForm,
    ProgressForm,
    measure_owners,
)
from .models import Completion, Inspection
from .tree import build_tree


@login_required
def home(request):
    today = timezone.localdate()
    rows = list(Inspection.objects.visible_to(request.user).select_related("unit"))
    # The kept counts, as on the dashboard: a few rows per inspection, not its measures.
    counts = kept_tallies(Q(inspection_id__in=[row.pk for row in rows]), today)
    for row in rows:
        row.tally = counts.get(row.pk, Tally())
    can_add = units_for(request.user, REGISTER).exists()
    return render(request, "ledger/home.html", {"inspections": rows, "can_add": can_add})


@login_required
def inspection_add(request):
    units = units_for(request.user, REGISTER)
    if not units.exists():
        raise PermissionDenied
    form = InspectionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        inspection = _save_or_error(
            request,
            form,
            lambda: services.create_inspection(actor=request.user, **form.cleaned_data),
        )
        if inspection:
            messages.success(request, "已登记巡察。")
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(request, "ledger/form.html", {"form": form, "title": "登记巡察"})


@login_required
def inspection_edit(request, pk):
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    form = InspectionForm(
        request.POST or None, instance=inspection, units=units_for(request.user, REGISTER)
    )
    if request.method == "POST" and form.is_valid():
        changed = {f: form.cleaned_data[f] for f in form.changed_data}
        if _save_or_error(
            request,
            form,
            lambda: services.update_inspection(inspection, actor=request.user, **changed),
        ):
            messages.success(request, "已保存。")
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request,
        "ledger/form.html",
        {"form": form, "title": "修改巡察信息", "inspection": inspection},
    )


@login_required
def inspection_detail(request, pk):
    inspection, can_edit = get_inspection_for_user(request, pk)
    today = timezone.localdate()
    tree, stats = build_tree(inspection, today)
    return render(
        request,
        "ledger/inspection.html",
        {
            "inspection": inspection,
            "tree": tree,
            "stats": stats,
            "can_edit": can_edit,
            "can_void": services.may_void(request.user, inspection),
            "can_confirm_ledger": access_for(request.user).may(OFFICE, inspection.unit),
            "today": today,
            "lights": LIGHTS,
        },
    )


@login_required
@require_POST
def inspection_delete(request, pk):
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    try:
        services.delete_inspection(inspection, actor=request.user)
    except services.LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:inspection-detail", inspection.pk)
    messages.success(request, f"已删除“{inspection.round}”。")
    return redirect("ledger:home")


@login_required
@require_POST
def inspection_void(request, pk):
    inspection, _ = get_inspection_for_user(request, pk)
    if not services.may_void(request.user, inspection):
        raise PermissionDenied
    reason = request.POST.get("reason", "")
    try:
        services.void_inspection(inspection, actor=request.user, reason=reason)
    except services.LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:inspection-detail", inspection.pk)
    messages.success(request, f"已作废“{inspection.round}”，它不再计入统计和列表。")
    return redirect("ledger:voided-list")


@login_required
def voided_list(request):
    """Voided inspections the user may read: who voided them, when and why."""
    inspections = (
        Inspection.all_objects.for_user(request.user)
        .exclude(voided_at=None)
        .select_related("unit", "voided_by")
        .order_by("-voided_at")
    )
    return render(request, "ledger/voided.html", {"inspections": inspections[:500]})


LIGHTS = [("green", "已完成"), ("yellow", "按期推进"), ("red", "超期"), ("blue", "长期坚持")]


def _save_or_error(request, form, call):
    """Run a service; a refusal becomes a form error instead of a server error."""
    try:
        return call()
    except services.LedgerError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
def problem_add(request, pk):
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    form = ProblemForm(
        request.POST or None, inspection=inspection, initial={"parent": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _save_or_error(
            request, form, lambda: services.add_problem(inspection, actor=request.user, **data)
        ):
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request, "ledger/form.html", {"form": form, "title": "新增问题", "inspection": inspection}
    )


@login_required
def problem_edit(request, pk):
    problem, _ = get_problem_for_user(request, pk, edit=True)
    inspection = problem.inspection
    form = ProblemForm(request.POST or None, instance=problem, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if _save_or_error(
            request,
            form,
            lambda: services.update_problem(problem, actor=request.user, version=version, **data),
        ):
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request,
        "ledger/form.html",
        {
            "form": form,
            "title": "修改问题",
            "inspection": inspection,
            "delete_url": "ledger:problem-delete",
            "object": problem,
        },
    )


@login_required
@require_POST
def problem_move(request, pk):
    problem, _ = get_problem_for_user(request, pk, edit=True)
    up = request.POST.get("dir") == "up"
    _act(request, lambda: services.move(problem, actor=request.user, up=up), "已调整顺序。")
    return redirect("ledger:inspection-detail", problem.inspection_id)


@login_required
@require_POST
def problem_delete(request, pk):
    problem, _ = get_problem_for_user(request, pk, edit=True)
    try:
        services.delete_problem(problem, actor=request.user)
        messages.success(request, "已删除问题。")
    except services.LedgerError as exc:
        messages.error(request, str(exc))
    return redirect("ledger:inspection-detail", problem.inspection_id)


@login_required
def measure_add(request, pk):
    problem, _ = get_problem_for_user(request, pk, edit=True)
    inspection = problem.inspection
    form = MeasureForm(request.POST or None, owners=measure_owners(inspection))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _save_or_error(
            request, form, lambda: services.add_measure(problem, actor=request.user, **data)
        ):
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request,
        "ledger/form.html",
        {
            "form": form,
            "title": f"新增整改措施：{problem.title}",
            "inspection": inspection,
        },
    )


@login_required
def measure_edit(request, pk):
    measure, _, _ = get_measure_for_user(request, pk, edit=True)
    inspection = measure.problem.inspection
    form = MeasureForm(request.POST or None, instance=measure, owners=measure_owners(inspection))
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.changed_data if f != "version"}
        version = form.cleaned_data["version"]
        if _save_or_error(
            request,
            form,
            lambda: services.update_measure(measure, actor=request.user, version=version, **data),
        ):
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request,
        "ledger/form.html",
        {
            "form": form,
            "title": "修改整改措施",
            "inspection": inspection,
            "delete_url": "ledger:measure-delete",
            "object": measure,
        },
    )


@login_required
@require_POST
def measure_move(request, pk):
    measure, _, _ = get_measure_for_user(request, pk, edit=True)
    up = request.POST.get("dir") == "up"
    _act(request, lambda: services.move(measure, actor=request.user, up=up), "已调整顺序。")
    return redirect("ledger:inspection-detail", measure.problem.inspection_id)


@login_required
@require_POST
def measure_delete(request, pk):
    measure, _, _ = get_measure_for_user(request, pk, edit=True)
    try:
        services.delete_measure(measure, actor=request.user)
        messages.success(request, "已删除整改措施。")
    except services.LedgerError as exc:
        messages.error(request, str(exc))
    return redirect("ledger:inspection-detail", measure.problem.inspection_id)


@login_required
def measure_detail(request, pk):
    measure, can_edit, can_report = get_measure_for_user(request, pk)
    form = ProgressForm(
        request.POST or None, request.FILES or None, initial={"reported_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not can_report:
            raise PermissionDenied
        if form.is_valid() and _report(request, form, measure):
            messages.success(request, "已报送整改进展。")
            return redirect("ledger:measure-detail", measure.pk)
    progress = measure.progress.select_related("author", "withdrawn_by").prefetch_related(
        "figures", "evidence"
    )
    completions = list(measure.completions.select_related("requested_by", "reviewer"))
    pending = next((c for c in completions if c.status == Completion.Status.REQUESTED), None)
    extension_list = list(measure.extensions.select_related("requested_by", "decided_by"))
    pending_extension = next((x for x in extension_list if x.status == "requested"), None)
    return render(
        request,
        "ledger/measure.html",
        {
            "measure": measure,
            "inspection": measure.problem.inspection,
            "form": form,
            "progress": progress,
            "can_edit": can_edit,
            "can_report": can_report,
            "light": measure.light(),
            "completions": completions,
            "pending": pending,
            "can_confirm": may_confirm(request.user, measure.problem.inspection),
            "extensions": extension_list,
            "pending_extension": pending_extension,
            "can_decide": may_decide(request.user, measure.problem.inspection),
            "paper_only": pending is not None and not services.evidence_counts(measure)[0],
            "closed": measure.problem.closed_at
            or (measure.problem.parent_id and measure.problem.parent.closed_at),
        },
    )


def _report(request, form, measure):
    data = form.cleaned_data
    return _save_or_error(
        request,
        form,
        lambda: services.report_progress(
            measure,
            actor=request.user,
            text=data["text"],
            reported_on=data["reported_on"],
            figures=data["figures"],
            files=data["files"],
            references=[data["reference"]],
        ),
    )


def _act(request, act, success: str) -> None:
    """Run a one-button act; its refusal becomes the page's message."""
    try:
        act()
        messages.success(request, success)
    except services.LedgerError as exc:
        messages.error(request, str(exc))


@login_required
@require_POST
def completion_request(request, pk):
    measure, _, _ = get_measure_for_user(request, pk, report=True)
    note = request.POST.get("note", "")[:2000]
    _act(
        request,
        lambda: services.request_completion(measure, actor=request.user, note=note),
        "已提交完成申请，待本单位确认。",
    )
    return redirect("ledger:measure-detail", measure.pk)


@login_required
@require_POST
def completion_confirm(request, pk):
    completion, _ = get_completion_for_user(request, pk, confirm=True)
    inspected = request.POST.get("inspected") == "on"
    _act(
        request,
        lambda: services.confirm_completion(completion, actor=request.user, inspected=inspected),
        "已确认完成。",
    )
    return redirect("ledger:measure-detail", completion.measure_id)


@login_required
@require_POST
def completion_return(request, pk):
    completion, _ = get_completion_for_user(request, pk, confirm=True)
    reason = request.POST.get("reason", "")[:2000]
    _act(
        request,
        lambda: services.return_completion(completion, actor=request.user, reason=reason),
        "已退回完成申请。",
    )
    return redirect("ledger:measure-detail", completion.measure_id)


@login_required
@require_POST
def progress_withdraw(request, pk):
    progress, _ = get_progress_for_user(request, pk, amend=True)
    reason = request.POST.get("reason", "")
    _act(
        request,
        lambda: services.withdraw_progress(progress, actor=request.user, reason=reason),
        "已撤回该条进展，原文保留在记录中。",
    )
    return redirect("ledger:measure-detail", progress.measure_id)


@login_required
def progress_correct(request, pk):
    progress, _ = get_progress_for_user(request, pk, amend=True)
    measure = progress.measure
    figures = "\n".join(
        f"{f.counts} {f.value.normalize():f} {f.unit}" for f in progress.figures.all()
    )
    form = CorrectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"reported_on": progress.reported_on, "text": progress.text, "figures": figures},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _save_or_error(
            request,
            form,
            lambda: services.correct_progress(
                progress,
                actor=request.user,
                reason=data["reason"],
                text=data["text"],
                reported_on=data["reported_on"],
                figures=data["figures"],
                files=data["files"],
                references=[data["reference"]],
            ),
        ):
            messages.success(request, "已更正整改进展，原文保留在记录中。")
            return redirect("ledger:measure-detail", measure.pk)
    return render(
        request,
        "ledger/form.html",
        {
            "form": form,
            "title": "更正整改进展",
            "inspection": measure.problem.inspection,
            "multipart": True,
        },
    )


@login_required
def evidence_download(request, pk):
    evidence = get_evidence_for_user(request, pk)
    if not evidence.file:
        raise PermissionDenied
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
