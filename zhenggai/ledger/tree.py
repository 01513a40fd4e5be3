"""The ledger of one inspection as a tree for pages and exports, in a fixed number of queries."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count

from .models import Inspection, Measure, Problem


def build_tree(inspection: Inspection, today: dt.date) -> tuple[list[Problem], dict]:
    """Categories with `.subs` and `.items` (measures) attached, and the light counts."""
    problems = list(Problem.objects.filter(inspection=inspection).order_by("position", "id"))
    measures = (
        Measure.objects.filter(problem__inspection=inspection)
        .select_related("owner_user")
        .annotate(
            n_progress=Count("progress", distinct=True),
            n_evidence=Count("progress__evidence", distinct=True),
        )
        .order_by("position", "id")
    )
    by_problem = defaultdict(list)
    lights = Counter()
    for measure in measures:
        measure.color = measure.light(today)
        lights[measure.color] += 1
        by_problem[measure.problem_id].append(measure)
    subs = defaultdict(list)
    for problem in problems:
        problem.items = by_problem[problem.pk]
        if problem.parent_id:
            subs[problem.parent_id].append(problem)
    roots = [p for p in problems if not p.parent_id]
    for root in roots:
        root.subs = subs[root.pk]
    total = sum(lights.values())
    stats = {
        "problems": len(problems),
        "measures": total,
        "lights": lights,
        "rate": round(100 * lights["green"] / total, 1) if total else 0,
    }
    return roots, stats
