"""The search box over 100,000 measures and 300,000 progress reports: time per query.

Run: python bench/search.py [--measures N] [--progress N] [--runs N] [--reuse]
SQLite in a temporary ZHENGGAI_DATA folder; with ZHENGGAI_DATABASE_URL set, PostgreSQL in
a separate database zhenggai_bench_search on that server, dropped and created with psql.
Prints, for 1-, 2- and 4-character queries (common, rare and absent), the time of the
whole results page's search (every kind) for the office (every unit), a leader of ten
units and a unit's editor, and of one kind's page; and, for comparison, a LIKE scan.
Target (issue 13): under 100 ms a query on both databases.

What the search uses and why (zhenggai/ledger/search.py): each item's characters are
indexed one by one, as words, by the database's own full-text index (FTS5 on SQLite, a
tsvector with GIN on PostgreSQL); a query of n characters is a phrase of n tokens. A
trigram index (FTS5 trigram, pg_trgm) cannot answer one or two characters without
reading every row, and pg_trgm skips CJK in a C locale; a bigram table of our own would
hold about a hundred rows per progress report (tens of millions here).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import dashboard  # noqa: E402

SAMPLES = ROOT / "tests" / "samples"
BENCH_DB = "zhenggai_bench_search"
ROLES = ("office", "leader", "editor")
INSPECTIONS = 200
DEPARTMENTS, SUBUNITS = 20, 9  # 20 departments of 10 units each: 200 units
# (label, query): common, rare and absent words of the genre, 1, 2 and 4 characters.
QUERIES = [
    ("1 字 常见", "整"),
    ("1 字 少见", "档"),
    ("1 字 没有", "雪"),
    ("2 字 常见", "整改"),
    ("2 字 少见", "档案"),
    ("2 字 没有", "冰川"),
    ("4 字 常见", "整改落实"),
    ("4 字 少见", "党员档案"),
    ("4 字 没有", "雪山冰川"),
]


def clauses() -> list[str]:
    """Clauses of the project's own sample notices (fictional units), to write texts with."""
    found = set()
    for path in SAMPLES.glob("*.txt"):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        for piece in text.replace("。", "，").replace("；", "，").replace("\n", "，").split("，"):
            if len(piece.strip()) >= 4:
                found.add(piece.strip())
    return sorted(found)


