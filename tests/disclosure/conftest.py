"""Helpers of the notice tests: the shared example and its scorer, progress with figures."""

import datetime as dt
import importlib.util
from decimal import Decimal
from pathlib import Path

from zhenggai.ledger.models import Figure, Measure, Progress

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
EXAMPLE = SHARED / "examples" / "linping-union-2022"


def load_scorer():
    spec = importlib.util.spec_from_file_location(
        "score_notice", SHARED / "tools" / "score_notice.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(measure: Measure, text: str, *figures, on=dt.date(2026, 4, 1)) -> Progress:
    """A progress report with figures given as (counts, value, unit)."""
    progress = Progress.objects.create(measure=measure, text=text, reported_on=on)
    Figure.objects.bulk_create(
        Figure(progress=progress, counts=counts, value=Decimal(str(value)), unit=unit)
        for counts, value, unit in figures
    )
    return progress
