"""Figures: a number followed by a counting unit, found in normalised text.

The scan is linear: one regex finds maximal runs of digits or Chinese numerals
(finditer never re-enters a run), and everything around a run is checked by
looking at a few neighbouring characters.
"""

from __future__ import annotations

import bisect
import re

from .normalize import normalise
from .numerals import NUMERAL_CHARS, chinese_to_int
from .tree import Figure

# Longest first, so 人次 wins over 人 and 个月 over 个. 年/月/日/号/届/季度 are not here:
# they make dates, document numbers and ordinals, which are not quantities.
UNITS = sorted(
    """个百分点 个工作日 个月 个 人次 次 人 名 家次 家 项 场次 场 起 位 分钟 分 万元 亿元 千元 元
    % 件 条 篇 份 期 批次 批 户次 户 所 座 处 台 套 本 册 张 门 节 课时 学时 小时 天 公里
    平方米 米 亩 吨 辆 间 支 组 类 种 轮 笔 宗 幅 块 只 棵 页 盏 倍 封 例""".split(),
    key=len,
    reverse=True,
)
_UNIT_SET = set(UNITS)
_MAX_UNIT = max(map(len, UNITS))

# Names and slogans written with numerals, never quantities.
NAMES = """三重一大 三会一课 一岗双责 两学一做 三严三实 四个意识 四个自信 两个维护 两个确立
    八项规定 四种形态 两个责任 三个代表 四个全面 五位一体 三位一体 两个务必 三个区分开来
    一门心思 一本账 一张网 一张蓝图 一条龙 两个一百年 十四五 十三五 十五五 五一 二十大
    十九大 一把手 一次性 一站式 三不腐 四风 四下基层 一件事 一盘棋""".split()
_NAMES_RE = re.compile("|".join(sorted(NAMES, key=len, reverse=True)))

_RUN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?[万亿]?|[" + NUMERAL_CHARS + "]+")
_PERCENT_WORDS = re.compile(r"百分之([" + NUMERAL_CHARS + r"点\d.]{1,12})")
# Words that look like numeral + unit but are not quantities.
_NOT_FIGURES = {("一", "起"), ("十", "分"), ("一", "批")}
_ONE_WORD_BEFORE = set("每统唯同逐之其某另单专万")
# What makes a figure approximate stays in its text: 近20万元, 80分以上, 3至5个.
_APPROX_BEFORE = "约近逾"
_APPROX_AFTER = ("以上", "以下", "以内", "左右")
_RANGE = "至到~～—－-"


def find_figures(norm: str, original: str) -> list[Figure]:
    """Every figure of the normalised text, with spans into the original."""
    shields = _shield_intervals(norm)
    names = [(m.start(), m.end()) for m in _NAMES_RE.finditer(norm)]
    figures: list[Figure] = []
    covered = 0  # the end of the last figure: the second number of a range is inside it
    for match in _RUN.finditer(norm):
        if match.start() < covered or _inside(names, match.start()):
            continue
        figure = _figure_at(norm, original, match)
        if figure is None or _inside(shields[0], match.start()):
            continue
        if match.group()[0] not in "0123456789" and _inside(shields[1], match.start()):
            continue  # Chinese numerals in quotes name things: “四有”, “六讲六做”.
        figure.text = original[figure.start : figure.end]
        figures.append(figure)
        covered = figure.end
    figures.extend(_percent_words(norm, original))
    figures.sort(key=lambda f: f.start)
    return figures


def _figure_at(norm: str, original: str, match: re.Match[str]) -> Figure | None:
    run, start, end = match.group(), match.start(), match.end()
    before = norm[start - 1] if start else ""
    if before == "第" or (before.isascii() and before.isalnum()) or before in "-/:.":
        return None  # 第3次, G20, 2022-05-30, 09:56
    if (
        before in _RANGE
        and start > 1
        and (norm[start - 2].isdigit() or norm[start - 2] in NUMERAL_CHARS)
    ):
        return None  # the second half of a range whose first half is no figure: 第1至3次
    value = _value(run)
    if value is None:
        return None
    if run[-1] in "万亿" and norm.startswith("元", end):
        run, end, value = run[:-1], end - 1, _value(run[:-1])  # 三万元 is 3 万元
        if value is None:
            return None
    pos, approx = end, False
    if (second := _range_end(norm, pos)) is not None:
        pos, approx = second, True  # 3至5个, 3-5个: the value is the lower bound
    if norm.startswith(("余", "多"), pos):
        pos, approx = pos + 1, True
    unit = _unit_at(norm, pos)
    if unit is None or _is_word(norm, run, unit, start, pos + len(unit)):
        return None
    stop = pos + len(unit)
    first = start
    if before in _APPROX_BEFORE:
        first, approx = start - 1, True
    if norm.startswith(_APPROX_AFTER, stop):
        stop, approx = stop + 2, True
    unit = original[pos : pos + len(unit)]  # as written: 個 stays 個
    return Figure(value=value, unit=unit, start=first, end=stop, approx=approx)


def _is_number_char(ch: str) -> bool:
    return bool(ch) and (ch.isdigit() or ch in NUMERAL_CHARS)


def _range_end(norm: str, pos: int) -> int | None:
    """Where the second number of a range ends (3至5个), or None when none follows."""
    if not norm.startswith(tuple(_RANGE), pos):
        return None
    second = _RUN.match(norm, pos + 1)
    if second is None or _value(second.group()) is None:
        return None
    return second.end()


