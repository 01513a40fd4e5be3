"""The kinds of evidence file the ledger accepts, each recognised by its content.

An extension is only a claim: a file is accepted when its bytes (magic numbers, or the
parts inside a zip container) show the kind its extension names. Plain Python, no
Django: the table below is the one list of allowed kinds.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from zhenggai.safezip import UnsafeZip, check_zip


@dataclass(frozen=True)
class Kind:
    """An allowed evidence kind: its name for users, MIME type and accepted contents."""

    label: str
    content_type: str
    contents: frozenset[str]


def _kind(label: str, content_type: str, *contents: str) -> Kind:
    return Kind(label, content_type, frozenset(contents))


OOXML = "application/vnd.openxmlformats-officedocument"
KINDS: dict[str, Kind] = {
    ".pdf": _kind("PDF 文件", "application/pdf", "pdf"),
    ".ofd": _kind("OFD 版式文件", "application/ofd", "ofd"),
    # Word itself saves "doc" files as RTF in some workflows; both open as documents.
    ".doc": _kind("Word 97-2003 文档", "application/msword", "ole2", "rtf"),
    ".wps": _kind("WPS 文字文档", "application/vnd.ms-works", "ole2"),
    ".docx": _kind("Word 文档", f"{OOXML}.wordprocessingml.document", "docx"),
    ".xls": _kind("Excel 97-2003 表格", "application/vnd.ms-excel", "ole2"),
    ".et": _kind("WPS 表格文档", "application/vnd.ms-excel", "ole2"),
    ".xlsx": _kind("Excel 表格", f"{OOXML}.spreadsheetml.sheet", "xlsx"),
    ".jpg": _kind("JPEG 图片", "image/jpeg", "jpeg"),
    ".jpeg": _kind("JPEG 图片", "image/jpeg", "jpeg"),
    ".png": _kind("PNG 图片", "image/png", "png"),
    ".txt": _kind("文本文件", "text/plain", "text"),
}

# What a content looks like, for the refusal message.
LOOKS = {
    "pdf": "PDF 文件",
    "ofd": "OFD 版式文件",
    "ole2": "旧版 Office/WPS 文档（doc、xls、wps、et）",
    "rtf": "RTF 文档",
    "docx": "Word 文档（docx）",
    "xlsx": "Excel 表格（xlsx）",
    "pptx": "PowerPoint 演示文稿",
    "jpeg": "JPEG 图片",
    "png": "PNG 图片",
    "gif": "GIF 图片",
    "exe": "Windows 可执行程序",
    "elf": "Linux 可执行程序",
    "html": "网页（HTML）文件",
    "zip": "ZIP 压缩包",
    "badzip": "损坏的压缩包",
    "rar": "RAR 压缩包",
    "7z": "7z 压缩包",
    "text": "文本文件",
}

# Leading bytes, checked in order.
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"{\\rtf", "rtf"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"MZ", "exe"),
    (b"\x7fELF", "elf"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
]
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta")


class Refused(ValueError):
    """A file whose name or content is not an allowed kind; the message is for users."""


def kind_for(name: str) -> Kind:
    """The kind the file's extension claims, or Refused naming the allowed ones."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in KINDS:
        allowed = "、".join(sorted(s.lstrip(".") for s in KINDS))
        raise Refused(f"文件“{name}”的类型不允许上传；允许的类型：{allowed}。")
    return KINDS[suffix]


def sniff(data: bytes) -> str | None:
    """What the bytes are (a key of LOOKS), or None if nothing recognisable."""
    # PDF readers accept a header anywhere in the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    for magic, content in MAGIC:
        if data.startswith(magic):
            return content
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(HTML_STARTS):
        return "html"
    return "text" if _is_text(data) else None


def _sniff_zip(data: bytes) -> str:
    """Which Office or OFD container a zip is, by the parts it holds."""
    try:
        names = [info.filename for info in check_zip(data)]
    except zipfile.BadZipFile:
        return "badzip"
    if "OFD.xml" in names:
        return "ofd"
    if "[Content_Types].xml" in names:
        for prefix, content in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(prefix) for name in names):
                return content
    return "zip"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            pass
    return False


def check_content(name: str, data: bytes) -> Kind:
    """The file's kind when its content is what its extension claims, else Refused."""
    kind = kind_for(name)
    try:
        content = sniff(data)
    except UnsafeZip as exc:
        raise Refused(f"文件“{name}”不能接收：{exc}。") from None
    if content in kind.contents:
        return kind
    looks = f"看起来是{_spaced(LOOKS[content])}" if content else "无法识别其格式"
    # Only a content with one obvious extension gets the hint: OLE2 could be four.
    suffixes = [s for s, k in KINDS.items() if content in k.contents]
    if len({KINDS[s].label for s in suffixes}) == 1:
        looks += f"；如确为该类文件，请将扩展名改为 {suffixes[0]}"
    label = _spaced(kind.label)
    raise Refused(f"文件“{name}”的内容不是{label}，{looks}。请上传真实的{label}。")


def _spaced(label: str) -> str:
    """A space between Chinese text and a label that starts with a Latin name."""
    return f" {label}" if label[0].isascii() else label
