"""Reminder digests: who hears about which measures, one digest per person per run.

Due within 20 days: the measure's owner (its account) and its 责任领导 when the cell
names a person of a unit that reaches the measure (`handover.names_in`): so a
successor named by a handover hears from then on. Within 10 days: also the unit's
leaders. Overdue: also the unit's leaders and every office user.

The 整改情况报告 (report clock): from 15 days before the end of the 集中整改期 until it
is filed, the unit's editors and leaders and every office user hear about it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from zhenggai.accounts.access import holders
from zhenggai.accounts.models import Membership
from zhenggai.ledger import rules
from zhenggai.ledger.handover import names_in, person_name
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.notices.render import cn_date

from .models import Message

OWNER_DAYS, LEADER_DAYS = 20, 10
MESSAGE_LINES = 20  # unread messages listed in a digest; the rest are on the page
Role = Membership.Role
WEBHOOK_KINDS = ("dingtalk", "wecom")
# WeCom refuses text over 2048 bytes; DingTalk allows more, one limit keeps it simple.
WEBHOOK_MAX_BYTES = 2000


@dataclass
class Digest:
    """One person's reminder: their measures, overdue first, and their unread messages."""

    user: object
    measures: list[Measure] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    reports: list[Inspection] = field(default_factory=list)  # 整改情况报告 not yet filed

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def subject(self, today: dt.date) -> str:
        overdue = sum(1 for m in self.measures if m.is_overdue(today))
        soon = len(self.measures) - overdue
        unread = f"，未读消息 {len(self.messages)} 条" if self.messages else ""
        reports = f"，整改情况报告待报送 {len(self.reports)} 份" if self.reports else ""
        return f"【整改提醒】超期 {overdue} 项，即将到期 {soon} 项{reports}{unread}"

    def body(self, today: dt.date, messages: bool = True) -> str:
        """The text; `messages=False` leaves the personal messages out (the group robot)."""
        lines = [f"{self.name}："]
        if self.measures:
            lines += ["以下整改措施超期或即将到期，请抓紧推进并及时报送进展。", ""]
        for m in sorted(self.measures, key=lambda m: (m.due, m.pk)):
            days = (m.due - today).days
            when = (
                f"超期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还剩 {days} 天")
            )
            unit = m.problem.inspection.unit.name
            lines.append(f"· 【{unit}】{m.text[:60]}（完成时限{cn_date(m.due)}，{when}）")
            lines.append(f"  {settings.SITE_URL}{reverse('ledger:measure-detail', args=[m.pk])}")
        if self.reports:
            lines += ["", "以下巡察的整改情况报告尚未登记报送，请按时报送巡察组："]
        for i in self.reports:
            days = (i.rectify_until - today).days
            when = (
                f"逾期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还剩 {days} 天")
            )
            lines.append(
                f"· 【{i.unit.name}】{i.round}：应于{cn_date(i.rectify_until)}前报送（{when}）"
            )
            lines.append(f"  {settings.SITE_URL}{reverse('oversight:document-list', args=[i.pk])}")
        if messages and self.messages:
            lines += ["", f"您有 {len(self.messages)} 条未读站内消息，请登录处理："]
            lines += [f"· {m.text}" for m in self.messages[:MESSAGE_LINES]]
            lines.append(f"  {settings.SITE_URL}{reverse('oversight:message-list')}")
        return "\n".join(lines) + "\n"


def _by_name(memberships: list[Membership]) -> dict[str, list[Membership]]:
    """Each person's memberships under the name a 责任清单 writes for them."""
    named: dict[str, list[Membership]] = {}
    for m in memberships:
        name = person_name(m.user)
        if name:
            named.setdefault(name, []).append(m)
    return named


def build_digests(today: dt.date) -> list[Digest]:
    """Every person's digest for a run on `today`, in four queries."""
    measures = (
        Measure.objects.filter(
            rules.q(rules.overdue(today)) | rules.q(rules.due_soon(today, OWNER_DAYS))
        )
        .select_related("problem__inspection__unit", "owner_user")
        .order_by("due", "id")
    )
    memberships = list(
        Membership.objects.filter(user__is_active=True).select_related("user", "unit")
    )
    leaders = [m for m in memberships if m.role == Role.LEADER]
    office = list({m.user.pk: m.user for m in memberships if m.role == Role.OFFICE}.values())
    named = _by_name(memberships)
    digests: dict[int, Digest] = {}
    seen: set[tuple[int, int]] = set()

    def add(user, measure):
        if (user.pk, measure.pk) not in seen:
            seen.add((user.pk, measure.pk))
            digests.setdefault(user.pk, Digest(user)).measures.append(measure)

    for m in measures:
        unit = m.problem.inspection.unit
        if m.owner_user and m.owner_user.is_active:
            add(m.owner_user, m)
        for name in names_in(m.leader):
            for user in holders(unit, named.get(name, ())):
                add(user, m)
        if m.is_overdue(today) or rules.holds(rules.due_soon(today, LEADER_DAYS), m):
            for user in holders(unit, leaders):
                add(user, m)
        if m.is_overdue(today):
            for user in office:
                add(user, m)
    _add_reports(digests, today, memberships, office)
    for message in _unread():
        digests.setdefault(message.recipient_id, Digest(message.recipient)).messages.append(message)
    return sorted(digests.values(), key=lambda d: d.user.username)


