"""Time to write the notice of a 200-measure inspection from its ledger: tree, text, .docx.

Targets (issue 4): text under 200 ms, .docx under 1 s, both counted from the database.
Printed, never asserted. Runs on a throw-away SQLite database unless
ZHENGGAI_DATABASE_URL is set:
    python bench/generate.py [--measures 200] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ZHENGGAI_DATA", tempfile.mkdtemp(prefix="zhenggai-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.notice import TEXT, best_of  # noqa: E402
from zhenggai.accounts.models import Unit  # noqa: E402
from zhenggai.disclosure.generate import notice_from_ledger  # noqa: E402
from zhenggai.ledger.models import Figure, Inspection, Measure, Problem, Progress  # noqa: E402
from zhenggai.notices.docx import to_docx  # noqa: E402
from zhenggai.notices.render import to_text  # noqa: E402


def build_ledger(measure_count: int) -> Inspection:
    """Eight categories of five problems; every measure has a report with two figures."""
    unit, _ = Unit.objects.get_or_create(
        name="青石县林业局", defaults={"full_name": "中共青石县林业局党组", "phone": "0571-8888666"}
    )
    inspection = Inspection.objects.create(
        unit=unit,
        round="十四届县委第三轮巡察",
        group="县委第二巡察组",
        start=dt.date(2023, 3, 1),
        end=dt.date(2023, 4, 30),
        feedback_date=dt.date(2023, 5, 20),
    )
    problems = []
    for c in range(8):
        category = Problem.objects.create(
            inspection=inspection, position=c, title=f"第{c + 1}方面问题落实不够到位"
        )
        problems += [
            Problem.objects.create(
                inspection=inspection,
                parent=category,
                position=p,
                title=f"第{c * 5 + p + 1}个具体问题整改不够到位",
            )
            for p in range(5)
        ]
    measures = Measure.objects.bulk_create(
        Measure(problem=problems[n % len(problems)], position=n, text=TEXT.format(n=n + 1))
        for n in range(measure_count)
    )
    reports = Progress.objects.bulk_create(
        Progress(measure=m, text="已完成阶段性任务", reported_on=dt.date(2023, 6, 1))
        for m in measures
    )
    Figure.objects.bulk_create(
        Figure(progress=r, counts=counts, value=Decimal(value), unit=unit)
        for r in reports
        for counts, value, unit in [("培训干部", "120", "人次"), ("完善制度", "3", "项")]
    )
    return inspection


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        inspection = Inspection.objects.select_related("unit").get(
            pk=build_ledger(args.measures).pk
        )
        with CaptureQueriesContext(connection) as queries:
            notice = notice_from_ledger(inspection)
        print(
            f"ledger: {args.measures} measures on {connection.vendor}, "
            f"{len(queries)} queries, {len(to_text(notice))} characters of text"
        )
        for name, work, target in [
            ("tree", lambda: notice_from_ledger(inspection), 200),
            ("text", lambda: to_text(notice_from_ledger(inspection)), 200),
            ("docx", lambda: to_docx(notice_from_ledger(inspection)), 1000),
        ]:
            best, median = best_of(args.repeat, work)
            print(
                f"{name:5} best {best:8.1f} ms  median {median:8.1f} ms  "
                f"target {target} ms  ({best / target:.1%} of target)"
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
