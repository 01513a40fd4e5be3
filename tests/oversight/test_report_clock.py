"""The report clock: the 整改情况报告 is filed (frozen or uploaded, dated, audited), and the
dashboard, the to-do and the reminders warn before and after its deadline until then."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts.access import access_for
from zhenggai.audit.models import Event
from zhenggai.ledger.models import Inspection
from zhenggai.oversight import dashboard, reminders, services, todo
from zhenggai.oversight.models import ReportFiling

TODAY = timezone.localdate()


def pdf(name="整改情况报告.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", "application/pdf")


def due_in(inspection, days: int) -> Inspection:
    Inspection.objects.filter(pk=inspection.pk).update(
        rectify_until=TODAY + dt.timedelta(days=days)
    )
    return Inspection.objects.get(pk=inspection.pk)


def frozen_report(inspection, cast):
    report = services.draft_document(inspection, actor=cast["alice"], kind="report")
    return services.freeze_document(report, actor=cast["alice"])


def shown(user, key):
    sections = {s.key: s for s in todo.sections(user, TODAY)}
    return sections.get(key)


def test_it_files_the_frozen_report_with_its_date_and_hash(ledger_a, cast):
    report = frozen_report(ledger_a, cast)
    filing = services.file_report(
        ledger_a, actor=cast["alice"], filed_on=dt.date(2026, 4, 28), document=report
    )
    assert (filing.document, filing.sha256) == (report, report.sha256)
    event = Event.objects.get(act="report.filed")
    assert event.data["filed_on"] == "2026-04-28" and event.data["sha256"] == report.sha256
    with pytest.raises(services.OversightError, match="已登记报送"):
        services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())


def test_it_files_an_uploaded_report_keeping_the_file(ledger_a, cast):
    filing = services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())
    assert filing.name == "整改情况报告.pdf" and len(filing.sha256) == 64
    with filing.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4\n%%EOF\n"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("draft", "尚未定稿"),
        ("future", "不能晚于今天"),
        ("early", "不能早于反馈日期（2026年3月1日）"),
        ("neither", "二者选一"),
        ("both", "二者选一"),
        ("plan", "不是这次巡察的整改情况报告"),
    ],
)
def test_it_refuses_a_filing_that_does_not_hold(ledger_a, cast, case, message):
    alice = cast["alice"]
    report = services.draft_document(ledger_a, actor=alice, kind="report")
    args = {"filed_on": TODAY, "document": report}
    if case != "draft":
        services.freeze_document(report, actor=alice)
    if case == "future":
        args["filed_on"] = TODAY + dt.timedelta(days=1)
    if case == "early":
        args["filed_on"] = dt.date(2026, 2, 28)
    if case == "neither":
        args["document"] = None
    if case == "both":
        args["upload"] = pdf()
    if case == "plan":
        plan = services.draft_document(ledger_a, actor=alice, kind="plan")
        args["document"] = services.freeze_document(plan, actor=alice)
    with pytest.raises(services.OversightError, match=message):
        services.file_report(ledger_a, actor=alice, **args)
    assert not ReportFiling.objects.exists()


def test_the_to_do_warns_from_fifteen_days_before_until_filed(ledger_a, cast):
    alice, olivia, bob = cast["alice"], cast["olivia"], cast["bob"]
    due_in(ledger_a, 16)
    assert shown(olivia, "reports_due").total == 0 and shown(alice, "reports_to_file").total == 0
    due_in(ledger_a, 15)
    item = shown(alice, "reports_to_file").items[0]
    assert item.note.startswith("还剩 15 天") and not item.late
    assert item.url.endswith(
        reverse("oversight:document-list", args=[ledger_a.pk]) + "#report-clock"
    )
    assert shown(olivia, "reports_due").total == 1
    assert shown(bob, "reports_to_file") is None  # a reader files nothing
    due_in(ledger_a, -40)  # long past: still warned until filed
    item = shown(olivia, "reports_due").items[0]
    assert item.late and item.note == "逾期未报送 40 天"
    services.file_report(ledger_a, actor=alice, filed_on=TODAY, upload=pdf())
    assert shown(olivia, "reports_due").total == 0 and shown(alice, "reports_to_file").total == 0
    assert todo.counts(alice, TODAY)["reports_to_file"] == 0


def test_the_dashboard_shows_each_reports_clock(ledger_a, ledger_b, cast, units):
    other = due_in(ledger_b, 3)
    late = due_in(ledger_a, -2)
    scope = dashboard.Scope(access_for(cast["olivia"]))
    board = dashboard.build(scope, dashboard.Filters(), TODAY)
    clocks = {c.inspection.pk: c for c in board.clocks}
    assert clocks[late.pk].report_late and not clocks[late.pk].report_soon
    assert clocks[other.pk].report_soon and not clocks[other.pk].report_late
    assert (board.reports_late, board.reports_soon) == (1, 1)
    services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())
    board = dashboard.build(scope, dashboard.Filters(), TODAY)
    filed = next(c for c in board.clocks if c.inspection.pk == late.pk)
    assert filed.report_filed_on == TODAY and not filed.report_late
    assert (board.reports_late, board.reports_soon) == (0, 1)


def test_the_dashboard_page_marks_late_and_filed_reports(ledger_a, ledger_b, cast, login):
    due_in(ledger_a, -2)
    due_in(ledger_b, 60)
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    assert "逾期未报送 1 份" in page and "逾期未报送</span>" in page
    services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())
    page = login("olivia").get(reverse("oversight:dashboard")).content.decode()
    assert f"{TODAY.month}月{TODAY.day}日已报送" in page and "逾期未报送 1 份" not in page


def test_the_dashboard_costs_the_same_queries_with_filings(
    ledger_a, ledger_b, cast, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scope = dashboard.Scope(access_for(cast["olivia"]))
    with CaptureQueriesContext(connection) as before:
        dashboard.build(scope, dashboard.Filters(), TODAY)
    services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())
    with django_assert_num_queries(len(before.captured_queries)):
        dashboard.build(scope, dashboard.Filters(), TODAY)


def test_remind_tells_the_unit_and_the_office_until_filed(ledger_a, ledger_b, cast):
    due_in(ledger_a, 5)
    due_in(ledger_b, 60)
    digests = {d.user.username: d for d in reminders.build_digests(TODAY)}
    for name in ("alice", "lena", "olivia"):
        assert [i.pk for i in digests[name].reports] == [ledger_a.pk]
    assert not digests.get("bob") or not digests["bob"].reports  # a reader is not asked
    assert not digests.get("dave") or not digests["dave"].reports  # unit B is not due
    alice = digests["alice"]
    assert "整改情况报告待报送 1 份" in alice.subject(TODAY)
    due = TODAY + dt.timedelta(days=5)
    assert f"应于{due.year}年{due.month}月{due.day}日前报送（还剩 5 天）" in alice.body(TODAY)
    due_in(ledger_a, -3)
    late = {d.user.username: d for d in reminders.build_digests(TODAY)}["lena"]
    assert "逾期 3 天" in late.body(TODAY)
    services.file_report(ledger_a, actor=cast["alice"], filed_on=TODAY, upload=pdf())
    assert not any(d.reports for d in reminders.build_digests(TODAY))


def test_the_page_files_an_upload_and_then_shows_it(ledger_a, cast, login):
    client = login("alice")
    url = reverse("oversight:report-file", args=[ledger_a.pk])
    client.post(url, {"filed_on": TODAY.isoformat(), "file": pdf("报告.pdf")})
    filing = ReportFiling.objects.get()
    assert filing.filed_by == cast["alice"] and filing.name == "报告.pdf"
    page = login("bob").get(reverse("oversight:document-list", args=[ledger_a.pk]))
    assert "已报送" in page.content.decode()
    download = login("bob").get(reverse("oversight:report-download", args=[ledger_a.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_a_refused_filing_tells_why_and_writes_nothing(ledger_a, cast, login):
    client = login("alice")
    url = reverse("oversight:report-file", args=[ledger_a.pk])
    response = client.post(url, {"filed_on": "2026-02-01", "file": pdf()}, follow=True)
    assert "未登记报送：报送日期不能早于反馈日期" in response.content.decode()
    assert not ReportFiling.objects.exists()


def test_the_demo_shows_a_filed_and_an_overdue_report(settings, django_user_model):
    from zhenggai.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    office = django_user_model.objects.get(username="xuncha")
    board = dashboard.build(dashboard.Scope(access_for(office)), dashboard.Filters(), TODAY)
    filed = [c for c in board.clocks if c.report_filed_on]
    # the culture bureau's report of this round, and the housing bureau's of the round before
    assert sorted(c.inspection.unit.name for c in filed) == ["区住房和城乡建设局", "区文化和旅游局"]
    assert board.reports_late >= 1
    late = shown(office, "reports_due")
    assert late.total == board.reports_late + board.reports_soon and late.items[0].late
