"""Accounts a person can live with: own password, unlocking, no-store, quiet refusals."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.conftest import PASSWORD
from zhenggai.accounts.models import LoginFailure
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db

NEW = "Huan-xin-2027"


def attempt(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- changing one's password -------------------------------------------------------


def change(client, old, new, again=None):
    body = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("accounts:password-change"), body)


@pytest.mark.parametrize("name", ["alice", "bob", "owen", "olivia"])
def test_it_links_every_user_to_the_password_page(login, cast, name):
    page = login(name).get(reverse("ledger:home")).content.decode()
    assert f'href="{reverse("accounts:password-change")}">修改密码</a>' in page


def test_it_changes_the_password_and_audits_it(login, cast, client):
    page = login("bob").get(reverse("accounts:password-change")).content.decode()
    assert "<h1>修改密码</h1>" in page and 'name="old_password"' in page
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302 and response.url == reverse("ledger:home")
    # Still logged in here, with a message saying what happened.
    home = client.get(reverse("ledger:home")).content.decode()
    assert "密码已修改" in home
    event = Event.objects.get(act="account.password_changed")
    assert (event.actor, event.object_id) == (cast["bob"], str(cast["bob"].pk))
    client.logout()
    assert not client.login(username="bob", password=PASSWORD)
    assert client.login(username="bob", password=NEW)


@pytest.mark.parametrize(
    "old,new,again,message",
    [
        ("wrong-password", NEW, None, "当前密码不正确"),
        (PASSWORD, "1234", None, "新密码太短，至少需要 8 个字符"),
        (PASSWORD, "12345678", None, "新密码不能全是数字"),
        (PASSWORD, "password", None, "新密码太常见"),
        (PASSWORD, NEW, NEW + "x", "两次输入的新密码不一致"),
    ],
)
def test_it_refuses_a_bad_change_and_keeps_the_password(
    login, cast, client, old, new, again, message
):
    login("bob")
    # Chinese whatever the browser asks for: Django's own messages would follow it.
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": old, "new_password1": new, "new_password2": again or new},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and message in page
    english = ("Old password", "New password", "too short", "match", "incorrectly", "common")
    assert not [words for words in english if words in page]
    assert not Event.objects.exists()
    assert get_user_model().objects.get(username="bob").check_password(PASSWORD)


# --- the office unlocks a locked account -------------------------------------------


def lock_out(client, name):
    for _ in range(5):
        attempt(client, name, "wrong")


def test_the_office_unlocks_a_locked_account_and_it_is_audited(client, login, cast):
    lock_out(client, "alice")
    assert "登录失败次数过多" in attempt(client, "alice", PASSWORD).content.decode()
    attempt(client, "bob", "wrong")  # one slip is not a lock
    office = login("olivia")
    page = office.get(reverse("accounts:lock-list")).content.decode()
    assert "<td>alice</td>" in page and "<td>bob</td>" not in page
    assert 'data-confirm="将解除账号“alice”的登录锁定' in page and "确定解除吗？" in page
    response = office.post(reverse("accounts:lock-list"), {"username": "alice"}, follow=True)
    assert "已解除账号“alice”的登录锁定" in response.content.decode()
    assert "目前没有被锁定的账号" in response.content.decode()
    event = Event.objects.get(act="account.unlocked")
    assert (event.actor, event.object_id, event.data) == (
        cast["olivia"],
        str(cast["alice"].pk),
        {"failures": 5},
    )
    office.logout()
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_unlocking_an_account_that_is_not_locked_changes_nothing(login, cast):
    response = login("olivia").post(reverse("accounts:lock-list"), {"username": "bob"}, follow=True)
    assert "账号“bob”当前没有被锁定" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("name,status", [("alice", 403), ("lena", 403), ("dave", 403)])
def test_only_the_office_sees_or_unlocks_locked_accounts(client, login, cast, name, status):
    lock_out(client, "bob")
    user = login(name)
    assert user.get(reverse("accounts:lock-list")).status_code == status
    assert user.post(reverse("accounts:lock-list"), {"username": "bob"}).status_code == status
    assert LoginFailure.objects.filter(username="bob").count() == 5


def test_the_office_finds_the_locked_accounts_from_its_dashboard(login, cast):
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    assert f'href="{reverse("accounts:lock-list")}"' in page


# --- nothing a logged-in user saw stays in a cache -----------------------------------


def test_every_response_to_a_logged_in_user_is_no_store(login, ledger_a):
    client = login("bob")
    inspection = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    responses = [
        client.get(reverse("ledger:home")),
        client.get(inspection),
        client.get(reverse("disclosure:notice-list")),
        client.get(reverse("ledger:inspection-edit", args=[ledger_a.pk])),  # 403
        client.get("/no-such-page/"),  # 404
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 403, 404]
    for response in responses:
        cache = response.headers["Cache-Control"]
        assert "no-store" in cache and "private" in cache and "public" not in cache
    client.post(reverse("accounts:logout"))
    assert client.get(inspection).status_code == 302


def test_public_pages_for_visitors_stay_cacheable(client, ledger_a):
    response = client.get(reverse("disclosure:notice-list"))
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# --- a refusal is one line in the log, not a traceback -------------------------------


def refusals(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_403_logs_one_line_with_method_path_user_and_status(login, ledger_a, caplog):
    caplog.set_level(logging.WARNING)
    url = reverse("ledger:inspection-edit", args=[ledger_a.pk])
    assert login("bob").post(url, {}).status_code == 403
    (record,) = refusals(caplog)
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == f"POST {url} user=bob status=403 Forbidden (Permission denied)"
    formatted = logging.getLogger().handlers[0].format(record)
    assert "Traceback" not in formatted and "\n" not in formatted


def test_a_404_logs_one_line(login, ledger_a, caplog):
    caplog.set_level(logging.WARNING)
    url = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    assert login("dave").get(url).status_code == 404
    (record,) = refusals(caplog)
    assert record.getMessage() == f"GET {url} user=dave status=404 Not Found"
    assert record.exc_info is None


def test_a_forged_path_cannot_start_a_new_log_line(client, caplog):
    caplog.set_level(logging.WARNING)
    assert client.get("/nothing%0Aforged-entry/").status_code == 404
    (record,) = refusals(caplog)
    assert "\n" not in record.getMessage() and "user=- status=404" in record.getMessage()


def test_the_console_also_shortens_other_loggers_refusals(client, caplog, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    caplog.set_level(logging.WARNING)
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    (record,) = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    console = next(h for h in logging.getLogger().handlers if h.filters)
    assert console.filter(record)
    assert record.exc_info is None and "Traceback" not in console.format(record)
    assert record.getMessage().startswith("GET / user=- status=400 ")


# --- the favicon ---------------------------------------------------------------------


def test_a_favicon_ships_and_every_page_links_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    icon = b"".join(response.streaming_content)
    assert icon[:4] == b"\x00\x00\x01\x00" and b"PNG" in icon  # an ICO holding PNGs
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<link rel="icon" href="/static/zhenggai/favicon.svg" type="image/svg+xml">' in page
    svg = client.get("/static/zhenggai/favicon.svg")
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    assert "http" not in open(finders.find("zhenggai/favicon.svg")).read().replace(
        "http://www.w3.org/2000/svg", ""
    )
