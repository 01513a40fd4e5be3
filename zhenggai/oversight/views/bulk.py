"""批量申请销号: problems chosen on the sign-off list, applied for in one act."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenggai.ledger.access import get_inspection_for_user

from ..bulk import apply_signoffs
from ..forms import SignOffForm
from ..services import OversightError


@login_required
@require_POST
def signoff_bulk(request, pk):
    """The chosen problems and a note (first POST), then the application (with confirm)."""
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    values = request.POST.getlist("problem")
    if not all(v.isascii() and v.isdigit() and len(v) < 19 for v in values):
        raise Http404
    ids = list(dict.fromkeys(int(v) for v in values))
    if not ids:
        messages.error(request, "请先勾选要申请销号的问题。")
        return redirect("oversight:signoff-list", inspection.pk)
    found = {p.pk: p for p in inspection.problems.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404
    problems = [found[pk] for pk in ids]
    form = SignOffForm(request.POST)
    if request.POST.get("confirm") and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            apply_signoffs(problems, actor=request.user, note=note)
        except OversightError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已对{len(problems)}个问题提交销号申请，待巡察办审核。")
            return redirect("oversight:signoff-list", inspection.pk)
    return render(
        request,
        "oversight/signoff_bulk.html",
        {"inspection": inspection, "problems": problems, "form": form},
    )
