"""Writing the audit log: every service calls `record` inside its own transaction."""

from django.db import connection, transaction
from django.utils import timezone

from .models import Event

GENESIS = "0" * 64
# Any constant: serialises appends to the chain on PostgreSQL.
CHAIN_LOCK = 704231


def record(act: str, obj, *, actor, unit_id=None, **data) -> Event:
    """Append one event to the hash chain, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    # SQLite needs no lock here: IMMEDIATE transactions already serialise writers.
    last = Event.objects.order_by("-id").values_list("hash", flat=True).first()
    actor = actor if actor is not None and actor.is_authenticated else None
    event = Event(
        at=timezone.now(),
        actor=actor,
        act=act,
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        unit_id=unit_id,
        data=data,
        prev_hash=last or GENESIS,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def verify_chain() -> tuple[int, Event | None]:
    """(events checked, first broken event or None)."""
    prev, checked = GENESIS, 0
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev or event.compute_hash() != event.hash:
            return checked, event
        prev, checked = event.hash, checked + 1
    return checked, None
