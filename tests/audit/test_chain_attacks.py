"""Issue 17, finding 2: cuts and rewrites of the audit log, each tried as an attacker
who can write the database (but holds neither the audit key nor the anchor file)."""

import hashlib
import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from zhenggai.audit import keys
from zhenggai.audit.anchors import read_anchors
from zhenggai.audit.models import Event
from zhenggai.audit.services import record
from zhenggai.cli import main
from zhenggai.ledger.models import Evidence

pytestmark = pytest.mark.django_db


def verify(capsys) -> tuple[int, str]:
    code = main(["audit", "verify"])
    out, err = capsys.readouterr()
    return code, out + err


def acts(unit, n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            record("unit.touched", unit, actor=None, unit_id=unit.pk, i=i)


def anchor(capsys) -> None:
    assert main(["audit", "anchor"]) == 0
    capsys.readouterr()


def chain() -> list[Event]:
    return list(Event.objects.order_by("seq"))


def test_it_catches_the_last_five_events_deleted(units, capsys):
    acts(units["A"], 12)
    anchor(capsys)
    Event.objects.filter(seq__gt=7).delete()
    code, said = verify(capsys)
    assert code == 1
    assert "审计链被截断" in said and "当时已有 12 条事件，数据库中现只有 7 条" in said


def test_it_catches_every_event_deleted(units, capsys):
    acts(units["A"], 3)
    anchor(capsys)
    Event.objects.all().delete()
    code, said = verify(capsys)
    assert code == 1 and "数据库中现只有 0 条" in said


def test_it_catches_an_event_deleted_inside_the_chain(units, capsys):
    acts(units["A"], 6)
    events = chain()
    events[3].delete()
    # The attacker relinks the next event to the one before the hole.
    Event.objects.filter(pk=events[4].pk).update(prev_hash=events[2].hash)
    code, said = verify(capsys)
    assert code == 1 and "第 4 条事件缺失" in said


def plain(event: Event) -> str:
    """What an attacker without the key can compute: a plain hash of the same fields."""
    return hashlib.sha256(keys.signed_payload(event)).hexdigest()


def rewrite(at: int, sign) -> None:
    """Change the event at index `at`, then hash it and every later one again by `sign`."""
    events = chain()
    events[at].data = {"i": 99}
    prev = events[at - 1].hash
    for event in events[at:]:
        event.prev_hash = prev
        event.hash = prev = sign(event)
        event.save()


def test_it_catches_an_event_changed_and_every_later_hash_recomputed(units, capsys):
    acts(units["A"], 5)
    rewrite(1, plain)
    code, said = verify(capsys)
    assert code == 1
    assert "第 2 条事件" in said and "密钥签名不符" in said


def test_it_catches_a_tail_rewritten_with_the_key_by_its_anchor(units, capsys):
    acts(units["A"], 4)
    anchor(capsys)
    rewrite(2, keys.keyring().hash)  # an attacker who holds the key, but not the anchors
    code, said = verify(capsys)
    assert code == 1 and "审计链被改写" in said and "第 4 条事件的哈希" in said


def test_it_catches_an_evidence_file_and_its_sha256_overwritten(reported, capsys):
    forged = b"%PDF-1 forged"
    with open(reported.file.path, "wb") as fh:
        fh.write(forged)
    Evidence.objects.filter(pk=reported.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    code, said = verify(capsys)
    assert code == 1
    assert "已不存在或被改动" in said and "审计事件未记录的佐证材料" in said


def test_it_catches_an_evidence_row_and_its_file_deleted(reported, capsys):
    reported.file.storage.delete(reported.file.name)
    reported.delete()
    code, said = verify(capsys)
    assert code == 1
    assert f"（SHA-256 {reported.sha256[:16]}…）已不存在或被改动" in said


def test_it_catches_a_blanked_evidence_file_name(reported, capsys):
    Evidence.objects.filter(pk=reported.pk).update(file="")
    code, said = verify(capsys)
    assert code == 1 and f"佐证材料 {reported.pk}“纪要.pdf”登记了 SHA-256 却没有文件名" in said


def test_it_catches_a_file_added_under_no_reported_event(reported, capsys):
    Event.objects.filter(act="progress.reported").update(object_id="0")
    code, said = verify(capsys)
    assert code == 1 and "不在任何进展报告的审计事件中" in said


# The backup copies the database through SQLite's online backup: no open transaction.
@pytest.mark.django_db(transaction=True)
def test_it_passes_an_intact_anchored_record_and_anchors_at_backup(reported, capsys, tmp_path):
    anchor(capsys)
    assert main(["backup", str(tmp_path / "b.zip")]) == 0
    anchors, bad = read_anchors()
    assert bad == [] and [a.count for a in anchors] == [1, 1]
    assert anchors[1].note == "备份 b.zip"
    code, said = verify(capsys)
    assert code == 0 and "锚点 2 个" in said and "全部完好" in said


def test_it_writes_an_anchor_where_told_and_mails_it(units, capsys, tmp_path):
    acts(units["A"], 2)
    target = tmp_path / "kept" / "anchors.jsonl"
    assert main(["audit", "anchor", "--to", str(target), "--mail", "audit@example.gov.cn"]) == 0
    line = json.loads(target.read_text())
    assert (line["count"], line["hash"]) == (2, chain()[-1].hash)
    assert mail.outbox[0].to == ["audit@example.gov.cn"] and target.read_text() in (
        mail.outbox[0].body + "\n"
    )
    Event.objects.filter(seq=2).delete()
    assert main(["audit", "verify", "--anchors", str(target)]) == 1
    assert "审计链被截断" in capsys.readouterr().err


def test_it_reports_an_altered_anchor_line(units, capsys, settings):
    acts(units["A"], 1)
    anchor(capsys)
    settings.AUDIT_ANCHOR_FILE.write_text("{not json\n")
    code, said = verify(capsys)
    assert code == 1 and "第 1 行无法识别" in said


def test_it_keeps_old_events_verifiable_when_the_key_rotates(units, capsys, settings, tmp_path):
    settings.AUDIT_KEY_FILE = tmp_path / "audit_key"
    acts(units["A"], 2)
    assert main(["audit", "rotate-key"]) == 0
    acts(units["A"], 2)
    assert [e.key_id for e in chain()] == ["1", "1", "2", "2"]
    assert verify(capsys)[0] == 0
    lines = settings.AUDIT_KEY_FILE.read_text().splitlines()
    settings.AUDIT_KEY_FILE.write_text("\n".join(line for line in lines if line[:2] != "1 "))
    code, said = verify(capsys)
    assert code == 1 and "由密钥 1 签名，密钥文件中没有这个密钥" in said


def test_it_starts_a_lost_key_file_with_a_new_id(units, capsys, settings, tmp_path):
    settings.AUDIT_KEY_FILE = tmp_path / "audit_key"
    acts(units["A"], 2)
    old = settings.AUDIT_KEY_FILE.read_text()
    settings.AUDIT_KEY_FILE.unlink()  # say, restored elsewhere without the key
    acts(units["A"], 1)
    assert [e.key_id for e in chain()] == ["1", "1", "2"]
    code, said = verify(capsys)
    assert code == 1 and "由密钥 1 签名，密钥文件中没有这个密钥" in said
    settings.AUDIT_KEY_FILE.write_text(old + settings.AUDIT_KEY_FILE.read_text())
    assert verify(capsys)[0] == 0


def test_it_hints_at_a_wrong_key(units, capsys, settings):
    acts(units["A"], 3)
    settings.AUDIT_KEY = "1:" + "x" * 40
    code, said = verify(capsys)
    assert code == 1 and "密钥 1 签名的 3 条事件全部不符" in said


@pytest.mark.parametrize("value", ["short", "1:short", "1:" + "x" * 40 + ",1:" + "y" * 40])
def test_it_refuses_a_malformed_key_setting(settings, value):
    settings.AUDIT_KEY = value
    with pytest.raises(ImproperlyConfigured, match="审计密钥"):
        keys.keyring()


LEGACY = ("audit", "0002_event_seq_key_id")


def legacy_chain(apps, n: int) -> None:
    """Events as the plain chain wrote them, before keys."""
    from django.utils import timezone

    old = apps.get_model("audit", "Event")
    prev = keys.GENESIS
    for i in range(n):
        event = old(at=timezone.now(), act="unit.touched", object_type="unit", object_id="1")
        event.data, event.prev_hash, event.key_id = {"i": i}, prev, ""
        event.hash = prev = keys.plain_hash(event)
        event.save()


def migrate_with(n: int, tamper=None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([LEGACY])
    apps = executor.loader.project_state([LEGACY]).apps
    legacy_chain(apps, n)
    if tamper:
        tamper(apps.get_model("audit", "Event"))
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_it_signs_an_existing_plain_chain_when_migrating(capsys):
    migrate_with(3)
    events = chain()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert events[-1].act == "audit.keyed" and events[-1].data["events"] == 3
    assert verify(capsys)[0] == 0


@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_break_of_the_plain_chain_on_record_when_migrating(capsys):
    migrate_with(3, tamper=lambda old: old.objects.filter(data={"i": 1}).update(act="x"))
    code, said = verify(capsys)
    assert code == 1 and "升级前的审计链已有 1 处断裂" in said
