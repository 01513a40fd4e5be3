"""Fetch oversight objects for a user: 404 for outsiders, 403 for what they may not do."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhenggai.accounts.access import ANSWER, EDIT, OFFICE, access_for

from .dashboard import Scope
from .models import Document, SignOff, SupervisionOrder


def get_scope_for_user(request) -> Scope:
    """The dashboard's scope: every unit for the office, the leader's own units."""
    scope = Scope.of(access_for(request.user))
    if scope is None:
        raise PermissionDenied
    return scope


def get_signoff_for_user(request, pk) -> tuple[SignOff, bool]:
    """The sign-off and whether the user may review it (the office)."""
    signoff = get_object_or_404(
        SignOff.objects.select_related(
            "problem__inspection__unit", "problem__parent", "applicant", "reviewer", "corrects"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not access.can_read(signoff.problem.inspection.unit):
        raise Http404
    return signoff, access.anywhere(OFFICE)


def get_order_for_user(request, pk, *, reply: bool = False) -> tuple[SupervisionOrder, bool]:
    """The order and whether the user may reply (an editor or leader of its unit)."""
    order = get_object_or_404(
        SupervisionOrder.objects.select_related("unit", "issued_by", "replied_by"), pk=pk
    )
    access = access_for(request.user)
    if not access.can_read(order.unit):
        raise Http404
    can_reply = access.may(ANSWER, order.unit)
    if reply and not can_reply:
        raise PermissionDenied
    return order, can_reply


def visible_orders(user):
    return SupervisionOrder.objects.for_user(user)


def get_document_for_user(request, pk, *, edit: bool = False) -> tuple[Document, bool]:
    """A document of the cycle and whether the user may edit it (the unit's editor):
    readers of the unit read it, anyone else gets 404."""
    document = get_object_or_404(
        Document.objects.select_related(
            "inspection__unit", "problem", "created_by", "updated_by", "frozen_by"
        ),
        pk=pk,
    )
    access = access_for(request.user)
    if not access.can_read(document.inspection.unit):
        raise Http404
    can_edit = access.may(EDIT, document.inspection.unit)
    if edit and not can_edit:
        raise PermissionDenied
    return document, can_edit
