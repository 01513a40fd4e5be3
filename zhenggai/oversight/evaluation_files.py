"""The result sheet of a 成效评估 as a workbook (zhenggai.xlsx) and an official document."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from zhenggai.notices.docx import official_docx
from zhenggai.notices.render import Paragraph, Table, cn_date
from zhenggai.xlsx import add_formats, put

from .evaluation import ResultSheet

STYLES = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "merged": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "head": {"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True},
    "cell": {"border": 1, "valign": "top", "text_wrap": True},
    "number": {"border": 1, "valign": "top", "num_format": "0.00"},
    "date": {"border": 1, "num_format": "yyyy-mm-dd"},
}


def header(sheet: ResultSheet) -> list[str]:
    marks = [f"{i.name}（{i.weight:g}）" for i in sheet.indicators]
    return ["序号", "单位", *marks, "总分", "等次", "评分人数", "满意度评价数", "缺项"]


def body_rows(sheet: ResultSheet) -> list[list]:
    """One row per unit: the averaged scores, the total, the grade and what is missing."""
    return [
        [
            n,
            row.unit.name,
            *(None if v is None else float(v) for v in row.cells),
            None if row.total is None else float(row.total),
            row.grade or "未评分",
            row.scorers,
            row.votes,
            "、".join(row.missing),
        ]
        for n, row in enumerate(sheet.rows, 1)
    ]


def thresholds(sheet: ResultSheet) -> str:
    e = sheet.evaluation
    return (
        f"等次：总分{e.good:g}分及以上为“好”，{e.fair:g}分及以上为“较好”，"
        f"{e.average:g}分及以上为“一般”，其余为“差”。总分为已有得分的指标按权重加权平均。"
    )


def to_xlsx(sheet: ResultSheet) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fmt = add_formats(book, STYLES)
    ws = book.add_worksheet("评估结果")
    head = header(sheet)
    put(ws, 0, 0, sheet.evaluation.title, fmt, merged=True, merge_to=(0, len(head) - 1))
    for col, label in enumerate(head):
        put(ws, 1, col, label, fmt, style="head")
        ws.set_column(col, col, 24 if col == 1 else 12)
    rows = body_rows(sheet)
    for r, values in enumerate(rows, 2):
        for col, value in enumerate(values):
            style = "number" if isinstance(value, float) else "cell"
            put(ws, r, col, value, fmt, style=style)
    last = len(rows) + 3
    put(ws, last, 0, thresholds(sheet), fmt, style="cell", merge_to=(last, len(head) - 1))
    notes = book.add_worksheet("评分说明")
    for col, label in enumerate(("指标", "权重", "计分方式", "评分说明")):
        put(notes, 0, col, label, fmt, style="head")
    notes.set_column(3, 3, 60)
    for r, ind in enumerate(sheet.indicators, 1):
        put(notes, r, 0, ind.name, fmt)
        put(notes, r, 1, float(ind.weight), fmt, style="number")
        put(notes, r, 2, ind.get_source_display(), fmt)
        put(notes, r, 3, ind.note, fmt)
    book.close()
    return out.getvalue()


def _text(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def to_docx(sheet: ResultSheet, issuer: str) -> bytes:
    """GB/T 9704 layout: title, the indicators, the table of results, signature, date."""
    today = timezone.localdate()
    indicators = "；".join(f"{i.name}（权重{i.weight:g}）{i.note}" for i in sheet.indicators)
    grades: dict[str, int] = {}
    for row in sheet.rows:
        grades[row.grade or "未评分"] = grades.get(row.grade or "未评分", 0) + 1
    counted = "，".join(f"“{g}”{n}个" for g, n in grades.items())
    paras: list = [
        Paragraph("title", sheet.evaluation.title),
        Paragraph("heading1", "一、评估指标"),
        Paragraph("body", f"本次评估设{len(sheet.indicators)}项指标：{indicators}"),
        Paragraph("body", thresholds(sheet)),
        Paragraph("heading1", "二、评估结果"),
        Paragraph("body", f"共评估{len(sheet.rows)}个单位，其中{counted or '尚无结果'}。"),
        Table(
            tuple(tuple(header(sheet)[:-1]) for _ in [0])
            + tuple(tuple(_text(v) for v in row[:-1]) for row in body_rows(sheet))
        ),
    ]
    paras += [Paragraph("signature", issuer), Paragraph("date", cn_date(today))]
    return official_docx(paras)
