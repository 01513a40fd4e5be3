"""A unit's 版头 and 机关代字: reading them for documents, and keeping them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet

from zhenggai.audit.services import record
from zhenggai.notices.letterhead import Letterhead as Heading

from .models import Letterhead, Unit

T = TypeVar("T")


def letterhead_of(unit: Unit | None) -> Heading | None:
    """The unit's letterhead as plain data, or None when the unit has set none."""
    if unit is None:
        return None
    row = Letterhead.objects.filter(unit=unit).values("issuer", "header", "code").first()
    return Heading(**row) if row else None


@transaction.atomic
def save_letterhead(unit: Unit, *, actor, issuer: str, header: str, code: str) -> Letterhead:
    """The office or the unit's editor sets how the unit heads and numbers its documents."""
    letterhead, created = Letterhead.objects.select_for_update(no_key=True).get_or_create(
        unit=unit, defaults={"issuer": issuer, "header": header, "code": code}
    )
    before = {"issuer": letterhead.issuer, "header": letterhead.header, "code": letterhead.code}
    after = {"issuer": issuer, "header": header, "code": code}
    if not created:
        for name, value in after.items():
            setattr(letterhead, name, value)
        letterhead.save()
    changed = after if created else {k: v for k, v in after.items() if before[k] != v}
    record("letterhead.saved", letterhead, actor=actor, unit_id=unit.pk, **changed)
    return letterhead


def next_number(rows: QuerySet, lock: tuple[int, int]) -> int:
    """The next number of a sequence of documents (`rows`: the sequence's documents so
    far, numbered in `number`), under a lock held until the transaction ends."""
    if connection.vendor == "postgresql":
        # Row locks cannot guard a number not yet taken; a lock per sequence can.
        # SQLite needs none: IMMEDIATE transactions already serialise writers.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(lock))
    return (rows.aggregate(m=Max("number"))["m"] or 0) + 1


def create_numbered(create: Callable[[], T]) -> T:
    """What `create` saves under the next number (next_number), in a savepoint: the
    unique constraint has the last word, and a clash (a number written by another
    path) rolls back to the savepoint and takes the next number."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
