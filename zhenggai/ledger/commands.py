"""`zhenggai import FILE --unit UNIT`: a notice or a ledger workbook, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings

from zhenggai.notices.render import cn_date

from . import search
from .draft import commit_draft
from .sandbox import read_bounded
from .services import LedgerError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_import(args) -> int:
    """Read, check, write; the last line printed is `inspection <id>`. Exit 2 on refusal."""
    path = Path(args.file)
    try:
        data = _read(path)
        draft = read_bounded(data, path.name, progress=_say)
        for message in draft.warnings:
            print(f"提示：{message}")
        if draft.more_warnings:
            print(f"提示：……另有 {draft.more_warnings} 条提示未列出。")
        if not draft.feedback_date and draft.reported_on and not draft.errors:
            draft.feedback_date = draft.reported_on
            day = cn_date(draft.reported_on)
            print(f"提示：文件未写明反馈日期，按落款日期 {day} 记为反馈日期。")
        inspection = commit_draft(draft, args.unit, actor=None, progress=_say)
    except LedgerError as exc:
        _say(f"错误：{exc}")
        _say("未写入任何数据。")
        return 2
    print(f"inspection {inspection.pk}", flush=True)
    if search.BEHIND:  # a large import's search entries: the command ends when they are in
        _say("台账已写入；正在建立检索条目……")
        search.wait_behind()
        _say("检索条目已建好。")
    return 0


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise LedgerError(f"找不到文件：{path}")
    if path.stat().st_size > (limit := settings.IMPORT_MAX_BYTES):
        raise LedgerError(f"文件“{path.name}”超过 {limit // 1024 // 1024} MB，请拆分后导入。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None


def run_check_counts(args) -> int:
    """`zhenggai check-counts [--fix]`: the dashboard's kept counts against a scan.

    Prints each inspection whose kept counts differ; exit 1 if any does (with --fix they
    are then recomputed), 0 if all agree.
    """
    from django.utils import timezone

    from .counts import differences, keep
    from .models import Inspection

    today = timezone.localdate()
    lines = differences(today)
    for line in lines:
        print(line)
    if lines and args.fix:
        keep(Inspection.objects.values_list("pk", flat=True), today)
        print(f"已按扫描结果重算 {len(lines)} 个巡察的计数。")
    checked = Inspection.objects.count()
    print(f"看板计数：核对 {checked} 个巡察，{len(lines)} 个与扫描不一致。")
    return 1 if lines else 0
