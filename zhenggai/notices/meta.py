"""What surrounds the problem tree: title, kind, dates, inspection, signature."""

from __future__ import annotations

import datetime as dt
import re

from .clutter import issuer_like, title_line
from .numerals import chinese_to_int, digit_string_to_int
from .tree import InspectionInfo

_CN_DIGITS = "〇零一二三四五六七八九"
_DAY = r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
_MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
DATE = re.compile(rf"(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*{_MONTH}{_DAY}")
_RANGE_TAIL = re.compile(
    rf"\s*(?:至|到|—{{1,2}}|-|~)\s*(?:(\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*)?(?:{_MONTH})?{_DAY}"
)
_CHROME_LINE = re.compile(
    r"来源[:]|发布时间|浏览次数|点击数|访问量|打印本页|返回顶部|关闭窗口|当前位置|分享到|字号[:]"
    r"|【[^】\n]{0,8}】|首页\s*>|>\s*正文"
)
_TITLE_END = re.compile(r"(?:通报|公告|公示|报告|方案|意见|情况|通知|清单|决定|说明)$")
_DOC_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号\s*$")
_ROUND = re.compile(r"第[一二三四五六七八九十\d]{1,3}轮(?:常规|专项|机动|提级)?(?:巡察|巡视)")
_ROUND_LEFT_STOP = re.compile(r".*(?:关于|对|根据|按照|在|于|的|了|、|,|。|\s|日)", re.S)
_GROUP = re.compile(r"第[一二三四五六七八九十\d]{1,3}(?:巡察|巡视|督察)组")
_GROUP_PLAIN = re.compile(r"[区市县省州旗党]委(?:巡察|巡视)组")
_GROUP_PREFIX = re.compile(r"[镇乡区市县省州旗盟]党委|[区市县省州旗盟镇乡党]委|中央")


def blank_chrome(norm: str) -> str:
    """Page chrome (来源, 发布时间, 【打印本页】…) replaced by spaces, offsets kept."""
    out = []
    for line in norm.split("\n"):
        if len(line) < 160 and _CHROME_LINE.search(line) and "。" not in line:
            out.append(" " * len(line))
        else:
            out.append(re.sub(r"【[^】\n]{0,8}】", lambda m: " " * len(m.group()), line))
    return "\n".join(out)


def find_title(norm: str) -> tuple[int, int]:
    """Span of the title: the first line that reads like one (past a page's clutter), two
    lines joined when split mid-title or under the issuer's name."""
    lines = _lines(norm, limit=40)
    pick = title_line(norm, lines)
    if pick is None:
        lines = lines[:8]
    else:
        if pick and norm.count("\n", lines[pick - 1][1], lines[pick][0]) == 1:
            pick -= issuer_like(norm[lines[pick - 1][0] : lines[pick - 1][1]].strip())
        lines = lines[pick : pick + 8]
    for index, (start, stop) in enumerate(lines):
        line = norm[start:stop].strip()
        if _DOC_NUMBER.search(line) or len(line) < 4:
            continue
        if "。" in line or len(line) > 80:
            return _title_in_run(norm, start, stop)
        if not _TITLE_END.search(line) and index + 1 < len(lines):
            nstart, nstop = lines[index + 1]
            if _TITLE_END.search(norm[nstart:nstop].strip()) and nstop - start < 100:
                return start, nstop
        return start, stop
    return 0, 0


def _lines(norm: str, limit: int) -> list[tuple[int, int]]:
    spans, pos = [], 0
    while pos < len(norm) and len(spans) < limit:
        stop = norm.find("\n", pos)
        stop = len(norm) if stop < 0 else stop
        if norm[pos:stop].strip():
            spans.append((pos + len(norm[pos:stop]) - len(norm[pos:stop].lstrip()), stop))
        pos = stop + 1
    return spans


def _title_in_run(norm: str, start: int, stop: int) -> tuple[int, int]:
    """A whole notice on one line: the title runs to its first space or title word."""
    match = re.compile(r"\S{4,80}?(?:通报|公告|公示|报告|方案|意见)").match(norm, start, stop)
    if match and "。" not in match.group():
        return match.start(), match.end()
    return start, start


def detect_kind(title: str, head: str) -> str:
    """progress_notice, feedback, aggregate, plan or unknown, from the title first."""
    for source in (title, head):
        if re.search(r"整改(?:工作)?(?:实施)?方案|整改计划|任务清单", source):
            return "plan"
        if re.search(r"汇总|综合|集中(?:公布|公开)|各(?:单位|部门)", source) and "整改" in source:
            return "aggregate"
        if "整改" in source and re.search(r"进展|情况|通报|公告|公示|报告", source):
            return "progress_notice"
        if re.search(r"反馈意见|反馈情况|巡察反馈|巡视反馈", source):
            return "feedback"
    return "unknown"


