"""The progress notice of an inspection, written from its ledger as a notice tree.

Seven queries whatever the size of the ledger: problems, measures (with the id of
their latest progress report), those reports, their figures, and the three that count
(`zhenggai.ledger.counts`: measures, problems, persons held accountable).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zhenggai.ledger.counts import Held, Tally, held, tally
from zhenggai.ledger.models import Figure, Inspection, Measure, Problem, Progress
from zhenggai.notices import tree
from zhenggai.notices.numerals import int_to_chinese
from zhenggai.notices.render import PREAMBLE_END, cn_date, cn_span

# The standard commitments of 下一步; the unit edits them in the draft if it wants more.
NEXT_STEPS = [
    "进一步提高思想认识，坚决扛起{kind}整改政治责任",
    "进一步强化整改落实，对尚未完成的整改事项紧盯不放、逐项销号",
    "进一步建章立制，推动整改成果制度化、长效化",
    "进一步强化监督检查，坚决防止问题反弹回潮",
]
COMMITMENT = (
    "{unit}把{kind}整改作为重大政治任务来抓，明确整改要求，加强组织领导，狠抓督导落实，"
    "确保存在问题件件有落实、事事有回音。"
)
_LINE_BREAKS = re.compile(r"\s*\n\s*")
_CLAUSE_END = "。；;，,.、 \u3000"


@dataclass
class LoadedLedger:
    """The rows of one inspection, grouped for writing: the notice here, and the cycle's
    documents (plan, report, 回头看) in oversight/cycle.py."""

    categories: list[Problem]
    subs: dict[int, list[Problem]]
    measures: dict[int, list[Measure]]
    progress: dict[int, Progress] = field(default_factory=dict)


def notice_from_ledger(
    inspection: Inspection, *, internal: bool = False, today: dt.date | None = None
) -> tree.Notice:
    """The notice; the public version holds only what may be published, totals included."""
    ledger = load_ledger(inspection, internal)
    unit, kind = inspection.unit, inspection.get_kind_display()
    sections = [_section(ledger, category) for category in ledger.categories]
    notice = tree.Notice(
        kind="progress_notice",
        title=notice_title(inspection),
        issuer=unit.signature,
        date=today or timezone.localdate(),
        inspection=tree.InspectionInfo(
            round=inspection.round,
            group=inspection.group or None,
            start=inspection.start,
            end=inspection.end,
            feedback_date=inspection.feedback_date,
            kind_label=kind,
        ),
        sections=sections,
        next_steps=[tree.Measure(text.format(kind=kind)) for text in NEXT_STEPS],
        contact=tree.Contact(
            phone=unit.phone or None, address=unit.address or None, email=unit.email or None
        ),
    )
    # The figures count what this version shows, by the ledger's one definition.
    totals = tally([inspection], notice.date, public=not internal)
    persons = held([inspection], public=not internal)
    notice.preamble = _preamble(inspection, notice, totals, persons)
    notice.figures = [f for s in sections for m in _all_measures(s) for f in m.figures]
    return notice


def notice_title(inspection: Inspection) -> str:
    """中共某党组关于一届区委第二轮巡察整改进展情况的通报."""
    kind = inspection.get_kind_display()
    round_ = inspection.round if kind in inspection.round else inspection.round + kind
    return f"{inspection.unit.signature}关于{round_}整改进展情况的通报"


def load_ledger(inspection: Inspection, internal: bool) -> LoadedLedger:
    """An inspection's problems, measures and latest progress; the public version
    (`internal=False`) without withheld problems and measures."""
    problems = list(Problem.objects.filter(inspection=inspection).order_by("position", "id"))
    latest = (
        Progress.objects.current().filter(measure=OuterRef("pk")).order_by("-reported_on", "-id")
    )
    measures = (
        Measure.objects.filter(problem__inspection=inspection)
        .annotate(latest_id=Subquery(latest.values("id")[:1]))
        .order_by("position", "id")
    )
    if not internal:
        # Withheld problems take their sub-problems and measures with them: no trace.
        withheld = {p.pk for p in problems if p.withhold_reason}
        problems = [p for p in problems if p.pk not in withheld and p.parent_id not in withheld]
        measures = measures.filter(withhold_reason="")
    kept = {p.pk for p in problems}
    ledger = LoadedLedger(
        [p for p in problems if not p.parent_id], defaultdict(list), defaultdict(list)
    )
    for problem in problems:
        if problem.parent_id:
            ledger.subs[problem.parent_id].append(problem)
    for measure in measures:
        if measure.problem_id in kept:
            ledger.measures[measure.problem_id].append(measure)
    _load_progress(ledger)
    return ledger


def _load_progress(ledger: LoadedLedger) -> None:
    ids = [m.latest_id for ms in ledger.measures.values() for m in ms if m.latest_id]
    ledger.progress = {p.pk: p for p in Progress.objects.filter(pk__in=ids)}
    for progress in ledger.progress.values():
        progress.figure_rows = []
    for figure in Figure.objects.filter(progress__in=ids).order_by("id"):
        ledger.progress[figure.progress_id].figure_rows.append(figure)


def _section(ledger: LoadedLedger, category: Problem) -> tree.Section:
    subs = ledger.subs[category.pk]
    # The genre numbers specific problems (一)(二)… only when there are several.
    numbered = len(subs) > 1
    problems = [
        tree.Problem(
            title=sub.title,
            label=int_to_chinese(i) if numbered else None,
            measures=[_measure(ledger, m) for m in ledger.measures[sub.pk]],
            public=not sub.withhold_reason,
        )
        for i, sub in enumerate(subs, 1)
    ]
    return tree.Section(
        title=category.title,
        problems=problems,
        measures=[_measure(ledger, m) for m in ledger.measures[category.pk]],
        public=not category.withhold_reason,
    )


def _measure(ledger: LoadedLedger, measure: Measure) -> tree.Measure:
    """The measure's own words, then what its latest report says was done."""
    text = _one_line(measure.text).rstrip(_CLAUSE_END)
    progress = ledger.progress.get(measure.latest_id)
    figures: list[tree.Figure] = []
    if progress is not None:
        said = _one_line(progress.text).rstrip(_CLAUSE_END)
        if said and said not in text:
            text += "。" + said
        rows = progress.figure_rows
        figures = [_figure(row) for row in rows]
        # A figure the report already states in words is not written a second time.
        extra = [f.text for f, row in zip(figures, rows, strict=True) if row.amount not in text]
        if extra:
            text += "。" + "，".join(extra)
    return tree.Measure(text=text + "。", figures=figures, public=not measure.withhold_reason)


