"""The ledger of one inspection as a tree for pages and exports, in a fixed number of queries."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from .counts import Tally, tallies
from .models import Inspection, Measure, Problem


def build_tree(inspection: Inspection, today: dt.date) -> tuple[list[Problem], Tally]:
    """Categories with `.subs` and `.items` (measures) attached, and the ledger's counts."""
    problems = list(Problem.objects.filter(inspection=inspection).order_by("position", "id"))
    measures = (
        Measure.objects.filter(problem__inspection=inspection)
        .select_related("owner_user")
        .annotate(
            # Withdrawn reports are history, not progress.
            n_progress=Count("progress", distinct=True, filter=Q(progress__withdrawn_at=None)),
            n_evidence=Count(
                "progress__evidence", distinct=True, filter=Q(progress__withdrawn_at=None)
            ),
        )
        .order_by("position", "id")
    )
    by_problem = defaultdict(list)
    for measure in measures:
        measure.color = measure.light(today)
        by_problem[measure.problem_id].append(measure)
    subs = defaultdict(list)
    for problem in problems:
        problem.items = by_problem[problem.pk]
        for measure in problem.items:
            measure.frozen = bool(problem.closed_at)  # signed off: no edit forms
        if problem.parent_id:
            subs[problem.parent_id].append(problem)
    roots = [p for p in problems if not p.parent_id]
    for root in roots:
        root.subs = subs[root.pk]
    return roots, tallies([inspection.pk], today).get(inspection.pk, Tally())