def to_date(match: re.Match[str]) -> dt.date | None:
    year, month, day = (_number(match.group(i)) for i in (1, 2, 3))
    return _safe_date(year, month, day)


def _number(text: str | None) -> int | None:
    if not text:
        return None
    if text.isascii():
        return int(text)
    return digit_string_to_int(text) if len(text) == 4 else chinese_to_int(text)


def _safe_date(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    try:
        return dt.date(year, month, day) if year and month and day else None
    except ValueError:
        return None


def read_inspection(
    norm: str, original: str, title: tuple[int, int], preamble: tuple[int, int]
) -> InspectionInfo:
    """Round, group, on-site dates and feedback date; names as written in the original."""
    info = InspectionInfo()
    found = _round(norm, *title) or _round(norm, *preamble)
    info.round = original[found[0] : found[1]] if found else None
    found = _group(norm, *preamble) or _group(norm, *title)
    info.group = original[found[0] : found[1]] if found else None
    info.start, info.end, range_stop = _on_site(norm, *preamble)
    info.feedback_date = _feedback_date(norm, preamble[0], preamble[1], range_stop)
    if info.feedback_date is None and info.end:
        info.feedback_date = _feedback_day(
            norm, max(preamble[0], range_stop), preamble[1], info.end
        )
    return info


def _round(norm: str, start: int, stop: int) -> tuple[int, int] | None:
    match = _ROUND.search(norm, start, stop)
    if not match:
        return None
    left_start = max(start, match.start() - 20)
    cut = _ROUND_LEFT_STOP.match(norm[left_start : match.start()])
    return left_start + (cut.end() if cut else 0), match.end()


def _group(norm: str, start: int, stop: int) -> tuple[int, int] | None:
    match = _GROUP.search(norm, start, stop)
    if match:
        for size in (3, 2):
            if _GROUP_PREFIX.fullmatch(norm, max(start, match.start() - size), match.start()):
                return max(start, match.start() - size), match.end()
        return match.start(), match.end()
    plain = _GROUP_PLAIN.search(norm, start, stop)
    return (plain.start(), plain.end()) if plain else None


def _on_site(norm: str, start: int, stop: int) -> tuple[dt.date | None, dt.date | None, int]:
    """The first date range of the preamble: the inspection on site."""
    for match in DATE.finditer(norm, start, stop):
        tail = _RANGE_TAIL.match(norm, match.end(), stop)
        if not tail:
            continue
        first = to_date(match)
        if first is None:
            continue
        year = _number(tail.group(1)) or first.year
        month = _number(tail.group(2)) or first.month
        return first, _safe_date(year, month, _number(tail.group(3))), tail.end()
    return None, None, start


def _feedback_date(norm: str, start: int, stop: int, after: int) -> dt.date | None:
    """The first full date in a sentence that speaks of 反馈, outside the on-site range."""
    for match in DATE.finditer(norm, max(start, after), stop):
        sentence_end = _sentence_end(norm, match.end(), stop)
        sentence_start = max(norm.rfind("。", start, match.start()), start)
        if "反馈" in norm[sentence_start:sentence_end]:
            return to_date(match)
    return None


_MONTH_DAY = re.compile(rf"(?<![\d年月]){_MONTH}{_DAY}")


def _feedback_day(norm: str, start: int, stop: int, after: dt.date) -> dt.date | None:
    """A feedback date written without its year (8月16日反馈): the first such day after
    the inspection's end."""
    for match in _MONTH_DAY.finditer(norm, start, stop):
        sentence_start = max(norm.rfind("。", start, match.start()), start)
        if "反馈" not in norm[sentence_start : _sentence_end(norm, match.end(), stop)]:
            continue
        month, day = _number(match.group(1)), _number(match.group(2))
        found = _safe_date(after.year, month, day)
        if found and found < after:
            found = _safe_date(after.year + 1, month, day)
        return found
    return None


def _sentence_end(norm: str, pos: int, stop: int) -> int:
    found = norm.find("。", pos, stop)
    return stop if found < 0 else found


def find_signature(norm: str, body_stop: int) -> tuple[int, str | None, dt.date | None]:
    """Start, issuer and date of the signature at the end, or (len, None, None)."""
    tail_start = max(body_stop, len(norm.rstrip()) - 400)
    last = None
    for match in DATE.finditer(norm, tail_start):
        if not norm[match.end() :].strip(" \n"):
            last = match
    if last is None:
        return len(norm), None, None
    head_start = max(norm.rfind("。", 0, last.start()), norm.rfind(";", 0, last.start())) + 1
    issuer = norm[head_start : last.start()].strip()
    lines = [line.strip() for line in issuer.split("\n") if line.strip()]
    issuer = lines[-1] if lines else ""
    if not issuer or len(issuer) > 40 or re.search(r"[,:。]", issuer):
        return last.start(), None, to_date(last)
    return norm.rfind(issuer, head_start, last.start()), issuer, to_date(last)
