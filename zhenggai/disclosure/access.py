"""Who may read a published notice and who answers its comments: decided here only.

Public notices are for everyone. An internal notice is read like its unit's ledger.
Comments are never public: the unit's editors and leaders read and answer them, the
office reads them all; a reader of the unit gets 403, anyone else 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhenggai.accounts.access import ANSWER, COMMENTS, EDIT, LEAD, SIGN, access_for

from .models import Comment, NoticeDraft, PublishedNotice


def get_notice_for_user(request, pk) -> PublishedNotice:
    """A public notice for anyone; an internal one only for readers of its unit."""
    notice = get_object_or_404(
        PublishedNotice.objects.select_related("inspection__unit", "replaces"), pk=pk
    )
    if notice.audience != PublishedNotice.Audience.PUBLIC:
        if not access_for(request.user).can_read(notice.inspection.unit):
            raise Http404
    return notice


def get_notice_comments_for_user(request, pk) -> tuple[PublishedNotice, bool]:
    """The notice whose comments the user may read, and whether they may answer them."""
    notice = get_object_or_404(PublishedNotice.objects.select_related("inspection__unit"), pk=pk)
    return notice, _check(request, notice)


def get_comment_for_user(request, pk, *, answer: bool = False) -> tuple[Comment, bool]:
    comment = get_object_or_404(Comment.objects.select_related("notice__inspection__unit"), pk=pk)
    can_answer = _check(request, comment.notice)
    if answer and not can_answer:
        raise PermissionDenied
    return comment, can_answer


def comments_visible_to(user) -> QuerySet[Comment]:
    """Every comment the user may read; PermissionDenied for one who may read none."""
    if not access_for(user).anywhere(COMMENTS):
        raise PermissionDenied
    return Comment.objects.for_user(user, COMMENTS)


def _check(request, notice: PublishedNotice) -> bool:
    access = access_for(request.user)
    unit = notice.inspection.unit
    if not access.can_read(unit):
        raise Http404
    if not access.may(COMMENTS, unit):
        raise PermissionDenied
    return access.may(ANSWER, unit)


def may_draft(user, unit) -> tuple[bool, bool]:
    """Whether the user may write (submit, publish) and sign (签发) the unit's notice:
    the unit's editors and its leaders; the office reads it (`may_see_draft`), no more."""
    access = access_for(user)
    return access.may(EDIT, unit), access.may(SIGN, unit)


def may_see_draft(user, unit) -> bool:
    """Whether the user may read, preview and download the unit's notice before and
    after publication: who writes or signs it, and the office."""
    access = access_for(user)
    return access.may(EDIT, unit) or access.may(LEAD, unit)


def get_draft_for_user(request, pk) -> tuple[NoticeDraft, bool]:
    """A submitted notice text and whether the user may edit (submit, publish) it.

    Readers of the unit who may not see drafts (`may_see_draft`) get 403, anyone else 404.
    """
    draft = get_object_or_404(NoticeDraft.objects.select_related("inspection__unit"), pk=pk)
    unit = draft.inspection.unit
    if not access_for(request.user).can_read(unit):
        raise Http404
    if not may_see_draft(request.user, unit):
        raise PermissionDenied
    return draft, may_draft(request.user, unit)[0]
