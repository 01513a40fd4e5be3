"""The documents of the rectification cycle, written from the ledger as editable text.

整改方案 (with the 问题清单, 任务清单 and 责任清单 as tables), 整改情况报告 (基本情况,
整改工作开展情况, 问题整改落实情况 by problem, 下一步工作打算), the 销号审批表 of one
problem and the 回头看 report. Each writer returns plain text, one paragraph a line and
a table row a line of cells between "|", the shape a draft is edited in; `blocks` reads
that text back into typed paragraphs and tables for the GB/T 9704 .docx. Every figure
comes from `zhenggai.ledger.counts`, the one definition the statistics use.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q

from zhenggai.accounts.letterhead import letterhead_of
from zhenggai.disclosure.generate import NEXT_STEPS, LoadedLedger, load_ledger
from zhenggai.ledger import rules
from zhenggai.ledger.counts import Tally, held, tally
from zhenggai.ledger.models import Evidence, Inspection, Measure, Problem
from zhenggai.notices.docx import LINE_PITCH, official_docx
from zhenggai.notices.numerals import int_to_chinese as _cn
from zhenggai.notices.render import Paragraph, Table, cn_date

from .models import Document, SignOff

CELL = "|"
_HEADING1 = re.compile(r"[一二三四五六七八九十]+、")
_HEADING2 = re.compile(r"[（(][一二三四五六七八九十百]+[）)][^。]*。?")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_ONE_LINE = re.compile(r"\s*\n\s*")


@dataclass
class Item:
    """One counted problem (a specific problem, or a category without any) and its measures."""

    problem: Problem
    category: Problem | None
    own: list[Measure]
    # Measures written under the category itself: shown with its first problem.
    shared: list[Measure] = field(default_factory=list)

    @property
    def measures(self) -> list[Measure]:
        return self.shared + self.own

    @property
    def rectified(self) -> bool:
        """As counts.problem_counts decides: closed, or its own measures all finished."""
        closed = self.problem.closed_at or (self.category and self.category.closed_at)
        done = self.own and all(rules.holds(rules.finished(), m) for m in self.own)
        return bool(closed or done)


def items(ledger: LoadedLedger) -> list[Item]:
    """The counted problems in ledger order; a category's own measures go with its first."""
    out = []
    for category in ledger.categories:
        subs = ledger.subs[category.pk]
        own = ledger.measures[category.pk]
        if not subs:
            out.append(Item(category, None, own))
        for n, sub in enumerate(subs):
            out.append(Item(sub, category, ledger.measures[sub.pk], own if n == 0 else []))
    return out


def _line(text: str) -> str:
    return _ONE_LINE.sub("", text.strip()).replace(CELL, "｜")


def _clause(text: str) -> str:
    return _line(text).rstrip("。；;，,. ")


def _kind(inspection: Inspection) -> str:
    return inspection.get_kind_display()


def _short(inspection: Inspection) -> str:
    name = inspection.unit.signature
    return name.removeprefix("中共") or name


def _round(inspection: Inspection) -> str:
    kind = _kind(inspection)
    return inspection.round if kind in inspection.round else inspection.round + kind


def _due(measure: Measure) -> str:
    if measure.term == Measure.Term.ONGOING:
        return "长期坚持"
    label = "立行立改" if measure.term == Measure.Term.IMMEDIATE else ""
    return (f"{label}，" if label else "") + cn_date(measure.due) if measure.due else label or "—"


def _row(*cells) -> str:
    return CELL + CELL.join(_line(str(c)) or "—" for c in cells) + CELL


def _figures(t: Tally, kind: str) -> str:
    """The state in figures, worded once for the report and the 回头看 report."""
    text = f"{kind}反馈问题{t.problems}个，制定整改措施{t.total}项。"
    text += (
        f"截至目前，已完成整改问题{t.rectified}个，问题整改完成率{t.problem_rate}；"
        f"已完成整改措施{t.done}项，措施完成率{t.measure_rate}"
    )
    if t.blue:
        text += f"，长期坚持{t.blue}项"
    if t.red:
        text += f"，超期未完成{t.red}项"
    return text + "。"


