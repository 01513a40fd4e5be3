"""Figures are finite and bounded, dates plausible: refused at the form, never a 500."""

import datetime as dt
import importlib
from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse

from zhenggai.ledger import services
from zhenggai.ledger.models import Figure, Inspection, Measure, Progress

pytestmark = pytest.mark.django_db


def report(client, measure, figures="", reported_on="2026-03-05"):
    url = reverse("ledger:measure-detail", args=[measure.pk])
    body = {"reported_on": reported_on, "text": "召开会议", "figures": figures, "reference": "纪要"}
    return client.post(url, body)


@pytest.fixture
def measure(ledger_a):
    return Measure.objects.filter(problem__inspection=ledger_a).first()


@pytest.mark.parametrize(
    "line,message",
    [
        ("追回资金 1e20 元", "无法识别"),
        ("追回资金 100000000000000000000 元", "过大，须小于 100,000,000,000（1000亿）"),
        ("追回资金 100000000000 元", "过大"),
        ("追回资金 nan 元", "无法识别"),
        ("追回资金 inf 元", "无法识别"),
        ("追回资金 -Infinity 元", "无法识别"),
        ("整改问题 -3 个", "不能为负数"),
        ("完成率 87.123456 %", "最多保留四位小数"),
        ("召开会议 ٣ 次", "无法识别"),  # int() reads Arabic-Indic digits; nobody types them
        ("召开会议 ² 次", "无法识别"),
        ("3次", "无法识别"),
    ],
)
def test_it_refuses_a_figure_no_page_could_show(login, measure, line, message):
    response = report(login("owen"), measure, figures=f"召开会议 2 次\n{line}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "第2行" in page and message in page, page[page.find("errorlist") :][:300]
    assert not Progress.objects.filter(measure=measure).exists()
    assert login("bob").get(reverse("ledger:measure-detail", args=[measure.pk])).status_code == 200


@pytest.mark.parametrize(
    "line,value",
    [
        ("追回资金 99999999999.9999 万元", Decimal("99999999999.9999")),
        ("追回资金 1,234.5 万元", Decimal("1234.5")),
        ("召开会议 ３ 次", Decimal("3")),  # full-width digits are typed on Chinese keyboards
        ("召开会议 0 次", Decimal("0")),
    ],
)
def test_it_keeps_a_figure_within_bounds_and_shows_it(login, measure, line, value):
    response = report(login("owen"), measure, figures=line)
    assert response.status_code == 302, response.content.decode()[:2000]
    figure = Figure.objects.get(progress__measure=measure)
    assert figure.value == value
    page = login("bob").get(reverse("ledger:measure-detail", args=[measure.pk]))
    assert page.status_code == 200 and f"{value.normalize():f}" in page.content.decode()
    assert login("olivia").get(reverse("oversight:statistics")).status_code == 200


def test_the_service_refuses_what_the_form_refuses(measure, cast):
    for value in (float("nan"), float("inf"), 1e20, -1.0):
        with pytest.raises(services.LedgerError, match="成效数据的数值"):
            services.report_progress(
                measure,
                actor=cast["owen"],
                text="进展",
                reported_on=dt.date(2026, 3, 5),
                figures=[(value, "元", "追回资金")],
                references=["纪要"],
            )
    assert not Progress.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_it_refuses_an_implausible_progress_date(login, measure, day):
    response = report(login("owen"), measure, reported_on=day)
    page = response.content.decode()
    assert response.status_code == 200 and "请核对" in page
    assert not Progress.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_it_refuses_implausible_inspection_dates(login, ledger_a, day):
    url = reverse("ledger:inspection-edit", args=[ledger_a.pk])
    body = {
        "unit": ledger_a.unit_id,
        "kind": "xuncha",
        "mode": "regular",
        "round": "一届区委第一轮巡察",
        "feedback_date": day,
        "confirm_by": "editor",
    }
    response = login("alice").post(url, body)
    assert response.status_code == 200 and "不在合理范围内" in response.content.decode()
    assert Inspection.objects.get(pk=ledger_a.pk).feedback_date == dt.date(2026, 3, 1)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_it_refuses_an_implausible_deadline(login, measure, day):
    url = reverse("ledger:measure-edit", args=[measure.pk])
    body = {"text": measure.text, "term": "deadline", "due": day, "status": measure.status}
    response = login("alice").post(url, {**body, "version": measure.version})
    assert response.status_code == 200 and "请核对" in response.content.decode()
    assert Measure.objects.get(pk=measure.pk).due == measure.due


def test_a_report_on_an_inspection_fed_back_in_year_one_is_still_refused(login, measure, ledger_a):
    Inspection.objects.filter(pk=ledger_a.pk).update(feedback_date=dt.date(1, 1, 1))
    response = report(login("owen"), measure, reported_on="0001-01-01")
    assert "请核对" in response.content.decode()
    assert not Progress.objects.exists()


def test_a_figure_stored_before_the_checks_no_longer_breaks_the_page(login, measure, cast):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's numeric(16,4) never held such a value")
    repair = importlib.import_module("zhenggai.ledger.migrations.0008_figures_within_bounds")
    progress = services.report_progress(
        measure,
        actor=cast["owen"],
        text="进展",
        reported_on=dt.date(2026, 3, 5),
        figures=[(Decimal(5), "万元", "追回资金"), (Decimal(3), "次", "召开会议")],
        references=["纪要"],
    )
    bad, good = progress.figures.order_by("id")
    with connection.cursor() as cursor:  # as the unchecked form saved them
        cursor.execute("UPDATE ledger_figure SET value = 1e20 WHERE id = %s", [bad.pk])
    url = reverse("ledger:measure-detail", args=[measure.pk])
    with pytest.raises(InvalidOperation):
        Figure.objects.get(pk=bad.pk)
    assert repair.repair_figures(connection) == 1
    page = login("bob").get(url)
    assert page.status_code == 200
    assert "追回资金（原数值无效，已置为0，请更正）" in page.content.decode()
    assert Figure.objects.get(pk=good.pk).value == 3
    assert Figure.objects.get(pk=bad.pk).indicator == ""
