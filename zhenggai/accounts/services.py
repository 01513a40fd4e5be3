"""Acts on accounts: changing one's password, the office unlocking a locked account."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhenggai.audit.services import record

from . import throttle
from .access import UNLOCK, access_for
from .models import Profile
from .passwords import remember


@transaction.atomic
def change_password(form, *, actor) -> None:
    """The user sets the new password a validated PasswordChangeForm holds."""
    remember(form.user)
    user = form.save()
    Profile.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
    )
    record("account.password_changed", user, actor=actor)


def locked_accounts() -> list[dict]:
    """Existing accounts the throttle slows down now: name, failures, last one, wait."""
    rows = {row["username"]: row for row in throttle.held_accounts()}
    users = get_user_model().objects.filter(username__in=rows).order_by("username")
    return [{**rows[user.username], "user": user} for user in users]


@transaction.atomic
def unlock_account(user, *, actor) -> int:
    """The security administrator (or the office) clears the account's failed log-ins;
    how many there were."""
    if not access_for(actor).anywhere(UNLOCK):
        raise PermissionDenied
    count = throttle.forget_account(user.get_username())
    if count:
        record("account.unlocked", user, actor=actor, failures=count)
    return count
