"""Reading a notice (整改通报, 反馈意见) into a LedgerDraft: .txt, .html and .docx.

The notices package reads the file and parses the genre; this turns its tree into
the ledger's: sections become categories, problems problems, 一是… items measures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from zhenggai.notices import parse, read_bytes
from zhenggai.notices import tree as notice
from zhenggai.notices.figures import counts_before
from zhenggai.notices.numerals import int_to_chinese

from .draft import (
    DraftCategory,
    DraftFigure,
    DraftMeasure,
    DraftProblem,
    LedgerDraft,
    default_deadlines,
    kind_of,
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
    draft = draft_from_notice(parse(read_bytes(data, filename)), filename)
    if feedback_date:
        draft.feedback_date = feedback_date
    default_deadlines(draft)
    return draft


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
        category.measures = _notice_measures(section.measures, place, status, draft.warn)
        for j, item in enumerate(section.problems, start=1):
            where = f"{place}第（{int_to_chinese(j)}）项"
            measures = _notice_measures(item.measures, where, status, draft.warn)
            problem = DraftProblem(item.title, where, measures)
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
    items: list[notice.Measure], place: str, status: str, warn=None
) -> list[DraftMeasure]:
    """The draft measures of a notice's items; an item with no words (一是。) is left out."""
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
        measure.figures = [_figure(item, text, f) for f in item.figures]
        if measure.figures:
            measure.progress = text
        measures.append(measure)
    return measures


def _figure(item: notice.Measure, text: str, figure: notice.Figure) -> DraftFigure:
    """The figure as written, with the clause before it as what it counts."""
    at = figure.start - item.start - (len(item.text) - len(item.text.lstrip()))
    if text[at : at + len(figure.text)] != figure.text:
        at = text.find(figure.text)  # a tree built by hand: the first occurrence will do
    counts = counts_before(text, at) if at > 0 else ""
    return DraftFigure(figure.value, figure.unit, counts, figure.approx, figure.text)
