"""The order ladder: numbers per kind, escalation from the dashboard, no way back,
the chain on the order and problem pages, evidence with replies, the 版头 in print."""

import datetime as dt
import io
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from docx import Document

from tests.oversight.conftest import specific
from zhenggai.accounts.letterhead import save_letterhead
from zhenggai.audit.models import Event
from zhenggai.ledger.models import Problem
from zhenggai.oversight import services
from zhenggai.oversight.ladder import chain_of, chains_about
from zhenggai.oversight.models import ReplyEvidence, SupervisionOrder

pytestmark = pytest.mark.django_db
SOON = (dt.date.today() + dt.timedelta(days=30)).isoformat()
Level = SupervisionOrder.Level


@pytest.fixture
def letterhead(units, cast):
    return save_letterhead(
        units["office"],
        actor=cast["olivia"],
        issuer="中共测试区委巡察工作领导小组办公室",
        header="中共测试区委巡察工作领导小组办公室文件",
        code="测巡办督",
    )


def issue(cast, units, level="notice", today=dt.date(2026, 5, 1), **extra):
    return services.issue_order(
        actor=cast["olivia"],
        unit=extra.pop("unit", units["A"]),
        level=level,
        due=extra.pop("due", dt.date(2026, 6, 30)),
        text="请整改。",
        today=today,
        **extra,
    )


def test_each_kind_numbers_its_own_sequence_with_the_offices_code(cast, units, letterhead):
    levels = ["notice", "reminder", "notice", "warning", "reminder", "account", "notice"]
    numbers = [issue(cast, units, level).doc_number for level in levels]
    assert numbers == [
        "测巡办督〔2026〕1号",
        "测巡办督〔2026〕1号",
        "测巡办督〔2026〕2号",
        "测巡办督〔2026〕1号",
        "测巡办督〔2026〕2号",
        "测巡办督〔2026〕1号",
        "测巡办督〔2026〕3号",
    ]
    assert issue(cast, units, "notice", today=dt.date(2027, 1, 4)).doc_number.endswith(
        "〔2027〕1号"
    )


