"""Checking the chain: numbering, links, keyed hashes, and the anchors kept outside.

What each finding means for `zhenggai audit verify` and the audit log page:
- a gap in the numbering: events deleted inside the chain;
- a link that does not match the event before: an event replaced or reordered;
- a keyed hash that does not match: the event changed, or a tail recomputed without
  the key; an event signed by a key not held is reported as not checkable;
- fewer events than an anchor counted: the chain cut back (deleted from the end);
- another hash at an anchored count: the chain rewritten up to there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from .anchors import Anchor, read_anchors
from .keys import GENESIS, Keyring, keyring
from .models import Event

SHOWN = 200  # findings kept word for word; the rest are counted


@dataclass
class ChainReport:
    """What the check found; `problems` counts findings, `findings` keeps the first ones."""

    checked: int = 0
    intact: int = 0  # events before the first break
    first_broken: Event | None = None
    head: tuple[int, str] = (0, GENESIS)
    anchors: list[Anchor] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    problems: int = 0
    hints: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def add(self, message: str) -> None:
        self.problems += 1
        if len(self.findings) < SHOWN:
            self.findings.append(message)

    def last_anchor(self) -> Anchor | None:
        return max(self.anchors, key=lambda a: a.count, default=None)


def verify(anchor_file=None) -> ChainReport:
    """The chain against its keys and the anchors of `anchor_file` (the configured one)."""
    anchors, unreadable = read_anchors(anchor_file)
    report = check_chain(anchors)
    for line in unreadable:
        report.add(line)
    return report


def check_chain(anchors: list[Anchor]) -> ChainReport:
    report, ring = ChainReport(anchors=anchors), keyring()
    wanted = {a.count for a in anchors}
    at_count: dict[int, str] = {0: GENESIS}
    expected, prev = 1, GENESIS
    signed, unsigned = Counter(), Counter()  # events per key, and those whose HMAC failed
    for event in Event.objects.order_by("seq").iterator(chunk_size=2000):
        problem = _problem(event, expected, prev, ring)
        signed[event.key_id] += 1
        if problem and "密钥签名不符" in problem:
            unsigned[event.key_id] += 1
        if problem:
            report.add(f"审计链断裂：{problem}")
            report.first_broken = report.first_broken or event
        elif report.first_broken is None:
            report.intact += 1
        if event.act == "audit.keyed" and event.data.get("plain_broken"):
            ids = "、".join(map(str, event.data.get("plain_broken_ids", [])))
            report.add(
                f"升级前的审计链已有 {event.data['plain_broken']} 处断裂（事件编号 {ids}），"
                "签名前已被改动；加密签名时原样记录在此。"
            )
        if event.seq in wanted:
            at_count[event.seq] = event.hash
        report.checked += 1
        expected, prev = event.seq + 1, event.hash
    report.head = (expected - 1, prev)
    _check_anchors(report, at_count)
    report.hints = [_wrong_key(k, n) for k, n in unsigned.items() if n == signed[k] and n > 1]
    return report


def _wrong_key(key_id: str, events: int) -> str:
    return (
        f"密钥 {key_id} 签名的 {events} 条事件全部不符：多半是当前的密钥不是签名时的那一把"
        f"（恢复备份或迁移服务器后，须把原来的审计密钥文件放回，见 {settings.AUDIT_KEY_FILE}）。"
    )


def _problem(event: Event, expected: int, prev: str, ring: Keyring) -> str | None:
    where = _where(event)
    if event.seq != expected:
        missing = (
            f"第 {expected} 条"
            if event.seq == expected + 1
            else (f"第 {expected} 至 {event.seq - 1} 条")
        )
        return f"{missing}事件缺失（{where}之前），审计事件被删除。"
    if event.prev_hash != prev:
        return f"{where}与前一条事件不相连，前一条事件被替换或删除。"
    if event.key_id not in ring.keys:
        return f"{where}由密钥 {event.key_id or '（无）'} 签名，密钥文件中没有这个密钥，无法校验。"
    if event.compute_hash(ring) != event.hash:
        return f"{where}的哈希与密钥签名不符：记录被改动，或其后的哈希被重新计算。"
    return None


def _where(event: Event) -> str:
    at = timezone.localtime(event.at)
    return f"第 {event.seq} 条事件（编号 {event.pk}，{event.act}，{at:%Y-%m-%d %H:%M:%S}）"


def _check_anchors(report: ChainReport, at_count: dict[int, str]) -> None:
    count = report.head[0]
    beyond = [a for a in report.anchors if a.count > count]
    if beyond:
        last = max(beyond, key=lambda a: a.count)
        report.add(
            f"审计链被截断：{last.describe()}记录当时已有 {last.count} 条事件，"
            f"数据库中现只有 {count} 条，末尾的事件被删除。"
        )
    for anchor in report.anchors:
        if anchor.count > count:
            continue
        found = at_count.get(anchor.count)
        if found is None:
            report.add(f"审计链被改写：{anchor.describe()}记录的第 {anchor.count} 条事件已不存在。")
        elif found != anchor.hash:
            report.add(
                f"审计链被改写：{anchor.describe()}记录第 {anchor.count} 条事件的哈希为 "
                f"{anchor.hash[:16]}…，数据库中为 {found[:16]}…。"
            )
