import os
import subprocess
import sys

import pytest

from tests.conftest import PASSWORD
from zhenggai.accounts.models import LoginFailure

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_it_logs_in_and_out(client, cast):
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_it_locks_a_user_out_after_repeated_failures(client, cast):
    for _ in range(5):
        response = attempt(client, "alice", "wrong")
        assert "用户名或密码不正确" in response.content.decode()
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 200 and "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another user from elsewhere is not affected.
    assert attempt(client, "bob", PASSWORD).status_code == 302


def test_it_forgets_failures_after_a_success(client, cast):
    attempt(client, "alice", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert not LoginFailure.objects.filter(username="alice").exists()


def test_it_sends_a_content_security_policy_without_inline_script(client, cast):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert client.get("/accounts/login/").headers["X-Frame-Options"] == "DENY"


def test_it_passes_the_deploy_checks_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "ZHENGGAI_DATA": str(tmp_path),
        "ZHENGGAI_DEBUG": "false",
        "ZHENGGAI_HTTPS": "true",
        "ZHENGGAI_SSL_REDIRECT": "true",
        "ZHENGGAI_ALLOWED_HOSTS": "zhenggai.example.gov.cn",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zhenggai.cli",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_it_explains_a_missing_csrf_token_in_chinese(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "请刷新页面后重新提交" in response.content.decode()


def test_it_moves_sub_units_with_their_unit(units, cast, client):
    from django.core.exceptions import ValidationError

    from zhenggai.accounts.access import access_for

    units["A"].parent = units["B"]
    units["A"].save()
    units["A1"].refresh_from_db()
    assert units["A1"].path == f"/{units['B'].pk}/{units['A'].pk}/{units['A1'].pk}/"
    cast["lena"].refresh_from_db()
    assert access_for(cast["lena"]).can_read(units["A1"])  # covers A's sub-units still
    units["B"].parent = units["A1"]
    with pytest.raises(ValidationError, match="上级单位不能是本单位或其下级单位"):
        units["B"].full_clean()
