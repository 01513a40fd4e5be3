"""Write a Notice tree in the genre of a progress notice: paragraphs, text, HTML.

`to_paragraphs` is the one place the genre lives; the text, HTML and .docx writers
only lay its paragraphs out, so the three formats cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from zhenggai.notices.tree import Contact, Measure, Notice, Problem, Section

PARAGRAPH_KINDS = ("mark", "title", "heading1", "heading2", "body", "signature", "date")

# What the issuer commits to before its next steps; the genre always has one.
NEXT_STEPS_LEAD = "持续抓好{kind}反馈意见的整改落实，进一步巩固整改成果"
PREAMBLE_END = "按照{kind}工作有关要求，现将{kind}整改进展情况予以公布。"
CONTACT_LEAD = "欢迎广大干部群众对{kind}整改落实情况进行监督。如有意见建议，请及时向我们反映。"
_CLAUSE_END = "。；;，,.、 \u3000\n\t"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a document; `lead` is the length of a run-in heading's part."""

    kind: str
    text: str
    lead: int = 0

    @property
    def head(self) -> str:
        return self.text[: self.lead]

    @property
    def rest(self) -> str:
        return self.text[self.lead :]


@dataclass(frozen=True)
class Table:
    """A table of a document (the lists of a plan, a form): rows of cell texts, the
    first `header` of them repeated atop every page; `widths` are relative."""

    rows: tuple[tuple[str, ...], ...]
    header: int = 1
    widths: tuple[float, ...] = ()
    row_height: int = 0  # the least height of a row in twips (a form's space to write in)
    kind: str = "table"


def to_paragraphs(notice: Notice, *, internal: bool = False) -> list[Paragraph]:
    """The notice as typed paragraphs; the public version leaves out non-public items."""
    paras = [Paragraph("mark", "内部")] if internal else []
    paras.append(Paragraph("title", notice_title(notice)))
    paras += [Paragraph("body", text) for text in _preamble(notice)]
    sections = [s for s in notice.sections if _section_shown(s, internal)]
    for number, section in enumerate(sections, 1):
        paras += _section_paragraphs(section, number, internal)
    paras.append(Paragraph("body", _next_steps(notice, internal)))
    paras.append(Paragraph("body", _contact(notice.contact, notice.inspection.kind_label)))
    if notice.issuer:
        paras.append(Paragraph("signature", notice.issuer))
    if notice.date:
        paras.append(Paragraph("date", cn_date(notice.date)))
    return paras


def to_text(notice: Notice, *, internal: bool = False) -> str:
    """Plain text, one paragraph per line: the shape the notice parser reads best."""
    return "".join(p.text + "\n" for p in to_paragraphs(notice, internal=internal))


def to_html(notice: Notice, *, internal: bool = False) -> str:
    """An HTML fragment; every piece of text goes through html.escape."""
    lines = ['<article class="notice">']
    lines += [_html_paragraph(p) for p in to_paragraphs(notice, internal=internal)]
    lines.append("</article>")
    return "\n".join(lines) + "\n"


def notice_title(notice: Notice) -> str:
    """The stored title, or 某党组关于某轮巡察整改进展情况的通报."""
    if notice.title:
        return notice.title
    round_ = notice.inspection.round or "巡察"
    return f"{notice.issuer or ''}关于{round_}整改进展情况的通报"


def cn_date(day: dt.date) -> str:
    """2022年5月29日, without zero padding, as a signature date is written."""
    return f"{day.year}年{day.month}月{day.day}日"


def _html_paragraph(p: Paragraph) -> str:
    esc = html.escape
    if p.kind == "title":
        return f'<h1 class="title">{esc(p.text)}</h1>'
    if p.kind == "heading1":
        return f'<h2 class="heading1">{esc(p.text)}</h2>'
    if p.kind == "heading2":
        head = f'<h3 class="heading2">{esc(p.head)}</h3>'
        return head + (f'\n<p class="body run-in">{esc(p.rest)}</p>' if p.rest else "")
    return f'<p class="{esc(p.kind)}">{esc(p.text)}</p>'


def _shown(item: Section | Problem | Measure, internal: bool) -> bool:
    return internal or item.public


