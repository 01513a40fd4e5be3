"""The log-in throttle: every form, counted atomically, slowing down instead of locking out."""

import datetime as dt
import ipaddress
import threading
import time

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from zhenggai.accounts import throttle
from zhenggai.accounts.models import LoginThrottle
from zhenggai.audit.models import Event
from zhenggai.cli import proxy_options
from zhenggai.middleware import client_address

SITE, ADMIN = "/accounts/login/", "/admin/login/"
SLOWED = "登录失败次数过多"


def attempt(client, username, password, url=SITE, **headers):
    body = {"username": username, "password": password}
    if url == ADMIN:
        body["next"] = "/admin/"
    return client.post(url, body, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def checks(monkeypatch):
    """How many passwords were really checked (ModelBackend asked)."""
    counted = []
    check = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        counted.append(username)
        return check(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    return counted


@pytest.fixture
def later(monkeypatch):
    """Move the throttle's clock forward by some seconds."""
    offset = [0.0]
    monkeypatch.setattr(throttle, "clock", lambda: timezone.now() + dt.timedelta(seconds=offset[0]))

    def wait(seconds: float) -> None:
        offset[0] += seconds

    return wait


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password=PASSWORD)


# --- finding 3: the admin's log-in ---------------------------------------------------


@pytest.mark.django_db
def test_the_admin_login_is_throttled_like_the_sites(client, superuser, checks):
    for _ in range(5):
        assert not logged_in(attempt(client, "root", "wrong", ADMIN))
    for _ in range(35):
        response = attempt(client, "root", "wrong", ADMIN)
        assert SLOWED in response.content.decode()
    assert len(checks) == 5
    # The right password waits too: the guesser cannot tell it from a wrong one.
    assert SLOWED in attempt(client, "root", PASSWORD, ADMIN).content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_site_and_the_admin_count_into_one_account(client, superuser, checks):
    for url in (SITE, ADMIN, SITE, ADMIN, SITE):
        attempt(client, "root", "wrong", url)
    assert SLOWED in attempt(client, "root", "wrong", ADMIN).content.decode()
    assert SLOWED in attempt(client, "root", "wrong", SITE).content.decode()
    assert len(checks) == 5


# --- finding 4: parallel guesses are counted before they are checked ----------------------


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_guesses_get_five_password_checks(cast, checks, monkeypatch):
    check = ModelBackend.authenticate

    def slow(self, *args, **kwargs):  # as slow as the real hasher: the window of the race
        time.sleep(0.05)
        return check(self, *args, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", slow)
    start = threading.Barrier(40)
    answers = []

    def guess(n: int) -> None:
        try:
            client = Client()
            start.wait()
            answers.append(attempt(client, "alice", f"guess-{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [200] * 40
    assert len(checks) == throttle.ACCOUNT.free


# --- finding 4: slowing down, not locking out -----------------------------------------


def wait_of(name: str) -> int:
    row = LoginThrottle.objects.get(key=f"account:{name}")
    return round((row.wait_until - throttle.clock()).total_seconds())


@pytest.mark.django_db
def test_an_accounts_failures_slow_it_down_with_a_doubling_delay(client, cast, checks, later):
    for _ in range(5):
        attempt(client, "bob", "wrong")
    delays = [wait_of("bob")]
    for _ in range(7):
        assert SLOWED in attempt(client, "bob", "wrong").content.decode()
        later(delays[-1] + 1)
        assert "用户名或密码不正确" in attempt(client, "bob", "wrong").content.decode()
        delays.append(wait_of("bob"))
    assert delays == [15, 30, 60, 120, 240, 300, 300, 300]  # capped at 5 minutes
    assert len(checks) == 5 + 7
    later(301)
    assert logged_in(attempt(client, "bob", PASSWORD))
    assert not LoginThrottle.objects.filter(key="account:bob").exists()


@pytest.mark.django_db
def test_an_hour_without_failures_starts_the_count_again(client, cast, later):
    for _ in range(5):
        attempt(client, "bob", "wrong")
    later(3601)
    for _ in range(4):
        assert "用户名或密码不正确" in attempt(client, "bob", "wrong").content.decode()
    assert LoginThrottle.objects.get(key="account:bob").wait_until is None


@pytest.mark.django_db
def test_the_owner_on_their_usual_browser_is_not_slowed_by_a_guesser(cast):
    owner, guesser = Client(), Client()
    assert logged_in(attempt(owner, "alice", PASSWORD))
    owner.post("/accounts/logout/")
    for _ in range(20):
        attempt(guesser, "alice", "guess")
    assert SLOWED in attempt(guesser, "alice", PASSWORD).content.decode()
    # Same address, same account: the browser that logged in before is counted on its own.
    assert logged_in(attempt(owner, "alice", PASSWORD))


@pytest.mark.django_db
def test_a_stolen_device_cookie_is_throttled_too(cast, checks):
    owner = Client()
    assert logged_in(attempt(owner, "alice", PASSWORD))
    owner.post("/accounts/logout/")
    for _ in range(10):
        attempt(owner, "alice", "guess")
    assert len(checks) == 1 + 5
    assert SLOWED in attempt(owner, "alice", PASSWORD).content.decode()


@pytest.mark.django_db
def test_a_forged_device_cookie_counts_for_nothing(cast):
    guesser = Client()
    for _ in range(5):
        attempt(guesser, "alice", "guess")
    guesser.cookies[throttle.DEVICE_COOKIE] = "alice:0123456789abcdef"
    assert SLOWED in attempt(guesser, "alice", PASSWORD).content.decode()


# --- finding 4: an address's failures never block a right password ---------------------


@pytest.mark.django_db
def test_failures_from_one_address_never_refuse_a_right_password(client, cast, checks):
    names = ["alice", "bob", "carol", "dave", "owen", "lena", "nobody", "x", "y", "z"]
    for name in names:
        for _ in range(3):  # under each account's free attempts
            assert "用户名或密码不正确" in attempt(client, name, "guess").content.decode()
    assert LoginThrottle.objects.get(key="address:127.0.0.1").failures == 30
    assert len(checks) == 30
    # Everyone behind that address still logs in with their password.
    for name in ["olivia", "bob", "alice"]:
        assert logged_in(attempt(Client(), name, PASSWORD))
    # A noisy address has no free attempts: a wrong guess on an account waits at once.
    assert "用户名或密码不正确" in attempt(client, "simon", "guess").content.decode()
    assert SLOWED in attempt(client, "simon", "guess").content.decode()
    # From elsewhere, simon is slowed as his account is, nothing more.
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert SLOWED in attempt(elsewhere, "simon", PASSWORD).content.decode()


@pytest.mark.django_db
def test_a_right_password_does_not_count_against_the_address(client, cast):
    for _ in range(50):
        assert logged_in(attempt(client, "bob", PASSWORD))
        client.post("/accounts/logout/")
    assert not LoginThrottle.objects.filter(key="address:127.0.0.1").exists()


# --- who unlocks -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("admin", ["sara", "olivia"])
def test_the_security_administrator_or_the_office_unlocks(client, cast, login, admin):
    guesser = Client()
    for _ in range(7):
        attempt(guesser, "alice", "guess")
    page = login(admin).get(reverse("accounts:lock-list")).content.decode()
    assert "<td>alice</td>" in page and "须等待至" in page
    login(admin).post(reverse("accounts:lock-list"), {"username": "alice"})
    event = Event.objects.get(act="account.unlocked")
    assert event.actor == cast[admin] and event.data == {"failures": 5}
    assert logged_in(attempt(guesser, "alice", PASSWORD))


# --- the trusted proxy ---------------------------------------------------------------------


def addressed(remote: str, **headers) -> str | None:
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.mark.parametrize(
    "remote,headers,expected",
    [
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "203.0.113.5"),
        # The client may write its own X-Forwarded-For; our proxy appends the real one.
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.5"}, "203.0.113.5"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.5, 10.0.0.2"}, "203.0.113.5"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "not-an-address"}, "10.0.0.1"),
        ("10.0.0.1", {}, "10.0.0.1"),
        ("10.0.0.1", {"HTTP_X_FORWARDED_FOR": "2001:db8::7"}, "2001:db8::7"),
        # Anyone else's header is ignored: anyone can send one.
        ("198.51.100.9", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, "198.51.100.9"),
        ("unix:", {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}, None),  # nothing to count by
    ],
)
def test_only_a_trusted_proxy_names_the_client(settings, remote, headers, expected):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/30")]
    assert addressed(remote, **headers) == expected


