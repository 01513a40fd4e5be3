"""`zhenggai remind`: who gets which digest, dry runs, broken mail, the group robot."""

import argparse
import datetime as dt

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from tests.conftest import make_ledger
from zhenggai.oversight import reminders
from zhenggai.oversight.commands import run_remind

pytestmark = pytest.mark.django_db

# make_ledger: the planned measures of unit A (owner owen) are due 2026-03-31.
RUN = argparse.Namespace(dry_run=False)
DRY = argparse.Namespace(dry_run=True)


class PickyBackend(EmailBackend):
    """The locmem backend, refusing any address with "broken" in it."""

    def send_messages(self, messages):
        for message in messages:
            if any("broken" in to for to in message.to):
                raise OSError("收件地址被拒绝")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _mail(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.delenv("ZHENGGAI_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("ZHENGGAI_WEBHOOK_KIND", raising=False)


@pytest.fixture
def emails(cast):
    for name, user in cast.items():
        user.email = f"{name}@example.gov.cn"
        user.save()
    return cast


def recipients():
    return sorted(to for message in mail.outbox for to in message.to)


@pytest.mark.parametrize(
    "today,people",
    [
        (dt.date(2026, 2, 1), []),
        (dt.date(2026, 3, 15), ["owen"]),
        (dt.date(2026, 3, 25), ["lena", "owen"]),
        (dt.date(2026, 4, 2), ["lena", "olivia", "owen"]),
    ],
)
def test_it_sends_each_person_one_digest_by_distance_to_the_due_date(
    ledger_a, emails, today, people, capsys
):
    assert run_remind(RUN, today=today) == 0
    assert recipients() == [f"{p}@example.gov.cn" for p in people]
    if not people:
        assert "未发送提醒" in capsys.readouterr().out


def test_it_puts_every_measure_of_a_person_into_one_digest(ledger_a, emails):
    run_remind(RUN, today=dt.date(2026, 4, 2))
    owen = next(m for m in mail.outbox if m.to == ["owen@example.gov.cn"])
    assert owen.subject == "【整改提醒】超期 4 项，即将到期 0 项"
    assert owen.body.count("超期 2 天") == 4 and "/measures/" in owen.body


def test_it_tells_leaders_of_a_parent_unit_covering_sub_units(units, emails):
    make_ledger(units["A1"], owner=emails["carol"])
    run_remind(RUN, today=dt.date(2026, 3, 25))
    assert recipients() == ["carol@example.gov.cn", "lena@example.gov.cn"]


def test_it_prints_without_sending_on_a_dry_run(ledger_a, emails, capsys):
    assert run_remind(DRY, today=dt.date(2026, 4, 2)) == 0
    out = capsys.readouterr().out
    assert not mail.outbox
    assert "owen@example.gov.cn" in out and "将发送 3 份提醒" in out


def test_it_reports_a_failing_address_and_goes_on(ledger_a, emails, settings, capsys):
    settings.EMAIL_BACKEND = "tests.oversight.test_remind.PickyBackend"
    emails["lena"].email = "broken@example.gov.cn"
    emails["lena"].save()
    assert run_remind(RUN, today=dt.date(2026, 4, 2)) == 1
    assert recipients() == ["olivia@example.gov.cn", "owen@example.gov.cn"]
    assert "broken@example.gov.cn" in capsys.readouterr().err


def test_it_reports_broken_mail_settings_and_still_posts_to_the_robot(
    ledger_a, emails, settings, monkeypatch, capsys
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    posted = []
    monkeypatch.setattr(reminders, "post_webhook", lambda url, payload: posted.append(payload))
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_URL", "https://robot.invalid/send?key=1")
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_KIND", "wecom")
    assert run_remind(RUN, today=dt.date(2026, 4, 2)) == 1
    assert capsys.readouterr().err.count("邮件发送失败") == 3
    assert len(posted) == 3 and all(p["msgtype"] == "text" for p in posted)


def test_it_reports_a_failing_robot_and_still_mails(ledger_a, emails, monkeypatch, capsys):
    def refuse(url, payload):
        raise RuntimeError("机器人返回错误：invalid webhook url")

    monkeypatch.setattr(reminders, "post_webhook", refuse)
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_URL", "https://robot.invalid/send")
    assert run_remind(RUN, today=dt.date(2026, 4, 2)) == 1
    assert len(mail.outbox) == 3 and "群机器人发送失败" in capsys.readouterr().err


def test_it_refuses_an_unknown_robot_kind_but_mails(ledger_a, emails, monkeypatch, capsys):
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_URL", "https://robot.invalid/send")
    monkeypatch.setenv("ZHENGGAI_WEBHOOK_KIND", "slack")
    assert run_remind(RUN, today=dt.date(2026, 4, 2)) == 1
    assert len(mail.outbox) == 3 and "ZHENGGAI_WEBHOOK_KIND" in capsys.readouterr().err


def test_it_notes_people_without_an_address(ledger_a, cast, capsys):
    assert run_remind(RUN, today=dt.date(2026, 3, 15)) == 0
    assert "没有电子邮箱" in capsys.readouterr().err and not mail.outbox


def test_it_keeps_a_robot_message_within_the_limit():
    payload = reminders.webhook_payload("超期" * 2000)
    assert len(payload["text"]["content"].encode()) <= reminders.WEBHOOK_MAX_BYTES


def test_it_runs_through_the_command_line(ledger_a, emails, capsys):
    from zhenggai.cli import main

    assert main(["remind", "--dry-run"]) == 0
    assert "提醒" in capsys.readouterr().out
