"""Statistical indicators: the ledger alone names each figure's indicator by the rules."""

import datetime as dt
from decimal import Decimal

import pytest

from zhenggai.audit.models import Event
from zhenggai.ledger import services
from zhenggai.ledger.draft import (
    DraftCategory,
    DraftFigure,
    DraftMeasure,
    LedgerDraft,
    commit_draft,
)
from zhenggai.ledger.indicators import convert, match_rule
from zhenggai.ledger.models import Figure, IndicatorRule, Measure, Progress

RECOVERED = IndicatorRule(name="追回资金", unit="万元", keywords="追回，追缴")


@pytest.mark.parametrize(
    "value,unit,to,expected",
    [
        ("50000", "元", "万元", "5"),
        ("1.5", "亿元", "万元", "15000"),
        ("3", "场", "次", "3"),
        ("4", "人", "人次", "4"),
        ("3", "间", "次", None),
        ("3", "项", "项", "3"),
    ],
)
def test_it_converts_units_of_one_kind_only(value, unit, to, expected):
    result = convert(Decimal(value), unit, to)
    assert (result if result is None else f"{result.normalize():f}") == expected


@pytest.mark.parametrize(
    "counts,unit,expected",
    [
        ("追回违规资金", "元", RECOVERED),
        ("追缴税款", "亿元", RECOVERED),
        ("追回房屋", "间", None),
        ("清退资金", "万元", None),
    ],
)
def test_it_matches_a_rule_by_keyword_and_unit(counts, unit, expected):
    assert match_rule([RECOVERED], counts, unit) is expected


@pytest.mark.django_db
def test_it_names_every_figure_again_when_the_office_applies_the_rules(ledger_a, cast):
    progress = Progress.objects.create(measure=Measure.objects.first(), text="进展")
    for counts, unit in [("召开专题民主生活会", "次"), ("追回违规资金", "元"), ("修缮房屋", "间")]:
        Figure.objects.create(progress=progress, value=1, unit=unit, counts=counts, indicator="旧")
    assert services.apply_indicator_rules(actor=cast["olivia"]) == 3
    assert dict(Figure.objects.values_list("counts", "indicator")) == {
        "召开专题民主生活会": "专题民主生活会",
        "追回违规资金": "追回资金",
        "修缮房屋": "",
    }
    assert Event.objects.get(act="indicators.applied").data["changed"] == 3
    assert services.apply_indicator_rules(actor=cast["olivia"]) == 0


@pytest.mark.django_db
def test_it_names_imported_figures(units):
    measure = DraftMeasure("追回违规资金5万元", figures=[DraftFigure(5, "万元", "追回违规资金")])
    draft = LedgerDraft(
        round="一届区委第一轮巡察",
        feedback_date=dt.date(2026, 3, 1),
        categories=[DraftCategory("关于资金管理的问题", measures=[measure])],
    )
    commit_draft(draft, "甲单位", actor=None)
    assert Figure.objects.get().indicator == "追回资金"