def test_the_header_is_configurable(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    settings.PROXY_HEADER = "X-Real-IP"
    real = {"HTTP_X_REAL_IP": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}
    assert addressed("10.0.0.1", **real) == "203.0.113.5"
    settings.TRUSTED_PROXIES = []
    assert addressed("10.0.0.1", **real) == "10.0.0.1"


@pytest.mark.django_db
def test_behind_the_proxy_each_visitor_has_their_own_allowance(settings, client, cast, checks):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(40):
        attempt(client, f"nobody{n}", "guess", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert LoginThrottle.objects.get(key="address:203.0.113.5").failures == 40
    assert not LoginThrottle.objects.filter(key="address:10.0.0.1").exists()
    colleague = Client(**proxy)
    for _ in range(4):
        attempt(colleague, "dave", "typo", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert logged_in(attempt(colleague, "dave", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6"))


@pytest.mark.django_db
def test_the_comment_limit_counts_each_visitor_behind_the_proxy(settings, client, world_notice):
    from zhenggai.disclosure import services

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    url = reverse("disclosure:comment-add", args=[world_notice.pk])
    body = {"content": "建议公开进度。", "name": "", "phone": ""}
    for visitor in ("203.0.113.5", "203.0.113.6"):
        statuses = [
            client.post(url, body, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=visitor).status_code
            for _ in range(services.RATE_LIMIT + 1)
        ]
        assert statuses == [302] * services.RATE_LIMIT + [429]


@pytest.fixture
def world_notice(ledger_a, cast):
    from zhenggai.disclosure import services

    return services.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")


def test_waitress_trusts_the_one_proxy_address(settings):
    settings.PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.1")]
    assert proxy_options() == {
        "trusted_proxy": "10.0.0.1",
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    assert proxy_options() == {}  # the application reads the header itself
    settings.TRUSTED_PROXIES = []
    assert proxy_options() == {}
