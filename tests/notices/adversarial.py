"""Texts built to make a parser backtrack, recurse or loop without end.

Shared by tests/notices/test_robust.py (what parse returns) and bench/adversarial.py
(how long it takes); scale multiplies every repetition, for the bench's growth ratios.
"""

from __future__ import annotations

OPENINGS = ["一、", "(一)", "1.", "(1)", "①", "一是"]


def adversarial(scale: int = 1) -> dict[str, str]:
    """Case name to text; at scale 1 the large ones are about 1 MB."""
    n = 10_000 * scale
    return {
        "unclosed quotes": "一、关于“" * (n // 5) + "针对“问题" * (n // 5),
        "一是 in a row": "一是" * n,
        "一是 as items": "一、关于“甲”问题\n" + "一是做,".join([""] * n),
        "numbered forever": "".join(f"{i}.做事。" for i in range(1, n)),
        "no punctuation": "整改落实巡察反馈问题" * (10 * n),
        "digits": "1" * (100 * n),
        "Chinese numerals": "一二三四五六七八九十" * (10 * n),
        "quotes": "“‘" * (50 * n),
        "deep parentheses": "(" * (10 * n) + "一" + ")" * (10 * n),
        "all openings": "\n".join(OPENINGS * (n // 2)),
        "lone surrogates": "一、关于\ud800问题\udfff" * scale,
        "control characters": "\x00\x01一、\x0b问题\x1f" * scale,
    }
