"""Helpers of the notice tests: progress with figures."""

import datetime as dt
from decimal import Decimal

from zhenggai.ledger.models import Figure, Measure, Progress


def report(measure: Measure, text: str, *figures, on=dt.date(2026, 4, 1)) -> Progress:
    """A progress report with figures given as (counts, value, unit)."""
    progress = Progress.objects.create(measure=measure, text=text, reported_on=on)
    Figure.objects.bulk_create(
        Figure(progress=progress, counts=counts, value=Decimal(str(value)), unit=unit)
        for counts, value, unit in figures
    )
    return progress
