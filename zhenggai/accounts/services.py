"""Acts on accounts: changing one's password, the office unlocking a locked account."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from zhenggai.audit.services import record

from .access import OFFICE, access_for
from .forms import MAX_FAILURES, WINDOW
from .models import LoginFailure


@transaction.atomic
def change_password(form, *, actor) -> None:
    """The user sets the new password a validated PasswordChangeForm holds."""
    user = form.save()
    record("account.password_changed", user, actor=actor)


def locked_accounts() -> list[dict]:
    """Existing accounts the log-in refuses now: name, failures and the last one."""
    recent = LoginFailure.objects.filter(at__gte=timezone.now() - WINDOW)
    rows = recent.values("username").annotate(failures=Count("id"), last=Max("at"))
    rows = {r["username"]: r for r in rows if r["failures"] >= MAX_FAILURES}
    users = get_user_model().objects.filter(username__in=rows).order_by("username")
    return [{**rows[user.username], "user": user} for user in users]


@transaction.atomic
def unlock_account(user, *, actor) -> int:
    """The office forgets the account's failed log-ins; how many there were."""
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied
    failures = LoginFailure.objects.filter(username=user.get_username())
    count = failures.count()
    if count:
        failures.delete()
        record("account.unlocked", user, actor=actor, failures=count)
    return count
