"""延期申请: after 台账确认 a due date moves only through an approved request."""

import datetime as dt

import pytest
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure.generate import notice_from_ledger
from zhenggai.ledger import bulk, extensions, services
from zhenggai.ledger.counts import tally
from zhenggai.ledger.models import Extension, Inspection, Measure
from zhenggai.ledger.services import LedgerError
from zhenggai.notices.render import to_text
from zhenggai.oversight.models import Message
from zhenggai.oversight.statistics import as_text, round_summary, statement

pytestmark = pytest.mark.django_db


def open_measure(ledger):
    return Measure.objects.filter(problem__inspection=ledger, status="planned").first()


@pytest.fixture
def confirmed(ledger_a, cast):
    return extensions.confirm_ledger(ledger_a, actor=cast["olivia"])


def test_after_confirmation_the_due_date_is_not_edited_directly(confirmed, cast, login):
    measure = open_measure(confirmed)
    due = measure.due
    with pytest.raises(LedgerError, match="延期申请"):
        services.update_measure(measure, actor=cast["alice"], due=dt.date(2027, 6, 30))
    with pytest.raises(LedgerError, match="延期申请"):
        bulk.update_measures([measure], actor=cast["alice"], changes={"due": dt.date(2027, 6, 30)})
    measure.refresh_from_db()
    assert measure.due == due and measure.original_due is None
    # Other fields still change directly.
    services.update_measure(measure, actor=cast["alice"], owner="李华")
    assert Event.objects.filter(act="inspection.ledger_confirmed").count() == 1


def test_before_confirmation_the_editor_still_edits_the_due_date(ledger_a, cast):
    measure = open_measure(ledger_a)
    services.update_measure(measure, actor=cast["alice"], due=dt.date(2027, 6, 30))
    measure.refresh_from_db()
    assert measure.due == dt.date(2027, 6, 30)
    with pytest.raises(LedgerError, match="尚未确认"):
        extensions.request_extension(
            measure, actor=cast["alice"], new_due=dt.date(2027, 7, 1), reason="跨年"
        )


def test_an_approved_request_moves_the_date_and_keeps_the_original(confirmed, cast, login):
    measure = open_measure(confirmed)
    first = measure.due
    client = login("owen")  # the measure's owner
    url = reverse("ledger:extension-request", args=[measure.pk])
    assert client.post(url, {"new_due": "2027-06-30", "reason": "需跨年度实施"}).status_code == 302
    extension = Extension.objects.get()
    assert Message.objects.filter(recipient=cast["olivia"], act="extension.requested").exists()
    assert (
        login("lena")
        .post(reverse("ledger:extension-decide", args=[extension.pk]), {"decision": "approve"})
        .status_code
        == 403
    )  # not delegated to the unit's leader
    client = login("olivia")
    response = client.post(
        reverse("ledger:extension-decide", args=[extension.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.due, measure.original_due) == (dt.date(2027, 6, 30), first)
    assert Message.objects.filter(recipient=cast["owen"], act="extension.decided").exists()
    page = login("bob").get(reverse("ledger:measure-detail", args=[measure.pk])).content.decode()
    assert "原完成时限" in page and f"{first.year}年{first.month}月{first.day}日" in page
    event = Event.objects.get(act="extension.decided")
    assert event.data["approved"] is True and event.actor == cast["olivia"]
    # A second extension keeps the first original date.
    second = extensions.request_extension(
        measure, actor=cast["alice"], new_due=dt.date(2027, 9, 30), reason="再延"
    )
    extensions.decide_extension(second, actor=cast["olivia"], approve=True)
    measure.refresh_from_db()
    assert (measure.due, measure.original_due) == (dt.date(2027, 9, 30), first)


def test_a_refused_request_leaves_the_measure_as_it_was(confirmed, cast):
    measure = open_measure(confirmed)
    before = Measure.objects.filter(pk=measure.pk).values().get()
    extension = extensions.request_extension(
        measure, actor=cast["alice"], new_due=dt.date(2027, 6, 30), reason="人手不足"
    )
    with pytest.raises(LedgerError, match="写明理由"):
        extensions.decide_extension(extension, actor=cast["olivia"], approve=False)
    extensions.decide_extension(extension, actor=cast["olivia"], approve=False, answer="理由不足")
    assert Measure.objects.filter(pk=measure.pk).values().get() == before
    extension.refresh_from_db()
    assert extension.status == Extension.Status.REFUSED
    assert Event.objects.get(act="extension.decided").data["approved"] is False


def test_bad_requests_get_a_chinese_message_and_change_nothing(confirmed, cast, login):
    measure = open_measure(confirmed)
    for new_due, reason, message in [
        (measure.due - dt.timedelta(days=1), "提前", "须晚于现在的完成时限"),
        (dt.date(2040, 1, 1), "很久", "晚于反馈后5年"),
        (dt.date(2027, 6, 30), "  ", "写明理由"),
    ]:
        with pytest.raises(LedgerError, match=message):
            extensions.request_extension(
                measure, actor=cast["alice"], new_due=new_due, reason=reason
            )
    extensions.request_extension(
        measure, actor=cast["alice"], new_due=dt.date(2027, 6, 30), reason="跨年"
    )
    with pytest.raises(LedgerError, match="待审批"):
        extensions.request_extension(
            measure, actor=cast["alice"], new_due=dt.date(2027, 7, 30), reason="跨年"
        )
    assert Extension.objects.count() == 1
    response = login("bob").post(
        reverse("ledger:extension-request", args=[measure.pk]),
        {"new_due": "2027-06-30", "reason": "x"},
    )
    assert response.status_code == 403


def test_the_office_delegates_decisions_to_the_units_leader(confirmed, cast):
    extensions.confirm_ledger(confirmed, actor=cast["olivia"], extension_by="leader")
    measure = open_measure(confirmed)
    extension = extensions.request_extension(
        measure, actor=cast["owen"], new_due=dt.date(2027, 6, 30), reason="跨年"
    )
    assert Message.objects.filter(recipient=cast["lena"], act="extension.requested").exists()
    extensions.decide_extension(extension, actor=cast["lena"], approve=True)
    measure.refresh_from_db()
    assert measure.due == dt.date(2027, 6, 30)
    assert Event.objects.filter(act="inspection.extensions_delegated").count() == 1


def test_extended_measures_count_the_same_everywhere(confirmed, cast):
    for measure in Measure.objects.filter(problem__inspection=confirmed, status="planned")[:2]:
        extension = extensions.request_extension(
            measure, actor=cast["alice"], new_due=dt.date(2027, 6, 30), reason="跨年"
        )
        extensions.decide_extension(extension, actor=cast["olivia"], approve=True)
    today = dt.date(2026, 5, 1)
    inspections = Inspection.objects.filter(pk=confirmed.pk)
    assert tally(inspections, today).extended == 2
    summary = round_summary(confirmed.round, inspections, today)
    assert summary.total.extended == 2
    assert "经批准延期的整改措施2项" in as_text(statement(summary, [], today=today))
    for internal in (True, False):
        notice = notice_from_ledger(confirmed, internal=internal, today=today)
        assert "经批准延期的整改措施2项" in to_text(notice, internal=internal)


def test_the_dashboard_shows_the_extended_measures(confirmed, cast, login):
    measure = open_measure(confirmed)
    extension = extensions.request_extension(
        measure, actor=cast["alice"], new_due=dt.date(2027, 6, 30), reason="跨年"
    )
    extensions.decide_extension(extension, actor=cast["olivia"], approve=True)
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    tile = page[page.index('id="extended"') :][:80]
    assert "已延期<b>1</b>" in tile
