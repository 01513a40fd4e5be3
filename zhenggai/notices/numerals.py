"""Chinese numerals: 十四, 一千二百, 两万三千, 二〇二二 (digit by digit, for years)."""

from __future__ import annotations

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
PAREN_IDEOGRAPHS = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"


def chinese_to_int(text: str) -> int | None:
    """The value of a Chinese numeral, or None when it is not one (五一, 十四五)."""
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    total, rest = 0, text
    # Split on 亿 then 万 so that 三万五千 is 3*10000 + 5000.
    for big_char, big in sorted(BIG_UNITS.items(), key=lambda kv: -kv[1]):
        if big_char in rest:
            head, _, rest = rest.partition(big_char)
            value = _below_10000(head) if head else None
            if value is None or big_char in rest:
                return None
            total += value * big
    if rest:
        value = _below_10000(rest)
        if value is None:
            return None
        total += value
    return total


def _below_10000(text: str) -> int | None:
    """一千二百, 十四, 一百零五; None for a run of bare digits like 五一."""
    total, digit, last_unit, zero = 0, None, 10_000, False
    for ch in text:
        if ch in "零〇" and digit is None and total:
            zero = True  # 一百零五: the zero only fills a gap
        elif ch in DIGITS:
            if digit is not None:
                return None  # two digits in a row: 五一, 十四五
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit or (digit is None and (unit != 10 or total)):
                return None
            total += (1 if digit is None else digit) * unit  # 十四 means 一十四
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        # A trailing digit must be units: 十四, 一百零五, or a lone 五 (not 三百五).
        if last_unit not in (10, 10_000) and not zero:
            return None
        total += digit
    return total


def digit_string_to_int(text: str) -> int | None:
    """二〇二二 → 2022: years are written digit by digit."""
    if not text or any(ch not in DIGITS for ch in text):
        return None
    return int("".join(str(DIGITS[ch]) for ch in text))


def label_value(label: str) -> int | None:
    """The ordinal of a numbering label: 三, 12, ③, ⑵, ㈢."""
    if label.isascii() and label.isdigit():
        return int(label)
    for series in (CIRCLED, PAREN_DIGITS, PAREN_IDEOGRAPHS):
        if len(label) == 1 and label in series:
            return series.index(label) + 1
    return chinese_to_int(label)


def int_to_chinese(value: int) -> str:
    """3 → 三, 14 → 十四, 105 → 一百零五: Word's chineseCounting list numbers."""
    if value <= 0:
        return "零"
    digits = "零一二三四五六七八九"
    parts, zero = [], False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(digits[digit] + unit)
    text = "".join(parts) if value < 10_000 else str(value)
    return text[1:] if text.startswith("一十") else text
