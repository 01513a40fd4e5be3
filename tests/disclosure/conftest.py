"""Ledgers for the notice tests: written from a parsed notice, or with progress and figures."""

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

from zhenggai.accounts.models import Unit
from zhenggai.ledger.models import Figure, Inspection, Measure, Problem, Progress
from zhenggai.notices.tree import Notice

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EXAMPLE = SHARED / "examples" / "linping-union-2022"


def load_scorer():
    spec = importlib.util.spec_from_file_location(
        "score_notice", SHARED / "tools" / "score_notice.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ledger_from_notice(notice: Notice, unit_name: str = "临平区总工会") -> Inspection:
    """What an import of the notice writes: the unit, the inspection and its tree."""
    unit = Unit.objects.create(
        name=unit_name,
        full_name=notice.issuer or unit_name,
        phone=notice.contact.phone or "",
        address=notice.contact.address or "",
    )
    info = notice.inspection
    inspection = Inspection.objects.create(
        unit=unit,
        round=info.round or "巡察",
        group=info.group or "",
        start=info.start,
        end=info.end,
        feedback_date=info.feedback_date or notice.date,
    )
    for c, section in enumerate(notice.sections, 1):
        category = Problem.objects.create(inspection=inspection, position=c, title=section.title)
        _measures(category, section.measures)
        for p, problem in enumerate(section.problems, 1):
            sub = Problem.objects.create(
                inspection=inspection, parent=category, position=p, title=problem.title
            )
            _measures(sub, problem.measures)
    return inspection


def _measures(problem: Problem, measures) -> None:
    Measure.objects.bulk_create(
        Measure(problem=problem, position=i, text=m.text) for i, m in enumerate(measures, 1)
    )


def report(measure: Measure, text: str, *figures, on=dt.date(2026, 4, 1)) -> Progress:
    """A progress report with figures given as (counts, value, unit)."""
    progress = Progress.objects.create(measure=measure, text=text, reported_on=on)
    Figure.objects.bulk_create(
        Figure(progress=progress, counts=counts, value=Decimal(str(value)), unit=unit)
        for counts, value, unit in figures
    )
    return progress