def _add_reports(digests: dict, today: dt.date, memberships, office) -> None:
    """The unfiled 整改情况报告 due soon or late (rules.report_due), to the unit's editors
    and leaders and to the office."""
    due = Inspection.objects.filter(rules.q(rules.report_due(today)), report_filing=None)
    unit_people = [m for m in memberships if m.role in (Role.EDITOR, Role.LEADER)]
    for inspection in due.select_related("unit").order_by("rectify_until", "id"):
        users = {u.pk: u for u in holders(inspection.unit, unit_people) + office}
        for user in users.values():
            digests.setdefault(user.pk, Digest(user)).reports.append(inspection)


def _unread() -> list[Message]:
    unread = Message.objects.filter(read_at=None, recipient__is_active=True)
    return list(unread.select_related("recipient").order_by("created_at", "id"))


def webhook_payload(text: str) -> dict:
    """A text message as both DingTalk and WeCom group robots accept it."""
    data = text.encode()[:WEBHOOK_MAX_BYTES].decode(errors="ignore")
    return {"msgtype": "text", "text": {"content": data}}


def post_webhook(url: str, payload: dict) -> None:
    """POST the JSON message; an error answer raises. Tests replace this function."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read() or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"机器人返回错误：{answer.get('errmsg', answer)}")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret",
    Base64, then URL-encoded (UTF-8 throughout)."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


@dataclass(frozen=True)
class Robot:
    """A group robot: its address, kind and, for DingTalk's signed mode, the secret."""

    url: str
    kind: str
    secret: str = ""

    def address(self, now_ms: int | None = None) -> str:
        """The address to post to; signed robots get timestamp and sign at each post
        (DingTalk refuses a timestamp more than an hour off)."""
        if not self.secret:
            return self.url
        stamp = now_ms if now_ms is not None else int(time.time() * 1000)
        joiner = "&" if "?" in self.url else "?"
        return f"{self.url}{joiner}timestamp={stamp}&sign={dingtalk_sign(self.secret, stamp)}"


def webhook_settings() -> Robot | None:
    """The robot of ZHENGGAI_WEBHOOK_URL, _KIND and _SECRET (DingTalk 加签), or None."""
    url = os.environ.get("ZHENGGAI_WEBHOOK_URL", "").strip()
    if not url:
        return None
    kind = os.environ.get("ZHENGGAI_WEBHOOK_KIND", "dingtalk").strip().lower()
    if kind not in WEBHOOK_KINDS:
        raise ValueError(f"ZHENGGAI_WEBHOOK_KIND 应为 dingtalk 或 wecom，而不是 {kind!r}")
    secret = os.environ.get("ZHENGGAI_WEBHOOK_SECRET", "").strip()
    if secret and kind != "dingtalk":
        raise ValueError(
            "ZHENGGAI_WEBHOOK_SECRET（加签密钥）只用于钉钉群机器人，企业微信机器人不需要"
        )
    return Robot(url, kind, secret)


@dataclass
class Outcome:
    """What a run did: messages sent and failures, each failure a Chinese line."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def send_digests(digests: list[Digest], today: dt.date, webhook: Robot | None = None) -> Outcome:
    """Mail each digest on its own; a failure is noted and the run goes on. The group
    robot gets the measures only: personal messages stay out of a group."""
    outcome = Outcome()
    for digest in digests:
        address = digest.user.email
        if not address:
            outcome.skipped.append(f"{digest.name}：没有电子邮箱，未发送邮件")
        else:
            try:
                EmailMessage(digest.subject(today), digest.body(today), to=[address]).send()
                outcome.sent += 1
            except Exception as exc:  # noqa: BLE001 - any mail error is reported, not fatal
                outcome.failures.append(f"{digest.name} <{address}>：邮件发送失败：{exc}")
        if webhook and (digest.measures or digest.reports):
            try:
                post_webhook(webhook.address(), webhook_payload(digest.body(today, False)))
            except Exception as exc:  # noqa: BLE001
                outcome.failures.append(f"{digest.name}：群机器人发送失败：{exc}")
    return outcome
