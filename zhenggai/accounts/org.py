"""Acts on the organisation: units, accounts, memberships, one-time passwords, duties.

Each act checks its duty in accounts.access (ORGANISE for units and accounts, AUTHORISE
for memberships, RESET for passwords) and records its audit event in its transaction.
An administrator's account (三员) is kept by the command line (`zhenggai manage duty`),
never from these pages: no administrator can reset, disable or grant roles to another.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction

from zhenggai.audit.services import record

from .access import AUTHORISE, ORGANISE, RESET, access_for
from .models import Membership, Profile, Unit
from .passwords import one_time_hash, one_time_password, remember

User = get_user_model()
UNIT_FIELDS = ("name", "full_name", "parent", "phone", "address", "email")
PERSON_FIELDS = ("name", "phone", "email", "post")


class OrgError(ValidationError):
    """A refused act on the organisation; the message is Chinese and names the thing."""


def require(actor, act: str) -> None:
    if not access_for(actor).anywhere(act):
        raise PermissionDenied


def profile_of(user) -> Profile:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return Profile(user=user)


def label(user) -> str:
    """How pages and messages name a person: 姓名（账号）."""
    name = user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username


def _plain(value):
    return value.name if isinstance(value, Unit) else value


# --- units -------------------------------------------------------------------------


def _check_parent(unit: Unit | None, parent: Unit | None) -> None:
    if parent is not None and not parent.active:
        raise OrgError(f"上级单位“{parent.name}”已停用，不能在其下添加或移入单位。")
    if unit is not None and unit.pk and parent is not None and parent.path.startswith(unit.path):
        raise OrgError(f"不能把“{unit.name}”移到它自己或其下级单位“{parent.name}”之下。")


@transaction.atomic
def add_unit(*, actor, name: str, parent: Unit | None = None, **fields) -> Unit:
    require(actor, ORGANISE)
    _check_parent(None, parent)
    if Unit.objects.filter(name=name).exists():
        raise OrgError(f"单位“{name}”已存在，单位简称不能重复。")
    unit = Unit.objects.create(name=name, parent=parent, **fields)
    record("unit.created", unit, actor=actor, unit_id=unit.pk, name=name, parent=_plain(parent))
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor, **fields) -> dict:
    """Rename, move (with every sub-unit) or correct a unit; returns what changed."""
    require(actor, ORGANISE)
    unit = Unit.objects.select_for_update(no_key=True).get(pk=unit.pk)
    if "parent" in fields:
        _check_parent(unit, fields["parent"])
    name = fields.get("name", unit.name)
    if Unit.objects.filter(name=name).exclude(pk=unit.pk).exists():
        raise OrgError(f"单位“{name}”已存在，单位简称不能重复。")
    changes = {
        key: [_plain(getattr(unit, key)), _plain(value)]
        for key, value in fields.items()
        if getattr(unit, key) != value
    }
    if changes:
        for key, value in fields.items():
            setattr(unit, key, value)
        unit.save()  # a new parent moves the sub-units' paths too
        record("unit.updated", unit, actor=actor, unit_id=unit.pk, changes=changes)
    return changes


@transaction.atomic
def set_unit_active(unit: Unit, active: bool, *, actor) -> bool:
    """Disable (its history stays, it takes no new work) or enable a unit again."""
    require(actor, ORGANISE)
    unit = Unit.objects.select_for_update(no_key=True).get(pk=unit.pk)
    if unit.active == active:
        return False
    if not active:
        below = Unit.objects.filter(path__startswith=unit.path, active=True).exclude(pk=unit.pk)
        names = "、".join(u.name for u in below[:5])
        if names:
            raise OrgError(f"“{unit.name}”还有启用中的下级单位（{names}），请先停用或移走它们。")
    elif unit.parent_id and not unit.parent.active:
        raise OrgError(f"上级单位“{unit.parent.name}”已停用，请先启用上级单位。")
    unit.active = active
    unit.save(update_fields=["active"])
    record("unit.enabled" if active else "unit.disabled", unit, actor=actor, unit_id=unit.pk)
    return True


# --- accounts ----------------------------------------------------------------------


def _ordinary(user) -> None:
    """Administrators' accounts are kept from the command line, not from the pages."""
    if profile_of(user).duty:
        raise OrgError(
            f"“{label(user)}”是{profile_of(user).get_duty_display()}账号，"
            "只能由服务器上的命令 zhenggai manage duty 管理。"
        )


def issue_password(user, *, mail: bool) -> str | None:
    """A fresh one-time password on `user` (saved); returned, or None once mailed."""
    password = one_time_password()
    remember(user)
    user.password = one_time_hash(password)
    user.save(update_fields=["password"])
    Profile.objects.update_or_create(user=user, defaults={"must_change_password": True})
    return None if mail and mailed(user, password) else password


def mailed(user, password: str) -> bool:
    """Send the one-time password to the user's address; whether it went.

    Sent inside the act, not on commit: when the mail server refuses, the page shows
    the password instead, and the act still happens once.
    """
    if not user.email:
        return False
    try:
        send_mail(
            "整改工作平台账号的一次性密码",
            f"{user.get_full_name() or user.username}：\n\n您的账号为 {user.username}，"
            f"一次性密码为 {password}\n请登录 {settings.SITE_URL} 后立即设置自己的密码。\n",
            None,
            [user.email],
        )
    except (OSError, smtplib.SMTPException):
        return False
    return True


def mail_ready() -> bool:
    """Passwords go by mail only where the deployment set up outgoing mail."""
    return settings.PASSWORD_BY_MAIL