def _tail(inspection: Inspection, today: dt.date) -> list[str]:
    return [inspection.unit.signature, cn_date(today)]


def plan_text(inspection: Inspection, today: dt.date) -> str:
    """整改方案: aims, the three lists as tables, the requirements."""
    ledger = load_ledger(inspection, True)
    kind, unit, found = _kind(inspection), _short(inspection), items(ledger)
    measures = [m for item in found for m in item.measures]
    terms = {t: sum(1 for m in measures if m.term == t) for t in Measure.Term.values}
    group = inspection.group or f"{kind}组"
    lines = [
        f"{inspection.unit.signature}关于{_round(inspection)}反馈意见整改工作方案",
        f"{cn_date(inspection.feedback_date)}，{group}向{unit}反馈了{kind}意见。"
        f"为认真抓好{kind}反馈问题整改落实，结合实际，制定本方案。",
        "一、总体要求",
        "坚持问题导向、目标导向、结果导向，对照反馈问题逐条制定整改措施，明确责任领导、"
        "责任部门、责任人和完成时限，做到问题不查清不放过、整改不到位不放过、"
        "群众不满意不放过。",
        "二、整改任务",
        f"{kind}反馈问题{len(found)}个，制定整改措施{len(measures)}项，其中立行立改"
        f"{terms[Measure.Term.IMMEDIATE]}项、限期整改{terms[Measure.Term.DEADLINE]}项、"
        f"长期坚持{terms[Measure.Term.ONGOING]}项。",
        "（一）问题清单。",
        _row("序号", "问题类别", "具体问题", "具体表现"),
    ]
    for n, item in enumerate(found, 1):
        category = item.category.title if item.category else item.problem.title
        title = item.problem.title if item.category else "—"
        lines.append(_row(n, category, title, item.problem.description))
    lines += ["（二）任务清单。", _row("序号", "问题", "整改措施", "完成时限")]
    lines += _measure_rows(found, lambda m: (m.text, _due(m)))
    lines += ["（三）责任清单。", _row("序号", "整改措施", "责任领导", "责任部门", "责任人")]
    lines += _measure_rows(found, lambda m: (m.leader, m.department, m.owner), problem=False)
    lines += [
        "三、工作要求",
        "（一）加强组织领导。主要负责同志履行第一责任人职责，班子成员按照责任清单抓好分管领域"
        "问题整改。",
        "（二）强化督促检查。整改联络员按月更新整改台账，对进度滞后的事项及时提醒督办。",
        "（三）严格对账销号。整改完成一项、验收一项、销号一项，佐证材料随台账归档。",
        *_tail(inspection, today),
    ]
    return "\n".join(lines) + "\n"


def _measure_rows(found: list[Item], cells, *, problem: bool = True) -> list[str]:
    rows, n = [], 0
    for item in found:
        for m in item.measures:
            n += 1
            lead = (item.problem.title,) if problem else (m.text,)
            rows.append(_row(n, *lead, *cells(m)))
    return rows


def report_text(inspection: Inspection, today: dt.date) -> str:
    """整改情况报告 to the inspection body, in the genre's four parts."""
    ledger = load_ledger(inspection, True)
    kind, unit, found = _kind(inspection), _short(inspection), items(ledger)
    totals = tally([inspection], today)
    persons = held([inspection])
    group = inspection.group or f"{kind}组"
    measures = [m for item in found for m in item.measures]
    leaders = {m.leader for m in measures if m.leader}
    departments = {m.department for m in measures if m.department}
    lines = [
        f"{inspection.unit.signature}关于{_round(inspection)}整改情况的报告",
        f"{group}：",
        f"{cn_date(inspection.feedback_date)}，{group}向{unit}反馈了{kind}意见。"
        f"{unit}高度重视，逐条对照抓好整改落实。现将整改情况报告如下：",
        "一、基本情况",
        _figures(totals, kind) + (f"{persons.sentence()}。" if persons.total else ""),
        "二、整改工作开展情况",
        "（一）加强组织领导。"
        f"{unit}把{kind}整改作为重大政治任务，召开专题会议研究部署，制定整改方案，"
        f"建立问题清单、任务清单、责任清单，共梳理整改措施{totals.total}项。",
        "（二）压实整改责任。"
        f"每项措施明确责任领导、责任部门和责任人，涉及责任领导{len(leaders)}人、"
        f"责任部门{len(departments)}个，实行清单化管理、台账式推进。",
        "（三）强化督促检查。"
        f"按期调度整改进展，已销号问题{totals.closed}个，对进度滞后的事项逐项督办。",
        "三、问题整改落实情况",
    ]
    for n, item in enumerate(found, 1):
        lines.append(_problem_paragraph(ledger, item, n))
    steps = [f"{_cn(i)}是{s.format(kind=kind)}" for i, s in enumerate(NEXT_STEPS, 1)]
    lines += ["四、下一步工作打算", "；".join(steps) + "。", *_tail(inspection, today)]
    return "\n".join(lines) + "\n"


