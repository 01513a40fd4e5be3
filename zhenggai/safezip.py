"""Refuse zip bombs before they are unpacked: .docx and .xlsx are zip archives.

The limits apply to the sizes the archive declares; Python's zipfile never inflates
an entry past its declared size, so a lying header cannot get round them.
"""

from __future__ import annotations

import io
import zipfile

MAX_ENTRIES = 10_000
MAX_TOTAL = 512 * 1024 * 1024  # uncompressed bytes, all entries together
MAX_RATIO = 200  # uncompressed / compressed, for entries larger than 1 MB


class UnsafeZip(ValueError):
    """An archive that would take too much memory or time to unpack."""


def check_zip(
    data: bytes,
    *,
    max_total: int = MAX_TOTAL,
    max_ratio: int = MAX_RATIO,
    max_entries: int = MAX_ENTRIES,
) -> list[zipfile.ZipInfo]:
    """The entries of a safe archive; UnsafeZip (Chinese message) or BadZipFile if not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        # A damaged header can name a compression method or a version zipfile lacks.
        raise zipfile.BadZipFile(str(exc)) from exc
    if len(entries) > max_entries:
        raise UnsafeZip(f"压缩包内文件过多（{len(entries)} 个），疑似压缩炸弹")
    total = sum(info.file_size for info in entries)
    if total > max_total:
        raise UnsafeZip(f"解压后过大（{total // (1024 * 1024)} MB），疑似压缩炸弹")
    for info in entries:
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeZip(f"压缩比异常（{info.filename}），疑似压缩炸弹")
    return entries
