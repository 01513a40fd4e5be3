"""Pages of 问责 records (on a problem), their kinds, 延期申请 and 台账确认."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, require

from . import accountability, extensions
from .access import (
    get_accountability_for_user,
    get_extension_for_user,
    get_inspection_for_user,
    get_measure_for_user,
    get_problem_for_user,
)
from .models import Accountability, AccountabilityKind
from .services import LedgerError


def _saved(form, call) -> bool:
    try:
        call()
        return True
    except LedgerError as exc:
        form.add_error(None, str(exc))
        return False


def _act(request, call, success: str) -> None:
    try:
        call()
        messages.success(request, success)
    except LedgerError as exc:
        messages.error(request, str(exc))


@login_required
def accountability_list(request, pk):
    """A problem's 问责 records; its unit's editor adds them here."""
    problem, can_edit = get_problem_for_user(request, pk, edit=request.method == "POST")
    form = accountability.AccountabilityForm(request.POST or None, problem=problem)
    if request.method == "POST" and form.is_valid():
        if _saved(
            form,
            lambda: accountability.add_accountability(
                problem, actor=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, "已登记问责情况。")
            return redirect("ledger:accountability-list", problem.pk)
    records = (
        Accountability.objects.for_user(request.user)
        .filter(problem=problem)
        .select_related("kind", "measure")
    )
    return render(
        request,
        "ledger/accountability.html",
        {
            "problem": problem,
            "inspection": problem.inspection,
            "records": records,
            "form": form,
            "can_edit": can_edit and not problem.closed_at,
        },
    )


@login_required
def accountability_edit(request, pk):
    held, _ = get_accountability_for_user(request, pk, edit=True)
    form = accountability.AccountabilityForm(
        request.POST or None, instance=held, problem=held.problem
    )
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in form.changed_data}
        if _saved(
            form,
            lambda: accountability.update_accountability(held, actor=request.user, **fields),
        ):
            messages.success(request, "已修改问责情况。")
            return redirect("ledger:accountability-list", held.problem_id)
    return render(
        request,
        "ledger/form.html",
        {
            "form": form,
            "title": f"修改问责情况：{held.problem.title[:30]}",
            "inspection": held.problem.inspection,
            "delete_url": "ledger:accountability-delete",
            "object": held,
        },
    )


@login_required
@require_POST
def accountability_delete(request, pk):
    held, _ = get_accountability_for_user(request, pk, edit=True)
    _act(
        request,
        lambda: accountability.delete_accountability(held, actor=request.user),
        "已删除问责记录。",
    )
    return redirect("ledger:accountability-list", held.problem_id)


@login_required
def kind_list(request):
    """The office's list of 问责方式, and a form to add one."""
    require(request, OFFICE)
    form = accountability.KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _saved(form, lambda: accountability.add_kind(actor=request.user, **form.cleaned_data)):
            messages.success(request, "已新增问责方式。")
            return redirect("ledger:accountability-kinds")
    return render(
        request,
        "ledger/accountability_kinds.html",
        {"kinds": AccountabilityKind.objects.all(), "form": form},
    )


@login_required
@require_POST
def extension_request(request, pk):
    measure, _, _ = get_measure_for_user(request, pk, report=True)
    form = extensions.ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "延期申请未提交：请填写延期理由和有效的新完成时限。")
    else:
        _act(
            request,
            lambda: extensions.request_extension(measure, actor=request.user, **form.cleaned_data),
            "已提交延期申请，待审批。",
        )
    return redirect("ledger:measure-detail", measure.pk)


@login_required
@require_POST
def extension_decide(request, pk):
    extension, _ = get_extension_for_user(request, pk, decide=True)
    approve = request.POST.get("decision") == "approve"
    answer = request.POST.get("answer", "")[:2000]
    _act(
        request,
        lambda: extensions.decide_extension(
            extension, actor=request.user, approve=approve, answer=answer
        ),
        "已批准延期。" if approve else "已不予批准，措施完成时限不变。",
    )
    return redirect("ledger:measure-detail", extension.measure_id)


@login_required
@require_POST
def ledger_confirm(request, pk):
    inspection, _ = get_inspection_for_user(request, pk)
    require(request, OFFICE, inspection.unit)
    extension_by = request.POST.get("extension_by", "office")
    _act(
        request,
        lambda: extensions.confirm_ledger(
            inspection, actor=request.user, extension_by=extension_by
        ),
        "已确认台账：此后完成时限须经延期申请调整。",
    )
    return redirect("ledger:inspection-detail", inspection.pk)
