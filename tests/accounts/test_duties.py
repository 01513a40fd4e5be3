"""三员分立: three administrator duties, one per account, none with a role in a unit."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from zhenggai.accounts import org
from zhenggai.accounts.access import ACTS, access_for, has_duty
from zhenggai.accounts.models import Profile
from zhenggai.audit.models import Event

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    "name,duty", [("simon", "sysadmin"), ("sara", "secadmin"), ("audrey", "auditor")]
)
def test_each_administrator_holds_exactly_one_duty(cast, name, duty):
    held = [d for d in Profile.Duty.values if has_duty(cast[name], d)]
    assert held == [duty]
    assert not any(has_duty(cast[u], duty) for u in ("alice", "olivia"))


def test_an_unknown_duty_is_a_programming_error(cast):
    with pytest.raises(ValueError):
        has_duty(cast["simon"], "root")


def test_a_duty_grants_no_read_of_any_unit(cast, units):
    for name in ("simon", "sara", "audrey"):
        access = access_for(cast[name])
        assert not any(access.can_read(unit) for unit in units.values())
        granted = {act for act in ACTS if access.anywhere(act)}
        assert granted <= {
            "directory",
            "organise",
            "authorise",
            "import_directory",
            "reset",
            "unlock",
            "audit",
        }


def test_only_the_auditor_reads_the_audit_log_among_the_administrators(cast):
    readers = {n for n in ("simon", "sara", "audrey") if access_for(cast[n]).anywhere("audit")}
    assert readers == {"audrey"}


def test_an_account_cannot_take_a_second_duty(cast):
    with pytest.raises(org.OrgError, match="一个账号只能担任一种管理员"):
        org.grant_duty(cast["simon"], "auditor")
    assert Profile.objects.get(user=cast["simon"]).duty == "sysadmin"


def test_an_account_with_a_role_cannot_become_an_administrator(cast):
    with pytest.raises(org.OrgError, match="管理员须使用不担任任何单位角色的专用账号"):
        org.grant_duty(cast["olivia"], "auditor")
    assert not has_duty(cast["olivia"], "auditor")


def run(*args) -> str:
    out = io.StringIO()
    call_command("duty", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_the_three_administrators(db, client):
    for username, duty in [("xt_admin", "sysadmin"), ("aq_admin", "secadmin")]:
        text = run(username, duty, "--name", "管理员")
        password = re.search(r"一次性密码（只显示这一次，首次登录须修改）：(\S+)", text).group(1)
        assert client.login(username=username, password=password)
    run("sj_admin", "auditor")
    listing = run("--list")
    assert "系统管理员\txt_admin" in listing and "安全审计员\tsj_admin" in listing
    granted = Event.objects.filter(act="account.duty_granted")
    assert [e.data["duty"] for e in granted] == ["sysadmin", "secadmin", "auditor"]
    assert all(e.actor is None for e in granted)


def test_the_command_refuses_a_second_duty_and_revokes(cast):
    with pytest.raises(CommandError, match="一个账号只能担任一种管理员"):
        run("sara", "auditor")
    assert "已撤销" in run("sara", "none")
    assert not has_duty(User.objects.get(username="sara"), "secadmin")
    assert "现为安全审计员" in run("sara", "auditor")


def test_the_demo_has_one_of_each_administrator_and_prints_them(db, client, settings):
    from pathlib import Path

    from zhenggai.demo import ADMINS, PASSWORD, load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    printed = dict(load_demo())
    duties = [duty for _u, _n, duty, _h in ADMINS]
    assert sorted(duties) == sorted(Profile.Duty.values)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for username, _name, duty, _hint in ADMINS:
        assert printed[username].startswith(Profile.Duty(duty).label)
        assert f"`{username}`" in readme.split("## 第一次使用", 1)[1].split("\n## ", 1)[0]
        user = User.objects.get(username=username)
        assert has_duty(user, duty) and not user.memberships.exists()
        assert client.login(username=username, password=PASSWORD)
        nav = client.get("/accounts/password/").content.decode()
        assert ("单位与用户" in nav) == (duty != "auditor")


def test_the_policy_page_shows_the_settings_and_the_three_administrators(login, cast, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    page = login("sara").get("/accounts/policy/").content.decode()
    assert "至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类" in page
    assert "90 天" in page and "30 分钟无操作自动退出" in page
    rows = page.split("管理员账号（三员）", 1)[1]
    assert all(f"<td>{name}</td>" in rows for name in ("simon", "sara", "audrey"))
    assert "<td>alice</td>" not in rows and "<td>olivia</td>" not in rows
