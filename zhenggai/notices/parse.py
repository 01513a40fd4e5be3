"""parse(text) -> Notice: the one entry from text to the notice tree."""

from __future__ import annotations

import bisect

from . import clutter
from .document import Document
from .feedback import find_suggestions, read_feedback, suggestion_items
from .figures import find_figures
from .markers import find_markers
from .meta import blank_chrome, detect_kind, find_signature, find_title, read_inspection
from .normalize import normalise
from .outline import build_outline
from .sections import Text, measure_of, read_sections
from .tables import find_ledger_tables, read_tables, table_spans
from .tail import find_contact, find_next_steps, read_contact
from .tree import Figure, Measure, Notice, Section

_SHOWN = 24  # characters of context quoted in a warning


def parse(text: str | Document) -> Notice:
    """Read a notice, plan or feedback; never raises: what cannot be placed becomes a warning.

    Given a Document (read_document), a Word file's ledger tables give the problem tree.
    """
    if isinstance(text, Document):
        document = text
    else:
        document = Document(text if isinstance(text, str) else str(text or ""))
    try:
        return _parse(document)
    except Exception as exc:  # noqa: BLE001 - a bad document must not stop an import page
        return Notice(warnings=[f"解析时出现内部错误（{type(exc).__name__}），结果不完整"])


def _parse(document: Document) -> Notice:
    text = document.text
    plain = normalise(text)
    full = clutter.blank(blank_chrome(plain))
    ledgers = find_ledger_tables(document) if document.tables else []
    norm = _blanked(full, table_spans(document, ledgers))
    source = Text(norm, text)
    notice = Notice()
    title = find_title(norm)
    notice.title = text[title[0] : title[1]].strip().replace("\n", "")
    body_start = title[1]
    sig_start, issuer_at, issuer_len, notice.date = _signature(norm, body_start)
    if issuer_at >= 0:
        notice.issuer = text[issuer_at : issuer_at + issuer_len]
    notice.kind = detect_kind(norm[title[0] : title[1]], norm[body_start : body_start + 300])
    feedback = notice.kind == "feedback"
    next_at = -1 if feedback else find_next_steps(norm, body_start, sig_start)
    suggest_at = find_suggestions(norm, body_start, sig_start) if feedback else -1
    contact_at = find_contact(norm, max(next_at, body_start), sig_start, next_at >= 0)
    body_stop = min(pos for pos in (next_at, suggest_at, contact_at, sig_start) if pos >= 0)
    outline = build_outline(find_markers(norm, body_start, body_stop), body_start, body_stop)
    numbered_next: list = []
    if ledgers:
        notice.sections = read_tables(document, Text(full, text, source.spans), ledgers)
    elif feedback:
        notice.sections, numbered_suggestions = read_feedback(source, outline.root)
        notice.suggestions = suggestion_items(source, numbered_suggestions)
    else:
        notice.sections, numbered_next = read_sections(source, outline.root)
    first = outline.root.children[0].marker.start if outline.root.children else body_stop
    notice.preamble = [p.strip() for p in text[body_start:first].split("\n") if p.strip()]
    notice.inspection = read_inspection(norm, text, title, (body_start, first))
    if not notice.issuer:
        notice.issuer = _issuer_from_title(notice.title) or _issuer_from_source(plain, text, title)
    if numbered_next:
        notice.next_steps = [measure_of(source, node) for node in numbered_next]
    elif next_at >= 0:
        stop = contact_at if contact_at > next_at else sig_start
        notice.next_steps = _next_steps(source, next_at, stop)
    if suggest_at >= 0:
        notice.suggestions = _next_steps(source, suggest_at, sig_start)
    contact_from = contact_at if contact_at >= 0 else body_stop
    notice.contact = read_contact(norm, text, contact_from, len(norm))
    notice.figures = [f for f in find_figures(norm, text) if body_start <= f.start < sig_start]
    if ledgers:
        notice.figures = _with_table_figures(notice.figures, full, text, ledgers)
    _hand_out_figures(source, notice.figures)
    notice.warnings = _warnings(notice, source, outline.skipped)
    return notice