def _section_shown(section: Section, internal: bool) -> bool:
    """Hide a section withheld itself, or whose every item is withheld (no empty trace)."""
    if not _shown(section, internal):
        return False
    items = [*section.problems, *section.measures]
    return not items or any(_shown(item, internal) for item in items)


def _section_paragraphs(section: Section, number: int, internal: bool) -> list[Paragraph]:
    heading = f"{_cn_number(number)}、关于“{_quoted(section.title)}”问题的整改情况"
    paras = [Paragraph("heading1", heading)]
    # Measures under the section itself come first: straight after the heading they
    # cannot be mistaken for more measures of the section's last problem.
    measures = [m for m in section.measures if _shown(m, internal)]
    if measures:
        paras.append(Paragraph("body", _measure_run(measures, "。")))
    count = 0
    for problem in section.problems:
        if not _shown(problem, internal):
            continue
        number_part = ""
        if problem.label is not None:
            count += 1
            number_part = f"（{_cn_number(count)}）"
        head = f"{number_part}针对“{_quoted(problem.title)}”问题。"
        run = _measure_run([m for m in problem.measures if _shown(m, internal)], "。")
        paras.append(Paragraph("heading2", head + run, lead=len(head)))
    return paras


def _measure_run(measures: list[Measure], separator: str) -> str:
    """一是…。二是…。 labelled by position, whatever labels were stored."""
    clauses = [f"{_cn_number(i)}是{_clause(m.text)}" for i, m in enumerate(measures, 1)]
    return separator.join(clauses) + "。" if clauses else ""


def _next_steps(notice: Notice, internal: bool) -> str:
    steps = [m for m in notice.next_steps if _shown(m, internal)]
    lead = NEXT_STEPS_LEAD.format(kind=notice.inspection.kind_label)
    return f"下一步，{_short_issuer(notice)}将{lead}。" + _measure_run(steps, "；")


def _contact(contact: Contact, kind: str) -> str:
    parts = [f"电话{contact.phone}"] if contact.phone else []
    named = [
        ("来信地址", contact.address),
        ("邮政编码", contact.postcode),
        ("邮政信箱", contact.po_box),
        ("电子邮箱", contact.email),
    ]
    parts += [f"{name}：{value}" for name, value in named if value]
    return CONTACT_LEAD.format(kind=kind) + (f"联系方式：{'；'.join(parts)}。" if parts else "")


def _preamble(notice: Notice) -> list[str]:
    """The stored preamble, or one written from the inspection's group and dates."""
    if notice.preamble:
        return list(notice.preamble)
    info, unit = notice.inspection, _short_issuer(notice)
    kind = info.kind_label
    text = ""
    if info.group and info.start and info.end:
        deployer = info.group.split("第")[0].split(f"{kind}组")[0] or "上级"
        text += f"根据{deployer}统一部署，{cn_span(info.start, info.end)}，"
        text += f"{info.group}对{unit}进行了{kind}。"
    if info.group and info.feedback_date:
        text += f"{cn_date(info.feedback_date)}，{info.group}向{unit}反馈了{kind}意见。"
    return [text + PREAMBLE_END.format(kind=kind)]


def cn_span(start: dt.date, end: dt.date) -> str:
    """2021年9月26日至11月26日: the year is not repeated within one year."""
    tail = cn_date(end) if end.year != start.year else f"{end.month}月{end.day}日"
    return f"{cn_date(start)}至{tail}"


def _short_issuer(notice: Notice) -> str:
    if notice.issuer_short:
        return notice.issuer_short
    if notice.issuer:
        return notice.issuer.removeprefix("中共") or notice.issuer
    return "我们"


def _quoted(title: str) -> str:
    """A title to sit inside “…”: its own double quotes become single, no 问题 ending."""
    text = title.strip().replace("“", "‘").replace("”", "’")
    opening = True
    while '"' in text:  # half-width quotes alternate open, close
        text = text.replace('"', "‘" if opening else "’", 1)
        opening = not opening
    return text.removesuffix("问题") if text != "问题" else text


def _clause(text: str) -> str:
    """A measure's text without its closing punctuation; the run supplies its own."""
    return text.strip().rstrip(_CLAUSE_END)


_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十, 105 → 一百零五: the labels of a notice."""
    if not 0 < n < 1000:
        raise ValueError(f"no Chinese label for {n}")
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (_DIGITS[ones] if ones else "")
