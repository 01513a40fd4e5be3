"""What a web page puts around a notice, recognised line by line in copied text.

Navigation bars (首页 | 政务公开 | …), breadcrumbs (当前位置：首页 > …, 政务公开 >
巡察整改), site names (…门户网站), the browser's title (…通报_某某网), publication dates
and times, 来源/作者/浏览次数 lines, font and share bars, and the page foot (上一篇,
主办单位, ICP备案, 技术支持) are blanked out (replaced by spaces, so offsets stay), and
whatever short lines follow the signature are the page's too. The title is then the
first line that reads like one, not merely the first line.
"""

from __future__ import annotations

import re

_SEPARATOR = r"[|>»›/·•]|->|=>|\s{2,}"
_NAV_TOKEN = re.compile(r"[^\s|>»›/·•]{1,12}")
_SITE = re.compile(
    r"(?:门户网站|门户网|政府网|政务网|信息网|网站|官网|在线|清风网|廉政网|纪检监察网|党建网|新闻网)$"
)
_BROWSER_TITLE = re.compile(r"[_\-—|]\s*[^\s_\-—|]{2,30}(?:网站|门户网|网|人民政府|政府)$")
_LABELS = (
    "信息来源|来源|文章来源|发布时间|发布日期|发文日期|成文日期|更新时间|作者|编辑|责任编辑|审核"
    "|浏览次数|阅读次数|点击数|点击率|点击|访问量|阅读量|浏览量|字号|字体|分享到|索引号|主题分类"
    "|发布机构|发文机关|生成日期|主题词|有效性|体裁分类|组配分类"
)
_BUTTONS = "打印本页|打印|关闭窗口|关闭|收藏|分享|返回顶部|返回首页|返回|大|中|小"
_PAGE_LINE = re.compile(
    r"^(?:URL|url|网址|链接)[:]\s*\S+$|^https?://\S+$|^-{3,}$"
    r"|^(?:当前位置|您的位置|您现在的位置|所在位置)[:]"
    r"|^(?:首页|网站首页|主页)\s*(?:" + _SEPARATOR + r")"
    rf"|^(?:{_LABELS})\s*[:]"
    rf"|^(?:[【\[]\s*(?:{_BUTTONS}|{_LABELS})[^】\]]{{0,12}}[】\]]\s*)+$"
    rf"|^(?:(?:{_BUTTONS})\s*)+$"
    r"|^(?:上一篇|下一篇|上一条|下一条|相关链接|相关阅读|相关新闻|相关文章|友情链接|热点推荐)"
    r"|^(?:扫一扫|网站地图|联系我们|使用帮助|加入收藏|设为首页)"
    r"|(?:主办单位|主办[:]|承办单位|承办[:]|协办[:]|技术支持|版权所有|网站标识码|ICP备|公网安备"
    r"|Copyright|©)"
)
# A page's date: 2024-05-20 16:08, 2024/5/20, or a Chinese date with more after it
# (a lone 2024年5月20日 may be the signature's and stays).
_DATE_LINE = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s.{0,40})?$"
    r"|^\d{4}年\d{1,2}月\d{1,2}日\s*(?:\d{1,2}[:时]|\S.{0,40}$)"
)
_TITLE_WORD = re.compile(r"(?:通报|公告|公示|报告|方案|意见|情况|通知|清单|决定|说明)$")
_TITLE_ANYWHERE = re.compile(r"关于|整改|巡察|巡视|反馈")
_LONE_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_ISSUER_END = re.compile(
    r"(?:党组|党委|党工委|委员会|工作委员会|支部|总支|纪委|局|办公室|政府|中心|馆|院|所|站|公司|学校)$"
)


def is_clutter(line: str) -> bool:
    """A line of page furniture: navigation, breadcrumb, site name, date, source, foot."""
    line = line.strip()
    if not line or "。" in line:
        return False
    if _PAGE_LINE.search(line) or _DATE_LINE.match(line):
        return True
    if len(line) <= 30 and _SITE.search(line) and not _TITLE_ANYWHERE.search(line):
        return True
    if _BROWSER_TITLE.search(line) and _TITLE_ANYWHERE.search(line):
        return True
    return _is_navigation(line)


def _is_navigation(line: str) -> bool:
    """Three or more short words apart by bars, arrows or wide spaces: a menu or a trail."""
    if not re.search(_SEPARATOR, line):
        return False
    parts = [p for p in re.split(_SEPARATOR, line) if p.strip()]
    return len(parts) >= 3 and all(_NAV_TOKEN.fullmatch(p.strip()) for p in parts)


def blank(norm: str) -> str:
    """The text with clutter lines, before the title and after the signature, blanked."""
    lines = norm.split("\n")
    out = [" " * len(line) if is_clutter(line) else line for line in lines]
    _blank_after_signature(out)
    return "\n".join(out)


def _blank_after_signature(lines: list[str]) -> None:
    """Short lines without a sentence after the last lone date that follows an issuer."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for pos in range(len(filled) - 1, max(len(filled) - 12, 0) - 1, -1):
        index = filled[pos]
        if not _LONE_DATE.match(lines[index].strip()):
            continue
        before = lines[filled[pos - 1]].strip() if pos else ""
        after = [lines[i] for i in filled[pos + 1 :]]
        if before and _ISSUER_END.search(before) and all(_foot_like(line) for line in after):
            for i in filled[pos + 1 :]:
                lines[i] = " " * len(lines[i])
        return


def _foot_like(line: str) -> bool:
    line = line.strip()
    return (
        len(line) <= 80 and "。" not in line and not re.match(r"^[一二三四五六七八九十]+、", line)
    )


def title_line(norm: str, spans: list[tuple[int, int]]) -> int | None:
    """Index of the first line span before the body that reads like a title: a title word
    at its end, or 关于/整改/巡察 in it. None when no line does."""
    for index, (start, stop) in enumerate(spans):
        line = norm[start:stop].strip()
        if "。" in line or len(line) > 80:
            return None  # the body has begun
        if _MASTHEAD.search(line):
            continue
        if len(line) >= 6 and (_TITLE_WORD.search(line) or _TITLE_ANYWHERE.search(line)):
            return index
    return None


# The red header (…巡察工作领导小组办公室文件) and the document number (〔2024〕3号).
_MASTHEAD = re.compile(r"文件$|〔\d{4}〕\s*\d+\s*号$|^签发人")


def issuer_like(line: str) -> bool:
    """A short line naming an organ: the first line of a title split under its issuer."""
    return len(line) <= 40 and bool(_ISSUER_END.search(line)) and not is_clutter(line)


_SOURCE = re.compile(r"(?:(?:信息|文章)?来源|发布机构|发文机关)[:]\s*([^\s:]{3,40}?)(?=\s|$)")


def source_organ(norm: str, stop: int) -> tuple[int, int] | None:
    """Span of the body a 来源： line names, when it is a Party or state organ (not a site)."""
    for match in _SOURCE.finditer(norm, 0, stop):
        name = match.group(1)
        if _ISSUER_END.search(name) and not _SITE.search(name):
            return match.start(1), match.end(1)
    return None
