"""The password policy (等保 2.0 level 3): character classes, no reuse, expiry, one-time
passwords. The numbers are settings (README's table); Django's validators call these."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import PasswordHistory, Profile

CLASSES = {
    "大写字母": str.isupper,
    "小写字母": str.islower,
    "数字": str.isdigit,
}


def classes_in(password: str) -> int:
    """How many of 大写字母, 小写字母, 数字 and 符号 (anything else) the password uses."""
    ascii_ = [c for c in password if c.isascii() and c.isalnum()]
    found = sum(any(test(c) for c in ascii_) for test in CLASSES.values())
    return found + any(not (c.isascii() and c.isalnum()) for c in password)


def rules_text() -> str:
    """The policy in one sentence, for help texts and the policy page."""
    text = (
        f"至少 {settings.PASSWORD_MIN_LENGTH} 个字符，含大写字母、小写字母、数字、符号中的"
        f"至少 {settings.PASSWORD_CLASSES} 类"
    )
    if settings.PASSWORD_HISTORY:
        text += f"，不能与最近 {settings.PASSWORD_HISTORY} 次用过的密码相同"
    return text + "。"


class CharacterClassesValidator:
    """At least PASSWORD_CLASSES of upper case, lower case, digits and symbols."""

    def validate(self, password: str, user=None) -> None:
        wanted = settings.PASSWORD_CLASSES
        if classes_in(password) < wanted:
            raise ValidationError(
                f"新密码须包含大写字母、小写字母、数字、符号中的至少 {wanted} 类。",
                code="password_too_few_classes",
            )

    def get_help_text(self) -> str:
        return f"须包含大写字母、小写字母、数字、符号中的至少 {settings.PASSWORD_CLASSES} 类。"


class HistoryValidator:
    """Not the current password nor one of the PASSWORD_HISTORY - 1 before it."""

    def validate(self, password: str, user=None) -> None:
        keep = settings.PASSWORD_HISTORY
        if not keep or user is None or user.pk is None:
            return
        earlier = PasswordHistory.objects.filter(user=user).order_by("-at", "-pk")
        hashes = [user.password, *earlier.values_list("password", flat=True)[: keep - 1]]
        if any(check_password(password, encoded) for encoded in hashes if encoded):
            raise ValidationError(
                f"新密码不能与最近 {keep} 次用过的密码相同。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能与最近 {settings.PASSWORD_HISTORY} 次用过的密码相同。"


def remember(user) -> None:
    """Keep the user's current password hash before it is replaced; old ones go."""
    if user.password and user.has_usable_password():
        PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(settings.PASSWORD_HISTORY - 1, 0)
    stale = PasswordHistory.objects.filter(user=user).order_by("-at", "-pk")[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


class OneTimePasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with few rounds, for machine-made one-time passwords only.

    A one-time password is random (over 70 bits), so rounds add nothing against
    guessing, and 400 accounts of a 通讯录 import hash in a second instead of minutes.
    It is never the preferred hasher: Django re-hashes at the first log-in, and the
    user must set their own password then anyway.
    """

    algorithm = "pbkdf2_onetime"
    iterations = 1000


ALPHABET = {
    "upper": "ABCDEFGHJKLMNPQRSTUVWXYZ",
    "lower": "abcdefghijkmnpqrstuvwxyz",
    "digit": "23456789",
}


def one_time_password() -> str:
    """Three groups of four, e.g. Kp7x-R2mf-9Qwz: every class, no 0/O, 1/l/I to misread."""
    pool = "".join(ALPHABET.values())
    while True:
        chars = [secrets.choice(pool) for _ in range(12)]
        if all(any(c in group for c in chars) for group in ALPHABET.values()):
            return "-".join("".join(chars[i : i + 4]) for i in range(0, 12, 4))


def one_time_hash(password: str) -> str:
    hasher = OneTimePasswordHasher.algorithm
    configured = any(path.endswith(".OneTimePasswordHasher") for path in settings.PASSWORD_HASHERS)
    return make_password(password, hasher=hasher if configured else "default")


def password_due(user) -> str:
    """Why the user must set a password now: "initial", "expired" or ""."""
    profile = Profile.objects.filter(user=user).values_list(
        "must_change_password", "password_changed_at"
    )
    must, changed = profile.first() or (False, None)
    if must:
        return "initial"
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days and (changed or user.date_joined) < timezone.now() - dt.timedelta(days=days):
        return "expired"
    return ""
