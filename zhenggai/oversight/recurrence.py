"""屡查屡犯: each problem of an inspection beside the most similar problems of the
earlier inspections it is linked to (回头看), and the office's finding, kept and audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.access import OFFICE, access_for
from zhenggai.audit.services import record
from zhenggai.ledger.models import Inspection, InspectionLink, Problem
from zhenggai.notices import similar

from .models import Recurrence
from .services import OversightError

TOP = 3


@dataclass
class Match:
    earlier: Problem
    score: float
    finding: Recurrence | None = None

    @property
    def likely(self) -> bool:
        return self.score >= similar.THRESHOLD


@dataclass
class Row:
    problem: Problem
    matches: list[Match] = field(default_factory=list)


def specific(problems: list[Problem]) -> list[Problem]:
    """The problems compared: specific ones, and categories without any under them."""
    parents = {p.parent_id for p in problems if p.parent_id}
    return [p for p in problems if p.pk not in parents]


def _problems(inspection_ids) -> list[Problem]:
    rows = Problem.objects.filter(inspection_id__in=inspection_ids).select_related(
        "inspection", "parent"
    )
    return specific(list(rows.order_by("inspection_id", "parent__position", "position", "id")))


def compare(inspection: Inspection) -> list[Row]:
    """Each problem with the TOP most similar problems of the linked earlier inspections
    (in four queries, whatever the sizes)."""
    earlier_ids = list(
        InspectionLink.objects.filter(inspection=inspection).values_list("earlier_id", flat=True)
    )
    current = _problems([inspection.pk])
    earlier = _problems(earlier_ids) if earlier_ids else []
    findings = {
        (r.problem_id, r.earlier_id): r
        for r in Recurrence.objects.standing().filter(problem__inspection=inspection)
    }
    ranked = similar.most_similar(
        [problem_text(p) for p in current], [problem_text(p) for p in earlier], top=TOP
    )
    rows = []
    for problem, found in zip(current, ranked, strict=True):
        matches = [
            Match(earlier[j], score, findings.get((problem.pk, earlier[j].pk)))
            for j, score in found
        ]
        rows.append(Row(problem, matches))
    return rows


def problem_text(problem: Problem) -> str:
    return problem.title


def score_of(problem: Problem, earlier: Problem) -> float:
    """The similarity of two problems as compare() shows it (IDF over both sides)."""
    earlier_ids = InspectionLink.objects.filter(inspection_id=problem.inspection_id).values_list(
        "earlier_id", flat=True
    )
    current = _problems([problem.inspection_id])
    before = _problems(list(earlier_ids))
    texts = [problem_text(p) for p in [*current, *before]]
    ids = [p.pk for p in current] + [p.pk for p in before]
    if problem.pk not in ids[: len(current)] or earlier.pk not in ids[len(current) :]:
        return similar.pair_scores([(problem_text(problem), problem_text(earlier))])[0]
    vectors = similar.Vectors(texts)
    i = ids.index(problem.pk)
    j = len(current) + ids[len(current) :].index(earlier.pk)
    return vectors.similarity(i, j)


def _require_office(actor) -> None:
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied


@transaction.atomic
def confirm_recurrence(problem: Problem, earlier: Problem, *, actor) -> Recurrence:
    """The office finds that `problem` is `earlier` found again (屡查屡犯)."""
    _require_office(actor)
    linked = InspectionLink.objects.filter(
        inspection_id=problem.inspection_id, earlier_id=earlier.inspection_id
    ).exists()
    if not linked:
        raise OversightError("所选的此前问题不属于本次巡察关联的此前巡察，请先关联（回头看）。")
    if Recurrence.objects.standing().filter(problem=problem, earlier=earlier).exists():
        raise OversightError(f"“{problem.title[:30]}”已认定为屡查屡犯。")
    finding = Recurrence.objects.create(
        problem=problem,
        earlier=earlier,
        score=round(score_of(problem, earlier), 4),
        confirmed_by=actor,
    )
    record(
        "recurrence.confirmed",
        finding,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        problem=problem.pk,
        earlier=earlier.pk,
        score=finding.score,
    )
    return finding


@transaction.atomic
def withdraw_recurrence(finding: Recurrence, *, actor, reason: str) -> Recurrence:
    """The office withdraws a finding with a reason; the record stays, marked withdrawn."""
    _require_office(actor)
    finding = Recurrence.objects.select_for_update(no_key=True, of=("self",)).get(pk=finding.pk)
    reason = (reason or "").strip()
    if not reason:
        raise OversightError("请填写撤销理由。")
    if finding.withdrawn_at:
        raise OversightError("该屡查屡犯认定已撤销。")
    finding.withdrawn_at, finding.withdrawn_by = timezone.now(), actor
    finding.withdraw_reason = reason[:500]
    finding.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record(
        "recurrence.withdrawn",
        finding,
        actor=actor,
        unit_id=finding.problem.inspection.unit_id,
        problem=finding.problem_id,
        earlier=finding.earlier_id,
        reason=finding.withdraw_reason,
    )
    return finding
