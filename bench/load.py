"""Load bench: `zhenggai serve` (waitress) on PostgreSQL driven by concurrent simulated users.

    ZHENGGAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zhenggai_load \\
    ZHENGGAI_DATA=/tmp/zg_load python bench/load.py --users 50 --seconds 60

Loads the demo (`zhenggai demo --no-serve`, which changes nothing when it is loaded
already), starts `zhenggai serve` on 127.0.0.1, logs every simulated user in once (one
after another: concurrent log-ins of one account would meet the log-in throttle), then
lets them work at once for --seconds: the office reads its to-do, the ledger, the
dashboard and the statistics; unit users read their to-do, the ledger and measures, and
report progress with a small PDF through the measure page's own form (with CSRF). Each
user waits --think seconds (0.5x to 1.5x, at random) between requests, as people do.
Prints requests/s, p50/p95/p99 per kind and overall, errors, and the progress reports
answered OK beside the rows found in the database afterwards (lost writes). The server
runs `zhenggai serve`'s own number of workers unless --workers says otherwise. Each run
adds its reports to the measures it reports on; compare runs on a fresh database.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo-2026"
OFFICE = "xuncha"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Client:
    """One browser: a kept-alive connection and its cookies."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed a kept-alive connection: open a new one once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or value in ('""', ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return response.status, response.getheader("Location") or "", data

    def login(self, username: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = TOKEN.search(page.decode())
        if status != 200 or token is None:
            raise RuntimeError(f"login page: {status}")
        body = f"csrfmiddlewaretoken={token.group(1)}&username={username}&password={PASSWORD}"
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login {username}: {status} {location}")


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, data in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.reported = 0

    def add(self, kind: str, seconds: float, ok: bool, what: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {what}")


def timed(results: Results, kind: str, client: Client, method, path, expect, body=None, hdr=None):
    start = time.perf_counter()
    try:
        status, location, data = client.request(method, path, body, hdr)
        ok = status == expect
        what = f"{method} {path} -> {status} {location}"
    except Exception as exc:  # noqa: BLE001 - every failure is an error to count
        ok, data, what = False, b"", f"{method} {path} -> {exc!r}"
    results.add(kind, time.perf_counter() - start, ok, what)
    return ok, data


def simulate(user: dict, client: Client, stop: float, think: float, run: str, results: Results):
    rnd = random.Random(user["n"])
    count = 0
    while time.monotonic() < stop:
        time.sleep(think * rnd.uniform(0.5, 1.5))
        if time.monotonic() >= stop:
            break
        inspection = rnd.choice(user["inspections"])
        if user["office"]:
            kind = rnd.choice(["todo", "ledger", "dashboard", "statistics"])
        else:
            kind = rnd.choices(["todo", "ledger", "measure", "report"], [2, 2, 2, 3])[0]
        if kind == "todo":
            timed(results, kind, client, "GET", "/", 200)
        elif kind == "ledger":
            path = rnd.choice(["/inspections/", f"/inspections/{inspection}/"])
            timed(results, kind, client, "GET", path, 200)
        elif kind == "dashboard":
            timed(results, kind, client, "GET", "/oversight/", 200)
        elif kind == "statistics":
            timed(results, kind, client, "GET", "/oversight/statistics/", 200)
        else:
            measure = rnd.choice(user["measures"])
            ok, page = timed(results, "measure", client, "GET", f"/measures/{measure}/", 200)
            if kind == "measure" or not ok:
                continue
            token = TOKEN.search(page.decode())
            count += 1
            body, ctype = multipart(
                {
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                    "reported_on": time.strftime("%Y-%m-%d"),
                    "text": f"压测{run}-{user['n']}-{count}：本周完成整改台账核对。",
                    "figures": "",
                    "reference": "",
                },
                [("files", f"佐证{count}.pdf", PDF)],
            )
            ok, _ = timed(
                results,
                "report",
                client,
                "POST",
                f"/measures/{measure}/",
                302,
                body,
                {"Content-Type": ctype, "Referer": f"http://127.0.0.1:{client.port}/"},
            )
            if ok:
                with results.lock:
                    results.reported += 1


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"zhenggai serve stopped with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"zhenggai serve did not listen on {port} within {seconds} s")


def plan(users: int) -> list[dict]:
    """Who each simulated user is, with the inspections they read and measures they report on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.http import Http404
    from django.test import RequestFactory

    from zhenggai.ledger import services
    from zhenggai.ledger.access import get_measure_for_user
    from zhenggai.ledger.models import Inspection, Measure

    User = get_user_model()
    factory = RequestFactory()
    measures = list(Measure.objects.select_related("problem__parent").order_by("pk"))
    reporters: dict[str, list[int]] = {}
    for account in User.objects.filter(is_active=True).exclude(password="!").order_by("pk"):
        request = factory.get("/")
        request.user = account
        mine = []
        for measure in measures:
            try:
                _, _, can_report = get_measure_for_user(request, measure.pk)
                services._check_open(measure.problem)
            except (Http404, services.LedgerError, Exception):  # noqa: BLE001
                continue
            if can_report:
                mine.append(measure.pk)
        if mine and account.username != OFFICE:
            reporters[account.username] = mine
    everything = list(Inspection.objects.values_list("pk", flat=True))
    inspection_of = {m.pk: m.problem.inspection_id for m in measures}
    names = sorted(reporters)
    offices = max(1, users // 5)
    people = []
    for n in range(users):
        office = n < offices
        name = OFFICE if office else names[n % len(names)]
        people.append(
            {
                "n": n,
                "username": name,
                "office": office,
                "measures": [] if office else reporters[name],
                "inspections": everything
                if office
                else sorted({inspection_of[pk] for pk in reporters[name]}),
            }
        )
    return people


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between requests")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=8, help="waitress threads per worker")
    parser.add_argument(
        "--workers", type=int, default=None, help="zhenggai serve --workers (default: its own)"
    )
    args = parser.parse_args()
    if not os.environ.get("ZHENGGAI_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("ZHENGGAI_DATABASE_URL must name a PostgreSQL database")
    os.environ.setdefault("ZHENGGAI_DATA", "/tmp/zhenggai-load")
    os.environ["ZHENGGAI_HTTPS"] = "false"
    os.environ["ZHENGGAI_DEMO"] = "true"
    zhenggai = [sys.executable, "-m", "zhenggai.cli"]
    subprocess.run([*zhenggai, "demo", "--no-serve"], check=True, cwd=ROOT, capture_output=True)
    people = plan(args.users)
    from zhenggai.ledger.models import Progress
    from zhenggai.server import default_workers

    if args.workers is None:
        args.workers = default_workers()
    earlier = Progress.objects.filter(text__startswith="压测").count()
    if earlier:
        print(f"{earlier} progress reports of earlier runs are in the database: the measure")
        print("pages grow with them; compare runs on a fresh database (README).")
    # Waitress' warnings ("Task queue depth is N": requests waiting for a thread) go
    # to a log in the data folder, not between the figures.
    log = Path(os.environ["ZHENGGAI_DATA"]) / "load-serve.log"
    server = subprocess.Popen(
        [*zhenggai, "serve", "--port", str(args.port), "--threads", str(args.threads)]
        + ["--workers", str(args.workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        wait_for_port(args.port, server)
        clients = []
        start = time.perf_counter()
        for person in people:
            client = Client(args.port)
            client.login(person["username"])
            clients.append(client)
        print(f"{len(clients)} 个会话已登录（{time.perf_counter() - start:.1f} s，逐个登录）")
        run = uuid.uuid4().hex[:8]
        results = Results()
        stop = time.monotonic() + args.seconds
        began = time.perf_counter()
        threads = [
            threading.Thread(
                target=simulate, args=(p, c, stop, args.think, run, results), daemon=True
            )
            for p, c in zip(people, clients, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 120)
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(30)
    report(results, elapsed, run, args)
    depths = re.findall(r"Task queue depth is (\d+)", log.read_text())
    if depths:
        print(f"waitress queue: up to {max(map(int, depths))} requests waiting ({log})")
    return 0


def report(results: Results, elapsed: float, run: str, args) -> None:
    from zhenggai.ledger.models import Evidence, Progress

    everything = [t for times in results.times.values() for t in times]
    errors = sum(results.errors.values())
    print(
        f"{args.users} users, {args.seconds:.0f} s, think {args.think} s, "
        f"workers {args.workers} × waitress threads {args.threads}, "
        f"load {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"{'kind':12}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    rows = sorted(results.times.items()) + [("overall", everything)]
    for kind, times in rows:
        if not times:
            continue
        wrong = errors if kind == "overall" else results.errors[kind]
        print(
            f"{kind:12}{len(times):>9}{wrong:>8}"
            + "".join(f"{percentile(times, s) * 1000:>9.0f}" for s in (0.5, 0.95, 0.99))
        )
    print(
        f"requests/s {len(everything) / elapsed:.1f}; "
        f"mean {statistics.fmean(everything) * 1000:.0f} ms"
    )
    rows = Progress.objects.filter(text__startswith=f"压测{run}-")
    found = rows.count()
    files = Evidence.objects.filter(progress__in=rows).exclude(file="").count()
    print(
        f"progress reports answered OK {results.reported}, rows found {found} "
        f"(with {files} evidence files): lost writes {results.reported - found}"
    )
    for sample in results.samples:
        print("  error:", sample)


if __name__ == "__main__":
    sys.exit(main())
