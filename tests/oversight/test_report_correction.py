"""更正 of a filed 整改情况报告: a new date and/or report with the reason, the earlier record
and file kept, the report clock counting the latest, audited; refusals change nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts.access import access_for
from zhenggai.audit.models import Event
from zhenggai.oversight import dashboard, services
from zhenggai.oversight.models import ReportCorrection, ReportFiling

TODAY = timezone.localdate()
FIRST = dt.date(2026, 4, 28)
PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name="整改情况报告.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def filing(ledger_a, cast):
    upload = pdf("错误的报告.pdf", b"%PDF-1.4\n% wrong\n%%EOF\n")
    return services.file_report(ledger_a, actor=cast["alice"], filed_on=FIRST, upload=upload)


def snapshot():
    rows = ReportFiling.objects.values_list("filed_on", "name", "sha256", "file")
    return list(rows), ReportCorrection.objects.count(), Event.objects.count()


def downloaded(client, inspection, query=""):
    url = reverse("oversight:report-download", args=[inspection.pk]) + query
    return b"".join(client.get(url).streaming_content)


def test_it_corrects_the_file_and_keeps_the_earlier_one(filing, cast):
    was = (filing.filed_on, filing.name, filing.sha256, filing.file.name)
    correction = services.correct_filing(
        filing, actor=cast["alice"], reason="上传错了文件", filed_on=FIRST, upload=pdf()
    )
    filing.refresh_from_db()
    assert (filing.filed_on, filing.name, filing.sha256, filing.file.name) == was
    with filing.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4\n% wrong\n%%EOF\n"
    assert filing.current == correction and correction.name == "整改情况报告.pdf"
    assert correction.sha256 != filing.sha256 and correction.file.name != filing.file.name
    with correction.file.open("rb") as fh:
        assert fh.read() == PDF


def test_it_corrects_the_date_alone_keeping_the_same_report(filing, cast):
    correction = services.correct_filing(
        filing, actor=cast["alice"], reason="报送日期填错", filed_on=dt.date(2026, 4, 30)
    )
    filing.refresh_from_db()
    assert filing.filed_on == FIRST
    assert correction.filed_on == dt.date(2026, 4, 30)
    assert (correction.file.name, correction.sha256) == (filing.file.name, filing.sha256)


def test_the_audit_event_records_the_correction(filing, cast):
    correction = services.correct_filing(
        filing, actor=cast["alice"], reason=" 报送日期填错 ", filed_on=dt.date(2026, 5, 6)
    )
    event = Event.objects.get(act="report.corrected")
    assert event.actor == cast["alice"] and event.object_id == str(correction.pk)
    assert event.data["reason"] == "报送日期填错"
    assert (event.data["was_filed_on"], event.data["filed_on"]) == ("2026-04-28", "2026-05-06")


def test_the_clock_and_the_dashboard_count_the_latest_correction(filing, ledger_a, cast):
    scope = dashboard.Scope(access_for(cast["olivia"]))

    def shown():
        board = dashboard.build(scope, dashboard.Filters(), TODAY)
        return next(c for c in board.clocks if c.inspection.pk == ledger_a.pk).report_filed_on

    assert shown() == FIRST
    alice = cast["alice"]
    services.correct_filing(filing, actor=alice, reason="日期有误", filed_on=dt.date(2026, 5, 2))
    assert shown() == dt.date(2026, 5, 2)
    services.correct_filing(filing, actor=alice, reason="再次核对", filed_on=dt.date(2026, 5, 3))
    assert shown() == dt.date(2026, 5, 3)
    assert list(filing.corrections.values_list("filed_on", flat=True)) == [
        dt.date(2026, 5, 2),
        dt.date(2026, 5, 3),
    ]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no reason", "更正须写明更正原因"),
        ("future", "不能晚于今天"),
        ("early", "不能早于反馈日期（2026年3月1日）"),
        ("unchanged", "都没有变化"),
        ("empty", "是空文件"),
        ("exe", "exe"),
        ("fake pdf", "“报告.pdf”"),
        ("draft", "尚未定稿"),
    ],
)
def test_it_refuses_a_correction_that_does_not_hold(filing, ledger_a, cast, case, message):
    alice = cast["alice"]
    args = {"reason": "报送日期填错", "filed_on": dt.date(2026, 4, 30)}
    if case == "no reason":
        args["reason"] = "  "
    if case == "future":
        args["filed_on"] = TODAY + dt.timedelta(days=1)
    if case == "early":
        args["filed_on"] = dt.date(2026, 2, 28)
    if case == "unchanged":
        args["filed_on"] = FIRST
    if case == "empty":
        args["upload"] = pdf(content=b"")
    if case == "exe":
        args["upload"] = SimpleUploadedFile("报告.exe", b"MZ\x90\x00")
    if case == "fake pdf":
        args["upload"] = pdf("报告.pdf", b"MZ\x90\x00 not a pdf")
    if case == "draft":
        args["document"] = services.draft_document(ledger_a, actor=alice, kind="report")
    before = snapshot()
    with pytest.raises(services.OversightError, match=message):
        services.correct_filing(filing, actor=alice, **args)
    assert snapshot() == before


def test_an_oversized_file_is_refused(filing, cast, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    before = snapshot()
    with pytest.raises(services.OversightError, match="超过大小上限"):
        services.correct_filing(
            filing, actor=cast["alice"], reason="换文件", filed_on=FIRST, upload=pdf()
        )
    assert snapshot() == before


def test_the_page_corrects_and_shows_the_history(filing, ledger_a, cast, login):
    client = login("alice")
    url = reverse("oversight:report-correct", args=[ledger_a.pk])
    body = {"filed_on": "2026-04-30", "reason": "上传错了文件", "file": pdf("正确的报告.pdf")}
    response = client.post(url, body, follow=True)
    assert "已更正：整改情况报告报送日期为2026年4月30日。" in response.content.decode()
    correction = ReportCorrection.objects.get()
    assert correction.corrected_by == cast["alice"] and correction.name == "正确的报告.pdf"
    page = login("bob").get(reverse("oversight:document-list", args=[ledger_a.pk]))
    html = page.content.decode()
    for text in ("原报送日期", "更正日期", "更正原因", "上传错了文件", "2026年4月28日"):
        assert text in html
    assert "2026年4月30日报送（正确的报告.pdf）" in html
    assert f"?v={correction.pk}" in html and "?v=0" in html and "登记更正" not in html
    assert downloaded(client, ledger_a) == PDF
    assert downloaded(client, ledger_a, f"?v={correction.pk}") == PDF
    assert downloaded(client, ledger_a, "?v=0") == b"%PDF-1.4\n% wrong\n%%EOF\n"
    assert (
        client.get(reverse("oversight:report-download", args=[ledger_a.pk]) + "?v=999").status_code
        == 404
    )


def test_the_editor_sees_the_correction_form(filing, ledger_a, login):
    page = login("alice").get(reverse("oversight:document-list", args=[ledger_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "更正报送日期或报告文件" in html
    assert 'data-confirm="更正后将新增一条更正记录' in html


@pytest.mark.parametrize(("name", "status"), [("bob", 403), ("carol", 404), ("dave", 404)])
def test_refused_roles_change_nothing(filing, ledger_a, login, name, status):
    before = snapshot()
    url = reverse("oversight:report-correct", args=[ledger_a.pk])
    body = {"filed_on": "2026-04-30", "reason": "改一下", "file": pdf()}
    assert login(name).post(url, body).status_code == status
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"filed_on": "2026-04-30", "reason": ""}, "未更正：更正原因：这个字段是必填项。"),
        ({"filed_on": "2026-02-01", "reason": "日期有误"}, "未更正：报送日期不能早于反馈日期"),
        ({"filed_on": "", "reason": "日期有误"}, "未更正：正确的报送日期："),
    ],
)
def test_a_refused_correction_on_the_page_tells_why(filing, ledger_a, login, body, message):
    before = snapshot()
    url = reverse("oversight:report-correct", args=[ledger_a.pk])
    response = login("alice").post(url, body, follow=True)
    assert message in response.content.decode()
    assert snapshot() == before


def test_an_inspection_not_yet_filed_has_nothing_to_correct(ledger_a, login):
    url = reverse("oversight:report-correct", args=[ledger_a.pk])
    body = {"filed_on": TODAY.isoformat(), "reason": "日期有误"}
    assert login("alice").post(url, body).status_code == 404
    assert not ReportCorrection.objects.exists()