def _figure(row: Figure) -> tree.Figure:
    return tree.Figure(
        value=float(row.value),
        unit=row.unit,
        text=f"{row.counts or '完成'}{row.amount}",
        approx=row.approx,
    )


def _preamble(
    inspection: Inspection, notice: tree.Notice, totals: Tally, persons: Held
) -> list[str]:
    """The inspection, the feedback, then the state in figures: problems, extensions,
    and persons held accountable (counted, never named)."""
    unit, kind = _short(notice), inspection.get_kind_display()
    group = inspection.group
    text = ""
    if inspection.start and inspection.end:
        deployer = group.split("第")[0].removesuffix(f"{kind}组") if group else ""
        text += f"根据{deployer or '上级'}统一部署，{cn_span(inspection.start, inspection.end)}，"
        text += f"{group or kind + '组'}对{unit}进行了{kind}。"
    text += f"{cn_date(inspection.feedback_date)}，{group or kind + '组'}向{unit}反馈了{kind}意见。"
    text += PREAMBLE_END.format(kind=kind)
    state = COMMITMENT.format(unit=unit, kind=kind)
    if totals.problems:
        state += (
            f"截至目前，{kind}反馈问题{totals.problems}个，已完成整改{totals.rectified}个，"
            f"持续整改{totals.unrectified}个，问题整改完成率{totals.problem_rate}。"
        )
    if totals.extended:
        state += f"经批准延期的整改措施{totals.extended}项。"
    if persons.total:
        state += f"{persons.sentence()}。"
    return [text, state]


def _short(notice: tree.Notice) -> str:
    issuer = notice.issuer or ""
    return issuer.removeprefix("中共") or issuer


def _one_line(text: str) -> str:
    # A notice paragraph is one line; a line break inside a measure would end it.
    return _LINE_BREAKS.sub("", text.strip())


def _all_measures(section: tree.Section) -> list[tree.Measure]:
    return [*section.measures, *(m for p in section.problems for m in p.measures)]
