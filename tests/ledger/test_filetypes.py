"""Evidence uploads are what their extension claims: the content is sniffed."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhenggai.audit.models import Event
from zhenggai.disclosure.exports import notice_docx
from zhenggai.ledger import filetypes, services
from zhenggai.ledger.models import Evidence, Measure, Progress
from zhenggai.ledger.workbook import export_inspection

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>"


def a_zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


GOOD = [
    ("纪要.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"),
    ("盖章件.ofd", a_zip("OFD.xml", "Doc_0/Document.xml")),
    ("旧文档.doc", OLE2),
    ("另存文档.doc", b"{\\rtf1\\ansi \\par}"),
    ("金山文字.wps", OLE2),
    ("旧表格.xls", OLE2),
    ("金山表格.et", OLE2),
    ("文档.docx", a_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")),
    ("表格.xlsx", a_zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")),
    ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20),
    ("照片.JPEG", b"\xff\xd8\xff\xe1\x00\x10Exif\x00" + b"\x00" * 20),
    ("截图.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17),
    ("说明.txt", "已召开专题会议。\n".encode()),
    ("说明（国标）.txt", "已召开专题会议。\n".encode("gb18030")),
]


@pytest.mark.parametrize("name,data", GOOD, ids=[name for name, _ in GOOD])
def test_it_accepts_each_allowed_kind(name, data):
    kind = filetypes.check_content(name, data)
    assert kind is filetypes.KINDS[name[name.rindex(".") :].lower()]


@pytest.mark.django_db
def test_it_accepts_real_office_files_the_app_itself_writes(ledger_a):
    assert filetypes.check_content("台账.xlsx", export_inspection(ledger_a)).label == "Excel 表格"
    assert filetypes.check_content("通报.docx", notice_docx(ledger_a)).label == "Word 文档"


BAD = [
    ("报告.pdf", EXE, "文件“报告.pdf”的内容不是 PDF 文件，看起来是 Windows 可执行程序"),
    ("照片.jpg", EXE, "不是 JPEG 图片，看起来是 Windows 可执行程序"),
    ("说明.txt", EXE, "不是文本文件，看起来是 Windows 可执行程序"),
    ("文档.docx", a_zip("payload.exe"), "不是 Word 文档，看起来是 ZIP 压缩包"),
    ("盖章件.ofd", a_zip("payload.exe"), "不是 OFD 版式文件，看起来是 ZIP 压缩包"),
    ("报告.pdf", a_zip("a.txt"), "不是 PDF 文件，看起来是 ZIP 压缩包"),
    ("报告.pdf", HTML, "不是 PDF 文件，看起来是网页（HTML）文件"),
    ("说明.txt", HTML, "不是文本文件，看起来是网页（HTML）文件"),
    ("旧文档.doc", HTML, "看起来是网页（HTML）文件"),
    (
        "表格.xlsx",
        a_zip("[Content_Types].xml", "word/document.xml"),
        "不是 Excel 表格，看起来是 Word 文档（docx）；如确为该类文件，请将扩展名改为 .docx",
    ),
    ("文档.docx", OLE2, "看起来是旧版 Office/WPS 文档（doc、xls、wps、et）。"),
    ("截图.png", b"\xff\xd8\xff\xe0JFIF", "扩展名改为 .jpg"),
    ("说明.txt", "带空字符\x00".encode(), "不是文本文件，无法识别其格式"),
    ("说明.txt", bytes(range(128, 256)) * 4, "不是文本文件"),
    ("报告.pdf", b"PK\x03\x04broken", "看起来是损坏的压缩包"),
]


@pytest.mark.parametrize("name,data,message", BAD)
def test_it_refuses_content_that_is_not_what_the_extension_claims(name, data, message):
    with pytest.raises(filetypes.Refused) as refused:
        filetypes.check_content(name, data)
    assert message in str(refused.value)


def test_it_refuses_a_zip_bomb_dressed_as_a_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", b"\x00" * (600 * 1024 * 1024 // 100))
        archive.writestr("word/big.bin", b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(filetypes.Refused, match="疑似压缩炸弹"):
        filetypes.check_content("文档.docx", out.getvalue())


def test_the_allowed_kinds_are_one_list():
    assert not hasattr(services, "EVIDENCE_TYPES")
    with pytest.raises(filetypes.Refused, match="允许的类型：doc、docx、et、jpeg、jpg、ofd"):
        filetypes.kind_for("程序.exe")


# --- through the service and the report-progress page ----------------------------


def a_measure(ledger):
    return Measure.objects.filter(problem__inspection=ledger, status=Measure.Status.PLANNED).first()


def nothing_written(settings):
    stored = list(settings.MEDIA_ROOT.rglob("*")) if settings.MEDIA_ROOT.exists() else []
    return not Progress.objects.exists() and not Evidence.objects.exists() and stored == []


@pytest.mark.django_db
@pytest.mark.parametrize("data", [EXE, a_zip("a.txt"), HTML], ids=["exe", "zip", "html"])
def test_the_service_refuses_a_renamed_file_and_writes_nothing(ledger_a, cast, settings, data):
    good = SimpleUploadedFile("纪要.pdf", GOOD[0][1])
    renamed = SimpleUploadedFile("整改报告.pdf", data)
    with pytest.raises(services.LedgerError, match="文件“整改报告.pdf”的内容不是 PDF 文件"):
        services.report_progress(
            a_measure(ledger_a),
            actor=cast["owen"],
            text="已整改",
            reported_on=dt.date(2026, 4, 1),
            files=[good, renamed],
        )
    assert nothing_written(settings) and not Event.objects.exists()


@pytest.mark.django_db
def test_the_service_stores_a_sniffed_file_with_its_kind(ledger_a, cast):
    progress = services.report_progress(
        a_measure(ledger_a),
        actor=cast["owen"],
        text="已整改",
        reported_on=dt.date(2026, 4, 1),
        files=[SimpleUploadedFile(name, data) for name, data in GOOD],
    )
    stored = {e.name: (e.content_type, e.file.read()) for e in progress.evidence.all()}
    assert stored == {
        name: (filetypes.KINDS[name[name.rindex(".") :].lower()].content_type, data)
        for name, data in GOOD
    }


def report(client, measure, upload):
    data = {"reported_on": "2026-04-01", "text": "已召开专题会议", "figures": "", "files": upload}
    return client.post(reverse("ledger:measure-detail", args=[measure.pk]), data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data,looks",
    [
        ("会议纪要.pdf", EXE, "Windows 可执行程序"),
        ("会议纪要.docx", a_zip("setup.exe"), "ZIP 压缩包"),
        ("会议纪要.pdf", HTML, "网页（HTML）文件"),
    ],
)
def test_the_report_page_refuses_a_renamed_file(login, ledger_a, settings, name, data, looks):
    response = report(login("owen"), a_measure(ledger_a), SimpleUploadedFile(name, data))
    assert response.status_code == 200
    assert f"文件“{name}”的内容不是" in response.content.decode()
    assert f"看起来是{looks}" in response.content.decode().replace("是 ", "是")
    assert nothing_written(settings)


@pytest.mark.django_db
@pytest.mark.parametrize("name,data", GOOD[:3] + GOOD[-2:], ids=lambda v: str(v)[:12])
def test_the_report_page_accepts_a_real_file(login, ledger_a, name, data):
    measure = a_measure(ledger_a)
    response = report(login("owen"), measure, SimpleUploadedFile(name, data))
    assert response.status_code == 302
    assert Evidence.objects.get(progress__measure=measure).name == name
