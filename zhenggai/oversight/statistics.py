"""Round statistics: figures summed under indicators, and the round's aggregate statement.

The ledger names each figure's indicator (`zhenggai.ledger.indicators`); this only sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, Sum

from zhenggai.ledger.indicators import UNIT_FAMILIES, convert
from zhenggai.ledger.models import Figure, Measure, Problem
from zhenggai.notices.render import Paragraph, cn_date

OPEN = [Measure.Status.PLANNED, Measure.Status.IN_PROGRESS]


@dataclass
class Total:
    """An indicator's sum over the chosen inspections."""

    rule: object
    value: Decimal = Decimal(0)
    approx: bool = False

    @property
    def text(self) -> str:
        return number(self.value)


def number(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def indicator_totals(inspections, rules) -> list[Total]:
    """Each rule's total over the inspections' figures, converted to the rule's unit."""
    rows = (
        Figure.objects.filter(progress__measure__problem__inspection__in=inspections)
        .exclude(indicator="")
        .values("indicator", "unit")
        .annotate(total=Sum("value"), approx=Count("id", filter=Q(approx=True)))
    )
    totals = {rule.name: Total(rule) for rule in rules}
    for row in rows:
        total = totals.get(row["indicator"])
        value = total and convert(row["total"], row["unit"], total.rule.unit)
        if value is not None and total:
            total.value += value
            total.approx = total.approx or bool(row["approx"])
    return list(totals.values())


@dataclass
class RoundSummary:
    """The counts behind a round's statement."""

    round: str
    units: int = 0
    problems: int = 0
    rectified: int = 0
    closed: int = 0
    measures: int = 0
    done: int = 0
    ongoing: int = 0
    per_unit: list[dict] = field(default_factory=list)

    @property
    def rate(self) -> str:
        return f"{100 * self.rectified / self.problems:.2f}" if self.problems else "0.00"


def _leaf_problems(inspections):
    """Specific problems, and categories without any: what a statement counts."""
    parents = Problem.objects.filter(parent__isnull=False).values("parent_id")
    open_measure = Measure.objects.filter(problem=OuterRef("pk"), status__in=OPEN)
    any_measure = Measure.objects.filter(problem=OuterRef("pk"))
    closed = Q(closed_at__isnull=False) | Q(parent__closed_at__isnull=False)
    return (
        Problem.objects.filter(inspection__in=inspections)
        .exclude(pk__in=parents)
        .annotate(rectified=closed | (Q(Exists(any_measure)) & ~Q(Exists(open_measure))))
    )


def _measures_by_unit(inspections) -> dict[str, dict]:
    rows = (
        Measure.objects.filter(problem__inspection__in=inspections)
        .values("problem__inspection__unit__name")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=Measure.Status.DONE)),
            ongoing=Count("id", filter=Q(status=Measure.Status.ONGOING)),
        )
    )
    return {row["problem__inspection__unit__name"]: row for row in rows}


def round_summary(round_name: str, inspections) -> RoundSummary:
    """Problems rectified (closed, or every measure finished) and measures, per unit."""
    summary = RoundSummary(round_name)
    problems = (
        _leaf_problems(inspections)
        .values("inspection__unit__name")
        .annotate(
            total=Count("id"),
            rectified=Count("id", filter=Q(rectified=True)),
            closed=Count(
                "id", filter=Q(closed_at__isnull=False) | Q(parent__closed_at__isnull=False)
            ),
        )
        .order_by("inspection__unit__name")
    )
    measures = _measures_by_unit(inspections)
    for row in problems:
        m = measures.get(row["inspection__unit__name"], {})
        summary.per_unit.append(
            {
                "unit": row["inspection__unit__name"],
                **row,
                "measures": m.get("total", 0),
                "done": m.get("done", 0),
            }
        )
        summary.problems += row["total"]
        summary.rectified += row["rectified"]
        summary.closed += row["closed"]
    summary.units = len(summary.per_unit)
    for m in measures.values():
        summary.measures += m["total"]
        summary.done += m["done"]
        summary.ongoing += m["ongoing"]
    return summary


def indicator_sentence(totals: list[Total]) -> str:
    """召开专题民主生活会12次，开展集中学习30次；完善和新建制度45项；……"""
    shown = [t for t in totals if t.value]
    groups = []
    for _unit, items in groupby(
        shown, key=lambda t: UNIT_FAMILIES.get(t.rule.unit, (t.rule.unit,))[0]
    ):
        groups.append(
            "，".join(
                f"{t.rule.verb}{t.rule.name}{'约' if t.approx else ''}{t.text}{t.rule.unit}"
                for t in items
            )
        )
    return "；".join(groups)


def statement(
    summary: RoundSummary, totals: list[Total], *, today: dt.date, issuer: str = ""
) -> list[Paragraph]:
    """The round's aggregate statement in the genre of a progress notice."""
    s = summary
    paras = [Paragraph("title", f"{s.round}整改情况汇总")]
    paras.append(Paragraph("heading1", "一、总体情况"))
    paras.append(
        Paragraph(
            "body",
            (
                f"{s.round}共涉及{s.units}个单位（党组织）。截至{cn_date(today)}，巡察反馈的"
                f"{s.problems}个问题，完成整改{s.rectified}个，其中已对账销号{s.closed}个；"
                f"制定的{s.measures}项整改措施，已完成{s.done}项，长期坚持{s.ongoing}项，"
                f"总体完成率{s.rate}%。"
            ),
        )
    )
    sentence = indicator_sentence(totals)
    if sentence:
        paras.append(Paragraph("heading1", "二、整改成效"))
        paras.append(Paragraph("body", f"通过整改，{sentence}。"))
    paras.append(Paragraph("heading1", f"{'三' if sentence else '二'}、各单位整改情况"))
    for row in s.per_unit:
        rate = f"{100 * row['rectified'] / row['total']:.2f}" if row["total"] else "0.00"
        paras.append(
            Paragraph(
                "body",
                (
                    f"{row['unit']}：反馈问题{row['total']}个，完成整改{row['rectified']}个，"
                    f"完成率{rate}%；整改措施{row['measures']}项，已完成{row['done']}项。"
                ),
            )
        )
    if issuer:
        paras.append(Paragraph("signature", issuer))
    paras.append(Paragraph("date", cn_date(today)))
    return paras


def as_text(paragraphs: list[Paragraph]) -> str:
    lines = []
    for p in paragraphs:
        indent = "　　" if p.kind in ("body", "heading1", "heading2") else ""
        lines.append(indent + p.text)
    return "\n".join(lines) + "\n"
