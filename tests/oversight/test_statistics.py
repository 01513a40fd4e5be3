"""The office's indicator rules page, totals across units, and the round's statement.

How figures are named by the rules is the ledger's (tests/ledger/test_indicators.py).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from tests.oversight.conftest import finish, specific
from zhenggai.ledger import services as ledger
from zhenggai.ledger.counts import Rate
from zhenggai.ledger.models import Figure, IndicatorRule, Measure, Problem, Progress
from zhenggai.oversight import services
from zhenggai.oversight.statistics import indicator_totals, round_summary, statement

pytestmark = pytest.mark.django_db
ROUND = "一届区委第一轮巡察"


def figure(ledger, value, unit, counts):
    measure = Measure.objects.filter(problem__inspection=ledger).first()
    progress = Progress.objects.create(measure=measure, text="进展")
    return Figure.objects.create(progress=progress, value=Decimal(value), unit=unit, counts=counts)


@pytest.fixture
def figures(ledger_a, ledger_b, cast):
    figure(ledger_a, "2", "次", "召开专题民主生活会")
    figure(ledger_b, "1", "场", "专题民主生活会")
    figure(ledger_a, "50000", "元", "追回违规资金")
    figure(ledger_b, "10", "万元", "追回资金")
    figure(ledger_a, "3", "项", "完善制度")
    figure(ledger_b, "3", "间", "修缮房屋")
    ledger.apply_indicator_rules(actor=cast["olivia"])


@pytest.fixture
def progress(ledger_a, ledger_b, cast):
    finish(specific(ledger_a))
    finish(Problem.objects.filter(inspection=ledger_a, parent__isnull=False).last())
    problem = specific(ledger_b)
    finish(problem)
    signoff = services.apply_signoff(problem, actor=cast["dave"])
    services.approve_signoff(signoff, actor=cast["olivia"])


def test_it_sums_indicators_across_units_in_the_rules_unit(figures, ledger_a, ledger_b):
    from zhenggai.ledger.models import Inspection

    totals = {
        t.rule.name: t.text
        for t in indicator_totals(
            Inspection.objects.filter(round=ROUND), IndicatorRule.objects.all()
        )
        if t.value
    }
    assert totals == {"专题民主生活会": "3", "追回资金": "15", "完善和新建制度": "3"}


def test_it_counts_the_rounds_problems_and_measures(progress, ledger_a):
    from zhenggai.ledger.models import Inspection

    s = round_summary(ROUND, Inspection.objects.filter(round=ROUND), dt.date(2026, 6, 1))
    t = s.total
    assert (s.units, t.problems, t.rectified, t.closed) == (2, 8, 3, 1)
    assert (t.total, t.done, t.blue, str(t.problem_rate)) == (16, 11, 0, "37.50%")
    assert str(t.measure_rate) == "68.75%"


def test_it_writes_the_rate_as_the_genre_does():
    assert str(Rate.of(688, 697)) == "98.71%"
    assert (str(Rate.of(1, 6)), str(Rate.of(3, 3)), str(Rate.of(1, 2))) == ("16.67%", "100%", "50%")
    assert (str(Rate.of(1, 8)), str(Rate.of(0, 0))) == ("12.50%", "0%")


def test_it_writes_the_statement_in_the_genre(progress, figures):
    from zhenggai.ledger.models import Inspection

    inspections = Inspection.objects.filter(round=ROUND)
    paras = statement(
        round_summary(ROUND, inspections, dt.date(2026, 6, 1)),
        indicator_totals(inspections, IndicatorRule.objects.all()),
        today=dt.date(2026, 6, 1),
        issuer="中共测试区委巡察办",
    )
    text = "\n".join(p.text for p in paras)
    assert "截至2026年6月1日，巡察反馈的8个问题，完成整改3个，其中已对账销号1个" in text
    assert "问题整改完成率37.50%" in text and "措施完成率68.75%" in text
    assert "通过整改，召开专题民主生活会3次；完善和新建制度3项；追回资金15万元。" in text
    assert "甲单位：反馈问题4个，完成整改2个，问题整改完成率50%" in text
    assert [p.kind for p in paras[-2:]] == ["signature", "date"]


def test_it_downloads_the_statement_as_text_and_docx(login, progress, figures):
    client = login("olivia")
    text = client.get(reverse("oversight:statement-text"), {"round": ROUND})
    body = text.content.decode()
    assert "巡察反馈的8个问题，完成整改3个" in body and "中共测试区委巡察办" in body
    assert "filename*=UTF-8''" in text["Content-Disposition"]
    docx = client.get(reverse("oversight:statement-docx"), {"round": ROUND})
    paragraphs = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert f"{ROUND}整改情况汇总" in paragraphs


def test_it_shows_totals_and_the_unmapped_count(login, figures):
    page = login("olivia").get(reverse("oversight:statistics")).content.decode()
    assert "有 1 条成效数据未归入任何统计指标" in page and "追回资金" in page


def _formset_data(response):
    formset = response.context["formset"]
    data = {f"form-{k}": v for k, v in formset.management_form.initial.items()}
    for index, form in enumerate(formset.forms):
        for name in ("id", "position", "name", "verb", "unit", "keywords"):
            value = form[name].value()
            data[f"form-{index}-{name}"] = "" if value is None else value
    return data


def test_it_lets_the_office_edit_rules_and_maps_again(login, figures):
    client = login("olivia")
    data = _formset_data(client.get(reverse("oversight:indicator-list")))
    index = next(i for i in range(20) if data.get(f"form-{i}-name") == "完善和新建制度")
    data[f"form-{index}-keywords"] = "规章"
    response = client.post(reverse("oversight:indicator-list"), data)
    assert response.status_code == 302
    assert Figure.objects.get(counts="完善制度").indicator == ""
    assert IndicatorRule.objects.get(name="完善和新建制度").keywords == "规章"


def test_it_refuses_a_rule_without_a_unit_and_changes_nothing(login, figures):
    client = login("olivia")
    data = _formset_data(client.get(reverse("oversight:indicator-list")))
    data["form-0-unit"] = ""
    response = client.post(reverse("oversight:indicator-list"), data)
    assert response.status_code == 200 and response.context["formset"].errors[0]["unit"]
    assert IndicatorRule.objects.filter(unit="").count() == 0
