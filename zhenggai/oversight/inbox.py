"""站内消息 from audit events: each act that asks someone to act messages them.

The ledger and disclosure record their acts in the audit log and know nothing of
messages: `on_event` listens to `audit.signals.event_recorded` and, in the same
transaction, writes one `Message` per recipient. `ACTS` is the one table of which act
asks whom to do what. The actor is never messaged about their own act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse

from zhenggai.accounts import access
from zhenggai.accounts.models import Membership
from zhenggai.notices.render import cn_date

from .models import Message

Role = Membership.Role


@dataclass(frozen=True)
class Asks:
    """Who an act asks to do something, what the message says and where it leads."""

    recipients: Callable[[object], Iterable]
    text: Callable[[object, object], str]
    url: Callable[[object], str]


def _holding(unit, *roles):
    """Active users whose membership with one of `roles` reaches `unit`."""
    users = get_user_model().objects.filter(access.members_q(unit, *roles), is_active=True)
    return users.distinct()


def _answerers(unit):
    return _holding(unit, *access.ACTS[access.ANSWER].roles)


def _office():
    users = get_user_model().objects.filter(memberships__role=Role.OFFICE, is_active=True)
    return users.distinct()


def _people(*users):
    return [u for u in users if u is not None and u.is_active]


def _name(user) -> str:
    if user is None:
        return "群众"
    return user.get_full_name() or user.username


def _cut(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _measure_url(completion) -> str:
    return reverse("ledger:measure-detail", args=[completion.measure_id]) + "#completion"


def _signoff_url(signoff) -> str:
    return reverse("oversight:signoff-detail", args=[signoff.pk])


def _draft_url(draft) -> str:
    return reverse("disclosure:notice-draft", args=[draft.inspection_id])


ASKS: dict[str, Asks] = {
    "order.issued": Asks(
        lambda o: _answerers(o.unit),
        lambda o, actor: (
            f"巡察办下发{o.get_level_display()}{o.doc_number}：{_cut(o.text)}，"
            f"请于{cn_date(o.due)}前回复。"
        ),
        lambda o: reverse("oversight:order-detail", args=[o.pk]),
    ),
    "measure.completion_requested": Asks(
        lambda c: _holding(
            c.measure.problem.inspection.unit, c.measure.problem.inspection.confirm_by
        ),
        lambda c, actor: f"{_name(actor)}申请“{_cut(c.measure.text)}”完成，请确认。",
        _measure_url,
    ),
    "measure.completion_returned": Asks(
        lambda c: _people(c.requested_by, c.measure.owner_user),
        lambda c, actor: f"“{_cut(c.measure.text)}”的完成申请被退回：{_cut(c.reason, 60)}",
        _measure_url,
    ),
    "signoff.applied": Asks(
        lambda s: _office(),
        lambda s, actor: (
            f"{s.problem.inspection.unit.name}申请对“{_cut(s.problem.title)}”销号，请审核。"
        ),
        _signoff_url,
    ),
    "signoff.correction_requested": Asks(
        lambda s: _office(),
        lambda s, actor: (
            f"{s.problem.inspection.unit.name}申请更正“{_cut(s.problem.title)}”的销号记录，请审核。"
        ),
        _signoff_url,
    ),
    "signoff.returned": Asks(
        lambda s: _people(s.applicant),
        lambda s, actor: f"“{_cut(s.problem.title)}”的销号申请被退回：{_cut(s.reason, 60)}",
        _signoff_url,
    ),
    "signoff.correction_returned": Asks(
        lambda s: _people(s.applicant),
        lambda s, actor: f"“{_cut(s.problem.title)}”的更正申请被退回：{_cut(s.reason, 60)}",
        _signoff_url,
    ),
    "comment.received": Asks(
        lambda c: _answerers(c.notice.inspection.unit),
        lambda c, actor: f"通报“{_cut(c.notice.title)}”收到群众意见：{_cut(c.content)}",
        lambda c: reverse("disclosure:notice-comments", args=[c.notice_id]) + f"#comment-{c.pk}",
    ),
    "notice.submitted": Asks(
        lambda d: _holding(d.inspection.unit, Role.LEADER),
        lambda d, actor: f"{_name(actor)}提交了{d.inspection.round}整改进展情况通报，请签发。",
        _draft_url,
    ),
    "notice.returned": Asks(
        lambda d: _people(d.submitted_by),
        lambda d, actor: f"{d.inspection.round}整改进展情况通报被退回：{_cut(d.reason, 60)}",
        _draft_url,
    ),
    "extension.requested": Asks(
        lambda x: (
            _holding(x.measure.problem.inspection.unit, Role.LEADER)
            if x.measure.problem.inspection.extension_by == Role.LEADER
            else _office()
        ),
        lambda x, actor: (
            f"{_name(actor)}申请“{_cut(x.measure.text)}”延期至{cn_date(x.new_due)}，请审批。"
        ),
        lambda x: reverse("ledger:measure-detail", args=[x.measure_id]) + "#extension",
    ),
    "extension.decided": Asks(
        lambda x: _people(x.requested_by),
        lambda x, actor: (
            f"“{_cut(x.measure.text)}”的延期申请"
            f"{'已批准' if x.status == 'approved' else '未获批准'}"
            f"{'：' + _cut(x.answer, 60) if x.answer else '。'}"
        ),
        lambda x: reverse("ledger:measure-detail", args=[x.measure_id]) + "#extension",
    ),
    "duties.handed_over": Asks(
        lambda h: _people(h.to_user),
        lambda h, actor: f"{h.from_name}的整改职责已交接给您（{_cut(h.reason)}），请在待办中查看。",
        lambda h: reverse("ledger:handover-detail", args=[h.pk]),
    ),
}


def on_event(sender, event, obj, **kwargs) -> None:
    """Write the messages an audit event asks for, in the event's transaction."""
    asks = ASKS.get(event.act)
    if asks is None:
        return
    # A handover spanning units records one event per unit: message the successor once.
    if (
        event.act == "duties.handed_over"
        and Message.objects.filter(act=event.act, url=asks.url(obj)).exists()
    ):
        return
    text, url = asks.text(obj, event.actor)[:300], asks.url(obj)
    Message.objects.bulk_create(
        Message(
            recipient=user,
            act=event.act,
            event_id=event.pk,
            unit_id=event.unit_id,
            text=text,
            url=url,
            created_at=event.at,
        )
        for user in asks.recipients(obj)
        if user.pk != event.actor_id
    )
