"""Two `zhenggai serve` processes on one PostgreSQL database and one evidence folder
behave as one system: sessions, order numbers, the log-in throttle, the comment limit,
evidence files and the dashboard's counts are shared, not per process."""

import datetime as dt
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from zhenggai.accounts.passwords import OneTimePasswordHasher
from zhenggai.disclosure.models import Comment
from zhenggai.disclosure.services import RATE_LIMIT, RATE_WINDOW, publish_notice
from zhenggai.ledger.counts import differences
from zhenggai.ledger.models import Evidence, Problem
from zhenggai.oversight.models import SupervisionOrder

URL = os.environ.get("ZHENGGAI_DATABASE_URL", "")
pytestmark = [
    pytest.mark.skipif(
        not URL.startswith("postgres"),
        reason="two servers share one database only on PostgreSQL (ZHENGGAI_DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-2026"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """One browser's cookies, sent to whichever server it is given."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port, method, path, body=b"", content_type=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def token(self, port, path) -> str:
        status, page = self.request(port, "GET", path)
        assert status == 200, (path, status)
        return TOKEN.search(page.decode()).group(1)

    def post(self, port, path, data: dict, form_path=None):
        data = {"csrfmiddlewaretoken": self.token(port, form_path or path), **data}
        return self.request(
            port,
            "POST",
            path,
            urlencode(data, doseq=True).encode(),
            "application/x-www-form-urlencoded",
        )

    def login(self, port, username, password=PASSWORD) -> int:
        status, _ = self.post(
            port, "/accounts/login/", {"username": username, "password": password}
        )
        return status


@pytest.fixture
def servers(cast, ledger_a, tmp_path):
    """Two `zhenggai serve` on the test database, one data folder, key and audit key."""
    for name in ("olivia", "alice", "dave"):
        # A cheap hash the servers know (the suite's MD5 is not in production's list).
        cast[name].password = make_password(PASSWORD, hasher=OneTimePasswordHasher())
        cast[name].save(update_fields=["password"])
    test_url = urlunsplit(urlsplit(URL)._replace(path="/" + connection.settings_dict["NAME"]))
    env = {
        **os.environ,
        "ZHENGGAI_DATABASE_URL": test_url,
        "ZHENGGAI_DATA": str(tmp_path / "shared"),
        "ZHENGGAI_SECRET_KEY": "two-servers-one-secret-key-" + "x" * 40,
        "ZHENGGAI_AUDIT_KEY": "two-servers-one-audit-key-" + "y" * 32,
        "ZHENGGAI_HTTPS": "false",
    }
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"serve-{port}.log" for port in ports]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "zhenggai.cli", "serve", "--port", str(p), "--threads", "4"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        for p, log in zip(ports, logs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 90
        for port, process in zip(ports, processes, strict=True):
            while True:
                assert process.poll() is None, logs[ports.index(port)].read_text()[-2000:]
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "zhenggai serve did not start"
                    time.sleep(0.2)
        yield ports, logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def test_two_servers_behave_as_one(servers, cast, ledger_a, units):
    (a, b), logs = servers

    def said() -> str:  # what the servers wrote to stderr, for a failing assertion
        return "\n".join(log.read_text()[-3000:] for log in logs)

    # A session made on one server is valid on the other.
    office = Browser()
    assert office.login(a, "olivia") == 302
    assert office.request(a, "GET", "/oversight/")[0] == 200
    assert office.request(b, "GET", "/oversight/")[0] == 200

    # Order numbers issued alternately on both are unique and consecutive.
    problems = list(
        Problem.objects.filter(inspection=ledger_a, parent__isnull=False).order_by("pk")
    )
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    for n, problem in enumerate(problems):
        status, page = office.post(
            (a, b)[n % 2],
            "/oversight/orders/add/",
            {
                "unit": units["A"].pk,
                "level": SupervisionOrder.Level.NOTICE,
                "problems": [problem.pk],
                "due": due,
                "text": f"请于月底前报送第{n + 1}项整改情况。",
            },
        )
        assert status == 302, said() or page.decode()[-1500:]
    numbers = sorted(SupervisionOrder.objects.values_list("number", flat=True))
    assert len(numbers) == len(problems) == 4
    assert numbers == list(range(numbers[0], numbers[0] + 4))

    # An evidence file uploaded through one server downloads through the other.
    editor = Browser()
    assert editor.login(b, "alice") == 302
    measure = problems[0].measures.order_by("pk").first()
    path = f"/measures/{measure.pk}/"
    boundary = "two-servers-boundary"
    fields = {
        "csrfmiddlewaretoken": editor.token(a, path),
        "reported_on": timezone.localdate().isoformat(),
        "text": "已修订制度并印发。",
    }
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="制度.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, page = editor.request(
        a, "POST", path, body, f"multipart/form-data; boundary={boundary}"
    )
    assert status == 302, said() or page.decode()[-1500:]
    evidence = Evidence.objects.get(progress__measure=measure, name="制度.pdf")
    assert editor.request(b, "GET", f"/evidence/{evidence.pk}/") == (200, PDF)

    # The dashboard's counts agree on both servers and with a scan.
    assert differences(timezone.localdate()) == []
    office.request(b, "GET", "/")  # shows (and so drops) the messages of the orders issued
    pages = [office.request(port, "GET", "/oversight/")[1].decode() for port in (a, b)]
    first, second = (TOKEN.sub("", re.sub(r"\s+", " ", p)) for p in pages)
    at = next(
        (i for i, (x, y) in enumerate(zip(first, second, strict=False)) if x != y), len(first)
    )
    assert first == second, (first[at - 300 : at + 300], second[at - 300 : at + 300])

    # The log-in throttle counts failures on both: five free, the sixth sets a wait,
    # and then even the right password is refused on either server.
    guesser = Browser()
    for n in range(6):
        assert guesser.login((a, b)[n % 2], "dave", "wrong-password") == 200
    assert guesser.login(b, "dave") == 200
    assert "sessionid" not in guesser.cookies
    assert guesser.login(a, "dave") == 200
    assert "sessionid" not in guesser.cookies

    # The comment limit counts posts from one address on both servers.
    notice = publish_notice(
        ledger_a,
        actor=cast["alice"],
        text="中共测试区甲单位党组关于一届区委第一轮巡察整改进展情况的通报\n正文。\n",
    )
    step = RATE_WINDOW.total_seconds()
    if step - time.time() % step < 20:  # do not straddle two windows
        time.sleep(step - time.time() % step + 1)
    public = Browser()
    comment = f"/public/notices/{notice.pk}/comment/"
    form = f"/public/notices/{notice.pk}/"
    for n in range(RATE_LIMIT):
        status, _ = public.post((a, b)[n % 2], comment, {"content": f"意见{n}"}, form)
        assert status == 302
    assert public.post(b, comment, {"content": "再一条"}, form)[0] == 429
    assert public.post(a, comment, {"content": "又一条"}, form)[0] == 429
    assert Comment.objects.count() == RATE_LIMIT