def _problem_paragraph(ledger: LoadedLedger, item: Item, n: int) -> str:
    state = "已完成整改" if item.rectified else "正在整改"
    head = f"（{_cn(n)}）关于“{_clause(item.problem.title)}”问题。"
    clauses = []
    for i, m in enumerate(item.measures, 1):
        text = _clause(m.text)
        progress = ledger.progress.get(m.latest_id)
        said = _clause(progress.text) if progress is not None else ""
        status = m.get_status_display()
        clauses.append(f"{_cn(i)}是{text}" + (f"，{said}" if said else "") + f"（{status}）")
    body = "；".join(clauses) + "。" if clauses else "尚未制定整改措施。"
    return f"{head}整改状态：{state}。{body}"


def review_text(inspection: Inspection, today: dt.date) -> str:
    """回头看 report: what held, what is still open or came late, what comes next."""
    ledger = load_ledger(inspection, True)
    kind, unit, found = _kind(inspection), _short(inspection), items(ledger)
    totals = tally([inspection], today)
    lines = [
        f"{inspection.unit.signature}关于{_round(inspection)}整改“回头看”情况的报告",
        "巡察工作领导小组办公室：",
        f"为巩固{kind}整改成果，防止问题反弹回潮，{unit}对{_round(inspection)}反馈问题的"
        "整改情况开展了“回头看”，逐项核对整改措施和佐证材料。现将有关情况报告如下：",
        "一、“回头看”基本情况",
        _figures(totals, kind) + f"已销号问题{totals.closed}个。",
        "二、整改成效巩固情况",
        _row("序号", "问题", "整改状态", "措施完成情况"),
    ]
    for n, item in enumerate(found, 1):
        done = sum(1 for m in item.measures if rules.holds(rules.finished(), m))
        state = (
            "已销号" if item.problem.closed_at else ("已完成整改" if item.rectified else "正在整改")
        )
        lines.append(_row(n, item.problem.title, state, f"{done}/{len(item.measures)}项"))
    lines.append("三、存在的问题")
    late = [m for item in found for m in item.measures if m.is_overdue(today)]
    if late:
        named = "；".join(
            f"{_cn(i)}是{_clause(m.text)}（{_due(m)}）" for i, m in enumerate(late, 1)
        )
        lines.append(f"经“回头看”，仍有{len(late)}项整改措施超过完成时限未完成：{named}。")
    else:
        lines.append("经“回头看”，未发现超过完成时限未完成的整改措施。")
    steps = [f"{_cn(i)}是{s.format(kind=kind)}" for i, s in enumerate(NEXT_STEPS, 1)]
    lines += ["四、下一步工作打算", "；".join(steps) + "。", *_tail(inspection, today)]
    return "\n".join(lines) + "\n"