def test_the_number_keeps_the_code_it_was_issued_under(cast, units, letterhead):
    order = issue(cast, units)
    save_letterhead(units["office"], actor=cast["olivia"], issuer="某办", header="", code="新代字")
    order.refresh_from_db()
    assert order.doc_number == "测巡办督〔2026〕1号"
    assert issue(cast, units).doc_number == "新代字〔2026〕2号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_of_each_kind_get_distinct_consecutive_numbers(cast, units):
    errors = []

    def run(level):
        try:
            for _ in range(3):
                issue(cast, units, level)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(lv,)) for lv in ["notice", "notice", "warning"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = {
        level: sorted(SupervisionOrder.objects.filter(level=level).values_list("number", flat=True))
        for level in ("notice", "warning")
    }
    assert numbers == {"notice": [1, 2, 3, 4, 5, 6], "warning": [1, 2, 3]}


def test_the_dashboard_proposes_the_next_level_and_the_form_comes_filled(
    login, ledger_a, cast, units
):
    problem = specific(ledger_a)
    earlier = issue(cast, units, problems=[problem])
    SupervisionOrder.objects.filter(pk=earlier.pk).update(due=dt.date(2000, 1, 1))
    client = login("olivia")
    add = reverse("oversight:order-add") + f"?follows={earlier.pk}"
    assert add.replace("&", "&amp;") in client.get(reverse("oversight:dashboard")).content.decode()
    form = client.get(add).context["form"]
    assert form.initial["level"] == "reminder" and form.initial["follows"] == earlier
    assert form.initial["problems"] == [problem.pk]
    assert earlier.doc_number in form.initial["text"]
    body = {"follows": earlier.pk, "unit": units["A"].pk, "level": "reminder"}
    body |= {"problems": [problem.pk], "due": SOON, "text": form.initial["text"]}
    response = client.post(add, body)
    later = SupervisionOrder.objects.get(follows=earlier)
    assert response.status_code == 302 and later.level == "reminder"
    assert Event.objects.get(act="order.issued", object_id=str(later.pk)).data["follows"] == (
        earlier.pk
    )
    page = client.get(reverse("oversight:dashboard")).content.decode()
    assert "已升级" in page and add.replace("&", "&amp;") not in page


def test_the_level_cannot_go_backwards(login, ledger_a, cast, units):
    problem = specific(ledger_a)
    warning = issue(cast, units, "warning", problems=[problem])
    with pytest.raises(services.OversightError, match="督办级别不能倒退"):
        issue(cast, units, "reminder", problems=[problem], follows=warning)
    body = {"follows": warning.pk, "unit": units["A"].pk, "level": "notice"}
    body |= {"problems": [problem.pk], "due": SOON, "text": "再督办"}
    response = login("olivia").post(reverse("oversight:order-add"), body)
    assert response.status_code == 200
    assert "督办级别不能倒退" in str(response.context["form"].errors)
    assert SupervisionOrder.objects.count() == 1
    # The same level again (a repeated 告诫) is not backwards.
    assert issue(cast, units, "warning", problems=[problem], follows=warning).follows == warning


@pytest.mark.parametrize("case", ["other unit", "other problem", "second follower"])
def test_a_later_order_stays_on_its_chain(case, ledger_a, ledger_b, cast, units):
    first, second = Problem.objects.filter(inspection=ledger_a, parent__isnull=False)[:2]
    earlier = issue(cast, units, problems=[first])
    issue(cast, units, "reminder", problems=[first], follows=earlier)
    args = {
        "other unit": dict(unit=units["B"], problems=[specific(ledger_b)]),
        "other problem": dict(problems=[second]),
        "second follower": dict(problems=[first]),
    }[case]
    if case != "second follower":
        earlier = SupervisionOrder.objects.get(level="reminder")
    events = Event.objects.count()
    with pytest.raises(services.OversightError) as refused:
        issue(cast, units, "warning", follows=earlier, **args)
    assert any(w in str(refused.value) for w in ("被督办单位", "所列的问题", "已有后续督办单"))
    assert SupervisionOrder.objects.count() == 2 and Event.objects.count() == events


def test_the_chain_shows_on_the_order_and_the_problem(login, ledger_a, cast, units):
    problem = specific(ledger_a)
    one = issue(cast, units, problems=[problem])
    two = issue(cast, units, "reminder", problems=[problem], follows=one)
    three = issue(cast, units, "warning", problems=[problem], follows=two)
    apart = issue(cast, units, problems=[problem])
    assert chain_of(two) == [one, two, three]
    page = login("bob").get(reverse("oversight:order-detail", args=[two.pk])).content.decode()
    ladder = page[page.index("督办升级链") :]
    assert ladder.index("督办通知书") < ladder.index("<b>提醒书") < ladder.index("告诫书")
    url = reverse("oversight:problem-orders", args=[problem.pk])
    response = login("bob").get(url)
    assert response.status_code == 200
    assert [[o.pk for o in c] for c in response.context["chains"]] == [
        [one.pk, two.pk, three.pk],
        [apart.pk],
    ]
    assert login("dave").get(url).status_code == 404


def test_the_problems_chains_cost_three_queries(ledger_a, cast, units, django_assert_num_queries):
    problem = specific(ledger_a)
    for _ in range(3):
        order = issue(cast, units, problems=[problem])
        for level in ("reminder", "warning"):
            order = issue(cast, units, level, problems=[problem], follows=order)
    user = cast["bob"]
    chains_about(problem, user)  # the user's memberships, read once per request
    with django_assert_num_queries(3):
        chains = chains_about(problem, user)
    assert [len(c) for c in chains] == [3, 3, 3]


def pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n%%EOF\n", "application/pdf")


def test_a_reply_carries_evidence_files_with_their_hashes(login, ledger_a, cast, units):
    order = issue(cast, units, problems=[specific(ledger_a)])
    url = reverse("oversight:order-reply", args=[order.pk])
    response = login("alice").post(url, {"text": "已整改。", "files": [pdf(), pdf("通知.pdf")]})
    assert response.status_code == 302
    files = list(order.reply_files.all())
    assert [f.name for f in files] == ["会议纪要.pdf", "通知.pdf"]
    assert all(len(f.sha256) == 64 and f.size for f in files)
    event = Event.objects.get(act="order.replied")
    assert event.data["evidence"] == [f.sha256 for f in files]
    download = login("bob").get(reverse("oversight:reply-file", args=[files[0].pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert login("dave").get(reverse("oversight:reply-file", args=[files[0].pk])).status_code == (
        404
    )


def test_a_reply_with_a_disguised_file_is_refused_and_changes_nothing(login, ledger_a, cast, units):
    order = issue(cast, units, problems=[specific(ledger_a)])
    fake = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00 an executable", "application/pdf")
    url = reverse("oversight:order-reply", args=[order.pk])
    response = login("alice").post(url, {"text": "已整改。", "files": [pdf(), fake]})
    assert response.status_code == 400
    assert "纪要.pdf" in response.content.decode()
    order.refresh_from_db()
    assert order.replied_at is None and not ReplyEvidence.objects.exists()
    stored = Path(settings.MEDIA_ROOT)
    assert not stored.exists() or not [p for p in stored.rglob("*") if p.is_file()]


def test_the_printed_order_carries_the_letterhead_and_number(
    login, ledger_a, cast, units, letterhead
):
    order = issue(cast, units, "reminder", problems=[specific(ledger_a)])
    response = login("alice").get(reverse("oversight:order-docx", args=[order.pk]))
    paragraphs = Document(io.BytesIO(response.content)).paragraphs
    text = [p.text for p in paragraphs]
    assert "中共测试区委巡察工作领导小组办公室文件" in text
    assert "测巡办督〔2026〕1号" in text and "提醒书" in text
    assert text.index("中共测试区委巡察工作领导小组办公室文件") < text.index("提醒书")
    assert "中共测试区委巡察工作领导小组办公室" in text  # the signature: the issuing organ
    head = paragraphs[text.index("中共测试区委巡察工作领导小组办公室文件")]
    assert any(
        r.font.color.rgb is not None and str(r.font.color.rgb) != "000000" for r in head.runs
    )


def test_the_overdue_list_proposes_escalation_and_the_office_finds_its_letterhead(
    login, ledger_a, cast, units
):
    earlier = issue(cast, units, problems=[specific(ledger_a)])
    SupervisionOrder.objects.filter(pk=earlier.pk).update(due=dt.date(2000, 1, 1))
    url = reverse("oversight:order-list") + "?overdue=1"
    page = login("olivia").get(url).content.decode()
    assert f"?follows={earlier.pk}" in page
    assert reverse("accounts:letterhead-edit", args=[units["office"].pk]) in page
    assert f"?follows={earlier.pk}" not in login("alice").get(url).content.decode()
    inspection = reverse("ledger:inspection-detail", args=[ledger_a.pk])
    letterhead = reverse("accounts:letterhead-edit", args=[units["A"].pk])
    assert letterhead in login("alice").get(inspection).content.decode()
    assert letterhead not in login("bob").get(inspection).content.decode()


def test_a_backup_carries_the_files_of_replies(login, ledger_a, cast, units):
    from zhenggai.ledger.backup import stored_files_sql

    order = issue(cast, units, problems=[specific(ledger_a)])
    services.reply_order(order, actor=cast["alice"], text="已整改。", files=[pdf()])
    with connection.cursor() as cursor:
        cursor.execute(stored_files_sql())
        names = {row[0] for row in cursor.fetchall()}
    assert order.reply_files.get().file.name in names


def test_audit_verify_catches_a_swapped_reply_file(ledger_a, cast, units, capsys):
    from zhenggai.cli import main

    order = issue(cast, units, problems=[specific(ledger_a)])
    services.reply_order(order, actor=cast["alice"], text="已整改。", files=[pdf()])
    assert main(["audit", "verify"]) == 0
    stored = order.reply_files.get()
    with open(stored.file.path, "wb") as fh:
        fh.write(b"%PDF-forged")
    assert main(["audit", "verify"]) == 1
    assert f"督办回复佐证材料 {stored.pk}“会议纪要.pdf”的文件内容与登记的 SHA-256 不符" in (
        capsys.readouterr().err
    )


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_the_printed_order_opens_in_libreoffice_as_a4_under_its_letterhead(
    login, ledger_a, cast, units, letterhead, tmp_path
):
    pdfium = pytest.importorskip("pypdfium2")
    earlier = issue(cast, units, problems=[specific(ledger_a)])
    order = issue(cast, units, "warning", problems=[specific(ledger_a)], follows=earlier)
    response = login("alice").get(reverse("oversight:order-docx", args=[order.pk]))
    (tmp_path / "order.docx").write_bytes(response.content)
    convert = ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile"]
    convert += ["--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "order.docx")]
    subprocess.run(convert, check=True, capture_output=True, timeout=300)
    pdf = pdfium.PdfDocument(str(tmp_path / "order.pdf"))
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    first = pdf[0].get_textpage().get_text_range().replace(" ", "").replace("\r\n", "")
    first = first.replace("\n", "")  # a long 版头 wraps onto a second line
    assert first.startswith("中共测试区委巡察工作领导小组办公室文件")
    assert first.index("测巡办督〔2026〕1号") < first.index("告诫书")
    assert "—1—" in first
    pdf.close()
