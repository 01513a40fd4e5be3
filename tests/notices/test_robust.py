"""parse returns a well-formed notice whatever it is given; read_bytes a text or a
Chinese refusal naming the file. How long parse takes is measured in bench/adversarial.py."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notices.adversarial import adversarial
from tests.notices.checks import parsed
from zhenggai.notices import NoticeReadError, parse, read_bytes

PIECES = [
    "一、",
    "(一)",
    "（二）",
    "1.",
    "2、",
    "(1)",
    "①",
    "一是",
    "二是",
    "第一,",
    "首先,",
    "最后,",
    "针对“",
    "关于“",
    "”问题",
    "“",
    "”",
    "‘",
    "。",
    "\n",
    " ",
    "下一步",
    "欢迎监督。",
    "电话:",
    "12345678",
    "2022年5月29日",
    "十四五",
    "3次",
    "1.5万元",
    "约",
    "余",
    "〔2022〕",
    "《",
    "》",
    "整改情况的通报",
    "中共甲党组",
    "問題",
    "巡察",
    "第二轮",
    "巡察组",
    "至",
    "反馈",
]


# No deadline: how long an example takes is the bench's business, not a test's.
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=80))
def test_it_parses_notice_like_noise(parts):
    parsed("".join(parts))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_it_parses_random_text(text):
    parsed(text)


CHINESE = re.compile(r"[\u4e00-\u9fff]")


def read_or_refuse(data: bytes, name: str) -> str | None:
    """The text read, checked; None for a refusal, which must be Chinese and name the file."""
    try:
        text = read_bytes(data, name)
    except NoticeReadError as exc:
        assert str(exc) == exc.message and CHINESE.search(exc.message), exc.message
        assert name in exc.message, exc.message
        return None
    assert isinstance(text, str) and text.strip() and "\r" not in text
    parsed(text)
    return text


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.html", "a.docx", "a.htm", "a.pdf"]))
def test_it_reads_random_bytes_or_refuses_them(data, name):
    text = read_or_refuse(data, name)
    assert name != "a.pdf" or text is None


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(["utf-8", "gb18030", "utf-16-le", "big5"]), min_size=1, max_size=4),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=20),
)
def test_it_reads_mixed_encodings(encodings, parts):
    data = b"".join(
        piece.encode(encodings[i % len(encodings)], errors="replace")
        for i, piece in enumerate(parts)
    )
    text = read_or_refuse(data, "mixed.txt")
    # UTF-8 alone is read exactly. (Not GB18030: a text as short as "(一)" is also UTF-8.)
    if set(encodings[: len(parts)]) == {"utf-8"} and "".join(parts).strip():
        assert text == "".join(parts)


ADVERSARIAL = adversarial()


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_it_parses_adversarial_text(text):
    notice = parsed(text)
    assert notice.warnings  # none of these is a notice; the parser says what it missed


def test_it_never_raises_even_on_non_text():
    assert parse(None).sections == []
    assert parse(b"bytes").sections == []


def test_it_keeps_figures_finite_however_long_the_number():
    parsed("一、关于“甲”问题\n（一）针对“乙”问题\n一是召开会议1" + "0" * 310 + "次。")
