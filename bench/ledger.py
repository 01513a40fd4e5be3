"""Server time of the ledger page (500 measures) and the home page (200 inspections).

    python bench/ledger.py                      # SQLite in a temporary data folder
    ZHENGGAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zhenggai_bench_ledger \
        python bench/ledger.py

Printed, not asserted. On PostgreSQL the named database is emptied first.
"""

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ZHENGGAI_DATA", tempfile.mkdtemp(prefix="zhenggai-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
os.environ["ZHENGGAI_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from zhenggai.accounts.models import Membership, Unit  # noqa: E402
from zhenggai.ledger.models import Inspection, Measure, Problem  # noqa: E402


def build() -> tuple[Inspection, object]:
    call_command("flush", interactive=False, verbosity=0) if connection.vendor != "sqlite" else None
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench", password="bench-pass-2026")
    units = [Unit.objects.create(name=f"单位{i}") for i in range(20)]
    for unit in units:
        Membership.objects.create(user=user, unit=unit, role=Membership.Role.EDITOR)
    feedback = dt.date(2026, 3, 1)
    inspections = Inspection.objects.bulk_create(
        Inspection(
            unit=units[i % 20],
            round=f"第{i}轮巡察",
            feedback_date=feedback,
            rectify_until=feedback + dt.timedelta(days=61),
        )
        for i in range(200)
    )
    for index, inspection in enumerate(inspections):
        per_problem = 10 if index == 0 else 2
        problems = Problem.objects.bulk_create(
            Problem(inspection=inspection, position=p, title=f"问题{p}") for p in range(50)
        )
        Measure.objects.bulk_create(
            Measure(
                problem=problem,
                position=m,
                text="整改措施" * 10,
                owner="责任人",
                due=feedback + dt.timedelta(days=m * 20),
                status=list(Measure.Status)[m % 4],
            )
            for problem in problems
            for m in range(per_problem)
        )
    return inspections[0], user


def timed(client: Client, url: str, runs: int = 20) -> tuple[float, int]:
    client.get(url)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return statistics.median(samples) * 1000, len(ctx.captured_queries)


def main() -> None:
    inspection, user = build()
    client = Client()
    client.force_login(user)
    n = Measure.objects.filter(problem__inspection=inspection).count()
    ledger_ms, ledger_q = timed(client, f"/inspections/{inspection.pk}/")
    home_ms, home_q = timed(client, "/")
    print(f"database: {connection.vendor}")
    print(f"ledger page, {n} measures: {ledger_ms:.1f} ms, {ledger_q} queries")
    print(
        f"home page, {Inspection.objects.count()} inspections: {home_ms:.1f} ms, {home_q} queries"
    )


if __name__ == "__main__":
    main()
