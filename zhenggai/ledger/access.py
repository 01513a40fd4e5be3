"""Fetch ledger objects for a user: 404 for outsiders, and what they may change."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from zhenggai.accounts.access import EDIT, REPORT, access_for

from .extensions import may_decide
from .models import (
    Accountability,
    Completion,
    Evidence,
    Extension,
    Inspection,
    Measure,
    Problem,
    Progress,
)
from .services import may_confirm


def get_inspection_for_user(request, pk, *, edit: bool = False) -> tuple[Inspection, bool]:
    """The inspection and whether the user may edit its ledger."""
    inspection = get_object_or_404(Inspection.objects.select_related("unit"), pk=pk)
    return _check(request, inspection, edit)


def get_problem_for_user(request, pk, *, edit: bool = False) -> tuple[Problem, bool]:
    problem = get_object_or_404(Problem.objects.select_related("inspection__unit", "parent"), pk=pk)
    _inspection, can_edit = _check(request, problem.inspection, edit)
    return problem, can_edit


def get_measure_for_user(
    request, pk, *, edit: bool = False, report: bool = False
) -> tuple[Measure, bool, bool]:
    """The measure, whether the user may edit it, and whether they may report on it."""
    measure = get_object_or_404(
        Measure.objects.select_related("problem__inspection__unit", "problem__parent"), pk=pk
    )
    _inspection, can_edit = _check(request, measure.problem.inspection, edit)
    can_report = can_edit or (
        measure.owner_user_id == request.user.pk
        and access_for(request.user).may(REPORT, measure.problem.inspection.unit)
    )
    if report and not can_report:
        raise PermissionDenied
    return measure, can_edit, can_report


def get_completion_for_user(request, pk, *, confirm: bool = False) -> tuple[Completion, bool]:
    """The completion request and whether the user confirms for its inspection."""
    completion = get_object_or_404(
        Completion.objects.select_related("measure__problem__inspection__unit"), pk=pk
    )
    inspection = completion.measure.problem.inspection
    _check(request, inspection, False)
    can_confirm = may_confirm(request.user, inspection)
    if confirm and not can_confirm:
        raise PermissionDenied
    return completion, can_confirm


def get_progress_for_user(request, pk, *, amend: bool = False) -> tuple[Progress, bool]:
    """The report and whether the user may withdraw or correct it (author or editor)."""
    progress = get_object_or_404(
        Progress.objects.select_related("measure__problem__inspection__unit", "author"), pk=pk
    )
    _inspection, can_edit = _check(request, progress.measure.problem.inspection, False)
    unit = progress.measure.problem.inspection.unit
    own = progress.author_id == request.user.pk and access_for(request.user).may(REPORT, unit)
    if amend and not (can_edit or own):
        raise PermissionDenied
    return progress, can_edit or own


def get_evidence_for_user(request, pk) -> Evidence:
    evidence = get_object_or_404(
        Evidence.objects.select_related("progress__measure__problem__inspection__unit"), pk=pk
    )
    _check(request, evidence.progress.measure.problem.inspection, False)
    return evidence


def _check(request, inspection: Inspection, edit: bool) -> tuple[Inspection, bool]:
    access = access_for(request.user)
    if not access.can_read(inspection.unit):
        raise Http404
    can_edit = access.may(EDIT, inspection.unit)
    if edit and not can_edit:
        raise PermissionDenied
    return inspection, can_edit


def get_accountability_for_user(request, pk, *, edit: bool = False):
    """The accountability record and whether the user may change it (the unit's editor)."""
    held = get_object_or_404(
        Accountability.objects.select_related("problem__inspection__unit", "kind"), pk=pk
    )
    _inspection, can_edit = _check(request, held.problem.inspection, edit)
    return held, can_edit


def get_extension_for_user(request, pk, *, decide: bool = False):
    """The extension request and whether the user decides it."""
    extension = get_object_or_404(
        Extension.objects.select_related("measure__problem__inspection__unit"), pk=pk
    )
    inspection = extension.measure.problem.inspection
    _check(request, inspection, False)
    can_decide = may_decide(request.user, inspection)
    if decide and not can_decide:
        raise PermissionDenied
    return extension, can_decide
