"""parse never raises and never hangs, whatever it is given."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=300, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=80))
def test_it_parses_notice_like_noise(parts):
    notice = parse("".join(parts))
    notice.to_json()


@settings(max_examples=200, deadline=1000)
@given(st.text(max_size=400))
def test_it_parses_random_text(text):
    parse(text).to_json()


@settings(max_examples=100, deadline=1000)
@given(st.binary(max_size=400), st.sampled_from(["a.txt", "a.html", "a.docx", "a.htm"]))
def test_it_reads_random_bytes_or_refuses_them(data, name):
    try:
        text = read_bytes(data, name)
    except NoticeReadError:
        return
    parse(text).to_json()


@settings(max_examples=50, deadline=1000)
@given(
    st.lists(st.sampled_from(["utf-8", "gb18030", "utf-16-le", "big5"]), min_size=1, max_size=4),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=20),
)
def test_it_reads_mixed_encodings(encodings, parts):
    data = b"".join(
        piece.encode(encodings[i % len(encodings)], errors="replace")
        for i, piece in enumerate(parts)
    )
    try:
        text = read_bytes(data, "mixed.txt")
    except NoticeReadError:
        return
    parse(text).to_json()


ADVERSARIAL = {
    "unclosed quotes": "一、关于“" * 2000 + "针对“问题" * 2000,
    "10,000 一是 in a row": "一是" * 10_000,
    "10,000 一是 as items": "一、关于“甲”问题\n" + "一是做,".join([""] * 10_000),
    "numbered forever": "".join(f"{i}.做事。" for i in range(1, 10_000)),
    "1 MB without punctuation": "整改落实巡察反馈问题" * 100_000,
    "1 MB of digits": "1" * 1_000_000,
    "1 MB of Chinese numerals": "一二三四五六七八九十" * 100_000,
    "1 MB of quotes": "“‘" * 500_000,
    "deep parentheses": "(" * 100_000 + "一" + ")" * 100_000,
    "all openings": "\n".join(["一、", "(一)", "1.", "(1)", "①", "一是"] * 5000),
    "lone surrogates": "一、关于\ud800问题\udfff",
    "control characters": "\x00\x01一、\x0b问题\x1f",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL.keys())
def test_it_survives_adversarial_text_within_a_second(text):
    began = time.perf_counter()
    notice = parse(text)
    notice.to_json()
    assert time.perf_counter() - began < 1.0


def test_it_never_raises_even_on_non_text():
    assert parse(None).sections == []
    assert parse(b"bytes").sections == []
