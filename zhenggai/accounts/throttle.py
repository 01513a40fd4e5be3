"""The log-in throttle: every password check, the admin's included, passes it.

Each check is reserved before the password is hashed, under a lock on its counter row,
and counted as a failure until it succeeds: however many guesses arrive at once, no
more are checked than the count allows. An account's failures slow it down (a delay
that doubles, capped at a few minutes) instead of locking it for long. A browser that
has logged in as an account carries a signed device cookie and is counted on its own:
an attacker's failures never delay the owner on their usual browser. An address's
failures never refuse a password check; past a limit they only take away the free
attempts of every account tried from it.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhenggai.middleware import client_address

from .models import LoginFailure, LoginThrottle

clock = timezone.now  # tests move time forward here


@dataclass(frozen=True)
class Rule:
    """Failures checked without delay, then a delay doubling from `step` up to `cap`."""

    free: int
    step: dt.timedelta
    cap: dt.timedelta
    forget: dt.timedelta  # failures this old start the count again

    def delay(self, failures: int, free: int | None = None) -> dt.timedelta:
        free = self.free if free is None else free
        if failures < free:
            return dt.timedelta(0)
        return min(self.step * 2 ** min(failures - free, 20), self.cap)


ACCOUNT = Rule(5, dt.timedelta(seconds=15), dt.timedelta(minutes=5), dt.timedelta(hours=1))
# An office behind one proxy mistypes too: many failures before an address is noisy.
ADDRESS_LIMIT = 30
ADDRESS_FORGET = dt.timedelta(minutes=15)
DEVICE_COOKIE = "zhenggai_device"
DEVICE_AGE = 180 * 24 * 3600
LOG_KEPT = dt.timedelta(days=1)


@dataclass
class Attempt:
    """One log-in: which counters it is held to."""

    username: str
    address: str | None
    device: str | None  # this browser's token for the account, if it logged in as it before

    @classmethod
    def of(cls, request, username: str) -> Attempt:
        username = str(username).strip()[:150]
        if request is None:
            return cls(username, None, None)
        return cls(username, client_address(request), devices(request).get(username))

    @property
    def key(self) -> str:
        if self.device:
            return f"device:{self.username}:{self.device}"
        return f"account:{self.username}"

    def free(self, now: dt.datetime) -> int:
        """A browser the account used keeps its free attempts; a noisy address loses them."""
        if self.device or not self.address:
            return ACCOUNT.free
        noisy = LoginThrottle.objects.filter(
            key=f"address:{self.address}",
            failures__gte=ADDRESS_LIMIT,
            last_failure__gte=now - ADDRESS_FORGET,
        ).exists()
        return 1 if noisy else ACCOUNT.free

    @transaction.atomic
    def reserve(self) -> int:
        """0 when the password may be checked now (counted as failed until it succeeds);
        otherwise the seconds to wait, and nothing is counted."""
        now = clock()
        row = _locked(self.key)
        if row.wait_until and row.wait_until > now:
            return math.ceil((row.wait_until - now).total_seconds())
        if row.last_failure and now - row.last_failure > ACCOUNT.forget:
            row.failures = 0
        row.failures += 1
        row.last_failure = now
        delay = ACCOUNT.delay(row.failures, self.free(now))
        row.wait_until = now + delay if delay else None
        row.save()
        return 0

    @transaction.atomic
    def succeeded(self) -> None:
        LoginThrottle.objects.filter(key=self.key).delete()
        LoginFailure.objects.filter(username=self.username).delete()

    @transaction.atomic
    def failed(self) -> None:
        """The reserved check failed: it is already counted; the address counts it too."""
        now = clock()
        LoginFailure.objects.create(username=self.username, address=self.address)
        LoginFailure.objects.filter(at__lt=now - LOG_KEPT).delete()
        if self.address and not self.device:
            row = _locked(f"address:{self.address}")
            if row.last_failure and now - row.last_failure > ADDRESS_FORGET:
                row.failures = 0
            row.failures, row.last_failure = row.failures + 1, now
            row.save()


def _locked(key: str) -> LoginThrottle:
    """The counter row, created if absent, locked until the transaction ends."""
    LoginThrottle.objects.get_or_create(key=key)
    return LoginThrottle.objects.select_for_update(no_key=True).get(key=key)


class ThrottledBackend(ModelBackend):
    """Django's ModelBackend behind the throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        attempt = Attempt.of(request, username)
        wait = attempt.reserve()
        if wait:
            if request is not None:
                request.login_wait = wait
            # authenticate() stops at a backend that refuses and reports a failed log-in.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            attempt.failed()
            return None
        attempt.succeeded()
        if request is not None:
            request.login_device = (attempt.username, attempt.device or secrets.token_hex(8))
        return user


def wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 60 else f"{math.ceil(seconds / 60)} 分钟"


class ThrottleMessage:
    """For a log-in form: a refused check says how long to wait, not "wrong password"."""

    def clean(self):
        from django import forms

        try:
            return super().clean()
        except forms.ValidationError:
            wait = getattr(self.request, "login_wait", 0)
            if wait:
                raise forms.ValidationError(
                    f"该账号登录失败次数过多，请 {wait_text(wait)}后再试；"
                    "如非本人操作，请联系安全管理员。",
                    code="throttled",
                ) from None
            raise


# --- the device cookie ----------------------------------------------------------------


def devices(request) -> dict[str, str]:
    """{user name: token} of the accounts this browser has logged in as."""
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_COOKIE, max_age=DEVICE_AGE
        )
    except signing.BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def device_cookie(get_response):
    """Middleware: after a log-in, the browser keeps its token for the account."""

    def middleware(request):
        response = get_response(request)
        login = getattr(request, "login_device", None)
        if login:
            known = {**devices(request), login[0]: login[1]}
            known = dict(list(known.items())[-20:])  # a shared office computer, at most
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(known, salt=DEVICE_COOKIE),
                max_age=DEVICE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return middleware


# --- what the security administrator sees and does -------------------------------------


def held_accounts(now: dt.datetime | None = None) -> list[dict]:
    """Accounts past their free attempts lately: name, failures, last one, wait."""
    now = now or clock()
    rows = LoginThrottle.objects.filter(
        key__startswith="account:",
        failures__gte=ACCOUNT.free,
        last_failure__gte=now - ACCOUNT.forget,
    ).order_by("key")
    return [
        {
            "username": row.key.removeprefix("account:"),
            "failures": row.failures,
            "last": row.last_failure,
            "wait_until": row.wait_until if row.wait_until and row.wait_until > now else None,
        }
        for row in rows
    ]


def forget_account(username: str) -> int:
    """Clear the account's counters (its browsers' too) and log; the failures forgotten."""
    rows = LoginThrottle.objects.filter(key=f"account:{username}")
    rows |= LoginThrottle.objects.filter(key__startswith=f"device:{username}:")
    failures = sum(rows.values_list("failures", flat=True))
    log = LoginFailure.objects.filter(username=username)
    forgotten = max(failures, log.count())
    rows.delete()
    log.delete()
    return forgotten
