"""Organisation pages: people (one 姓名 field, phone, e-mail, 职务), their accounts and
one-time passwords."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from . import org
from .access import AUTHORISE, DIRECTORY, OFFICE, ORGANISE, RESET, access_for, require
from .models import Membership, Profile
from .org_forms import NewPersonForm, PersonForm
from .passwords import rules_text
from .unit_views import REFUSED, announce, attempt, duties

User = get_user_model()
ONE_TIME = "zhenggai_one_time"  # session: passwords waiting to be shown once
PAGE = 100


def with_roles(users):
    memberships = Membership.objects.select_related("unit").order_by("unit__path", "role")
    return users.select_related("profile").prefetch_related(
        Prefetch("memberships", queryset=memberships)
    )


@login_required
def user_list(request):
    require(request, DIRECTORY)
    users = User.objects.order_by("username")
    # NUL never reaches the database: PostgreSQL refuses it in any string.
    words = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    if words:
        users = users.filter(
            Q(username__icontains=words)
            | Q(first_name__icontains=words)
            | Q(profile__phone__icontains=words)
            | Q(profile__post__icontains=words)
            | Q(memberships__unit__name__icontains=words)
        ).distinct()
    state = request.GET.get("state", "")
    if state in ("active", "inactive"):
        users = users.filter(is_active=state == "active")
    page = Paginator(with_roles(users), PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "q": words, "state": state, **duties(request)}
    return render(request, "accounts/user_list.html", context)


def show_once(request, rows: list, back: str) -> None:
    """Keep one-time passwords [(account, 姓名, password)] for the next page only."""
    request.session[ONE_TIME] = {"rows": [list(row) for row in rows], "back": back}


def after_password(request, user, password: str | None, done: str):
    """Where an act that issued `user` a one-time password goes next."""
    back = reverse("accounts:user-detail", args=[user.pk])
    if password is None:
        messages.success(request, f"{done}一次性密码已发送到 {user.email}。")
        return redirect(back)
    messages.success(request, done)
    show_once(request, [(user.username, user.get_full_name(), password)], back)
    return redirect("accounts:one-time")


@login_required
def user_add(request):
    require(request, ORGANISE)
    form = NewPersonForm(request.POST or None, mail=org.mail_ready())
    if form.is_valid():
        made = attempt(form, lambda: org.add_user(actor=request.user, **form.cleaned_data))
        if made is not REFUSED:
            user, password = made
            return after_password(request, user, password, f"已建立账号“{user.username}”。")
    context = {"form": form, "title": "新建用户"}
    return render(request, "accounts/user_form.html", context)


def handover_url(user) -> str:
    """The ledger's handover page for this person (the ledger lists the duties)."""
    try:
        return reverse("ledger:handover-add") + f"?from={user.pk}"
    except NoReverseMatch:
        return ""


@login_required
def user_detail(request, pk: int):
    require(request, DIRECTORY)
    person = get_object_or_404(with_roles(User.objects), pk=pk)
    access = access_for(request.user)
    context = {
        "person": person,
        "profile": org.profile_of(person),
        "can_reset": access.anywhere(RESET) and person.pk != request.user.pk,
        "handover": handover_url(person) if access.anywhere(OFFICE) else "",
        "mail": org.mail_ready() and bool(person.email),
        **duties(request),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_edit(request, pk: int):
    require(request, ORGANISE)
    person = get_object_or_404(User.objects.select_related("profile"), pk=pk)
    profile = org.profile_of(person)
    initial = {
        "name": person.first_name,
        "phone": profile.phone,
        "email": person.email,
        "post": profile.post,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if form.is_valid():
        changes = attempt(
            form, lambda: org.update_user(person, actor=request.user, **form.cleaned_data)
        )
        if changes is not REFUSED:
            text = "已保存{}的资料。" if changes else "{}的资料没有改动。"
            messages.success(request, text.format(org.label(person)))
            return redirect("accounts:user-detail", person.pk)
    context = {"form": form, "title": f"修改用户资料：{org.label(person)}", "person": person}
    return render(request, "accounts/user_form.html", context)


@login_required
@require_POST
def user_active(request, pk: int):
    require(request, ORGANISE)
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    who = org.label(person)
    done = (
        f"已启用{who}的账号。"
        if active
        else f"已停用{who}的账号：不能再登录，其做过的事和承担的整改职责都保持原样，"
        "没有转给任何人；未完成的职责请由巡察办或单位整改联络员办理交接。"
    )
    act = lambda: org.set_user_active(person, active, actor=request.user)  # noqa: E731
    announce(request, act, done)
    return redirect("accounts:user-detail", person.pk)


@login_required
@require_POST
def user_reset(request, pk: int):
    require(request, RESET)
    person = get_object_or_404(User, pk=pk)
    try:
        password = org.reset_password(
            person, actor=request.user, mail=request.POST.get("mail") == "1"
        )
    except org.OrgError as error:
        messages.error(request, error.message)
        return redirect("accounts:user-detail", person.pk)
    return after_password(request, person, password, f"已为{org.label(person)}重置密码。")


@login_required
def one_time(request):
    """The one-time passwords this session just made, shown once: read, then forgotten."""
    shown = request.session.pop(ONE_TIME, None) or {}
    context = {"rows": shown.get("rows", []), "back": shown.get("back", "")}
    return render(request, "accounts/one_time.html", context)


@login_required
def policy(request):
    """The password and session policy in force (settings), for the security administrator."""
    require(request, AUTHORISE)
    profiles = Profile.objects.filter(user__is_active=True)
    context = {
        "rules": rules_text(),
        "settings": settings,
        "must_change": profiles.filter(must_change_password=True).count(),
        "admins": with_roles(User.objects.filter(profile__duty__in=Profile.Duty.values)).order_by(
            "profile__duty"
        ),
        **duties(request),
    }
    return render(request, "accounts/policy.html", context)
