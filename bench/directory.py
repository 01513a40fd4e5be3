"""The 通讯录 import: reading, planning and writing a district of N people (N/6.7 units).

    python bench/directory.py                   # SQLite in a temporary data folder
    ZHENGGAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zhenggai_bench_dir \
        python bench/directory.py

Printed, not asserted: seconds per step at 400 and 4,000 people and their ratio. The
real password hashers are used, so one-time passwords cost what they cost in production.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ZHENGGAI_DATA", tempfile.mkdtemp(prefix="zhenggai-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from zhenggai.accounts import directory  # noqa: E402
from zhenggai.accounts.models import Profile  # noqa: E402


def district(people: int, prefix: str) -> list[list[str]]:
    """One root, bureaus of four units each, a unit for every 6.7 people."""
    root = f"{prefix}区委"
    units = []
    for b in range(max(1, people * 3 // 80)):
        bureau = f"{root}/{prefix}第{b + 1}局"
        units += [bureau, *(f"{bureau}/{prefix}第{b + 1}局第{k + 1}科" for k in range(3))]
    roles = ["单位领导", "整改联络员", "责任人", "查阅人"]
    rows = [[0, root, "", "", "", "", "", "", ""]]
    for n in range(people):
        unit = units[n % len(units)]
        role = roles[min(n // len(units), 3)]
        rows.append([n + 2, unit, f"人员{n}", f"{prefix}{n}", role, "否", "", "", "科员"])
    return rows


def timed(label: str, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<28} {seconds:8.2f} s")
    return seconds


def run(people: int, prefix: str, admins: dict) -> dict[str, float]:
    rows = district(people, prefix)
    data = directory.write_sheet([row[1:] for row in rows])
    print(f"{people} people, {len({r[1] for r in rows})} units, {len(data) // 1024} KB")
    return {
        "read": timed("read the workbook", lambda: directory.read_rows(data, "通讯录.xlsx")),
        "plan": timed("plan (preview)", lambda: directory.plan_rows(rows)),
        "accounts": timed(
            "import: units and accounts",
            lambda: directory.import_directory(rows, actor=admins["sys"], filename="b.xlsx"),
        ),
        "roles": timed(
            "import: roles",
            lambda: directory.import_directory(rows, actor=admins["sec"], filename="b.xlsx"),
        ),
        "again": timed(
            "re-import (no change)",
            lambda: directory.import_directory(rows, actor=admins["sys"], filename="b.xlsx"),
        ),
    }


def main() -> None:
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    User = get_user_model()
    admins = {}
    for name, duty in (("sys", Profile.Duty.SYSADMIN), ("sec", Profile.Duty.SECADMIN)):
        admins[name] = User.objects.create_user(f"bench_{name}")
        Profile.objects.create(user=admins[name], duty=duty)
    small = run(400, "甲", admins)
    large = run(4000, "乙", admins)
    print("ratio 4,000 / 400 people (10 would be linear):")
    for step, seconds in small.items():
        print(f"  {step:<10} {large[step] / seconds:6.1f}")


if __name__ == "__main__":
    main()
