"""A notice's text as edited by hand, read back into typed paragraphs for HTML.

The draft is edited as plain text, one paragraph per line (render.to_text's shape),
so the published HTML is laid out from the lines that were actually published.
"""

from __future__ import annotations

import html
import re

from zhenggai.notices.render import Paragraph

_HEADING1 = re.compile(r"[一二三四五六七八九十百]+、")
_HEADING2 = re.compile(r"(?:[（(][一二三四五六七八九十百]+[）)])?针对[“\"].*?[”\"]问题。")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def normalise_text(text: str) -> str:
    """One paragraph per line, no blank lines or trailing spaces, a final newline."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept = [line for line in lines if line]
    return "\n".join(kept) + "\n" if kept else ""


def text_title(text: str) -> str:
    """The first line that is not the 内部 mark."""
    lines = [line for line in text.split("\n") if line.strip()]
    if lines and lines[0].strip() == "内部":
        lines = lines[1:]
    return lines[0].strip() if lines else ""


def text_paragraphs(text: str) -> list[Paragraph]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    paras: list[Paragraph] = []
    if lines and lines[0] == "内部":
        paras.append(Paragraph("mark", lines.pop(0)))
    if lines:
        paras.append(Paragraph("title", lines.pop(0)))
    tail: list[Paragraph] = []
    if lines and _DATE.fullmatch(lines[-1]):
        tail.insert(0, Paragraph("date", lines.pop()))
        if lines and len(lines[-1]) <= 40 and "。" not in lines[-1]:
            tail.insert(0, Paragraph("signature", lines.pop()))
    for line in lines:
        paras.append(_body_paragraph(line))
    return paras + tail


def _body_paragraph(line: str) -> Paragraph:
    if _HEADING1.match(line):
        return Paragraph("heading1", line)
    lead = _HEADING2.match(line)
    if lead:
        return Paragraph("heading2", line, lead=lead.end())
    return Paragraph("body", line)


def text_html(text: str) -> str:
    """An HTML fragment of the text; every piece goes through html.escape."""
    parts = ['<article class="notice">']
    for p in text_paragraphs(text):
        if p.kind == "heading2":
            parts.append(
                f'<p class="heading2"><span class="lead">{html.escape(p.head)}</span>'
                f"{html.escape(p.rest)}</p>"
            )
        else:
            parts.append(f'<p class="{p.kind}">{html.escape(p.text)}</p>')
    parts.append("</article>")
    return "\n".join(parts) + "\n"
