"""Supervision orders: numbering per year, issuing, replying, printing."""

import datetime as dt
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from docx import Document

from tests.oversight.conftest import specific
from zhenggai.audit.models import Event
from zhenggai.oversight import services
from zhenggai.oversight.models import SupervisionOrder

pytestmark = pytest.mark.django_db
# A due date the form takes: after today, within the plausible window of dates.
SOON = (dt.date.today() + dt.timedelta(days=60)).isoformat()


def issue(cast, units, unit="A", today=dt.date(2026, 5, 1), **extra):
    return services.issue_order(
        actor=cast["olivia"],
        unit=units[unit],
        level="notice",
        due=dt.date(2027, 1, 31),
        text="请整改。",
        today=today,
        **extra,
    )


def test_it_numbers_orders_per_year(cast, units):
    numbers = [
        issue(cast, units, today=day).doc_number
        for day in (
            dt.date(2026, 1, 5),
            dt.date(2026, 3, 1),
            dt.date(2027, 1, 2),
            dt.date(2026, 12, 31),
            dt.date(2027, 2, 1),
        )
    ]
    assert numbers == ["〔2026〕1号", "〔2026〕2号", "〔2027〕1号", "〔2026〕3号", "〔2027〕2号"]


@pytest.mark.django_db(transaction=True)
def test_it_gives_concurrent_orders_distinct_numbers(cast, units):
    errors = []

    def run():
        try:
            for _ in range(3):
                issue(cast, units)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(SupervisionOrder.objects.values_list("number", flat=True)) == list(range(1, 10))


def test_it_issues_an_order_through_the_form(login, ledger_a, units):
    problem = specific(ledger_a)
    client = login("olivia")
    page = client.get(reverse("oversight:order-add"), {"unit": units["A"].pk})
    assert problem.title in page.content.decode()
    response = client.post(
        reverse("oversight:order-add") + f"?unit={units['A'].pk}",
        {
            "unit": units["A"].pk,
            "level": "warning",
            "problems": [problem.pk],
            "due": SOON,
            "text": "限期十日内完成。",
        },
    )
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302 and order.get_level_display() == "告诫书"
    assert list(order.problems.all()) == [problem]
    assert Event.objects.filter(act="order.issued").get().data["number"] == order.doc_number


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("due", "2000-01-01", "办理时限不能早于今天"),
        ("problems", "other-unit", "不属于被督办单位"),
        ("level", "severe", "选择一个有效的选项"),
    ],
)
def test_it_refuses_a_bad_order_and_changes_nothing(
    login, ledger_a, ledger_b, units, field, value, message
):
    data = {
        "unit": units["A"].pk,
        "level": "notice",
        "problems": [specific(ledger_a).pk],
        "due": SOON,
        "text": "请整改。",
    }
    data[field] = [specific(ledger_b).pk] if value == "other-unit" else value
    response = login("olivia").post(reverse("oversight:order-add"), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not SupervisionOrder.objects.exists() and not Event.objects.exists()


def test_it_records_the_units_reply_once(login, order_a, cast):
    url = reverse("oversight:order-reply", args=[order_a.pk])
    assert login("lena").post(url, {"text": "已召开专题会议整改"}).status_code == 302
    order_a.refresh_from_db()
    assert (order_a.reply_text, order_a.replied_by) == ("已召开专题会议整改", cast["lena"])
    assert login("alice").post(url, {"text": "再次回复"}).status_code == 400
    order_a.refresh_from_db()
    assert order_a.reply_text == "已召开专题会议整改"


def test_it_refuses_a_reply_to_another_units_order(login, order_a):
    events = Event.objects.count()
    response = login("dave").post(
        reverse("oversight:order-reply", args=[order_a.pk]), {"text": "不是我们的"}
    )
    assert response.status_code == 404
    order_a.refresh_from_db()
    assert order_a.replied_at is None and Event.objects.count() == events


def test_it_refuses_an_empty_reply(login, order_a):
    response = login("alice").post(
        reverse("oversight:order-reply", args=[order_a.pk]), {"text": "  "}
    )
    assert response.status_code == 400
    order_a.refresh_from_db()
    assert order_a.replied_at is None


def test_it_shows_overdue_unanswered_orders_on_the_dashboard(login, order_a):
    SupervisionOrder.objects.filter(pk=order_a.pk).update(due=dt.date(2000, 1, 1))
    response = login("olivia").get(reverse("oversight:dashboard"))
    assert [o.pk for o in response.context["board"].orders] == [order_a.pk]
    assert response.context["t"].orders_overdue == 1
    services.reply_order(
        order_a, actor=order_a.unit.memberships.get(role="editor").user, text="已办结"
    )
    assert not login("olivia").get(reverse("oversight:dashboard")).context["board"].orders


def test_it_prints_the_order_as_an_official_docx(login, order_a):
    response = login("alice").get(reverse("oversight:order-docx", args=[order_a.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    text = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert "督办通知书" in text and "〔2026〕1号" in text
    assert "中共测试区甲单位党组：" in text and "中共测试区委巡察办" in text
    assert any("2026年6月30日前" in t for t in text)
