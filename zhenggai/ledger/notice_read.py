"""Reading a notice (整改通报, 反馈意见, 整改方案) into a LedgerDraft: .txt, .html, .docx, .pdf.

The notices package reads the file and parses the genre; this turns its tree into
the ledger's: sections become categories, problems problems, 一是… items measures
(with the 责任领导, 责任部门, 责任人 and 完成时限 a plan's table gives them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import PurePath

from django.conf import settings

from zhenggai.notices import NoticeReadError, parse
from zhenggai.notices import tree as notice
from zhenggai.notices.figures import counts_before
from zhenggai.notices.numerals import int_to_chinese
from zhenggai.notices.read import read_document

from .draft import (
    DraftCategory,
    DraftFigure,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    default_deadlines,
    kind_of,
    parse_due,
)
from .models import Measure

Term, Status = Measure.Term, Measure.Status


def read_notice(
    data: bytes,
    filename: str,
    *,
    feedback_date: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> LedgerDraft:
    """A notice file as a draft; NoticeReadError if the file cannot be read at all."""
    check_notice_size(data, filename)
    document = read_document(data, filename)
    if len(text := document.text) > (limit := settings.NOTICE_MAX_CHARS):
        raise NoticeReadError(
            f"文件“{filename}”有 {len(text)} 字，超过通报的上限 {limit} 字，请确认文件内容。"
        )
    draft = draft_from_notice(parse(document), filename)
    if feedback_date:
        draft.feedback_date = feedback_date
    default_deadlines(draft)
    return draft


# Bytes a file of the notice size limit can take: UTF-8 spends up to 4 bytes a
# character, a web page adds its markup, a Word file its XML around every run. Other
# kinds (a PDF's size says little about its text) are held to the text's length only.
BYTES_PER_CHAR = {".txt": 4, ".html": 16, ".htm": 16, "word/document.xml": 32}


def check_notice_size(data: bytes, filename: str) -> None:
    """Refuse a notice too long to be one before it is decoded or unpacked."""
    limit = settings.NOTICE_MAX_CHARS
    suffix = PurePath(filename).suffix.lower()
    size = len(data)
    if suffix == ".docx":
        suffix = "word/document.xml"
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                size = archive.getinfo(suffix).file_size  # as the archive declares it
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, EOFError):
            return  # not a Word file: the reader says so
    if suffix in BYTES_PER_CHAR and size > BYTES_PER_CHAR[suffix] * limit:
        raise NoticeReadError(
            f"文件“{filename}”内容过大（{size // 1024} KB），超出通报的上限 {limit} 字，"
            f"请确认文件内容。"
        )


def draft_from_notice(parsed: notice.Notice, source: str = "") -> LedgerDraft:
    """Sections become categories, problems problems, 一是… items measures."""
    info = parsed.inspection
    draft = LedgerDraft(
        source=source,
        round=info.round or "",
        group=info.group or "",
        start=info.start,
        end=info.end,
        feedback_date=info.feedback_date,
        kind=kind_of(info.round or ""),
        unit_name=parsed.issuer_short or "",
        issuer=parsed.issuer or "",
        contact={
            "phone": parsed.contact.phone or "",
            "address": parsed.contact.address or "",
            "email": parsed.contact.email or "",
        },
        reported_on=parsed.date,
    )
    status = Status.PLANNED if parsed.kind in ("feedback", "plan") else Status.IN_PROGRESS
    for i, section in enumerate(parsed.sections, start=1):
        place = f"第{int_to_chinese(i)}部分"
        category = DraftCategory(section.title, place)
        category.measures = _notice_measures(
            section.measures, place, status, draft.warn, draft.feedback_date
        )
        for j, item in enumerate(section.problems, start=1):
            where = f"{place}第（{int_to_chinese(j)}）项"
            measures = _notice_measures(
                item.measures, where, status, draft.warn, draft.feedback_date
            )
            problem = DraftProblem(item.title, where, measures, item.description)
            if not problem.measures:
                draft.warn(f"{where}：“{item.title[:30]}”下没有整改措施。")
            category.problems.append(problem)
        if not category.measures and not category.problems:
            draft.warn(f"{place}：“{section.title[:30]}”下没有问题或整改措施。")
        draft.categories.append(category)
    for message in parsed.warnings:
        draft.warn(message)
    if not draft.categories:
        draft.fail("文件中没有识别出任何问题（应有“一、关于……问题的整改情况”等标题）。")
    return draft


EMPTY = re.compile(r"[\s。，；：、,.;:!?！？…—-]*")


def _notice_measures(
    items: list[notice.Measure], place: str, status: str, warn=None, feedback=None
) -> list[DraftMeasure]:
    """The draft measures of a notice's items; an item with no words (一是。) is left out.
    A plan's table gives leader, department, owner and deadline (read after `feedback`)."""
    measures = []
    for k, item in enumerate(items, start=1):
        text = item.text.strip()
        if EMPTY.fullmatch(text):
            if warn:
                warn(f"{place}第{k}条没有内容，未导入。")
            continue
        term = (
            Term.ONGOING
            if "长期坚持" in text
            else Term.IMMEDIATE
            if "立行立改" in text
            else Term.DEADLINE
        )
        said = Status.DONE if re.search(r"已(全部)?(完成|整改到位|办结)|整改完成", text) else status
        measure = DraftMeasure(
            text,
            f"{place}第{k}条",
            term=term,
            status=Status.ONGOING if term == Term.ONGOING else said,
        )
        _duties(measure, item, feedback, warn)
        measure.figures = [_figure(item, text, f) for f in item.figures]
        if measure.figures:
            measure.progress = text
        measures.append(measure)
    return measures


def _duties(measure: DraftMeasure, item: notice.Measure, feedback, warn) -> None:
    """责任领导, 责任部门, 责任人 and 完成时限 as a plan's table wrote them."""
    measure.leader = item.leader or ""
    measure.department = item.department or ""
    measure.owner = item.owner or ""
    if not item.due:
        return
    try:
        measure.term, measure.due = parse_due(item.due, feedback)
    except ValueError as exc:
        if warn:
            warn(f"{measure.place}：完成时限{exc}，未导入时限。")
        return
    if measure.term == Term.ONGOING:
        measure.status = Status.ONGOING


def _figure(item: notice.Measure, text: str, figure: notice.Figure) -> DraftFigure:
    """The figure as written, with the clause before it as what it counts."""
    at = figure.start - item.start - (len(item.text) - len(item.text.lstrip()))
    if text[at : at + len(figure.text)] != figure.text:
        at = text.find(figure.text)  # a tree built by hand: the first occurrence will do
    counts = counts_before(text, at) if at > 0 else ""
    return DraftFigure(figure.value, figure.unit, counts, figure.approx, figure.text)
