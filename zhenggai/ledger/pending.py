"""Uploads waiting between preview and commit, in $ZHENGGAI_DATA/imports.

Each is kept under a random token prefixed with the uploader's id, so that no name of
the visitor's choosing reaches the file system and no one else can commit it, next to
the draft its reading gave (a preview reloaded is not read again). A user's waiting
uploads stay under IMPORT_QUOTA_BYTES, the oldest giving way to a new one, and none is
kept past IMPORT_KEEP_HOURS.
"""

from __future__ import annotations

import gzip
import secrets
import time
from pathlib import Path

from django.conf import settings

from .draft import LedgerDraft
from .sandbox import draft_from_json, draft_to_json
from .services import LedgerError

DRAFT = ".draft.json.gz"


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(user_id: int, token: str) -> Path:
    return folder() / f"{user_id}-{token}"


def store(user_id: int, data: bytes) -> str:
    """Keep an upload's bytes; its token. Expired uploads go first, then the user's
    oldest until the new one fits their quota."""
    quota = settings.IMPORT_QUOTA_BYTES
    if len(data) > quota:
        raise LedgerError(f"文件超过待导入文件的空间上限 {quota // 1024 // 1024} MB。")
    sweep()
    _fit(user_id, len(data))
    token = secrets.token_hex(16)
    upload_path(user_id, token).write_bytes(data)
    return token


def keep(user_id: int, token: str, draft: LedgerDraft) -> None:
    """Keep the draft read from an upload, so that the preview need not read it again."""
    path = upload_path(user_id, token)
    with gzip.open(_draft_path(path), "wt", encoding="utf-8") as out:
        out.write(draft_to_json(draft))
    _fit(user_id, 0, spare=path)


def _fit(user_id: int, more: int, spare: Path | None = None) -> None:
    """Drop the user's oldest uploads (not `spare`) until `more` bytes fit the quota."""
    mine = sorted(_uploads(user_id), key=lambda path: path.stat().st_mtime)
    used = sum(_size(path) for path in mine)
    for oldest in [path for path in mine if path != spare]:
        if used + more <= settings.IMPORT_QUOTA_BYTES:
            break
        used -= _size(oldest)
        drop(oldest)


def kept(user_id: int, token: str) -> LedgerDraft | None:
    """A fresh copy of the draft kept for an upload, or None."""
    try:
        with gzip.open(_draft_path(upload_path(user_id, token)), "rt", encoding="utf-8") as src:
            return draft_from_json(src.read())
    except (OSError, ValueError):
        return None


def drop(path: Path) -> None:
    path.unlink(missing_ok=True)
    _draft_path(path).unlink(missing_ok=True)


def sweep() -> None:
    """Remove every upload (and its draft) older than IMPORT_KEEP_HOURS."""
    oldest = time.time() - settings.IMPORT_KEEP_HOURS * 3600
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass  # another request swept it first


def _uploads(user_id: int) -> list[Path]:
    return [p for p in folder().glob(f"{user_id}-*") if not p.name.endswith(DRAFT)]


def _draft_path(upload: Path) -> Path:
    return upload.with_name(upload.name + DRAFT)


def _size(upload: Path) -> int:
    draft = _draft_path(upload)
    try:
        return upload.stat().st_size + (draft.stat().st_size if draft.exists() else 0)
    except FileNotFoundError:
        return 0