# No count in a notice comes near this (1000亿); a longer run of digits is not a figure
# (and could be inf as a float, which JSON cannot hold). The ledger refuses a typed
# figure at this bound too: 11 integer digits and 4 decimals are 15 significant digits,
# what SQLite keeps exactly (it stores a decimal as a float).
MAX_FIGURE = 1e11


def _value(run: str) -> float | None:
    value = _raw_value(run)
    return value if value is not None and abs(value) < MAX_FIGURE else None


def _raw_value(run: str) -> float | None:
    if run[0].isdigit():
        multiplier = 1
        if run[-1] in "万亿":
            multiplier = 10_000 if run[-1] == "万" else 100_000_000
            run = run[:-1]
        try:
            return float(run.replace(",", "")) * multiplier
        except ValueError:
            return None
    value = chinese_to_int(run)
    return None if value is None else float(value)


def _unit_at(norm: str, pos: int) -> str | None:
    for size in range(_MAX_UNIT, 0, -1):
        if norm[pos : pos + size] in _UNIT_SET:
            return norm[pos : pos + size]
    return None


def _is_word(norm: str, run: str, unit: str, start: int, stop: int) -> bool:
    """一起 (together), 十分 (very), 三分之一, 一户一档: numerals inside ordinary words."""
    after = norm[stop : stop + 1]
    if (run, unit) in _NOT_FIGURES and not norm.startswith("钟", stop):
        return True
    if unit == "分" and after == "之" or unit == "元" and after == "化":
        return True
    if run[0] not in "0123456789":
        if after and after in NUMERAL_CHARS and after not in "万亿十百千":
            return True  # slogans: 一人一档, 一企一策
        if run == "一" and start and norm[start - 1] in _ONE_WORD_BEFORE:
            return True  # 每一个, 统一, 唯一
    return False


def _percent_words(norm: str, original: str) -> list[Figure]:
    out = []
    for match in _PERCENT_WORDS.finditer(norm):
        number = match.group(1).replace("点", ".")
        value = _value(number) if number[0].isdigit() else _chinese_decimal(number)
        if value is not None:
            out.append(
                Figure(
                    value=value,
                    unit="%",
                    text=original[match.start() : match.end()],
                    start=match.start(),
                    end=match.end(),
                )
            )
    return out


def _chinese_decimal(text: str) -> float | None:
    whole, _, frac = text.partition(".")
    value = chinese_to_int(whole)
    digits = [str(chinese_to_int(ch)) for ch in frac]
    if value is None or "None" in digits:
        return None
    result = float(f"{value}.{''.join(digits) or 0}")
    return result if abs(result) < MAX_FIGURE else None


def _shield_intervals(norm: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of 《book titles》 and 〔doc numbers〕 (no figures), and of “quotes”."""
    books = _pairs(norm, "《〔[", "》〕]")
    quotes = _pairs(norm, "“‘", "”’")
    return books, quotes


def _pairs(norm: str, opens: str, closes: str) -> list[tuple[int, int]]:
    """Outermost bracket spans, closed at the end of a line at the latest."""
    spans, depth, begin = [], 0, 0
    for match in re.finditer("[" + re.escape(opens + closes) + "\n]", norm):
        ch, at = match.group(), match.start()
        if ch in opens:
            if depth == 0:
                begin = at
            depth += 1
        elif depth and (ch in closes or ch == "\n"):
            depth = 0 if ch == "\n" else depth - 1
            if depth == 0:
                spans.append((begin, at + 1))
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    index = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= pos < spans[index][1]


_CLAUSE_END = set("，；：,;:")
_SENTENCE_END = set("。！？!?\n")
_OPENS, _CLOSES = "（(【[〔《“‘", "）)】]〕》”’"
MAX_COUNTS = 100


def counts_before(text: str, at: int) -> str:
    """What the figure at `at` counts: the clause before it, as written.

    A contiguous slice of `text` that ends where the figure starts, so that it reads
    on into the figure (目前粉丝数量 + 15000余名). It stops at a sentence end, at clause
    punctuation or a 、 outside brackets (not at 、 between numbers: 2019、2020年), and
    never holds half a pair of brackets or quotes: a figure inside brackets counts
    what the brackets hold before it.
    """
    if not 0 < at <= len(text):
        return ""
    norm = normalise(text[:at])
    begin, depth = max(0, at - MAX_COUNTS), 0
    for i in range(at - 1, begin - 1, -1):
        ch = norm[i]
        if ch in _CLOSES:
            depth += 1
        elif ch in _OPENS and depth:
            depth -= 1
        elif ch in _OPENS or ch in _SENTENCE_END or depth == 0 and _clause_stop(norm, i):
            begin = i + 1
            break
    return text[_balanced_from(norm, begin, at) : at].strip()


def _clause_stop(norm: str, i: int) -> bool:
    if norm[i] in _CLAUSE_END:
        return True
    between_numbers = 0 < i < len(norm) - 1 and norm[i - 1].isdigit() and norm[i + 1].isdigit()
    return norm[i] == "、" and not between_numbers


def _balanced_from(norm: str, begin: int, at: int) -> int:
    """The first offset from which norm[begin:at] holds no unpaired bracket."""
    stack: list[int] = []
    for i in range(begin, at):
        ch = norm[i]
        if ch in _OPENS:
            stack.append(i)
        elif ch in _CLOSES:
            if stack and _OPENS.index(norm[stack[-1]]) == _CLOSES.index(ch):
                stack.pop()
            else:
                begin, stack = i + 1, []  # a close whose open lies before the clause
    return stack[-1] + 1 if stack else begin