@transaction.atomic
def add_user(*, actor, username: str, name: str, phone="", email="", post="", mail=False) -> tuple:
    """A new account with a one-time password: (user, password or None when mailed)."""
    require(actor, ORGANISE)
    if User.objects.filter(username__iexact=username).exists():
        raise OrgError(f"账号“{username}”已存在。")
    user = User(username=username, first_name=name, email=email)
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, phone=phone, post=post, must_change_password=True)
    password = issue_password(user, mail=mail and mail_ready())
    record("user.created", user, actor=actor, username=username, name=name, mailed=not password)
    return user, password


@transaction.atomic
def update_user(user, *, actor, **fields) -> dict:
    """Correct a person's 姓名, phone, e-mail or 职务; returns what changed."""
    require(actor, ORGANISE)
    _ordinary(user)
    profile = profile_of(user)
    now = {
        "name": user.first_name,
        "email": user.email,
        "phone": profile.phone,
        "post": profile.post,
    }
    changes = {k: [now[k], v] for k, v in fields.items() if now[k] != v}
    if changes:
        user.first_name = fields.get("name", user.first_name)
        user.email = fields.get("email", user.email)
        user.save(update_fields=["first_name", "email"])
        profile.phone = fields.get("phone", profile.phone)
        profile.post = fields.get("post", profile.post)
        profile.save()
        record("user.updated", user, actor=actor, changes=changes)
    return changes


@transaction.atomic
def set_user_active(user, active: bool, *, actor) -> bool:
    """Deactivate (nothing they did changes, nothing is reassigned) or reactivate."""
    require(actor, ORGANISE)
    _ordinary(user)
    if user.pk == actor.pk:
        raise OrgError("不能停用自己的账号。")
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    record("user.activated" if active else "user.deactivated", user, actor=actor)
    return True


@transaction.atomic
def reset_password(user, *, actor, mail: bool = False) -> str | None:
    """A new one-time password the user must change at the next log-in."""
    require(actor, RESET)
    _ordinary(user)
    if user.pk == actor.pk:
        raise OrgError("请在“修改密码”页面修改自己的密码。")
    password = issue_password(user, mail=mail and mail_ready())
    record("account.password_reset", user, actor=actor, mailed=password is None)
    return password


# --- memberships -------------------------------------------------------------------


def _check_member(user, unit: Unit) -> None:
    if profile_of(user).duty:
        raise OrgError(
            f"“{label(user)}”是{profile_of(user).get_duty_display()}，"
            "管理员账号不担任单位角色（三员分立），请为其本人另建普通账号。"
        )
    if not unit.active:
        raise OrgError(f"单位“{unit.name}”已停用，不能添加成员。")


def membership_event(act: str, membership: Membership, *, actor, **data) -> None:
    record(
        act,
        membership,
        actor=actor,
        unit_id=membership.unit_id,
        user=membership.user.username,
        role=membership.role,
        covers_subunits=membership.covers_subunits,
        **data,
    )


@transaction.atomic
def add_membership(*, actor, user, unit: Unit, role: str, covers_subunits=False) -> Membership:
    require(actor, AUTHORISE)
    _check_member(user, unit)
    if Membership.objects.filter(user=user, unit=unit, role=role).exists():
        shown = Membership.Role(role).label
        raise OrgError(f"“{label(user)}”已是“{unit.name}”的{shown}。")
    membership = Membership.objects.create(
        user=user, unit=unit, role=role, covers_subunits=covers_subunits
    )
    membership_event("membership.added", membership, actor=actor)
    return membership


@transaction.atomic
def update_membership(membership: Membership, *, actor, role: str, covers_subunits: bool) -> bool:
    require(actor, AUTHORISE)
    before = [membership.role, membership.covers_subunits]
    if before == [role, covers_subunits]:
        return False
    clash = Membership.objects.filter(
        user=membership.user_id, unit=membership.unit_id, role=role
    ).exclude(pk=membership.pk)
    if clash.exists():
        raise OrgError(f"“{label(membership.user)}”已是“{membership.unit.name}”的该角色。")
    membership.role, membership.covers_subunits = role, covers_subunits
    membership.save(update_fields=["role", "covers_subunits"])
    membership_event("membership.changed", membership, actor=actor, before=before)
    return True


@transaction.atomic
def remove_membership(membership: Membership, *, actor) -> None:
    """The person leaves the role; what they did and answer for stays (see handover)."""
    require(actor, AUTHORISE)
    membership_event("membership.removed", membership, actor=actor)
    membership.delete()


# --- duties (command line only) ----------------------------------------------------


@transaction.atomic
def grant_duty(user, duty: str, *, actor=None) -> None:
    """Make `user` one of the three administrators: no roles, no other duty."""
    profile = profile_of(user)
    if profile.duty == duty:
        return
    if profile.duty:
        raise OrgError(
            f"“{label(user)}”已是{profile.get_duty_display()}，一个账号只能担任一种管理员"
            "（三员分立）；如确需调整，请先撤销原职责。"
        )
    if user.memberships.exists():
        raise OrgError(
            f"“{label(user)}”在单位中担任角色，管理员须使用不担任任何单位角色的专用账号。"
        )
    profile.duty = duty
    profile.save()
    record("account.duty_granted", user, actor=actor, duty=duty)


@transaction.atomic
def revoke_duty(user, *, actor=None) -> None:
    profile = profile_of(user)
    if profile.duty:
        record("account.duty_revoked", user, actor=actor, duty=profile.duty)
        profile.duty = ""
        profile.save()
