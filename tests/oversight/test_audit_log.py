"""The audit log page (issue 12, item 6): filters, one event, export, and the chain check."""

import datetime as dt
import io
import zipfile

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zhenggai.audit.models import Event
from zhenggai.audit.services import record

pytestmark = pytest.mark.django_db
LIST = reverse("oversight:audit-list")


def acts(unit, actor, act: str, n: int = 1, **data) -> None:
    with transaction.atomic():
        for _ in range(n):
            record(act, unit, actor=actor, unit_id=unit.pk, **data)


@pytest.fixture
def log(units, cast):
    acts(units["A"], cast["alice"], "measure.updated", 2)
    acts(units["A1"], cast["carol"], "problem.added")
    acts(units["B"], cast["dave"], "measure.updated")
    acts(units["office"], None, "indicators.applied")
    return Event.objects.order_by("seq")


def shown(response) -> list[int]:
    return [event.seq for event, *_ in response.context["rows"]]


@pytest.mark.parametrize("who", ["audrey", "olivia"])
def test_it_lists_every_event_newest_first_for_the_auditor_and_the_office(log, login, who):
    response = login(who).get(LIST)
    assert shown(response) == [5, 4, 3, 2, 1]
    assert "整改措施·修改" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "car"}, [3]),
        ({"unit": "A"}, [3, 2, 1]),  # with its sub-unit
        ({"unit": "A1"}, [3]),
        ({"act": "measure.updated"}, [4, 2, 1]),
        ({"object_type": "unit", "object_id": "B"}, [4]),
        ({"act": "measure.updated", "unit": "B"}, [4]),
    ],
)
def test_it_filters_by_actor_unit_act_and_object(log, login, units, query, expected):
    query = {k: units[v].pk if k in ("unit", "object_id") else v for k, v in query.items()}
    assert shown(login("audrey").get(LIST, query)) == expected


def test_it_filters_by_time(log, login):
    Event.objects.filter(seq__lte=2).update(at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate().isoformat()
    assert shown(login("audrey").get(LIST, {"since": today})) == [5, 4, 3]
    earlier = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    assert shown(login("audrey").get(LIST, {"until": earlier})) == [2, 1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-13-01"}, "起始日期：输入一个有效的日期"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "起始日期晚于截止日期"),
        ({"act": "measure.forged"}, "动作：选择一个有效的选项"),
        ({"since": "0001-01-01"}, "起始日期：日期 1年1月1日 不在合理范围内"),
    ],
)
def test_it_names_a_bad_filter_and_lists_nothing(log, login, query, message):
    response = login("audrey").get(LIST, query)
    page = response.content.decode()
    assert response.status_code == 200 and shown(response) == []
    assert "筛选条件有误" in page and message in page


def test_it_lists_in_a_fixed_number_of_queries(units, cast, login):
    client = login("audrey")
    acts(units["A"], cast["alice"], "measure.updated", 3)
    few = queries(client)
    acts(units["B"], cast["dave"], "measure.updated", 40)
    assert queries(client) == few


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST).status_code == 200
    return len(captured.captured_queries)


def test_it_opens_an_event_with_its_data_escaped(units, cast, login):
    acts(units["A"], cast["alice"], "measure.updated", text="<script>alert(1)</script>")
    event = Event.objects.get()
    page = login("audrey").get(reverse("oversight:audit-event", args=[event.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert event.hash in page and "甲单位" in page and "alice" in page


def test_it_exports_the_filtered_list_with_formulas_kept_as_text(log, units, cast, login):
    formula = '=HYPERLINK("http://x","y")'
    cast["alice"].first_name = formula
    cast["alice"].save()
    acts(units["A"], cast["alice"], "measure.updated", text=formula)
    response = login("audrey").get(
        reverse("oversight:audit-export"), {"act": "measure.updated", "unit": units["A"].pk}
    )
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_name("审计日志")
    rows = rows.to_python()
    assert rows[1][:3] == ["序号", "时间", "操作人"]
    assert [r[0] for r in rows[2:]] == ["6", "2", "1"]
    assert rows[2][2] == f"{formula}（alice）"
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_it_refuses_to_export_with_a_bad_filter(log, login):
    response = login("audrey").get(reverse("oversight:audit-export"), {"until": "昨天"})
    assert (
        response.status_code == 200 and "截止日期：输入一个有效的日期" in response.content.decode()
    )


def test_it_verifies_the_chain_from_the_page_as_the_command_does(log, login):
    verify = reverse("oversight:audit-verify")
    client = login("audrey")
    assert "全部完好" not in client.get(verify).content.decode()  # runs only when asked
    assert "全部完好：</strong>审计事件 5 条" in client.get(verify, {"run": "1"}).content.decode()
    Event.objects.filter(seq=2).update(data={"forged": True})
    page = client.get(verify, {"run": "1"}).content.decode()
    assert "发现 1 处问题" in page and "第 2 条事件" in page and "密钥签名不符" in page


def test_it_links_the_audit_log_for_those_who_may_read_it(log, login):
    assert LIST in login("audrey").get(reverse("todo:home")).content.decode()
    assert LIST not in login("alice").get(reverse("todo:home")).content.decode()
