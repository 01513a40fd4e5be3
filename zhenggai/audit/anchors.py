"""Anchors: the chain's head (count and hash, with the time) written outside the database.

An anchor file only grows, one JSON line per anchor; the audit administrator keeps it
(or the mail that carries each line) where the database's writers cannot reach. A chain
cut back below an anchored count, or differing from the anchored hash at that count, is
then found by `zhenggai audit verify` even by someone holding the key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .keys import GENESIS
from .models import Event


@dataclass(frozen=True)
class Anchor:
    """One line of an anchor file: at `at`, the chain had `count` events ending in `hash`."""

    at: str
    count: int
    hash: str
    note: str = ""

    def line(self) -> str:
        fields = {"at": self.at, "count": self.count, "hash": self.hash, "note": self.note}
        return json.dumps(fields, ensure_ascii=False)

    def describe(self) -> str:
        note = f"，{self.note}" if self.note else ""
        return f"锚点（{self.at[:19].replace('T', ' ')}{note}）"


def anchor_path(path: str | Path | None = None) -> Path:
    return Path(path or settings.AUDIT_ANCHOR_FILE)


def head() -> Anchor:
    """The chain's head now (count 0 and the genesis hash for an empty chain)."""
    seq, last = Event.objects.order_by("-seq").values_list("seq", "hash").first() or (0, GENESIS)
    return Anchor(timezone.localtime().isoformat(timespec="seconds"), seq, last)


def write_anchor(path: str | Path | None = None, note: str = "") -> Anchor:
    """Append the head to the anchor file (created if absent), flushed to disk."""
    anchor = head()
    anchor = Anchor(anchor.at, anchor.count, anchor.hash, note)
    target = anchor_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(anchor.line() + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return anchor


def anchor_after_backup(archive: Path) -> None:
    """Anchor the head at a backup; a failure is reported, the backup stands."""
    try:
        anchor = write_anchor(note=f"备份 {archive.name}")
    except OSError as exc:
        print(f"警告：审计链锚点未能写入 {anchor_path()}：{exc.strerror}", flush=True)
        return
    print(f"审计链锚点：第 {anchor.count} 条事件，已写入 {anchor_path()}")
    if not settings.AUDIT_KEY:
        print(f"备份不含审计密钥 {settings.AUDIT_KEY_FILE}：请另行保管，恢复时放回数据目录。")


def mail_anchor(anchor: Anchor, address: str) -> None:
    body = (
        f"截至 {anchor.at}，审计链共有 {anchor.count} 条事件，最后一条的哈希为\n"
        f"{anchor.hash}\n\n请原样保存本邮件；核对时把下面一行追加到锚点文件：\n{anchor.line()}\n"
    )
    subject = f"zhenggai 审计链锚点：{anchor.count} 条（{anchor.at[:10]}）"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def read_anchors(path: str | Path | None = None) -> tuple[list[Anchor], list[str]]:
    """The anchors of a file (none if it does not exist) and a line for each unreadable one."""
    target = anchor_path(path)
    if not target.exists():
        return [], []
    anchors, bad = [], []
    with open(target, encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                anchors.append(_parse(line))
            except (ValueError, KeyError, TypeError):
                bad.append(f"锚点文件 {target} 第 {number} 行无法识别，可能被改动。")
    return anchors, bad


def _parse(line: str) -> Anchor:
    fields = json.loads(line)
    count, digest = fields["count"], fields["hash"]
    if not isinstance(count, int) or count < 0 or not isinstance(digest, str) or len(digest) != 64:
        raise ValueError(line)
    return Anchor(str(fields.get("at", "")), count, digest, str(fields.get("note", "")))
