"""Which reader takes an imported file: one table from file suffix to reader.

The import page, `zhenggai import` and the tests all go through `draft_from_file`;
the page refuses an upload the table does not know before storing it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings

from zhenggai.notices import NoticeReadError
from zhenggai.notices.read import READERS as NOTICE_READERS

from .draft import LedgerDraft
from .filetypes import Refused, check_content
from .notice_read import read_notice
from .services import LedgerError
from .workbook_read import WorkbookError, read_workbook

Reader = Callable[..., LedgerDraft]

# .xls and .et are taken so that the workbook reader can say how to save them as .xlsx;
# a notice is whatever the notices package reads (.txt, .html, .htm, .docx, .pdf).
READERS: dict[str, Reader] = {
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".et"), read_workbook),
    **dict.fromkeys(NOTICE_READERS, read_notice),
}


def unsupported(filename: str) -> str | None:
    """Why the file cannot be imported by its name, or None if a reader takes it."""
    name = PurePath(filename).name
    if PurePath(name).suffix.lower() in READERS:
        return None
    return f"不支持的文件类型：{name}。请上传 .xlsx、.txt、.html、.docx 或 .pdf 文件。"


# Kinds whose content is sniffed (filetypes) before a reader opens them: a PDF reader
# is handed only what starts as a PDF.
SNIFFED = (".pdf",)


def draft_from_file(
    data: bytes,
    filename: str,
    *,
    feedback_date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LedgerDraft:
    """The draft of a workbook or a notice, read by the reader its suffix names."""
    name = PurePath(filename).name
    if refusal := unsupported(name):
        raise LedgerError(refusal)
    if len(data) > (limit := settings.IMPORT_MAX_BYTES):
        raise LedgerError(f"文件“{name}”超过 {limit // 1024 // 1024} MB，请拆分后导入。")
    suffix = PurePath(name).suffix.lower()
    if suffix in SNIFFED:
        try:
            check_content(name, data)
        except Refused as exc:
            raise LedgerError(str(exc)) from None
    reader = READERS[suffix]
    try:
        return reader(data, name, feedback_date=feedback_date, progress=progress)
    except (WorkbookError, NoticeReadError) as exc:
        raise LedgerError(str(exc)) from None
