"""`zhenggai import FILE --unit UNIT`: a notice or a ledger workbook, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from zhenggai.notices.render import cn_date

from .draft import MAX_FILE, commit_draft
from .readers import draft_from_file
from .services import LedgerError


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_import(args) -> int:
    """Read, check, write; the last line printed is `inspection <id>`. Exit 2 on refusal."""
    path = Path(args.file)
    try:
        data = _read(path)
        draft = draft_from_file(data, path.name, progress=_say)
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
    print(f"inspection {inspection.pk}")
    return 0


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise LedgerError(f"找不到文件：{path}")
    if path.stat().st_size > MAX_FILE:
        raise LedgerError(f"文件“{path.name}”超过 {MAX_FILE // 1024 // 1024} MB，请拆分后导入。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LedgerError(f"无法读取文件：{path}（{exc.strerror or exc}）") from None
