"""Reading a notice file into text: .txt, .html/.htm, .docx and .pdf, chosen by extension.

`read_document` also keeps the tables of a Word file or of a PDF's ruled grids (see
document.py); `read_bytes` and
`read_file` give the text alone.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable
from pathlib import Path

from . import pdffile, webpage, wordfile
from .document import Document


class NoticeReadError(Exception):
    """A file that cannot be read as a notice; the message is Chinese and names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_file(path: str | os.PathLike[str]) -> str:
    """The text of a notice file; raises NoticeReadError with a Chinese message."""
    return read_document_file(path).text


def read_document_file(path: str | os.PathLike[str]) -> Document:
    """The text and tables of a notice file; raises NoticeReadError with a Chinese message."""
    file = Path(path)
    if not file.exists():
        raise NoticeReadError(f"找不到文件：{file}")
    if not file.is_file():
        raise NoticeReadError(f"不是文件：{file}")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise NoticeReadError(f"无法读取文件：{file}（{exc.strerror or exc}）") from exc
    return read_document(data, str(file))


def read_bytes(data: bytes, filename: str) -> str:
    """The text of an uploaded file's bytes; the extension of filename picks the reader."""
    return read_document(data, filename).text


def read_document(data: bytes, filename: str) -> Document:
    """The text and tables of an uploaded file's bytes, read as its extension says."""
    name = os.path.basename(filename) or filename
    extension = os.path.splitext(name)[1].lower()
    reader = READERS.get(extension)
    if reader is None:
        shown = extension or "无扩展名"
        raise NoticeReadError(
            f"不支持的文件类型（{shown}）：{name}。请上传 .txt、.html、.docx 或 .pdf 文件"
        )
    if not data:
        raise NoticeReadError(f"文件是空的：{name}")
    try:
        read = reader(data)
    except NoticeReadError:
        raise
    except ValueError as exc:
        raise NoticeReadError(f"{str(exc) or '文件无法读取'}：{name}") from exc
    document = read if isinstance(read, Document) else Document(read)
    if not document.text.strip():
        raise NoticeReadError(f"文件中没有可读的文字：{name}")
    return document


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK, line by line if mixed."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _newlines(data.decode("utf-16", errors="replace"))
    if _looks_binary(data):
        raise ValueError("这是二进制文件，不是文本")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _newlines(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    # Pasted together from files in different encodings: decide line by line.
    return _newlines("\n".join(_decode_line(line) for line in data.split(b"\n")))


def _decode_line(line: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("utf-8", errors="replace")


def _looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: a zip, an image, an old .doc."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13, 27))
    return controls > len(head) // 20


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_html(data: bytes) -> str:
    return webpage.html_to_text(webpage.decode_html(data, decode_text))


READERS: dict[str, Callable[[bytes], str | Document]] = {
    ".txt": decode_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": wordfile.docx_to_document,
    ".pdf": pdffile.pdf_to_document,
}
