"""The office dashboard over many measures, against the raw SQL computing the same numbers.

Run: python bench/dashboard.py [--measures N]  (default 1,000,000; prints figures)
SQLite in a temporary ZHENGGAI_DATA folder; with ZHENGGAI_DATABASE_URL set, PostgreSQL
in a separate database zhenggai_bench, dropped and created with psql.
Target (issue 6): dashboard time / raw SQL time at most 3; issue 16: the dashboard reads the
kept counts (ledger.counts.keep) and answers in under 100 ms, beside the raw scan's time.
The last line is `ratio: X`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = os.environ.get("ZHENGGAI_BENCH_DB", "zhenggai_bench")  # dropped and created
PROBLEMS_PER_INSPECTION = (4, 4)  # categories × specific problems
MEASURES_PER_INSPECTION = 1000


def configure() -> str:
    """Point the settings at a throw-away database; the vendor's name."""
    os.environ["ZHENGGAI_DATA"] = tempfile.mkdtemp(prefix="zhenggai-bench-")
    url = os.environ.get("ZHENGGAI_DATABASE_URL")
    if url:
        parts = urlsplit(url)
        psql = [
            "psql",
            "-q",
            "-h",
            parts.hostname or "127.0.0.1",
            "-U",
            parts.username or "postgres",
            "-d",
            "postgres",
            "-c",
        ]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {BENCH_DB}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {BENCH_DB}"], check=True)
        os.environ["ZHENGGAI_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def build_structure(n_measures: int, n_units: int):
    """Units, an office user, inspections and problems through the ORM (small tables)."""
    from django.contrib.auth import get_user_model

    from zhenggai.accounts.models import Membership, Unit

    root = Unit.objects.create(name="区委")
    office_unit = Unit.objects.create(name="巡察办", parent=root)
    units = [Unit.objects.create(name=f"单位{i:03d}", parent=root) for i in range(n_units)]
    office = get_user_model().objects.create_user("bench-office")
    Membership.objects.create(
        user=office, unit=office_unit, role=Membership.Role.OFFICE, covers_subunits=True
    )
    inspections = create_inspections(max(1, n_measures // MEASURES_PER_INSPECTION), units)
    return office, inspections, create_problems(inspections)


def create_inspections(count: int, units):
    import datetime as dt

    from zhenggai.ledger.models import Inspection

    kinds = [k for k, _ in Inspection.Kind.choices]
    start = dt.date(2025, 1, 1)
    inspections = Inspection.objects.bulk_create(
        Inspection(
            unit=units[i % len(units)],
            round=f"第{i % 4 + 1}轮巡察",
            kind=kinds[i % 3],
            feedback_date=start + dt.timedelta(days=i % 600),
            rectify_until=start + dt.timedelta(days=i % 600 + 61),
        )
        for i in range(count)
    )
    return inspections


def create_problems(inspections):
    """Categories and their specific problems; the specific ones, where measures go."""
    from zhenggai.ledger.models import Problem

    cats, subs = PROBLEMS_PER_INSPECTION
    categories = Problem.objects.bulk_create(
        Problem(inspection=insp, position=c, title=f"问题类别{c}")
        for insp in inspections
        for c in range(cats)
    )
    leaves = Problem.objects.bulk_create(
        Problem(inspection_id=cat.inspection_id, parent=cat, position=s, title=f"具体问题{s}")
        for cat in categories
        for s in range(subs)
    )
    return leaves


def insert_measures(vendor: str, n: int, leaves) -> None:
    """N measures in one INSERT … SELECT over a generated series, spread over the leaves."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_leaf (n INTEGER PRIMARY KEY, problem_id BIGINT)")
        cursor.executemany(
            "INSERT INTO bench_leaf VALUES (%s, %s)", [(i, p.pk) for i, p in enumerate(leaves)]
        )
        if vendor == "postgresql":
            series = "generate_series(0, %s) AS s(i)"
            due = "DATE '2025-06-01' + (s.i %% 600)"
        else:
            series = (
                "(WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r "
                "WHERE i < %s) SELECT i FROM r) AS s"
            )
            due = "date('2025-06-01', '+' || (s.i %% 600) || ' days')"
        cursor.execute(
            f"""
            INSERT INTO ledger_measure (problem_id, position, text, leader, department, owner,
                owner_user_id, term, due, status, done_at, withhold_reason,
                withhold_approver, version)
            SELECT l.problem_id, s.i / {len(leaves)} + 1, '整改措施' || s.i, '', '', '', NULL,
                CASE WHEN s.i %% 10 = 8 THEN 'ongoing' ELSE 'deadline' END,
                CASE WHEN s.i %% 10 = 8 THEN NULL ELSE {due} END,
                CASE s.i %% 10 WHEN 5 THEN 'in_progress' WHEN 6 THEN 'in_progress'
                    WHEN 7 THEN 'planned' WHEN 9 THEN 'planned' WHEN 8 THEN 'ongoing'
                    ELSE 'done' END,
                NULL, '', '', 1
            FROM {series} JOIN bench_leaf l ON l.n = s.i %% {len(leaves)}
        """,
            [n - 1],
        )
        cursor.execute("DROP TABLE bench_leaf")


def add_oversight(office, inspections, leaves) -> None:
    """Some closed problems, sign-offs in every state and orders, some overdue."""
    import datetime as dt

    from django.utils import timezone

    from zhenggai.ledger.models import Problem
    from zhenggai.oversight.models import SignOff, SupervisionOrder

    now = timezone.now()
    Problem.objects.filter(pk__in=[p.pk for p in leaves[::7]]).update(closed_at=now)
    statuses = ["applied", "returned", "approved"]
    SignOff.objects.bulk_create(
        SignOff(problem=p, applicant=office, status=statuses[i % 3])
        for i, p in enumerate(leaves[3::11])
    )
    SupervisionOrder.objects.bulk_create(
        SupervisionOrder(
            unit_id=insp.unit_id,
            year=2026,
            number=i + 1,
            issued_by=office,
            due=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            text="请整改",
            replied_at=now if i % 2 else None,
        )
        for i, insp in enumerate(inspections[:300])
    )


RAW_MEASURES = """
SELECT p.inspection_id, COUNT(*),
  SUM(CASE WHEN m.status = 'done' THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.status = 'in_progress' THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.status = 'ongoing' THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.status <> 'done' AND (m.status = 'ongoing' OR m.term = 'ongoing')
      THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.due < %s AND m.status IN ('planned', 'in_progress')
      AND m.term <> 'ongoing' THEN 1 ELSE 0 END),
  SUM(CASE WHEN m.due >= %s AND m.due <= %s AND m.status IN ('planned', 'in_progress')
      AND m.term <> 'ongoing' THEN 1 ELSE 0 END)
FROM ledger_measure m JOIN ledger_problem p ON p.id = m.problem_id
JOIN ledger_inspection i ON i.id = p.inspection_id AND i.voided_at IS NULL
GROUP BY p.inspection_id"""
# Problems, signed off, and rectified: signed off, or measures all done (counts.py).
RAW_PROBLEMS = """
SELECT p.inspection_id, COUNT(*),
  SUM(CASE WHEN p.closed_at IS NOT NULL OR q.closed_at IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN p.closed_at IS NOT NULL OR q.closed_at IS NOT NULL
      OR (EXISTS (SELECT 1 FROM ledger_measure m WHERE m.problem_id = p.id)
          AND NOT EXISTS (SELECT 1 FROM ledger_measure m
                          WHERE m.problem_id = p.id AND m.status <> 'done'))
      THEN 1 ELSE 0 END)
FROM ledger_problem p LEFT JOIN ledger_problem q ON q.id = p.parent_id
JOIN ledger_inspection i ON i.id = p.inspection_id AND i.voided_at IS NULL
WHERE p.id NOT IN (SELECT parent_id FROM ledger_problem WHERE parent_id IS NOT NULL)
GROUP BY p.inspection_id"""
RAW_SIGNOFFS = """
SELECT p.inspection_id, SUM(CASE WHEN s.status = 'applied' THEN 1 ELSE 0 END),
  SUM(CASE WHEN s.status = 'returned' THEN 1 ELSE 0 END)
FROM oversight_signoff s JOIN ledger_problem p ON p.id = s.problem_id
GROUP BY p.inspection_id"""
RAW_ORDERS = """SELECT unit_id, COUNT(*) FROM oversight_supervisionorder
WHERE replied_at IS NULL AND due < %s GROUP BY unit_id"""
RAW_INSPECTIONS = """SELECT i.id, i.round, i.kind, i.feedback_date, i.rectify_until, u.name
FROM ledger_inspection i JOIN accounts_unit u ON u.id = i.unit_id ORDER BY i.rectify_until"""
RAW_LISTS = [
    """SELECT m.id, m.text, m.due, u.name FROM ledger_measure m
    JOIN ledger_problem p ON p.id = m.problem_id JOIN ledger_inspection i
    ON i.id = p.inspection_id JOIN accounts_unit u ON u.id = i.unit_id
    WHERE m.due < %s AND m.status IN ('planned', 'in_progress') AND m.term <> 'ongoing'
    ORDER BY m.due, m.id LIMIT 20""",
    """SELECT m.id, m.text, m.due, u.name FROM ledger_measure m
    JOIN ledger_problem p ON p.id = m.problem_id JOIN ledger_inspection i
    ON i.id = p.inspection_id JOIN accounts_unit u ON u.id = i.unit_id
    WHERE m.due >= %s AND m.due <= %s AND m.status IN ('planned', 'in_progress')
    AND m.term <> 'ongoing' ORDER BY m.due, m.id LIMIT 20""",
]


def raw_sql(today) -> int:
    """The same numbers and lists by hand-written SQL; the rows fetched."""
    import datetime as dt

    from django.db import connection

    soon = today + dt.timedelta(days=10)
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in [
            (RAW_MEASURES, [today, today, soon]),
            (RAW_PROBLEMS, []),
            (RAW_SIGNOFFS, []),
            (RAW_ORDERS, [today]),
            (RAW_INSPECTIONS, []),
            (RAW_LISTS[0], [today]),
            (RAW_LISTS[1], [today, soon]),
        ]:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def median_seconds(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    began = time.perf_counter()
    vendor = configure()
    office, inspections, leaves = build_structure(args.measures, args.units)
    insert_measures(vendor, args.measures, leaves)
    add_oversight(office, inspections, leaves)
    from django.db import connection
    from django.utils import timezone

    from zhenggai.ledger import counts

    # Written in bulk, as an import writes: the kept counts once, then the first fold.
    started = time.perf_counter()
    counts.keep([i.pk for i in inspections])
    kept = time.perf_counter() - started
    started = time.perf_counter()
    folded = counts.fold(timezone.localdate())
    print(
        f"kept counts of {len(inspections):,} inspections written in {kept:.1f} s; "
        f"passed due dates of {folded:,} inspections folded in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )

    with connection.cursor() as cursor:
        # PostgreSQL: the dead rows the bulk writes left gone, as autovacuum leaves them.
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    print(
        f"database: {vendor}; {args.measures:,} measures, {len(inspections):,} inspections, "
        f"{len(leaves):,} specific problems, {args.units} units; "
        f"built in {time.perf_counter() - began:.1f} s"
    )
    measure(office, args.runs)


def measure(office, runs: int) -> None:
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhenggai.accounts.access import Access
    from zhenggai.oversight.dashboard import Filters, Scope, build
    from zhenggai.oversight.views.dashboard import dashboard

    today = timezone.localdate()

    def page():
        request = RequestFactory().get("/oversight/")
        office.__dict__.pop("_zhenggai_access", None)
        request.user = office
        response = dashboard(request)
        assert response.status_code == 200
        return response

    page()  # warm caches and templates
    raw_sql(today)
    with CaptureQueriesContext(connection) as captured:
        size = len(page().content)
    t_service = median_seconds(lambda: build(Scope(Access(office=True)), Filters(), today), runs)
    t_page = median_seconds(page, runs)
    t_raw = median_seconds(lambda: raw_sql(today), runs)
    print(f"dashboard page: {len(captured)} queries, {size / 1024:.0f} KB of HTML")
    print(f"service (numbers only): median {t_service * 1000:.0f} ms over {runs} runs")
    print(f"dashboard (service + rendering): median {t_page * 1000:.0f} ms")
    print(f"raw SQL aggregate and lists (the scan): median {t_raw * 1000:.0f} ms")
    from zhenggai.ledger.models import KeptCount

    rows = KeptCount.objects.count()
    print(f"kept count rows read at most: {rows:,} (aim: dashboard under 100 ms)")
    print(f"ratio: {t_page / t_raw:.2f}")


if __name__ == "__main__":
    main()
