"""The generated notice of an inspection as files: text, a standalone HTML page, .docx."""

from __future__ import annotations

import html

from zhenggai.accounts.letterhead import letterhead_of
from zhenggai.ledger.models import Inspection
from zhenggai.notices.docx import official_docx, to_docx
from zhenggai.notices.render import notice_title, to_html, to_text

from .generate import notice_from_ledger
from .models import PublishedNotice
from .text import text_paragraphs

# Inline, because the file is opened on its own, far from the app's static files.
PAGE_STYLE = """
body { max-width: 44em; margin: 2em auto; padding: 0 1em; line-height: 1.8;
       font-family: "仿宋_GB2312", "FangSong", "STFangsong", serif; font-size: 16pt; }
h1.title { text-align: center; font-size: 22pt; font-weight: normal;
           font-family: "方正小标宋简体", "SimSun", serif; }
h2.heading1 { font-size: 16pt; font-family: "黑体", "SimHei", sans-serif; font-weight: normal; }
h3.heading2 { font-size: 16pt; font-weight: normal; margin: 0;
              font-family: "楷体_GB2312", "KaiTi", serif; }
p.body, h2.heading1, h3.heading2 { text-indent: 2em; margin: 0; }
p.mark { font-family: "黑体", "SimHei", sans-serif; }
p.signature, p.date { text-align: right; margin: 0 4em 0 0; }
"""


def notice_txt(inspection: Inspection, *, internal: bool = False) -> bytes:
    return to_text(notice_from_ledger(inspection, internal=internal), internal=internal).encode()


def notice_html(inspection: Inspection, *, internal: bool = False) -> bytes:
    notice = notice_from_ledger(inspection, internal=internal)
    return html_page(notice_title(notice), to_html(notice, internal=internal)).encode()


def notice_docx(inspection: Inspection, *, internal: bool = False) -> bytes:
    """The generated .docx, under the unit's red 版头 when it has one (accounts.Letterhead)."""
    head = letterhead_of(inspection.unit)
    notice = notice_from_ledger(inspection, internal=internal)
    return to_docx(notice, internal=internal, letterhead=head.title if head else None)


def published_docx(notice: PublishedNotice) -> bytes:
    """The published text as .docx, with the 文号 stored on the notice and nothing else."""
    head = letterhead_of(notice.inspection.unit)
    return official_docx(
        text_paragraphs(notice.text),
        letterhead=head.title if head else None,
        doc_number=notice.doc_number or None,
    )


def html_page(title: str, fragment: str) -> str:
    """A whole UTF-8 page around an already escaped fragment."""
    return (
        '<!doctype html>\n<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_STYLE}</style>\n</head>\n"
        f"<body>\n{fragment}</body>\n</html>\n"
    )
