"""站内消息: each act that asks someone to act messages them; digests and signed robots."""

import datetime as dt
import urllib.parse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from tests.conftest import make_ledger
from zhenggai.accounts.models import Membership
from zhenggai.audit.services import record
from zhenggai.disclosure import services as disclosure
from zhenggai.ledger import services as ledger
from zhenggai.ledger.handover import hand_over
from zhenggai.ledger.models import Measure, Problem
from zhenggai.oversight import reminders
from zhenggai.oversight import services as oversight
from zhenggai.oversight.models import Message

pytestmark = pytest.mark.django_db


def inbox(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).values_list("text", flat=True))


def who(act) -> set[str]:
    return set(Message.objects.filter(act=act).values_list("recipient__username", flat=True))


def issue(ledger, cast, units):
    problem = Problem.objects.filter(inspection=ledger, parent__isnull=False).first()
    return oversight.issue_order(
        actor=cast["olivia"],
        unit=units["A"],
        problems=[problem],
        level="notice",
        due=dt.date(2026, 5, 1),
        text="请抓紧整改。",
    )


def test_an_order_asks_the_units_editors_and_leaders(ledger_a, cast, units):
    order = issue(ledger_a, cast, units)
    assert who("order.issued") == {"alice", "lena"}  # not the office that issued it
    message = Message.objects.filter(recipient=cast["alice"]).get()
    assert order.doc_number in message.text and "2026年5月1日前回复" in message.text
    assert message.url == reverse("oversight:order-detail", args=[order.pk])
    assert message.unit_id == units["A"].pk and message.read_at is None


def report(measure, owner):
    ledger.report_progress(
        measure,
        actor=owner,
        text="已修订制度",
        reported_on=dt.date(2026, 3, 5),
        files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n")],
    )


def test_completion_asks_the_confirmer_and_a_return_tells_the_owner(ledger_a, cast):
    measure = Measure.objects.filter(problem__inspection=ledger_a, status="planned").first()
    report(measure, cast["owen"])
    asked = ledger.request_completion(measure, actor=cast["owen"])
    assert who("measure.completion_requested") == {"alice"}  # confirm_by: the editor
    ledger.return_completion(asked, actor=cast["alice"], reason="佐证材料不全")
    assert who("measure.completion_returned") == {"owen"}
    assert "佐证材料不全" in inbox(cast["owen"])[0]


def test_signoff_asks_the_office_and_a_return_tells_the_applicant(ledger_a, cast):
    problem = Problem.objects.filter(inspection=ledger_a, parent__isnull=False).first()
    problem.measures.update(status=Measure.Status.DONE)
    signoff = oversight.apply_signoff(problem, actor=cast["alice"])
    assert who("signoff.applied") == {"olivia"}
    oversight.return_signoff(signoff, actor=cast["olivia"], reason="材料不足")
    assert who("signoff.returned") == {"alice"}


def test_comments_and_notices_ask_the_unit(ledger_a, cast):
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    disclosure.add_comment(notice, actor=None, content="建议公开更多细节。")
    assert who("comment.received") == {"alice", "lena"}
    draft = disclosure.submit_draft(ledger_a, actor=cast["alice"], text="标题\n二", note="更正")
    assert who("notice.submitted") == {"lena"}
    disclosure.return_draft(draft, actor=cast["lena"], reason="数字有误")
    assert who("notice.returned") == {"alice"}


def test_a_handover_tells_the_successor_once(cast, units):
    make_ledger(units["A"], owner=cast["owen"])
    make_ledger(units["B"], owner=cast["owen"])
    Membership.objects.create(user=cast["owen"], unit=units["B"], role="owner")
    Membership.objects.create(user=cast["bob"], unit=units["B"], role="owner")
    Membership.objects.create(user=cast["bob"], unit=units["A"], role="owner")
    cast["bob"].first_name = "鲍勃"
    cast["bob"].save()
    hand_over(cast["owen"], cast["bob"], actor=cast["olivia"], reason="调岗")
    assert who("duties.handed_over") == {"bob"} and len(inbox(cast["bob"])) == 1


def test_a_message_goes_with_its_act(ledger_a, cast, units):
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(ledger_a, cast, units)
        raise RuntimeError("the act fails after its event")
    assert not Message.objects.exists()


