"""Personal API tokens: made, revoked and checked here only.

A token reads `zg_<key>_<secret>`. The key finds the row; the secret is compared as its
SHA-256 in constant time, so the database never holds anything that opens the API.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from zhenggai.audit.services import record

from .models import ApiToken

PREFIX = "zg_"
# A token unused for this long since its last recorded use is written again (not on
# every request: a read must not become a write).
TOUCH_EVERY = dt.timedelta(minutes=5)


class TokenError(Exception):
    """A refused token act, with a message for the user."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, actor, name: str, read_only: bool = False, expires_on: dt.date | None = None
) -> tuple[ApiToken, str]:
    """A new token of `actor` and the full token text, which is shown once and not kept."""
    if expires_on is not None and expires_on < timezone.localdate():
        raise TokenError("有效期不能早于今天。")
    key, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key=key,
        digest=_digest(secret),
        read_only=read_only,
        expires_on=expires_on,
    )
    record(
        "api_token.created",
        token,
        actor=actor,
        name=name,
        key=key,
        read_only=read_only,
        expires_on=expires_on.isoformat() if expires_on else None,
    )
    return token, f"{PREFIX}{key}_{secret}"


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke one of the actor's own tokens; the row stays as a record."""
    token = ApiToken.objects.select_for_update(no_key=True).get(pk=token.pk)
    if token.user_id != actor.pk:
        raise TokenError("只能撤销本人的令牌。")
    if token.revoked_at:
        raise TokenError(f"令牌“{token.name}”已撤销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("api_token.revoked", token, actor=actor, name=token.name, key=token.key)
    return token


def authenticate(text: str) -> ApiToken | None:
    """The live token `text` stands for, with its active user; None for anything else."""
    if not text.startswith(PREFIX):
        return None
    key, _, secret = text[len(PREFIX) :].partition("_")
    if not key or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(key=key).first()
    # Compared even when no row matched, so a wrong key costs what a wrong secret does.
    stored = token.digest if token else _digest("")
    if not hmac.compare_digest(stored, _digest(secret)) or token is None:
        return None
    now = timezone.now()
    if not token.is_live(timezone.localdate(now)) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
