"""Evidence files for the demo, written by code: a PDF, Word minutes and a photo-like PNG.

Each opens in an ordinary reader and passes the upload checks (`ledger.filetypes`).
"""

from __future__ import annotations

import hashlib
import io
import struct
import textwrap
import zlib
from pathlib import PurePath

FICTION = "（演示材料：单位、人员和内容均为虚构。）"


def evidence_file(name: str, facts: dict[str, str]) -> bytes:
    """The file's bytes, by its extension, written from what the report says.

    `facts`: unit, measure, report, department, owner, leader, day.
    """
    suffix, title = PurePath(name).suffix.lower(), PurePath(name).stem
    if suffix == ".pdf":
        lines = [
            facts["unit"],
            f"整改措施：{facts['measure']}",
            f"落实情况：{facts['report']}",
            f"责任部门：{facts['department']}　责任人：{facts['owner'] or '—'}",
            f"日期：{facts['day']}",
        ]
        return pdf(title, [*lines, FICTION])
    if suffix == ".docx":
        lines = [
            f"时间：{facts['day']}",
            f"地点：{facts['unit']}会议室",
            f"主持：{facts['leader']}",
            f"记录：{facts['owner'] or facts['department']}",
            f"议题：{facts['measure']}",
            f"会议情况：{facts['report']}",
            "会议要求：各责任部门对照任务分工抓好落实，按期报送整改进展和佐证材料。",
        ]
        return minutes(title, lines)
    if suffix == ".png":
        return png(name)
    raise ValueError(f"no demo file of kind {suffix}")


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF in the standard CJK font STSong-Light (UniGB-UCS2-H).

    Readers bring that font themselves, so nothing is embedded and the file stays small.
    """
    body = ["BT", "/F1 16 Tf", "72 770 Td", "20 TL", f"<{_ucs2(title)}> Tj", "/F1 11 Tf", "T*"]
    for line in lines:
        for part in textwrap.wrap(line, 38) or [""]:
            body += ["T*", f"<{_ucs2(part)}> Tj"]
    body.append("ET")
    stream = "\n".join(body).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        # CIDs 1-95 are the half-width ASCII characters (digits in dates and counts).
        b"/FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _ucs2(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def minutes(title: str, lines: list[str]) -> bytes:
    """Meeting minutes as a .docx: heading, the usual header lines, then the body."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    for line in [*lines, FICTION]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png(name: str, width: int = 480, height: int = 320) -> bytes:
    """A picture of a notice board on a wall, varied by the file name (no text in it)."""
    seed = hashlib.sha256(name.encode("utf-8")).digest()
    wall = bytes((200 + seed[0] % 40, 200 + seed[1] % 40, 190 + seed[2] % 40))
    pixels = bytearray(wall * (width * height))

    def fill(x0: int, y0: int, x1: int, y1: int, colour: bytes) -> None:
        for y in range(y0, y1):
            start = (y * width + x0) * 3
            pixels[start : start + (x1 - x0) * 3] = colour * (x1 - x0)

    fill(30, 30, width - 30, height - 50, b"\x6d\x4c\x41")  # the board's frame
    fill(40, 40, width - 40, 80, b"\xb7\x1c\x1c")  # its red header
    fill(40, 80, width - 40, height - 60, b"\xf4\xf1\xe8")
    sheets = 2 + seed[3] % 3
    step = (width - 100) // sheets
    for i in range(sheets):
        x = 55 + i * step
        fill(x, 95, x + step - 25, height - 75, b"\xff\xff\xff")
        for row in range(110, height - 90, 14):  # lines of print on each sheet
            length = step - 45 - (seed[(i + row) % 32] % 40)
            fill(x + 10, row, x + 10 + max(length, 20), row + 5, b"\x99\x99\x99")
    fill(0, height - 50, width, height, b"\x8a\x8f\x96")  # the floor
    raw = b"".join(
        b"\x00" + bytes(pixels[y * width * 3 : (y + 1) * width * 3]) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )
