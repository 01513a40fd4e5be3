"""Publishing notices and answering the public: one function each, atomic, audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from zhenggai.accounts.access import ANSWER, EDIT, SIGN, access_for
from zhenggai.accounts.letterhead import create_numbered, letterhead_of, next_number
from zhenggai.accounts.models import Unit
from zhenggai.audit.services import record
from zhenggai.ledger.models import Inspection, Measure
from zhenggai.notices.letterhead import parse_doc_number

from .models import Comment, NoticeDraft, PublishedNotice, RateCount, text_sha256
from .text import normalise_text, text_html, text_title

# Comment posts allowed per client address and fixed window; a flood waits for the next.
RATE_LIMIT = 5
RATE_WINDOW = dt.timedelta(minutes=10)
# Any constant (distinct from the audit chain's and the orders'): serialises the
# numbering of one unit's notices.
NOTICE_NUMBER_LOCK = 704240


class DisclosureError(Exception):
    """A refused act, with a message for the user."""


def _require(actor, unit: Unit, *acts: str) -> None:
    """PermissionDenied unless the actor may do one of `acts` in the unit: the rule the
    pages check first, kept here too so that no other caller can skip it."""
    access = access_for(actor)
    if not any(access.may(act, unit) for act in acts):
        raise PermissionDenied


@transaction.atomic
def publish_notice(
    inspection: Inspection,
    *,
    actor,
    text: str,
    audience: str = PublishedNotice.Audience.PUBLIC,
    note: str = "",
    doc_number: str = "",
) -> PublishedNotice:
    """Freeze the text as the next version of the inspection's notice, under the 文号
    given, else the next of the unit's sequence when it has a 机关代字, else none.

    The pages publish only through `publish_draft`: a text submitted and signed first.
    """
    _require(actor, inspection.unit, EDIT, SIGN)
    # Serialises two publications of one inspection: versions stay gapless and unique.
    Inspection.objects.select_for_update(no_key=True).filter(pk=inspection.pk).first()
    text = _publishable(inspection, text)
    previous = (
        PublishedNotice.objects.filter(inspection=inspection, audience=audience)
        .order_by("-version")
        .first()
    )
    note = note.strip()
    if previous is not None and not note:
        raise DisclosureError(f"已发布过第{previous.version}版，发布新版本须写明更正说明。")
    notice = PublishedNotice(
        inspection=inspection,
        audience=audience,
        title=text_title(text)[:300],
        text=text,
        html=text_html(text),
        published_by=actor,
        replaces=previous,
        note=note[:500],
        version=previous.version + 1 if previous else 1,
    )
    _save_numbered(notice, inspection.unit, _given_number(doc_number, notice))
    record(
        "notice.published",
        notice,
        actor=actor,
        unit_id=inspection.unit_id,
        version=notice.version,
        audience=audience,
        sha256=notice.sha256,
        replaces=previous.pk if previous else None,
        doc_number=notice.doc_number,
    )
    return notice


def _given_number(text: str, notice) -> str:
    """The 文号 typed, in its standard form, once it is one and no other notice of the
    unit carries it (a new version may keep its own); "" when none was typed."""
    if not text.strip():
        return ""
    try:
        number = parse_doc_number(text)
    except ValueError as exc:
        raise DisclosureError(str(exc)) from None
    other = (
        PublishedNotice.objects.filter(inspection__unit=notice.inspection.unit, doc_number=number)
        .exclude(inspection=notice.inspection, audience=notice.audience)
        .first()
    )
    if other is not None:
        raise DisclosureError(f"文号“{number}”已用于本单位的通报“{other}”，请换一个文号。")
    return number


def _save_numbered(notice: PublishedNotice, unit: Unit, typed: str) -> None:
    """Save the notice under the typed 文号, or the next of the unit's sequence of the
    year when it has a 机关代字 (a 文号 typed earlier is skipped), or none."""
    head = letterhead_of(unit)
    if typed or head is None or not head.code:
        notice.doc_number = typed
        notice.save()
        return
    year = timezone.localdate().year
    rows = PublishedNotice.objects.filter(number_unit=unit, number_year=year)
    used = PublishedNotice.objects.filter(inspection__unit=unit)

    def create() -> PublishedNotice:
        number = next_number(rows, (NOTICE_NUMBER_LOCK, unit.pk))
        while used.filter(doc_number=head.doc_number(year, number)).exists():
            number += 1
        notice.number_unit, notice.number_year, notice.number = unit, year, number
        notice.doc_number = head.doc_number(year, number)
        notice.save()
        return notice

    create_numbered(create)


def offered_number(unit: Unit) -> str:
    """The 文号 the unit's next notice would take this year if none is typed ("" when
    the unit has no 机关代字): shown on the draft page, taken only at publication."""
    head = letterhead_of(unit)
    if head is None or not head.code:
        return ""
    year = timezone.localdate().year
    rows = PublishedNotice.objects.filter(number_unit=unit, number_year=year)
    return head.doc_number(year, (rows.aggregate(m=Max("number"))["m"] or 0) + 1)


@transaction.atomic
def submit_draft(
    inspection: Inspection,
    *,
    actor,
    text: str,
    audience: str = PublishedNotice.Audience.PUBLIC,
    note: str = "",
    doc_number: str = "",
) -> NoticeDraft:
    """Freeze the edited text, and the 文号 if one is given, for a leader to sign; an
    open earlier submission is replaced."""
    _require(actor, inspection.unit, EDIT)
    Inspection.objects.select_for_update(no_key=True).filter(pk=inspection.pk).first()
    text = _publishable(inspection, text)
    doc_number = _given_number(
        doc_number, PublishedNotice(inspection=inspection, audience=audience)
    )
    note = note.strip()[:500]
    previous = PublishedNotice.objects.filter(inspection=inspection, audience=audience)
    latest = previous.order_by("-version").first()
    if latest is not None and not note:
        raise DisclosureError(f"已发布过第{latest.version}版，发布新版本须写明更正说明。")
    NoticeDraft.objects.filter(
        inspection=inspection,
        audience=audience,
        status__in=[NoticeDraft.Status.SUBMITTED, NoticeDraft.Status.SIGNED],
    ).update(status=NoticeDraft.Status.WITHDRAWN)
    draft = NoticeDraft.objects.create(
        inspection=inspection,
        audience=audience,
        text=text,
        sha256=text_sha256(text),
        note=note,
        doc_number=doc_number,
        submitted_by=actor,
    )
    record(
        "notice.submitted",
        draft,
        actor=actor,
        unit_id=inspection.unit_id,
        audience=audience,
        sha256=draft.sha256,
        doc_number=doc_number,
    )
    return draft


def _locked(draft: NoticeDraft, *allowed: str) -> NoticeDraft:
    """The draft, locked and re-read; DisclosureError unless in one of `allowed`."""
    fresh = NoticeDraft.objects.select_for_update(no_key=True).get(pk=draft.pk)
    if fresh.status not in allowed:
        raise DisclosureError(f"该通报稿当前状态为“{fresh.get_status_display()}”，不能进行此操作。")
    if text_sha256(fresh.text) != fresh.sha256:
        raise DisclosureError("通报稿正文与提交时的校验值不符，请重新提交签发。")
    return fresh


@transaction.atomic
def sign_draft(draft: NoticeDraft, *, actor) -> NoticeDraft:
    """A leader of the unit signs (签发) the submitted text, exactly as frozen."""
    _require(actor, draft.inspection.unit, SIGN)
    draft = _locked(draft, NoticeDraft.Status.SUBMITTED)
    draft.status, draft.signed_by, draft.signed_at = (
        NoticeDraft.Status.SIGNED,
        actor,
        timezone.now(),
    )
    draft.save(update_fields=["status", "signed_by", "signed_at"])
    record(
        "notice.signed",
        draft,
        actor=actor,
        unit_id=draft.inspection.unit_id,
        sha256=draft.sha256,
        doc_number=draft.doc_number,
    )
    return draft


@transaction.atomic
def return_draft(draft: NoticeDraft, *, actor, reason: str) -> NoticeDraft:
    """A leader returns the submitted (or signed, not yet published) text with a reason."""
    _require(actor, draft.inspection.unit, SIGN)
    reason = reason.strip()
    if not reason:
        raise DisclosureError("退回时须写明理由。")
    draft = _locked(draft, NoticeDraft.Status.SUBMITTED, NoticeDraft.Status.SIGNED)
    draft.status, draft.returned_by, draft.returned_at = (
        NoticeDraft.Status.RETURNED,
        actor,
        timezone.now(),
    )
    draft.reason = reason[:500]
    draft.save(update_fields=["status", "returned_by", "returned_at", "reason"])
    record(
        "notice.returned",
        draft,
        actor=actor,
        unit_id=draft.inspection.unit_id,
        reason=draft.reason,
    )
    return draft


@transaction.atomic
def publish_draft(draft: NoticeDraft, *, actor) -> PublishedNotice:
    """Publish the signed text, byte for byte: the published SHA-256 is the signed one."""
    _require(actor, draft.inspection.unit, EDIT, SIGN)  # before its state is told
    draft = _locked(draft, NoticeDraft.Status.SIGNED)
    notice = publish_notice(
        draft.inspection,
        actor=actor,
        text=draft.text,
        audience=draft.audience,
        note=draft.note,
        doc_number=draft.doc_number,
    )
    if notice.sha256 != draft.sha256:
        raise DisclosureError("发布的正文与签发的正文不一致，未发布；请重新提交签发。")
    draft.status, draft.notice = NoticeDraft.Status.PUBLISHED, notice
    draft.save(update_fields=["status", "notice"])
    return notice


def _publishable(inspection: Inspection, text: str) -> str:
    """The text to freeze, or a DisclosureError saying why there is nothing to publish."""
    if not Measure.objects.filter(problem__inspection=inspection).exists():
        raise DisclosureError(
            "本次巡察的台账中还没有任何整改措施，通报无从写起；"
            "请先在台账中登记问题和整改措施，再发布通报。"
        )
    text = normalise_text(text)
    if not text:
        raise DisclosureError("通报正文为空，不能发布。")
    return text


@transaction.atomic
def add_comment(
    notice: PublishedNotice,
    *,
    actor,
    content: str,
    name: str = "",
    phone: str = "",
    address: str | None = None,
) -> Comment:
    if notice.audience != PublishedNotice.Audience.PUBLIC:
        raise DisclosureError("该通报未向社会公开，不接收意见。")
    comment = Comment.objects.create(
        notice=notice, content=content, name=name, phone=phone, address=address
    )
    record(
        "comment.received",
        comment,
        actor=actor,
        unit_id=notice.inspection.unit_id,
        notice=notice.pk,
    )
    return comment


@transaction.atomic
def reply_comment(comment: Comment, *, actor, reply: str, reply_public: bool) -> Comment:
    """Keep the reply to a comment; only a public reply is ever shown. Handling is apart."""
    _require(actor, comment.notice.inspection.unit, ANSWER)
    reply = reply.strip()
    if reply_public and not reply:
        raise DisclosureError("公开答复时，答复内容不能为空。")
    comment.reply, comment.reply_public = reply, reply_public
    comment.replied_by, comment.replied_at = actor, timezone.now()
    comment.save(update_fields=["reply", "reply_public", "replied_by", "replied_at"])
    record(
        "comment.replied",
        comment,
        actor=actor,
        unit_id=comment.notice.inspection.unit_id,
        reply_public=reply_public,
    )
    return comment


@transaction.atomic
def set_comment_handled(comment: Comment, *, actor, handled: bool) -> Comment:
    """Mark a comment handled (已处理), or reopen it."""
    _require(actor, comment.notice.inspection.unit, ANSWER)
    comment.handled = handled
    comment.save(update_fields=["handled"])
    record(
        "comment.handled" if handled else "comment.reopened",
        comment,
        actor=actor,
        unit_id=comment.notice.inspection.unit_id,
    )
    return comment


def take_rate(address: str | None, now: dt.datetime | None = None) -> bool:
    """Count one post from the address; False once it has used up its window."""
    now = now or timezone.now()
    step = int(RATE_WINDOW.total_seconds())
    window = dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, dt.UTC)
    address = address or "0.0.0.0"
    with transaction.atomic():
        rows = RateCount.objects.filter(address=address, window=window, count__lt=RATE_LIMIT)
        if rows.update(count=F("count") + 1):
            return True
        if RateCount.objects.filter(address=address, window=window).exists():
            return False
        try:
            with transaction.atomic():
                RateCount.objects.create(address=address, window=window, count=1)
        except IntegrityError:  # another request of the same address created it first
            return take_rate(address, now)
        # Old windows are of no use: drop them when a new one opens.
        RateCount.objects.filter(window__lt=window - RATE_WINDOW).delete()
    return True
