"""Statistical indicators (统计指标): which `IndicatorRule` a reported `Figure` counts towards.

One owner decides a figure's indicator: the ledger, here, when figures are entered or
imported, and again through `services.apply_indicator_rules` when the office changes
the rules. Oversight only reads `Figure.indicator` and sums it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .models import Figure, IndicatorRule

# Units that convert into each other: (family, factor to the family's base).
UNIT_FAMILIES = {
    "元": ("money", Decimal("0.0001")),
    "千元": ("money", Decimal("0.1")),
    "万元": ("money", Decimal(1)),
    "亿元": ("money", Decimal(10000)),
    "次": ("times", Decimal(1)),
    "场": ("times", Decimal(1)),
    "场次": ("times", Decimal(1)),
    "人次": ("people", Decimal(1)),
    "人": ("people", Decimal(1)),
    "名": ("people", Decimal(1)),
}


def convert(value: Decimal, unit: str, to_unit: str) -> Decimal | None:
    """The value in `to_unit`, or None when the two units do not measure the same thing."""
    if unit == to_unit:
        return value
    source, target = UNIT_FAMILIES.get(unit), UNIT_FAMILIES.get(to_unit)
    if not source or not target or source[0] != target[0]:
        return None
    return value * source[1] / target[1]


def match_rule(rules: Iterable[IndicatorRule], counts: str, unit: str) -> IndicatorRule | None:
    """The first rule one of whose keywords is in `counts` and whose unit fits."""
    for rule in rules:
        if convert(Decimal(1), unit, rule.unit) is None:
            continue
        if any(word in counts for word in rule.keyword_list()):
            return rule
    return None


def name_indicators(
    figures: Iterable[Figure], rules: list[IndicatorRule] | None = None
) -> list[Figure]:
    """Set each figure's indicator by the first matching rule; the figures that changed.

    The rules are read once, and only if there is a figure to name.
    """
    changed = []
    for figure in figures:
        if rules is None:
            rules = list(IndicatorRule.objects.all())
        rule = match_rule(rules, figure.counts, figure.unit)
        name = rule.name if rule else ""
        if figure.indicator != name:
            figure.indicator = name
            changed.append(figure)
    return changed
