"""Round statistics: figures summed under indicators, and the round's aggregate statement.

The ledger names each figure's indicator (`zhenggai.ledger.indicators`); this only sums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from django.db.models import Count, Q, Sum

from zhenggai.ledger.counts import Held, Tally, held, tallies
from zhenggai.ledger.indicators import UNIT_FAMILIES, convert
from zhenggai.ledger.models import Figure
from zhenggai.notices.render import Paragraph, cn_date


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
        Figure.objects.filter(
            progress__measure__problem__inspection__in=inspections, progress__withdrawn_at=None
        )
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
    """The counts behind a round's statement: the round's and each unit's."""

    round: str
    total: Tally = field(default_factory=Tally)
    held: Held = field(default_factory=Held)
    per_unit: list[tuple[str, Tally]] = field(default_factory=list)

    @property
    def units(self) -> int:
        return len(self.per_unit)


def round_summary(round_name: str, inspections, today: dt.date) -> RoundSummary:
    """The round's figures by the ledger's one definition (`zhenggai.ledger.counts`)."""
    summary = RoundSummary(round_name)
    by_inspection = tallies(inspections, today)
    by_unit: dict[int, tuple[str, Tally]] = {}
    for inspection in inspections.select_related("unit").order_by("unit__name", "id"):
        tally = by_inspection.get(inspection.pk, Tally())
        by_unit.setdefault(inspection.unit_id, (inspection.unit.name, Tally()))[1].add(tally)
        summary.total.add(tally)
    summary.per_unit = list(by_unit.values())
    summary.held = held(inspections)
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


def extended_sentence(t: Tally) -> str:
    """经批准延期的整改措施N项。 — empty when none was extended."""
    return f"经批准延期的整改措施{t.extended}项。" if t.extended else ""


def held_sentence(h: Held) -> str:
    """共问责N人，其中诫勉谈话N人…。 — empty when nobody was held accountable."""
    return f"{h.sentence()}。" if h.total else ""


def statement(
    summary: RoundSummary, totals: list[Total], *, today: dt.date, issuer: str = ""
) -> list[Paragraph]:
    """The round's aggregate statement in the genre of a progress notice."""
    s, t = summary, summary.total
    paras = [Paragraph("title", f"{s.round}整改情况汇总")]
    paras.append(Paragraph("heading1", "一、总体情况"))
    paras.append(
        Paragraph(
            "body",
            (
                f"{s.round}共涉及{s.units}个单位（党组织）。截至{cn_date(today)}，巡察反馈的"
                f"{t.problems}个问题，完成整改{t.rectified}个，其中已对账销号{t.closed}个，"
                f"问题整改完成率{t.problem_rate}；制定的{t.total}项整改措施，已完成{t.done}项，"
                f"长期坚持{t.blue}项，措施完成率{t.measure_rate}。"
                f"{extended_sentence(t)}{held_sentence(s.held)}"
            ),
        )
    )
    sentence = indicator_sentence(totals)
    if sentence:
        paras.append(Paragraph("heading1", "二、整改成效"))
        paras.append(Paragraph("body", f"通过整改，{sentence}。"))
    paras.append(Paragraph("heading1", f"{'三' if sentence else '二'}、各单位整改情况"))
    for unit, u in s.per_unit:
        paras.append(
            Paragraph(
                "body",
                (
                    f"{unit}：反馈问题{u.problems}个，完成整改{u.rectified}个，"
                    f"问题整改完成率{u.problem_rate}；整改措施{u.total}项，已完成{u.done}项，"
                    f"措施完成率{u.measure_rate}。"
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