def build(n_measures: int, n_progress: int):
    """Units in a tree, the cast of three, inspections, problems, measures and progress."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from zhenggai.accounts.models import Membership, Unit
    from zhenggai.ledger.models import Inspection, Measure, Problem, Progress

    rnd, words = random.Random(13), clauses()

    def text(low: int, high: int) -> str:
        return "，".join(rnd.choice(words) for _ in range(rnd.randint(low, high))) + "。"

    root = Unit.objects.create(name="区委")
    office_unit = Unit.objects.create(name="巡察办", parent=root)
    units = []
    for d in range(DEPARTMENTS):
        department = Unit.objects.create(name=f"部门{d:02d}", parent=root)
        units += [department]
        units += [
            Unit.objects.create(name=f"部门{d:02d}科{s}", parent=department)
            for s in range(SUBUNITS)
        ]
    users = {name: get_user_model().objects.create_user(f"bench-{name}") for name in ROLES}
    for name, unit, role, covers in [
        ("office", office_unit, Membership.Role.OFFICE, True),
        ("leader", units[0], Membership.Role.LEADER, True),
        ("editor", units[1], Membership.Role.EDITOR, False),
    ]:
        Membership.objects.create(user=users[name], unit=unit, role=role, covers_subunits=covers)
    inspections = Inspection.objects.bulk_create(
        Inspection(
            unit=units[i % len(units)],
            round=f"第{i % 4 + 1}轮巡察",
            feedback_date=dt.date(2025, 1, 1),
            rectify_until=dt.date(2025, 3, 1),
        )
        for i in range(INSPECTIONS)
    )
    problems = Problem.objects.bulk_create(
        Problem(inspection=insp, position=p, title=text(1, 2))
        for insp in inspections
        for p in range(20)
    )
    measures = []
    for start in range(0, n_measures, 5000):
        measures += Measure.objects.bulk_create(
            Measure(
                problem=problems[(i * len(problems)) // n_measures],
                position=i,
                text=text(2, 5),
                owner=rnd.choice("张王李赵刘陈杨黄") + rnd.choice("明华强伟芳敏静丽军"),
            )
            for i in range(start, min(start + 5000, n_measures))
        )
    for start in range(0, n_progress, 5000):
        Progress.objects.bulk_create(
            Progress(measure=measures[(i * len(measures)) // n_progress], text=text(4, 12))
            for i in range(start, min(start + 5000, n_progress))
        )
    return users, inspections


def index(inspections) -> tuple[float, float]:
    """Entries for everything, as each import writes them; the seconds it took (wall
    clock, and this process's CPU: SQLite's work included, PostgreSQL's not)."""
    from django.db import transaction

    from zhenggai.ledger import search
    from zhenggai.ledger.models import Measure, Problem, Progress

    began, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():  # as the migration fills an existing database
        for inspection in inspections:
            search._fill(inspection.pk, inspection.unit_id, (Problem, Measure, Progress))
    return time.perf_counter() - began, time.process_time() - cpu


def like_scan(query: str) -> None:
    """The plain way, for comparison: a substring scan of every entry of one kind."""
    from zhenggai.ledger.models import SearchEntry

    list(SearchEntry.objects.filter(kind="progress", body__contains=query).values_list("id")[:500])


def timings(function, runs: int) -> tuple[float, float]:
    """(best, median) seconds of `runs` calls: on a shared machine the best is the query's
    own time, the median adds the wait for a processor."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times)


def measure(users, runs: int) -> list[tuple[float, float]]:
    from zhenggai.ledger import search

    cells = []
    columns = ["office", "leader", "editor", "one kind", "LIKE"]
    header = f"{'query':<12}" + "".join(f"{c:>14}" for c in columns) + "  on page 1"
    print(header + "\n" + "-" * len(header))
    for label, query in QUERIES:
        parts = search.parse_query(query)
        row = [timings(lambda n=name, p=parts: search.search(users[n], p), runs) for name in ROLES]
        page = lambda p=parts: search.search(users["office"], p, "progress")  # noqa: E731
        row.append(timings(page, runs))
        like = timings(lambda q=query: like_scan(q), max(1, runs // 2))
        cells += row
        found = page()[0].total
        print(
            f"{label + ' ' + query:<12}"
            + "".join(f"{b * 1000:>7.1f}/{m * 1000:>6.1f}" for b, m in [*row, like])
            + f"  {min(found, search.PAGE)}{'+' if found > search.PAGE else ''}"
        )
    return cells


def reuse() -> str:
    """The database of an earlier run, brought up to the current migrations."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("ZHENGGAI_DATABASE_URL")
    if url:
        parts = urlsplit(url)
        os.environ["ZHENGGAI_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    elif not os.environ.get("ZHENGGAI_DATA"):
        raise SystemExit("--reuse on SQLite: set ZHENGGAI_DATA to the folder of an earlier run")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=100_000)
    parser.add_argument("--progress", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="measure an earlier run's data")
    args = parser.parse_args()
    dashboard.BENCH_DB = BENCH_DB
    began = time.perf_counter()
    if args.reuse:
        vendor = reuse()
        from django.contrib.auth import get_user_model

        users = {n: get_user_model().objects.get(username=f"bench-{n}") for n in ROLES}
        built, seconds, cpu = 0.0, 0.0, 0.0
    else:
        vendor = dashboard.configure()
        users, inspections = build(args.measures, args.progress)
        built = time.perf_counter() - began
        seconds, cpu = index(inspections)
    from django.conf import settings
    from django.db import connection

    from zhenggai.ledger.models import Measure, Progress, SearchEntry

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    entries = SearchEntry.objects.count()
    where = settings.DATABASES["default"]["NAME"]
    print(
        f"database: {vendor} ({where}); {Measure.objects.count():,} measures, "
        f"{Progress.objects.count():,} progress reports, {INSPECTIONS} inspections, "
        f"{DEPARTMENTS * (SUBUNITS + 1)} units; built in {built:.1f} s; {entries:,} search "
        f"entries written in {seconds:.1f} s ({cpu:.1f} s CPU in this process)"
    )
    print("\n" + __doc__.split("\n\n")[-1].strip() + "\n")
    print(
        f"milliseconds, best/median of {args.runs} runs; office = every unit, leader = 10 units,"
        " editor = 1 unit; the first three columns are the whole results page's search (5 kinds,"
        " up to 6 each), 'one kind' the first page of progress reports (20, and whether there"
        " are more), LIKE a plain substring scan of the progress reports for comparison\n"
    )
    cells = measure(users, args.runs)
    best, median = max(b for b, _m in cells), max(m for _b, m in cells)
    print(f"\nslowest cell: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")
    print(json.dumps({"vendor": vendor, "slowest_best_ms": round(best * 1000, 1)}))


if __name__ == "__main__":
    main()