def signoff_form_text(problem: Problem, today: dt.date) -> str:
    """销号审批表: one problem's measures, evidence and the two opinions, as a form."""
    inspection, unit = problem.inspection, problem.inspection.unit
    # A category's form covers its specific problems' measures too, as its sign-off does.
    under = Q(problem=problem) | Q(problem__parent=problem)
    measures = list(Measure.objects.filter(under).order_by("problem__position", "position", "id"))
    evidence = Evidence.objects.filter(
        Q(progress__measure__problem=problem) | Q(progress__measure__problem__parent=problem),
        progress__withdrawn_at=None,
    ).order_by("id")
    latest = problem.signoffs.order_by("-applied_at", "-id").select_related("reviewer").first()
    done = "；".join(
        f"{i}．{_clause(m.text)}（{m.get_status_display()}）" for i, m in enumerate(measures, 1)
    )
    names = "；".join(e.name or e.reference for e in evidence[:30])
    opinion = "同意销号。" if problem.closed_at else "（签字）"
    if latest and latest.status == SignOff.Status.APPROVED and latest.reviewed_at:
        who = latest.reviewer.get_full_name() or latest.reviewer.username
        opinion = f"同意销号。审核人：{who}，{cn_date(latest.reviewed_at.date())}"
    applied = cn_date(latest.applied_at.date()) if latest else "    年  月  日"
    leaders = "、".join(dict.fromkeys(m.leader for m in measures if m.leader))
    lines = [
        f"{unit.name}{_round(inspection)}反馈问题整改销号审批表",
        _row("单位", unit.signature),
        _row("巡察轮次", _round(inspection)),
        _row("问题", problem.title),
        _row("具体表现", problem.description),
        _row("整改措施及完成情况", done or "尚未制定整改措施"),
        _row("佐证材料", names or "无"),
        _row("责任领导", leaders),
        _row("单位意见", f"申请销号。{latest.note if latest else ''}（盖章）{applied}"),
        _row("巡察办审核意见", opinion),
        cn_date(today),
    ]
    return "\n".join(lines) + "\n"


WRITERS = {
    Document.Kind.PLAN: plan_text,
    Document.Kind.REPORT: report_text,
    Document.Kind.REVIEW: review_text,
}


def write(kind: str, inspection: Inspection, problem: Problem | None, today: dt.date) -> str:
    """The text of a new draft of `kind`, written from the ledger as it is today."""
    if kind == Document.Kind.SIGNOFF_FORM:
        return signoff_form_text(problem, today)
    return WRITERS[kind](inspection, today)


def blocks(text: str, *, form: bool = False) -> list[Paragraph | Table]:
    """The edited text as typed paragraphs and tables; a form's table has no header row."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out: list[Paragraph | Table] = []
    if lines:
        out.append(Paragraph("title", lines.pop(0)))
    tail: list[Paragraph] = []
    if lines and _DATE.fullmatch(lines[-1]):
        tail.insert(0, Paragraph("date", lines.pop()))
        if not form and lines and len(lines[-1]) <= 40 and "。" not in lines[-1]:
            tail.insert(0, Paragraph("signature", lines.pop()))
    rows: list[tuple[str, ...]] = []
    for n, line in enumerate(lines):
        if line.startswith(CELL):
            rows.append(tuple(c.strip() for c in line.strip(CELL).split(CELL)))
            continue
        if rows:
            out.append(_table(rows, form))
            rows = []
        out.append(_paragraph(line, addressee=n == 0))
    if rows:
        out.append(_table(rows, form))
    return out + tail


def _table(rows: list[tuple[str, ...]], form: bool) -> Table:
    if form:
        return Table(tuple(rows), header=0, widths=(1, 3), row_height=2 * LINE_PITCH)
    widths = (0.6,) + (2,) * (max(len(r) for r in rows) - 1)
    return Table(tuple(rows), header=1, widths=widths)


def _paragraph(line: str, *, addressee: bool) -> Paragraph:
    if addressee and line.endswith(("：", ":")) and len(line) <= 40:
        return Paragraph("blank", line)
    if _HEADING1.match(line):
        return Paragraph("heading1", line)
    lead = _HEADING2.match(line)
    if lead:
        return Paragraph("heading2", line, lead=lead.end())
    return Paragraph("body", line)


def document_docx(document: Document) -> bytes:
    """The document as a GB/T 9704 .docx, under the unit's 版头 when one is set."""
    form = document.kind == Document.Kind.SIGNOFF_FORM
    head = letterhead_of(document.inspection.unit)
    return official_docx(
        blocks(document.text, form=form),
        doc_number=document.doc_number or None,
        letterhead=head.title if head else None,
    )
