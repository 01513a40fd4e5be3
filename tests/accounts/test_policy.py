"""Password and session policy: classes, no reuse, one-time passwords changed at first
log-in, expiry, idle time-out."""

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from zhenggai.accounts import org
from zhenggai.accounts.models import PasswordHistory, Profile
from zhenggai.accounts.passwords import classes_in, one_time_hash, one_time_password
from zhenggai.accounts.policy import SEEN
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db


def change(client, old, new):
    body = {"old_password": old, "new_password1": new, "new_password2": new}
    return client.post(reverse("accounts:password-change"), body)


@pytest.mark.parametrize(
    "password,classes",
    [("abcdefgh", 1), ("abcd1234", 2), ("Abcd1234", 3), ("Ab1-cdef", 4), ("密码abc123", 3)],
)
def test_it_counts_character_classes(password, classes):
    assert classes_in(password) == classes


def test_it_refuses_a_password_of_two_classes_naming_the_rule(login, cast, client):
    login("bob")
    response = change(client, PASSWORD, "zhenggai2027")
    assert "新密码须包含大写字母、小写字母、数字、符号中的至少 3 类" in response.content.decode()
    assert get_user_model().objects.get(username="bob").check_password(PASSWORD)


def test_it_refuses_any_of_the_last_five_passwords(login, cast, client):
    login("bob")
    passwords = [PASSWORD] + [f"Second-{n}-pw" for n in range(5)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
    # The current one and the four before it are refused; the sixth back is allowed.
    for earlier in passwords[2:]:
        page = change(client, passwords[-1], earlier).content.decode()
        assert "新密码不能与最近 5 次用过的密码相同" in page
    assert change(client, passwords[-1], passwords[0]).status_code == 302
    assert PasswordHistory.objects.filter(user=cast["bob"]).count() == 4


def test_one_time_passwords_use_every_class_and_the_fast_hasher(settings):
    passwords = {one_time_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 14 and classes_in(p) == 4 for p in passwords)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "zhenggai.accounts.passwords.OneTimePasswordHasher",
    ]
    encoded = one_time_hash("Kp7x-R2mf-9Qwz")
    assert encoded.startswith("pbkdf2_onetime$1000$")
    assert check_password("Kp7x-R2mf-9Qwz", encoded) and not check_password("x", encoded)


def test_a_reset_password_must_be_changed_at_the_next_log_in(cast, client):
    password = org.reset_password(cast["bob"], actor=cast["sara"])
    assert client.login(username="bob", password=password)
    for url in (reverse("ledger:home"), reverse("accounts:unit-list"), "/public/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("accounts:password-change")
    page = client.get(reverse("accounts:password-change")).content.decode()
    assert "您正在使用管理员设置的一次性密码" in page and ">取消</a>" not in page
    assert change(client, password, "Bob-own-2027").status_code == 302
    assert client.get(reverse("ledger:home")).status_code == 200
    profile = Profile.objects.get(user=cast["bob"])
    assert not profile.must_change_password and profile.password_changed_at
    acts = list(Event.objects.order_by("id").values_list("act", flat=True))
    assert acts == ["account.password_reset", "account.password_changed"]


def test_an_expired_password_leads_to_the_password_page(cast, client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    Profile.objects.create(
        user=cast["bob"], password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    Profile.objects.create(
        user=cast["alice"], password_changed_at=timezone.now() - dt.timedelta(days=89)
    )
    client.login(username="alice", password=PASSWORD)
    assert client.get(reverse("ledger:home")).status_code == 200
    client.login(username="bob", password=PASSWORD)
    assert client.get(reverse("ledger:home")).url == reverse("accounts:password-change")
    page = client.get(reverse("accounts:password-change")).content.decode()
    assert "您的密码已超过 90 天未修改" in page


def test_a_password_never_expires_by_default(cast, client):
    get_user_model().objects.filter(pk=cast["bob"].pk).update(
        date_joined=timezone.now() - dt.timedelta(days=3000)
    )
    client.login(username="bob", password=PASSWORD)
    assert client.get(reverse("ledger:home")).status_code == 200


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_it_logs_out_after_thirty_idle_minutes(login, ledger_a):
    client = login("bob")
    url = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    idle_for(client, 29)
    assert client.get(url).status_code == 200
    idle_for(client, 31)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url).content.decode()
    assert "超过 30 分钟未操作，已自动退出" in page


def test_the_idle_time_out_is_a_setting(login, cast, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client = login("bob")
    idle_for(client, 6)
    assert client.get(reverse("ledger:home")).status_code == 302


def test_a_request_refreshes_the_idle_clock(login, cast):
    client = login("bob")
    idle_for(client, 10)
    client.get(reverse("ledger:home"))
    assert time.time() - client.session[SEEN] < 60
