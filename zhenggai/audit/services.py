"""Writing the audit log: every service calls `record` inside its own transaction."""

from django.db import connection, transaction
from django.utils import timezone

from .keys import GENESIS, keyring
from .models import Event
from .signals import event_recorded
from .verify import check_chain

# Any constant: serialises appends to the chain on PostgreSQL.
CHAIN_LOCK = 704231


def hold_chain() -> None:
    """Take the chain's lock until the transaction ends (PostgreSQL; SQLite's IMMEDIATE
    transactions already serialise writers). `record` takes it; work that every act
    does after recording (the kept counts) takes it first too, so that the locks are
    always taken in one order: the chain, then rows. A recount that locked its
    inspection's row before the chain waited for a recorder that waited for that row
    (deadlocks under load, tests/ledger/test_concurrency.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def record(act: str, obj, *, actor, unit_id=None, **data) -> Event:
    """Append one event to the hash chain, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside a transaction")
    hold_chain()
    seq, last = Event.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS)
    ring = keyring()
    actor = actor if actor is not None and actor.is_authenticated else None
    event = Event(
        seq=seq + 1,
        key_id=ring.current,
        at=timezone.now(),
        actor=actor,
        act=act,
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        unit_id=unit_id,
        data=data,
        prev_hash=last,
    )
    event.hash = event.compute_hash(ring)
    event.save()
    event_recorded.send(sender=Event, event=event, obj=obj)
    return event


def verify_chain() -> tuple[int, Event | None]:
    """(events checked before the first break, that event or None); anchors aside."""
    report = check_chain(anchors=[])
    return report.intact, report.first_broken