def test_acts_that_ask_nobody_write_no_message(ledger_a, cast):
    with transaction.atomic():
        record("inspection.updated", ledger_a, actor=cast["alice"], unit_id=ledger_a.unit_id)
    assert not Message.objects.exists()


def test_the_inbox_page_reads_and_opens_messages(ledger_a, cast, client, login):
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    disclosure.add_comment(notice, actor=None, content="建议公开更多细节。")
    message = Message.objects.get(recipient=cast["alice"])
    client = login("alice")
    page = client.get(reverse("oversight:message-list")).content.decode()
    assert "[未读]" in page and "建议公开更多细节" in page
    assert '<span class="badge">1</span>' in page  # unread, in the navigation bar
    response = client.post(reverse("oversight:message-open", args=[message.pk]))
    assert response.status_code == 302 and response.url == message.url
    message.refresh_from_db()
    assert message.read_at is not None
    # lena's message is hers alone
    other = Message.objects.get(recipient=cast["lena"])
    assert client.post(reverse("oversight:message-open", args=[other.pk])).status_code == 404
    client.post(reverse("oversight:message-read-all"))
    assert Message.objects.get(pk=other.pk).read_at is None


def test_the_digest_carries_unread_messages(ledger_a, cast):
    notice = disclosure.publish_notice(ledger_a, actor=cast["alice"], text="标题\n正文")
    disclosure.add_comment(notice, actor=None, content="建议公开更多细节。")
    quiet = dt.date(2026, 1, 1)  # no measure due within 20 days
    digests = {d.user.username: d for d in reminders.build_digests(quiet)}
    assert set(digests) == {"alice", "lena"}
    alice = digests["alice"]
    assert alice.subject(quiet).endswith("未读消息 1 条")
    assert "建议公开更多细节" in alice.body(quiet)
    assert "建议公开更多细节" not in alice.body(quiet, False)  # never to a group
    Message.objects.filter(recipient=cast["alice"]).update(
        read_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    assert {d.user.username for d in reminders.build_digests(quiet)} == {"lena"}


# DingTalk's 加签, computed independently with
# printf '1700000000000\nSECtest-secret-for-zhenggai' \
#   | openssl dgst -sha256 -hmac 'SECtest-secret-for-zhenggai' -binary | base64
SECRET, STAMP, SIGNED = (
    "SECtest-secret-for-zhenggai",
    1700000000000,
    ("T/GLiklGWb3QAmtoVda1Qfz1ycwoJjut/Z34JoIAGYk="),
)


def test_it_signs_as_dingtalk_documents():
    assert reminders.dingtalk_sign(SECRET, STAMP) == urllib.parse.quote_plus(SIGNED)
    robot = reminders.Robot(
        "https://oapi.dingtalk.com/robot/send?access_token=abc", "dingtalk", SECRET
    )
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(robot.address(STAMP)).query)
    assert query == {"access_token": ["abc"], "timestamp": [str(STAMP)], "sign": [SIGNED]}
    assert (
        reminders.Robot("https://x.example/hook", "wecom").address(STAMP)
        == "https://x.example/hook"
    )


def test_it_reads_the_secret_and_refuses_it_for_wecom(monkeypatch):
    monkeypatch.setenv(
        "ZHENGGAI_WEBHOOK_URL", "https://oapi.dingtalk.com/robot/send?access_token=a"
    )
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_SECRET", SECRET)
    monkeypatch.delenv("ZHENGGAI_WEBHOOK_KIND", raising=False)
    assert reminders.webhook_settings().secret == SECRET
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_KIND", "wecom")
    with pytest.raises(ValueError, match="加签"):
        reminders.webhook_settings()


def test_a_signed_robot_gets_a_signed_address(ledger_a, cast, monkeypatch):
    posted = []
    monkeypatch.setattr(reminders, "post_webhook", lambda url, payload: posted.append(url))
    robot = reminders.Robot(
        "https://oapi.dingtalk.com/robot/send?access_token=a", "dingtalk", SECRET
    )
    today = dt.date(2026, 3, 25)
    reminders.send_digests(reminders.build_digests(today), today, robot)
    assert posted and all("&timestamp=" in url and "&sign=" in url for url in posted)
