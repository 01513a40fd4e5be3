"""Readers: encodings of .txt, page chrome of .html, Word numbering of .docx, bad files."""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from zhenggai.notices import NoticeReadError, read_bytes, read_file

SAMPLES = Path(__file__).parents[1] / "samples"
TEXT = "中共甲党组关于巡察整改情况的通报\n一、关于“乙”问题\n一是做A。\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "crlf", "utf16-bom"],
)
def test_it_detects_the_encoding_of_text(data):
    assert read_bytes(data, "notice.txt") == TEXT


def test_it_reads_mixed_encodings_line_by_line():
    data = "第一行：中文。\n".encode() + "第二行：国标。\n".encode("gb18030")
    assert read_bytes(data, "mixed.txt") == "第一行：中文。\n第二行：国标。\n"


def test_it_drops_page_chrome():
    text = read_file(SAMPLES / "hexi-market-2023.html")
    for chrome in (
        "首页",
        "当前位置",
        "发布时间",
        "浏览次数",
        "打印本页",
        "关闭窗口",
        "返回顶部",
        "分享到",
        "备案号",
        "var views",
        "|",
        "_河西区人民政府",
    ):
        assert chrome not in text, chrome
    assert text.startswith("中共河西区市场监督管理局党组关于")
    assert text.endswith("2023年8月31日")


def test_it_reads_a_declared_gbk_page():
    page = '<html><head><meta charset="gb2312"></head><body><p>一、关于“甲”问题</p></body></html>'
    assert read_bytes(page.encode("gbk"), "page.htm") == "一、关于“甲”问题"


def test_it_writes_out_word_list_numbers():
    lines = read_file(SAMPLES / "dongshan-hospital-2024.docx").splitlines()
    assert lines[2].startswith("一、关于")
    assert lines[3].startswith("（一）针对")
    assert lines[4].startswith("1.上线")
    assert lines[6].startswith("（二）针对")
    assert lines[10].startswith("二、关于") and lines[11].startswith("（一）")  # restarts


def test_it_writes_out_circled_numbers_and_tables():
    text = read_file(SAMPLES / "nanhu-street-2023.docx")
    assert "\n①整合网格员力量" in text and "\n③建立阵地" in text
    assert "\n监督电话 0574-5550123\n" in text


def test_it_keeps_paragraphs_and_tables_in_body_order():
    document = docx.Document()
    document.add_paragraph("前")
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "表"
    document.add_paragraph("后")
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "order.docx") == "前\n表\n后"


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "empty.txt", "空"),
        (b"   \n  ", "blank.txt", "没有可读的文字"),
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary.txt", "二进制"),
        (b"not a zip at all", "broken.docx", "损坏"),
        (_zip_without_document(), "other.docx", "Word"),
        (b"%PDF-1.7", "broken.pdf", "损坏"),
        (b"%PDF-1.7", "scan.ofd", "不支持"),
        (b"text", "noextension", "不支持"),
    ],
)
def test_it_refuses_bad_files_with_a_chinese_message(data, name, words):
    with pytest.raises(NoticeReadError) as raised:
        read_bytes(data, name)
    assert words in raised.value.message and name in raised.value.message


def test_it_names_a_missing_file(tmp_path):
    with pytest.raises(NoticeReadError, match="找不到文件") as raised:
        read_file(tmp_path / "nowhere.txt")
    assert "nowhere.txt" in raised.value.message
    with pytest.raises(NoticeReadError, match="不是文件"):
        read_file(tmp_path)