def _blanked(norm: str, spans: list[tuple[int, int]]) -> str:
    """norm with each span's characters (line ends kept) replaced by spaces."""
    if not spans:
        return norm
    chars = list(norm)
    for start, stop in spans:
        for pos in range(start, min(stop, len(chars))):
            if chars[pos] != "\n":
                chars[pos] = " "
    return "".join(chars)


def _with_table_figures(figures: list[Figure], full: str, text: str, ledgers) -> list[Figure]:
    """The body's figures and those in the ledger tables, in reading order."""
    spans = [(ledger.table.start, ledger.table.end) for ledger in ledgers]
    inside = [f for f in find_figures(full, text) if any(a <= f.start < b for a, b in spans)]
    return sorted(figures + inside, key=lambda figure: figure.start)


def _issuer_from_source(plain: str, text: str, title: tuple[int, int]) -> str | None:
    """A page without signature: the organ its 来源 line names, before the body."""
    found = clutter.source_organ(plain, min(len(plain), title[1] + 200))
    return text[found[0] : found[1]] if found else None


def _signature(norm: str, body_start: int):
    start, issuer, date = find_signature(norm, body_start)
    if issuer is None:
        return start, -1, 0, date
    return start, start, len(issuer), date


def _issuer_from_title(title: str) -> str | None:
    head, found, _ = title.partition("关于")
    head = head.strip()
    return head if found and len(head) >= 2 else None


def _next_steps(source: Text, start: int, stop: int) -> list[Measure]:
    """一是…、二是… of the 下一步 paragraph, as one list of the first hand used."""
    marks = [m for m in find_markers(source.norm, start, stop) if m.hand != "u"]
    first = next((m for m in marks if m.value == 1), None)
    if first is None:
        return []
    items, counter = [first], 1
    for mark in marks:
        if mark.start > first.start and mark.hand == first.hand and mark.value == counter + 1:
            items.append(mark)
            counter += 1
    steps = []
    for index, mark in enumerate(items):
        end = items[index + 1].start if index + 1 < len(items) else stop
        steps.append(Measure(text=source.cut(mark.end, end), label=mark.label))
    if len(steps) > 1 and all("。" not in s.text for s in steps[:-1]):
        steps[-1].text = steps[-1].text.split("。")[0]  # a list of phrases ends at its 。
    return steps


def _hand_out_figures(source: Text, figures: list[Figure]) -> None:
    """Each figure goes to the measure whose span holds it."""
    spans = sorted(source.spans, key=lambda span: span[0])
    starts = [span[0] for span in spans]
    for figure in figures:
        index = bisect.bisect_right(starts, figure.start) - 1
        if index >= 0 and figure.start < spans[index][1]:
            spans[index][2].figures.append(figure)


def _warnings(notice: Notice, source: Text, skipped) -> list[str]:
    warnings = []
    if not notice.title:
        warnings.append("未找到标题")
    if not notice.sections:
        warnings.append("未找到问题分类（如“一、”“（一）”），正文未能分解为问题和措施")
    for number, section in enumerate(notice.sections, 1):
        if not section.problems and not section.measures:
            warnings.append(f"第{number}部分「{section.title[:_SHOWN]}」下没有找到问题或整改措施")
        if notice.kind != "feedback":  # a feedback document's problems await their measures
            warnings.extend(_empty_problems(number, section))
    for mark in skipped:
        if mark.hand in ("h1", "h2"):
            context = source.original[mark.start : mark.start + _SHOWN].replace("\n", " ")
            warnings.append(f"编号「{mark.label}」与前文顺序不接，已作为正文处理：「{context}」")
    if notice.kind == "unknown":
        warnings.append("未能识别文种（整改进展通报、反馈意见、汇总通报、整改方案）")
    if notice.date is None:
        warnings.append("未找到落款日期")
    return warnings


def _empty_problems(number: int, section: Section) -> list[str]:
    return [
        f"第{number}部分第{index}个问题「{problem.title[:_SHOWN]}」下没有找到整改措施"
        for index, problem in enumerate(section.problems, 1)
        if not problem.measures
    ]
