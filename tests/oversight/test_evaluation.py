"""成效评估: score sheets, several scorers averaged, grades by thresholds, the files."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document as Docx
from python_calamine import CalamineWorkbook

from tests.conftest import PASSWORD, make_ledger
from zhenggai.accounts.models import Membership
from zhenggai.audit.models import Event
from zhenggai.disclosure import satisfaction
from zhenggai.disclosure.services import publish_notice
from zhenggai.oversight import evaluation as ev
from zhenggai.oversight.models import Evaluation, EvaluationScore

pytestmark = pytest.mark.django_db
ROUND = "一届区委第一轮巡察"


@pytest.fixture
def sheet(cast, ledger_a, ledger_b):
    return ev.create_evaluation(actor=cast["olivia"], round=ROUND)


@pytest.fixture
def scorer2(cast, units, django_user_model):
    user = django_user_model.objects.create_user("oscar", password=PASSWORD)
    Membership.objects.create(user=user, unit=units["office"], role=Membership.Role.OFFICE)
    return user


def scored(sheet):
    return {i.name: i for i in sheet.indicators.all()}


def give(sheet, unit, scorer, values: dict[str, str]):
    indicators = scored(sheet)
    scores = {indicators[name].pk: (Decimal(v), "") for name, v in values.items()}
    return ev.score_unit(sheet, unit, actor=scorer, scores=scores)


def row_of(result, unit):
    return next(r for r in result.rows if r.unit == unit)


def test_it_starts_a_round_with_four_weighted_indicators(sheet):
    names = [(i.name, i.weight, i.source) for i in sheet.indicators.all()]
    assert [n for n, _w, _s in names] == ["按期整改", "佐证质量", "屡查屡犯", "群众满意度"]
    assert sum(w for _n, w, _s in names) == 100
    assert names[-1][2] == "satisfaction"
    assert Event.objects.filter(act="evaluation.created").count() == 1


def test_it_refuses_a_second_sheet_and_a_round_without_inspections(sheet, cast):
    with pytest.raises(ev.EvaluationError, match="已有成效评估"):
        ev.create_evaluation(actor=cast["olivia"], round=ROUND)
    with pytest.raises(ev.EvaluationError, match="没有巡察"):
        ev.create_evaluation(actor=cast["olivia"], round="不存在的轮次")


def test_only_the_office_evaluates(sheet, cast, units):
    for name in ("alice", "lena", "dave"):
        with pytest.raises(PermissionDenied):
            give(sheet, units["A"], cast[name], {"按期整改": "90"})
    assert not EvaluationScore.objects.exists()


def test_it_averages_scorers_and_weighs_indicators(sheet, cast, scorer2, units):
    give(sheet, units["A"], cast["olivia"], {"按期整改": "90", "佐证质量": "80", "屡查屡犯": "70"})
    give(sheet, units["A"], scorer2, {"按期整改": "80", "佐证质量": "70", "屡查屡犯": "90"})
    row = row_of(ev.results(sheet, cast["olivia"]), units["A"])
    # Means 85, 75, 80; satisfaction has no votes and is left out: (30·85+30·75+20·80)/80.
    assert row.cells == [Decimal("85.00"), Decimal("75.00"), Decimal("80.00"), None]
    assert row.total == Decimal("80.00") and row.grade == "较好"
    assert row.scorers == 2 and row.missing == ["群众满意度"]


def test_a_scorer_replaces_their_own_score_and_may_withdraw_it(sheet, cast, units):
    give(sheet, units["A"], cast["olivia"], {"按期整改": "60"})
    give(sheet, units["A"], cast["olivia"], {"按期整改": "95"})
    assert list(EvaluationScore.objects.values_list("value", flat=True)) == [Decimal("95")]
    indicator = scored(sheet)["按期整改"]
    ev.score_unit(sheet, units["A"], actor=cast["olivia"], scores={indicator.pk: (None, "")})
    assert not EvaluationScore.objects.exists()


def test_it_refuses_bad_scores_naming_unit_and_indicator(sheet, cast, units):
    with pytest.raises(ev.EvaluationError, match="甲单位“按期整改”得分须在0至100分之间"):
        give(sheet, units["A"], cast["olivia"], {"按期整改": "101"})
    satisfaction_indicator = scored(sheet)["群众满意度"]
    with pytest.raises(ev.EvaluationError, match="满意度自动计分"):
        ev.score_unit(
            sheet,
            units["A"],
            actor=cast["olivia"],
            scores={satisfaction_indicator.pk: (Decimal(90), "")},
        )
    assert not EvaluationScore.objects.exists()


def test_it_grades_by_the_thresholds_the_office_sets(sheet, cast, units):
    give(sheet, units["A"], cast["olivia"], {"按期整改": "85", "佐证质量": "85", "屡查屡犯": "85"})
    assert row_of(ev.results(sheet, cast["olivia"]), units["A"]).grade == "较好"
    ev.set_thresholds(
        sheet, actor=cast["olivia"], good=Decimal(85), fair=Decimal(70), average=Decimal(50)
    )
    sheet.refresh_from_db()
    assert row_of(ev.results(sheet, cast["olivia"]), units["A"]).grade == "好"
    with pytest.raises(ev.EvaluationError, match="由高到低"):
        ev.set_thresholds(
            sheet, actor=cast["olivia"], good=Decimal(60), fair=Decimal(70), average=Decimal(50)
        )
    sheet.refresh_from_db()
    assert sheet.good == 85
    assert [sheet.grade(Decimal(v)) for v in ("85", "84.99", "50", "49.99")] == [
        "good",
        "fair",
        "average",
        "poor",
    ]


def test_the_public_satisfaction_feeds_its_indicator(sheet, cast, units, ledger_a):
    notice = publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    for choice in ("satisfied", "satisfied", "fairly", "unsatisfied"):
        satisfaction.vote(notice, actor=None, choice=choice, address="10.0.0.9")
    row = row_of(ev.results(sheet, cast["olivia"]), units["A"])
    # (100 + 100 + 60 + 0) / 4
    assert row.cells[-1] == Decimal("65.00") and row.votes == 4
    assert row_of(ev.results(sheet, cast["olivia"]), units["B"]).cells[-1] is None


def test_the_result_sheet_costs_a_fixed_number_of_queries(sheet, cast, units, scorer2):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            ev.results(sheet, cast["olivia"])
        return len(ctx.captured_queries)

    few = count()
    for unit in ("A", "B"):
        for user in (cast["olivia"], scorer2):
            give(sheet, units[unit], user, {"按期整改": "80", "佐证质量": "90"})
    make_ledger(units["A1"])  # a third unit in the round
    assert count() == few


def test_the_pages_create_score_and_export(client, cast, units, ledger_a, ledger_b):
    client.force_login(cast["olivia"])
    response = client.post(reverse("oversight:evaluation-list"), {"round": ROUND, "title": ""})
    sheet = Evaluation.objects.get()
    assert response.status_code == 302 and sheet.title == f"{ROUND}整改成效评估"
    indicators = scored(sheet)
    url = reverse("oversight:evaluation-score", args=[sheet.pk])
    body = {"unit": units["A"].pk, f"score_{indicators['按期整改'].pk}": "150"}
    response = client.post(url, body)
    assert response.status_code == 400 and not EvaluationScore.objects.exists()
    body[f"score_{indicators['按期整改'].pk}"] = "92"
    assert client.post(url, body).status_code == 302
    page = client.get(reverse("oversight:evaluation-detail", args=[sheet.pk])).content.decode()
    assert "92.00" in page and "好" in page
    data = client.get(reverse("oversight:evaluation-xlsx", args=[sheet.pk])).content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("评估结果")
    cells = rows.to_python()
    assert cells[0][0] == sheet.title
    unit_a = next(r for r in cells if r[1] == "甲单位")
    assert unit_a[2] == 92 and "好" in unit_a
    doc = Docx(
        io.BytesIO(client.get(reverse("oversight:evaluation-docx", args=[sheet.pk])).content)
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert sheet.title in text and "一、评估指标" in text
    table = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert table[0][1] == "单位" and any(r[1] == "甲单位" and "92.00" in r for r in table)


def test_it_refuses_a_unit_outside_the_round(client, cast, units, ledger_a):
    client.force_login(cast["olivia"])
    sheet = ev.create_evaluation(actor=cast["olivia"], round=ROUND)
    url = reverse("oversight:evaluation-score", args=[sheet.pk])
    assert client.get(url, {"unit": units["B"].pk}).status_code == 404


def test_the_score_page_shows_the_ledger_facts_of_the_unit(client, cast, units, ledger_a):
    sheet = ev.create_evaluation(actor=cast["olivia"], round=ROUND)
    client.force_login(cast["olivia"])
    url = reverse("oversight:evaluation-score", args=[sheet.pk])
    page = client.get(url, {"unit": units["A"].pk}).content.decode()
    # make_ledger: 8 measures, every second one done, all without evidence.
    assert "整改措施 8 项，已完成 4 项，措施完成率 50%" in page
    assert "完成无佐证 4 项" in page


def test_the_detail_page_costs_a_fixed_number_of_queries(client, cast, units, sheet, scorer2):
    client.force_login(cast["olivia"])
    url = reverse("oversight:evaluation-detail", args=[sheet.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    make_ledger(units["A1"])
    for unit in ("A", "B", "A1"):
        give(sheet, units[unit], scorer2, {"按期整改": "70", "屡查屡犯": "95"})
    assert count() == few
