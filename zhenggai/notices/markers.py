"""Numbering marks of a notice: 一、 (一) 1. (1) ① 一是 第一 首先, and 针对“…”问题.

Each mark is found by one linear regex over the normalised text and kept only
where a heading or an item can begin (the start of a line or a sentence, or after
a comma for the run-in hands like 一是), so 统一、 or 2022. are never marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import label_value

CN = "一二三四五六七八九十"
MEASURE_HANDS = frozenset({"s", "c", "o"})
# Where a heading may begin: the start of the text, a line or a sentence.
STRONG = frozenset("\n 。;:!?")
# Run-in items (一是, ①, (1), 第一,) may also follow a comma or an enumeration comma.
WEAK = STRONG | frozenset(",、”’")

_MARK = re.compile(
    rf"(?P<h1>[{CN}]{{1,3}})[、.](?![{CN}\d])"
    rf"|\((?P<h2>[{CN}]{{1,3}})\)"
    r"|(?P<h2c>[㈠-㈩])"
    r"|(?P<a1>\d{1,2})[.、](?![\d%])"
    r"|\((?P<a2>\d{1,2})\)"
    r"|(?P<a2c>[⑴-⒇])"
    r"|(?P<c>[①-⑳])"
    rf"|(?P<s>[{CN}]{{1,3}})是"
    rf"|(?P<o>第[{CN}]{{1,2}}|首先|其次|再次|最后)(?=[,、:])"
)
_ORDER_WORDS = {"首先": 1, "其次": 2, "再次": 3}
_UNNUMBERED = re.compile(r"(?:针对|关于|在)“")
_FRAME_END = re.compile(r"(?:等|的)?(?:问题|方面)")
_QUOTE_LIMIT = 120


@dataclass
class Marker:
    """One numbering mark: its hand, its ordinal and where it stands."""

    hand: str
    value: int
    label: str
    start: int
    end: int
    title_start: int = -1  # for 针对“…”问题: the quoted title's span
    title_end: int = -1
    line_start: bool = False  # opens a line or a paragraph, not only a sentence


def find_markers(norm: str, start: int, stop: int) -> list[Marker]:
    """Numbering marks and unnumbered problem heads between start and stop."""
    marks = [m for m in _numbered(norm, start, stop)]
    marks.extend(_unnumbered(norm, start, stop, marks))
    marks.sort(key=lambda m: m.start)
    return marks


def _numbered(norm: str, start: int, stop: int):
    for match in _MARK.finditer(norm, start, stop):
        hand = match.lastgroup or ""
        label = match.group(hand)
        if not _at_boundary(norm, match.start(), hand):
            continue
        if hand == "o":
            value = _ORDER_WORDS.get(label) or (0 if label == "最后" else label_value(label[1:]))
        else:
            value = label_value(label)
        if value is None:
            continue
        hand = {"h2c": "h2", "a2c": "a2"}.get(hand, hand)
        label += "是" if hand == "s" else ""
        start = match.start()
        yield Marker(hand, value, label, start, match.end(), line_start=opens_line(norm, start))


def opens_line(norm: str, pos: int) -> bool:
    """At the start of a line, or after 。 and spaces (paragraphs of a page copied flat)."""
    back = pos
    while back and norm[back - 1] == " ":
        back -= 1
    return back == 0 or norm[back - 1] == "\n" or (back < pos and norm[back - 1] in "。!?")


def _at_boundary(norm: str, pos: int, hand: str) -> bool:
    if pos == 0:
        return True
    before = norm[pos - 1]
    if hand in ("h1", "a1"):
        return before in STRONG
    return before in WEAK or hand == "c"


def _unnumbered(norm: str, start: int, stop: int, marks: list[Marker]):
    """针对“…”问题 / 关于“…”问题 / 在“…”方面 that head a problem of their own."""
    ends = {m.end for m in marks}
    for match in _UNNUMBERED.finditer(norm, start, stop):
        at = match.start()
        if at and norm[at - 1] not in STRONG:
            continue
        back = at
        while back > start and norm[back - 1] == " ":
            back -= 1
        if back in ends:
            continue  # (一)针对“…”问题: the title of a numbered problem
        close = closing_quote(norm, match.end() - 1, min(stop, match.end() + _QUOTE_LIMIT))
        if close < 0 or not _FRAME_END.match(norm, close + 1):
            continue
        yield Marker("u", 0, "", at, close + 1, match.end(), close)


def closing_quote(norm: str, open_at: int, stop: int) -> int:
    """Index of the quote closing the one at open_at, or -1; inner quotes nest."""
    depth = 0
    for pos in range(open_at, min(stop, len(norm))):
        ch = norm[pos]
        if ch in "“‘":
            depth += 1
        elif ch in "”’":
            depth -= 1
            if depth == 0:
                return pos
        elif ch == "\n":
            return -1
    return -1
