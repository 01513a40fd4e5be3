"""The plain hash chain becomes a keyed one (HMAC under the audit key, outside the database).

Each event is numbered and signed again in its order. The plain chain is checked first:
a break found there stays on record in the `audit.keyed` event appended at the end, so
signing cannot launder a change made before the keys.
"""

from django.db import migrations
from django.utils import timezone

from zhenggai.audit.keys import GENESIS, keyring, plain_hash

BATCH = 1000


def key_the_chain(apps, schema_editor):
    Event = apps.get_model("audit", "Event")
    if not Event.objects.exists():
        return
    ring = keyring()
    old_prev, new_prev, seq, breaks, batch = GENESIS, GENESIS, 0, [], []
    for event in Event.objects.order_by("id").iterator(chunk_size=BATCH):
        if event.prev_hash != old_prev or plain_hash(event) != event.hash:
            breaks.append(event.pk)
        old_prev, seq = event.hash, seq + 1
        event.seq, event.key_id, event.prev_hash = seq, ring.current, new_prev
        event.hash = new_prev = ring.hash(event)
        batch.append(event)
        if len(batch) == BATCH:
            Event.objects.bulk_update(batch, ["seq", "key_id", "prev_hash", "hash"])
            batch = []
    Event.objects.bulk_update(batch, ["seq", "key_id", "prev_hash", "hash"])
    seal = Event(
        seq=seq + 1,
        key_id=ring.current,
        at=timezone.now(),
        act="audit.keyed",
        object_type="event",
        object_id=str(event.pk),
        data={
            "events": seq,
            "plain_head": old_prev,
            "plain_broken": len(breaks),
            "plain_broken_ids": breaks[:100],
        },
        prev_hash=new_prev,
    )
    seal.hash = ring.hash(seal)
    seal.save()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_event_seq_key_id"),
    ]

    operations = [
        migrations.RunPython(key_the_chain, migrations.RunPython.noop),
    ]
