"""The keys that sign the audit chain, kept outside the database.

Each event's hash is an HMAC-SHA256 under one key, named by the event's `key_id`: with
the key elsewhere, whoever can write the database cannot recompute a rewritten chain.
The keys come from `ZHENGGAI_AUDIT_KEY` (``id:secret`` entries separated by commas) or
else from the key file (`ZHENGGAI_AUDIT_KEY_FILE`, by default `$ZHENGGAI_DATA/audit_key`,
generated once), one ``id secret`` line per key. The last key signs new events; the
earlier ones stay to verify the events they signed, so a rotation appends a line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_SECRET = 32  # characters of a secret: 32 url-safe characters carry 192 bits
GENESIS = "0" * 64  # the previous hash of the first event


def _dumps(values: list) -> bytes:
    return json.dumps(
        values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode()


def signed_payload(event) -> bytes:
    """What an event's HMAC covers: its place in the chain, its key, its link and content."""
    return _dumps([event.seq, event.key_id, *_content(event)])


def plain_hash(event) -> str:
    """The hash of a chain written before keys (migration 0003 checks it once)."""
    return hashlib.sha256(_dumps(_content(event))).hexdigest()


def _content(event) -> list:
    at = event.at.isoformat()
    fields = [event.actor_id, event.act, event.object_type, event.object_id, event.unit_id]
    return [event.prev_hash, at, *fields, event.data]


@dataclass(frozen=True)
class Keyring:
    """Every key by its id, and the id of the one that signs new events."""

    keys: dict[str, bytes]
    current: str

    def hash(self, event) -> str:
        """The HMAC of `event` under its own key (KeyError for a key not held)."""
        key = self.keys[event.key_id]
        return hmac.new(key, signed_payload(event), hashlib.sha256).hexdigest()


_cache: dict[tuple, Keyring] = {}


def keyring() -> Keyring:
    """The keys, read again whenever the setting or the file changes."""
    inline, path = settings.AUDIT_KEY, Path(settings.AUDIT_KEY_FILE)
    if inline:
        source: tuple = ("env", inline)
    else:
        _generate_once(path)
        stat = path.stat()
        source = ("file", str(path), stat.st_mtime_ns, stat.st_size)
    if source not in _cache:
        _cache.clear()
        if inline:
            lines = [entry.strip().replace(":", " ", 1) for entry in inline.split(",")]
            _cache[source] = parse("\n".join(lines), "ZHENGGAI_AUDIT_KEY")
        else:
            _cache[source] = parse(path.read_text(encoding="utf-8"), str(path))
    return _cache[source]


def parse(text: str, where: str) -> Keyring:
    """Lines of ``id secret``; a lone secret is key ``1``; ``#`` starts a comment line."""
    keys: dict[str, bytes] = {}
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        key_id, secret = ("1", parts[0]) if len(parts) == 1 else parts[:2]
        if len(parts) > 2 or len(key_id) > 16 or len(secret) < MIN_SECRET:
            raise ImproperlyConfigured(
                f"审计密钥 {where} 第 {number} 行有误：应为“编号 密钥”，"
                f"编号不超过 16 个字符，密钥至少 {MIN_SECRET} 个字符。"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"审计密钥 {where} 第 {number} 行：编号 {key_id} 重复。")
        keys[key_id], current = secret.encode(), key_id
    if not keys:
        raise ImproperlyConfigured(f"审计密钥 {where} 中没有密钥。")
    return Keyring(keys, current)


def _generate_once(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_header() + f"{_next_id(set())} {secrets.token_urlsafe(48)}\n")


def _next_id(held: set[str]) -> str:
    """One more than any numbered key held or named by an event.

    A key file started afresh (say, after a restore without it) must not reuse an id
    of the old key: the old events then read as signed by a key not held, and putting
    the old lines back (above the new one) makes them verify again.
    """
    from .models import Event  # models import this module

    used = set(Event.objects.values_list("key_id", flat=True).distinct()) | held
    return str(max((int(k) for k in used if k.isdigit()), default=0) + 1)


def _header() -> str:
    return (
        "# zhenggai 审计链密钥：每行“编号 密钥”，最后一行签署新事件，之前各行用于校验旧事件。\n"
        "# 不要删除或修改已有的行；轮换密钥请运行 zhenggai audit rotate-key。\n"
    )


def rotate() -> str:
    """Append a new key to the key file; it signs every event from now on."""
    if settings.AUDIT_KEY:
        raise ImproperlyConfigured(
            "审计密钥由环境变量 ZHENGGAI_AUDIT_KEY 提供：请在其末尾追加“,新编号:新密钥”，"
            "保留原有各项，然后重启服务。"
        )
    key_id = _next_id(set(keyring().keys))
    path = Path(settings.AUDIT_KEY_FILE)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{key_id} {secrets.token_urlsafe(48)}\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key_id
