"""批量修改: measures chosen on a ledger page or in search results, changed in one act."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from zhenggai.accounts.access import EDIT, Role, access_for, members_q

from .bulk import FIELDS, MAX_MEASURES, BulkMeasureForm, differences, update_measures
from .models import Measure
from .services import LedgerError


def _ids(values: list[str]) -> list[int]:
    """The chosen measures' ids, in order, once each; 404 on anything but an id."""
    if not all(v.isascii() and v.isdigit() and len(v) < 19 for v in values):
        raise Http404
    return list(dict.fromkeys(int(v) for v in values))


def _measures(request, ids: list[int]) -> list[Measure]:
    """The measures, each readable (else 404) and editable (else 403) by the user."""
    rows = Measure.objects.for_user(request.user).filter(pk__in=ids)
    found = {m.pk: m for m in rows.select_related("problem__inspection__unit", "owner_user")}
    if len(found) != len(ids):
        raise Http404
    access = access_for(request.user)
    if not all(access.may(EDIT, m.problem.inspection.unit) for m in found.values()):
        raise PermissionDenied
    return [found[pk] for pk in ids]


def _owners(measures: list[Measure]):
    """Accounts that may own measures in every unit of the selection."""
    users = get_user_model().objects.filter(is_active=True)
    for unit in {m.problem.inspection.unit for m in measures}:
        users = users.filter(members_q(unit, Role.OWNER))
    return users.distinct().order_by("username")


def _next(request, measures: list[Measure]) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() takes a bare word for a view's name (?next=²).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    if measures:
        return reverse("ledger:inspection-detail", args=[measures[0].problem.inspection_id])
    return reverse("ledger:home")


@login_required
def measure_bulk(request):
    """Choose what to set (GET), see every change (POST), confirm (POST with confirm)."""
    data = request.POST if request.method == "POST" else request.GET
    ids = _ids(data.getlist("measure"))
    if not ids:
        messages.error(request, "请先勾选要批量修改的整改措施。")
        return redirect(_next(request, []))
    if len(ids) > MAX_MEASURES:
        messages.error(request, f"一次最多批量修改{MAX_MEASURES}项整改措施，请分批进行。")
        return redirect(_next(request, []))
    measures = _measures(request, ids)
    form = BulkMeasureForm(
        request.POST if request.method == "POST" else None, owners=_owners(measures)
    )
    context = {"form": form, "measures": measures, "next": _next(request, measures)}
    if request.method == "POST" and form.is_valid():
        changes = form.cleaned_data["changes"]
        if request.POST.get("confirm"):
            versions = {m.pk: _version(request, m) for m in measures}
            try:
                count = update_measures(
                    measures, actor=request.user, changes=changes, versions=versions
                )
            except LedgerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已批量修改{count}项整改措施。")
                return redirect(context["next"])
        else:
            context["rows"] = _preview(measures, changes, form)
            return render(request, "ledger/bulk_confirm.html", context)
    return render(request, "ledger/bulk_measures.html", context)


def _version(request, measure: Measure) -> int | None:
    value = request.POST.get(f"version-{measure.pk}", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _preview(measures: list[Measure], changes: dict, form) -> list[dict]:
    """Each measure with what would change on it: (label, before, after)."""
    rows = []
    for measure in measures:
        fields = differences(measure, changes)
        shown = [
            (form.fields[name].label, _shown(measure, name), _shown_value(name, fields[name]))
            for name in FIELDS
            if name in fields
        ]
        rows.append({"measure": measure, "changes": shown})
    return rows


def _shown(measure: Measure, name: str) -> str:
    if name == "term":
        return measure.get_term_display()
    value = getattr(measure, name)
    return _shown_value(name, value)


def _shown_value(name: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if name == "term":
        return Measure.Term(value).label
    if name == "due":
        return f"{value.year}年{value.month}月{value.day}日"
    if name == "owner_user":
        return value.get_full_name() or value.username
    return str(value)
