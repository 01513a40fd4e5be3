"""Reminder digests: who hears about which measures, one digest per person per run.

Due within 20 days: the measure's owner. Within 10 days: also the unit's leaders.
Overdue: also the unit's leaders and every office user.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse

from zhenggai.accounts.access import holders
from zhenggai.accounts.models import Membership
from zhenggai.ledger import rules
from zhenggai.ledger.models import Measure
from zhenggai.notices.render import cn_date

OWNER_DAYS, LEADER_DAYS = 20, 10
Role = Membership.Role
WEBHOOK_KINDS = ("dingtalk", "wecom")
# WeCom refuses text over 2048 bytes; DingTalk allows more, one limit keeps it simple.
WEBHOOK_MAX_BYTES = 2000


@dataclass
class Digest:
    """One person's reminder: their measures, overdue first."""

    user: object
    measures: list[Measure] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username

    def subject(self, today: dt.date) -> str:
        overdue = sum(1 for m in self.measures if m.is_overdue(today))
        soon = len(self.measures) - overdue
        return f"【整改提醒】超期 {overdue} 项，即将到期 {soon} 项"

    def body(self, today: dt.date) -> str:
        lines = [f"{self.name}：", "以下整改措施超期或即将到期，请抓紧推进并及时报送进展。", ""]
        for m in sorted(self.measures, key=lambda m: (m.due, m.pk)):
            days = (m.due - today).days
            when = (
                f"超期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还剩 {days} 天")
            )
            unit = m.problem.inspection.unit.name
            lines.append(f"· 【{unit}】{m.text[:60]}（完成时限{cn_date(m.due)}，{when}）")
            lines.append(f"  {settings.SITE_URL}{reverse('ledger:measure-detail', args=[m.pk])}")
        return "\n".join(lines) + "\n"


def _leaders() -> list[Membership]:
    return list(
        Membership.objects.filter(role=Role.LEADER, user__is_active=True).select_related(
            "user", "unit"
        )
    )


def build_digests(today: dt.date) -> list[Digest]:
    """Every person's digest for a run on `today`, in three queries."""
    measures = (
        Measure.objects.filter(
            rules.q(rules.overdue(today)) | rules.q(rules.due_soon(today, OWNER_DAYS))
        )
        .select_related("problem__inspection__unit", "owner_user")
        .order_by("due", "id")
    )
    leaders = _leaders()
    office = list(
        get_user_model().objects.filter(is_active=True, memberships__role=Role.OFFICE).distinct()
    )
    digests: dict[int, Digest] = {}
    seen: set[tuple[int, int]] = set()

    def add(user, measure):
        if (user.pk, measure.pk) not in seen:
            seen.add((user.pk, measure.pk))
            digests.setdefault(user.pk, Digest(user)).measures.append(measure)

    for m in measures:
        if m.owner_user and m.owner_user.is_active:
            add(m.owner_user, m)
        if m.is_overdue(today) or rules.holds(rules.due_soon(today, LEADER_DAYS), m):
            for user in holders(m.problem.inspection.unit, leaders):
                add(user, m)
        if m.is_overdue(today):
            for user in office:
                add(user, m)
    return sorted(digests.values(), key=lambda d: d.user.username)


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


def webhook_settings() -> tuple[str, str] | None:
    """(url, kind) from ZHENGGAI_WEBHOOK_URL and ZHENGGAI_WEBHOOK_KIND, or None."""
    url = os.environ.get("ZHENGGAI_WEBHOOK_URL", "").strip()
    if not url:
        return None
    kind = os.environ.get("ZHENGGAI_WEBHOOK_KIND", "dingtalk").strip().lower()
    if kind not in WEBHOOK_KINDS:
        raise ValueError(f"ZHENGGAI_WEBHOOK_KIND 应为 dingtalk 或 wecom，而不是 {kind!r}")
    return url, kind


@dataclass
class Outcome:
    """What a run did: messages sent and failures, each failure a Chinese line."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def send_digests(digests: list[Digest], today: dt.date, webhook=None) -> Outcome:
    """Mail each digest on its own; a failure is noted and the run goes on."""
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
        if webhook:
            try:
                post_webhook(webhook[0], webhook_payload(digest.body(today)))
            except Exception as exc:  # noqa: BLE001
                outcome.failures.append(f"{digest.name}：群机器人发送失败：{exc}")
    return outcome
