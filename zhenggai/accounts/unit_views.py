"""Organisation pages: the unit tree, a unit with its people and their roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhenggai.views import query_id

from . import org
from .access import AUTHORISE, DIRECTORY, ORGANISE, access_for, require
from .models import Membership, Unit
from .org_forms import MembershipEditForm, MembershipForm, UnitForm


def duties(request) -> dict:
    """What the page may offer this user: keep units and accounts, grant roles."""
    access = access_for(request.user)
    return {"can_organise": access.anywhere(ORGANISE), "can_authorise": access.anywhere(AUTHORISE)}


REFUSED = object()


def attempt(form, act):
    """Run an act for a valid form: its result, or REFUSED with its reason on the form."""
    try:
        return act()
    except org.OrgError as error:
        form.add_error(None, error)
        return REFUSED


def announce(request, act, done: str) -> None:
    """Run a posted act: its success, or the reason it was refused, as the page's message."""
    try:
        act()
    except org.OrgError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@login_required
def unit_list(request):
    require(request, DIRECTORY)
    people = Count("memberships__user", distinct=True, filter=Q(memberships__user__is_active=True))
    units = list(Unit.objects.annotate(people=people).order_by("path"))
    for unit in units:
        unit.depth = 20 * (unit.path.count("/") - 2)  # left padding in px
    return render(request, "accounts/unit_list.html", {"units": units, **duties(request)})


@login_required
def unit_add(request):
    require(request, ORGANISE)
    parent = query_id(request.GET, "parent")
    form = UnitForm(request.POST or None, initial={"parent": parent})
    if form.is_valid():
        unit = attempt(form, lambda: org.add_unit(actor=request.user, **form.cleaned_data))
        if unit is not REFUSED:
            messages.success(request, f"已添加单位“{unit.name}”。")
            return redirect("accounts:unit-detail", unit.pk)
    return render(request, "accounts/unit_form.html", {"form": form, "title": "添加单位"})


@login_required
def unit_detail(request, pk: int):
    require(request, DIRECTORY)
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    return render_unit(request, unit, MembershipForm())


def render_unit(request, unit: Unit, form, status: int = 200):
    members = (
        Membership.objects.filter(unit=unit)
        .select_related("user__profile")
        .order_by("role", "user__username")
    )
    inherited = Membership.objects.filter(
        unit__path__in=ancestors(unit), covers_subunits=True
    ).select_related("user", "unit")
    context = {
        "unit": unit,
        "children": unit.children.order_by("path"),
        "members": members,
        "inherited": inherited,
        "form": form,
        "roles": Membership.Role.choices,
        **duties(request),
    }
    return render(request, "accounts/unit_detail.html", context, status=status)


def ancestors(unit: Unit) -> list[str]:
    parts = unit.path.strip("/").split("/")
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts))]


@login_required
def unit_edit(request, pk: int):
    require(request, ORGANISE)
    unit = get_object_or_404(Unit, pk=pk)
    form = UnitForm(request.POST or None, unit=unit)
    if form.is_valid():
        changes = attempt(
            form, lambda: org.update_unit(unit, actor=request.user, **form.cleaned_data)
        )
        if changes is not REFUSED:
            text = "已保存对单位“{}”的修改。" if changes else "单位“{}”没有改动。"
            messages.success(request, text.format(unit.name))
            return redirect("accounts:unit-detail", unit.pk)
    context = {"form": form, "title": f"修改单位：{unit.name}", "unit": unit}
    return render(request, "accounts/unit_form.html", context)


@login_required
@require_POST
def unit_active(request, pk: int):
    require(request, ORGANISE)
    unit = get_object_or_404(Unit, pk=pk)
    active = request.POST.get("active") == "1"
    done = "已启用" if active else "已停用（历史台账和记录保留，不再登记新的巡察）"
    act = lambda: org.set_unit_active(unit, active, actor=request.user)  # noqa: E731
    announce(request, act, f"单位“{unit.name}”{done}。")
    return redirect("accounts:unit-detail", unit.pk)


@login_required
@require_POST
def membership_add(request, pk: int):
    require(request, AUTHORISE)
    unit = get_object_or_404(Unit, pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = attempt(
            form,
            lambda: org.add_membership(
                actor=request.user,
                user=data["username"],
                unit=unit,
                role=data["role"],
                covers_subunits=data["covers_subunits"],
            ),
        )
        if done is not REFUSED:
            who = org.label(data["username"])
            messages.success(request, f"已将{who}添加为“{unit.name}”的成员。")
            return redirect("accounts:unit-detail", unit.pk)
    return render_unit(request, unit, form, status=200)


def _membership(request, pk: int) -> Membership:
    require(request, AUTHORISE)
    return get_object_or_404(Membership.objects.select_related("unit", "user"), pk=pk)


@login_required
@require_POST
def membership_edit(request, pk: int):
    membership = _membership(request, pk)
    form = MembershipEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "角色无效，请从列表中选择。")
    else:
        try:
            changed = org.update_membership(membership, actor=request.user, **form.cleaned_data)
        except org.OrgError as error:
            messages.error(request, error.message)
        else:
            if changed:
                messages.success(request, f"已修改{org.label(membership.user)}的角色。")
    return redirect("accounts:unit-detail", membership.unit_id)


@login_required
@require_POST
def membership_delete(request, pk: int):
    membership = _membership(request, pk)
    org.remove_membership(membership, actor=request.user)
    who, unit = org.label(membership.user), membership.unit
    messages.success(request, f"已撤销{who}在“{unit.name}”的{membership.get_role_display()}角色。")
    return redirect("accounts:unit-detail", unit.pk)
