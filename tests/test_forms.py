import pytest

from zhenggai.forms import clean_text


@pytest.mark.parametrize(
    "typed,kept",
    [
        ("  召开会议  ", "召开会议"),
        ("召开会议３次，ＡＢＣ", "召开会议3次，ABC"),
        ("第一行　\r\n　第二行", "第一行\n第二行"),
        ("“引号”（括号）；", "“引号”（括号）；"),
        ("", ""),
    ],
)
def test_it_normalises_what_people_type(typed, kept):
    assert clean_text(typed) == kept
