"""The ledger workbook at 100,000 measures: export time and memory, import time.

    python bench/workbook.py                    # SQLite in a temporary data folder
    ZHENGGAI_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/zhenggai_bench \
        python bench/workbook.py

Printed, not asserted. Targets: export under 15 s with memory flat in the row count,
import (validation, then the write in batches) under 30 s (issue 16: export under 3 s,
import under 5 s), while another writer waits for SQLite's lock a second at most. The
import is done when its ledger is in; its search entries are written behind it
(search.fill_behind), timed apart. Also the read in the bounded child process, as the
import page does it. On PostgreSQL the named database is emptied first. Also times the
libraries that were not chosen.
"""

import datetime as dt
import io
import os
import sqlite3
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("ZHENGGAI_DATA", tempfile.mkdtemp(prefix="zhenggai-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from zhenggai.accounts.models import Unit  # noqa: E402
from zhenggai.ledger import search  # noqa: E402
from zhenggai.ledger.draft import commit_draft  # noqa: E402
from zhenggai.ledger.models import Inspection, Measure, Problem, Progress  # noqa: E402
from zhenggai.ledger.sandbox import read_bounded  # noqa: E402
from zhenggai.ledger.workbook import write_inspection  # noqa: E402
from zhenggai.ledger.workbook_read import read_workbook  # noqa: E402

FEEDBACK = dt.date(2026, 3, 1)
STATUSES = list(Measure.Status)


def build(measures: int) -> Inspection:
    """20 categories × 50 problems, measures spread evenly, realistic text lengths."""
    unit = Unit.objects.create(name=f"基准单位{measures}")
    inspection = Inspection.objects.create(
        unit=unit, round="一届区委第二轮巡察", group="区委第一巡察组", feedback_date=FEEDBACK
    )
    categories = Problem.objects.bulk_create(
        Problem(inspection=inspection, position=c, title=f"关于落实主体责任不够到位问题{c}")
        for c in range(20)
    )
    problems = Problem.objects.bulk_create(
        Problem(
            inspection=inspection,
            parent=cat,
            position=p,
            title=f"党组理论学习中心组学习制度执行不严格，学习计划落实不到位{p}",
        )
        for cat in categories
        for p in range(50)
    )
    per = measures // len(problems)
    batch = [
        Measure(
            problem=problem,
            position=m,
            leader="张某某",
            department="办公室",
            owner="李某",
            text=f"制定并严格执行年度学习计划，每月至少召开1次中心组学习会，建立学习台账第{m}项",
            due=FEEDBACK + dt.timedelta(days=30 + m % 300),
            status=STATUSES[m % 4],
            term=Measure.Term.ONGOING if m % 4 == 3 else Measure.Term.DEADLINE,
        )
        for problem in problems
        for m in range(per)
    ]
    Measure.objects.bulk_create(batch, batch_size=5000)
    first = Measure.objects.filter(problem__inspection=inspection)[:1000]
    Progress.objects.bulk_create(Progress(measure=m, text="已召开专题会议研究部署") for m in first)
    return inspection


def export(inspection: Inspection, trace: bool) -> tuple[float, int, int]:
    """(seconds, peak bytes traced or 0, file size), writing to a temporary file."""
    with tempfile.TemporaryFile() as out:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        write_inspection(out, inspection, internal=True)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        return seconds, peak, out.tell()


def reference_export(measures: int) -> float:
    """XlsxWriter alone, cell by cell (write_string, constant_memory, its default zip):
    the export's cells (整改台账 11, 任务清单 5, 责任清单 6 a measure) with the bench's
    texts, no styles, no merges, no database: the host's speed in the same run."""
    import xlsxwriter

    text = "制定并严格执行年度学习计划，每月至少召开1次中心组学习会，建立学习台账第{}项"
    widths = (11, 5, 6)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        book = xlsxwriter.Workbook(out, {"constant_memory": True})
        sheets = [book.add_worksheet() for _ in widths]
        for r in range(measures):
            cell = text.format(r)
            for sheet, width in zip(sheets, widths, strict=True):
                for c in range(width):
                    sheet.write_string(r, c, cell)
        book.close()
    return time.perf_counter() - started


def import_(data: bytes, unit: str) -> tuple[float, float, float, float, float]:
    """(read in process, read in the bounded child, write, the search entries written
    behind it, another writer's longest wait) seconds; the wait is measured on SQLite
    only (0 elsewhere)."""
    started = time.perf_counter()
    draft = read_workbook(data, "台账.xlsx")
    read = time.perf_counter() - started
    assert not draft.errors, draft.errors[:3]
    started = time.perf_counter()
    read_bounded(data, "台账.xlsx")
    child = time.perf_counter() - started
    done, waits = threading.Event(), [0.0]
    other = threading.Thread(target=other_writer, args=(done, waits))
    if connection.vendor == "sqlite":
        other.start()
    started = time.perf_counter()
    commit_draft(draft, unit, actor=None)
    write = time.perf_counter() - started
    search.wait_behind()
    behind = time.perf_counter() - started - write
    done.set()
    if other.is_alive():
        other.join()
    return read, child, write, behind, max(waits)


def other_writer(done: threading.Event, waits: list[float]) -> None:
    """Another user's write every 50 ms while the import runs: how long each waits."""
    db = sqlite3.connect(connection.settings_dict["NAME"], timeout=600, isolation_level=None)
    while not done.is_set():
        began = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        waits.append(time.perf_counter() - began)
        db.execute("COMMIT")
        time.sleep(0.05)
    db.close()


def compare_libraries(rows: int = 100_000) -> None:
    """Plain rows through the writers and readers that were candidates."""
    import openpyxl
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    row = ["一", "类别", "问题", "措施" * 20, "张", "办公室", "李", "2026年6月30日", "推进中"]
    started = time.perf_counter()
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    for r in range(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    xw = time.perf_counter() - started
    started = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for _ in range(rows):
        sheet.append(row)
    book.save(io.BytesIO())
    ox = time.perf_counter() - started
    data = out.getvalue()
    started = time.perf_counter()
    count = sum(
        1
        for _ in CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).iter_rows()
    )
    cal = time.perf_counter() - started
    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count2 = sum(1 for _ in book.active.iter_rows(values_only=True))
    opr = time.perf_counter() - started
    assert count == count2 == rows
    print(
        f"libraries, {rows:,} plain rows: write XlsxWriter(constant_memory) {xw:.2f} s, "
        f"openpyxl(write_only) {ox:.2f} s ({ox / xw:.1f}×); read calamine {cal:.2f} s, "
        f"openpyxl(read_only) {opr:.2f} s ({opr / cal:.1f}×)"
    )


def compare_writers(rows: int = 100_000) -> None:
    """Our 整改台账 rows (11 columns: text, a date or words, merged-column blanks) through
    XlsxWriter cell by cell (`put`), a row at a time (`put_row`), 200 rows at a time
    (`put_rows`, what the export uses), and rustpy-xlsxwriter (Rust) where installed.
    rustpy-xlsxwriter refuses merged ranges below the header row (our 问题类别/具体问题
    blocks) and has no per-cell format, so no quotePrefix for text starting with
    = + - @: measured, not adopted."""
    import xlsxwriter

    from zhenggai.xlsx import Workbook, add_formats, put, put_row, put_rows

    styles = {
        "cell": {"border": 1, "text_wrap": True, "valign": "top", "font_size": 10},
        "merged": {"border": 1, "text_wrap": True, "valign": "vcenter", "font_size": 10},
        "date": {"border": 1, "num_format": 'yyyy"年"m"月"d"日"', "font_size": 10},
    }
    names = ["序号", "问题类别", "具体问题", "整改措施", "责任领导", "责任部门", "责任人"]
    names += ["完成时限", "整改状态", "整改进展", "佐证材料"]

    def row(r: int) -> tuple:
        first = r % 50 == 0
        return (
            r + 1,
            "关于落实主体责任不够到位问题" if first else None,
            "党组理论学习中心组学习制度执行不严格" if first else None,
            f"制定并严格执行年度学习计划，每月至少召开1次中心组学习会第{r}项",
            "张某某",
            "办公室",
            "李某",
            FEEDBACK + dt.timedelta(days=30 + r % 300) if r % 4 else "长期坚持",
            "推进中",
            "已召开专题会议研究部署" if r % 10 == 0 else "",
            "",
        )

    def xlsxwriter_run(mode: str) -> float:
        started = time.perf_counter()
        workbook = Workbook if mode == "rows" else xlsxwriter.Workbook
        book = workbook(io.BytesIO(), {"constant_memory": True})
        fmt = add_formats(book, styles)
        sheet = book.add_worksheet("整改台账")
        put(sheet, 0, 0, "整改台账", fmt, merge_to=(0, 10))
        for c, name in enumerate(names):
            put(sheet, 2, c, name, fmt)
        kinds = ("cell", "merged", "merged", *("cell",) * 8)
        chunk = []
        for r in range(rows):
            values = row(r)
            if mode == "rows":
                chunk.append((r + 3, values, kinds))
                if len(chunk) == 200:
                    put_rows(sheet, chunk, fmt)
                    chunk.clear()
            elif mode == "row":
                put_row(sheet, r + 3, values, fmt, kinds)
            else:
                for c, value in enumerate(values):
                    put(sheet, r + 3, c, value, fmt, style=kinds[c])
        put_rows(sheet, chunk, fmt)
        sheet.set_landscape()
        sheet.repeat_rows(2)
        book.close()
        return time.perf_counter() - started

    cells, one, chunks = (xlsxwriter_run(m) for m in ("cell", "row", "rows"))
    line = (
        f"writers, {rows:,} ledger rows × 11: XlsxWriter cell by cell (put) {cells:.2f} s, "
        f"a row at a time (put_row) {one:.2f} s ({cells / one:.1f}× faster), 200 rows a "
        f"write packed at level 1 (put_rows, zhenggai.xlsx.Workbook, what the export uses) "
        f"{chunks:.2f} s ({cells / chunks:.1f}× faster)"
    )
    try:
        from rustpy_xlsxwriter import write_worksheet
    except ImportError:
        print(line + "; rustpy-xlsxwriter not installed")
        return
    started = time.perf_counter()
    write_worksheet(
        (dict(zip(names, row(r), strict=True)) for r in range(rows)),
        io.BytesIO(),
        sheet_name="整改台账",
        header_row=2,
        merge_ranges=[(0, 0, 0, 10, "整改台账")],
        datetime_format='yyyy"年"m"月"d"日"',
        page_setup={"landscape": True, "repeat_rows": 2},
    )
    rust = time.perf_counter() - started
    print(
        line + f"; rustpy-xlsxwriter (records, without the merged blocks and quotePrefix) "
        f"{rust:.2f} s (put_rows {chunks / rust:.1f}× its time)"
    )


def main() -> None:
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    results = {}
    for n in (10_000, 100_000):
        inspection = build(n)
        times = sorted(export(inspection, trace=False)[0] for _ in range(3))
        seconds, median = times[0], times[1]
        _, peak, size = export(inspection, trace=True)
        reference = reference_export(n)
        print(
            f"{n:>7,} measures: export best {seconds:.2f} s, median {median:.2f} s of 3 "
            f"({size / 1e6:.1f} MB file), peak traced memory {peak / 1e6:.1f} MB; "
            f"XlsxWriter alone cell by cell, same cells: {reference:.2f} s "
            f"(export {seconds / reference:.2f}× its time)"
        )
        with tempfile.TemporaryFile() as out:
            write_inspection(out, inspection, internal=True)
            out.seek(0)
            data = out.read()
        read, child, write, behind, longest = import_(data, f"导入单位{n}")
        results[n] = (seconds, peak, read, write)
        print(
            f"{n:>7,} measures: import: read+validate {read:.2f} s "
            f"(in the bounded child {child:.2f} s), write {write:.2f} s, total "
            f"{read + write:.2f} s; its search entries {behind:.2f} s behind it (all "
            f"found after {read + write + behind:.2f} s); another writer waited at most "
            f"{longest:.2f} s"
        )
    small, large = results[10_000], results[100_000]
    print(
        f"ratios 100k/10k: export time {large[0] / small[0]:.1f}×, "
        f"peak memory {large[1] / small[1]:.2f}×, import time "
        f"{(large[2] + large[3]) / (small[2] + small[3]):.1f}×"
    )
    print(
        f"targets at 100k: export {large[0]:.1f} s / 15 s (issue 16 aims at 3 s), import "
        f"{large[2] + large[3]:.1f} s / 30 s (issue 16 aims at 5 s)"
    )
    compare_libraries()
    compare_writers()


if __name__ == "__main__":
    main()
