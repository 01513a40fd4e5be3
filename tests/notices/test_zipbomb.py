import io
import zipfile

import pytest

from zhenggai.notices import NoticeReadError, read_bytes
from zhenggai.safezip import UnsafeZip, check_zip


def bomb(size: int, entries: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(entries):
            archive.writestr(f"word/part{index}.xml", b"\0" * size)
    return buffer.getvalue()


def test_it_refuses_a_docx_that_would_unpack_to_gigabytes():
    data = bomb(150 * 1024 * 1024)  # a few hundred KB on disk
    assert len(data) < 1024 * 1024
    with pytest.raises(NoticeReadError, match="Word 文件被拒绝.*解压后过大.*：通报.docx$"):
        read_bytes(data, "通报.docx")


@pytest.mark.parametrize(
    "data,message",
    [
        (bomb(5 * 1024 * 1024), "压缩比异常"),
        (bomb(1, entries=10_001), "文件过多"),
    ],
)
def test_it_refuses_suspicious_archives(data, message):
    with pytest.raises(UnsafeZip, match=message):
        check_zip(data)


def test_it_accepts_an_ordinary_archive_and_lists_its_entries():
    entries = check_zip(bomb(10_000, entries=3))
    assert [(e.filename, e.file_size) for e in entries] == [
        (f"word/part{i}.xml", 10_000) for i in range(3)
    ]
