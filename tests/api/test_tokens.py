"""Personal API tokens: shown once, stored hashed, listed and revoked by their owner."""

import datetime as dt
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from zhenggai.api import tokens
from zhenggai.api.models import ApiToken
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db


def create(client, **body):
    data = {"name": "督查督办平台", "expires_on": "", **body}
    return client.post(reverse("tokens:token-list"), data)


def test_it_shows_a_new_token_once_and_keeps_only_its_hash(cast, client):
    client.force_login(cast["bob"])
    response = create(client)
    text = response.context["created"]
    assert text.startswith("zg_") and text in response.content.decode()
    token = ApiToken.objects.get(user=cast["bob"])
    secret = text[len("zg_") :].split("_", 1)[1]  # the key is hex, the secret may hold _
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values()))
    again = client.get(reverse("tokens:token-list")).content.decode()
    assert text not in again and "督查督办平台" in again
    assert Event.objects.filter(act="api_token.created", actor=cast["bob"]).count() == 1


def test_it_authenticates_the_token_and_nothing_like_it(cast):
    token, text = tokens.create_token(actor=cast["bob"], name="大屏")
    assert tokens.authenticate(text) == token
    key, secret = text[3:].split("_", 1)
    for wrong in (text[:-1] + ("A" if text[-1] != "A" else "B"), f"zg_{key}_", "zg_", secret, ""):
        assert tokens.authenticate(wrong) is None
    assert ApiToken.objects.get().last_used_at is not None


def test_it_refuses_an_expired_or_revoked_token_or_an_inactive_user(cast):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(tokens.TokenError, match="有效期不能早于今天"):
        tokens.create_token(actor=cast["bob"], name="过期", expires_on=yesterday)
    token, text = tokens.create_token(actor=cast["bob"], name="甲", expires_on=timezone.localdate())
    assert tokens.authenticate(text) == token
    ApiToken.objects.filter(pk=token.pk).update(expires_on=yesterday)
    assert tokens.authenticate(text) is None
    token, text = tokens.create_token(actor=cast["bob"], name="乙")
    cast["bob"].is_active = False
    cast["bob"].save()
    assert tokens.authenticate(text) is None


def test_it_lets_the_owner_revoke_and_nobody_else(cast, client):
    token, text = tokens.create_token(actor=cast["bob"], name="大屏")
    url = reverse("tokens:token-revoke", args=[token.pk])
    client.force_login(cast["alice"])
    assert client.post(url).status_code == 404
    assert tokens.authenticate(text) == token
    client.force_login(cast["bob"])
    assert client.post(url).status_code == 302
    assert tokens.authenticate(text) is None
    assert Event.objects.filter(act="api_token.revoked", actor=cast["bob"]).count() == 1
    page = client.get(reverse("tokens:token-list")).content.decode()
    assert "已撤销" in page


def test_it_names_a_bad_expiry_in_chinese(cast, client):
    client.force_login(cast["bob"])
    response = create(client, expires_on="2001-01-01")
    assert response.context["created"] is None
    assert "有效期不能早于今天" in response.content.decode()
    assert not ApiToken.objects.exists()
