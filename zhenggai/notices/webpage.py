"""Web pages: the notice's text without the page around it (stdlib html.parser only)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser

_SKIP_TAGS = frozenset(
    "head script style noscript nav header footer aside form select option button iframe "
    "template svg object".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_BLOCK = frozenset(
    "p div br li ul ol tr table h1 h2 h3 h4 h5 h6 section article blockquote pre dt dd "
    "center title hr".split()
)
# Class or id words of navigation, breadcrumbs, share and print bars.
_CHROME_ATTR = re.compile(
    r"nav|menu|breadcrumb|crumb|position|location|dqwz|footer|header|share|print|toolbar"
    r"|sidebar|banner|copyright|related|pager",
    re.I,
)
_CHROME_LINE = re.compile(
    r"^(?:来源|发布时间|发布日期|信息来源|浏览次数|点击数|访问量|作者|字号|分享到|当前位置|您的位置"
    r"|首页\s*>|【|\[).{0,80}$"
    r"|来源[:：].{0,40}发布时间|发布时间[:：].{0,40}(?:浏览|点击)"
    r"|^(?:打印本页|返回顶部|关闭窗口|打印|关闭|收藏|上一篇|下一篇)"
)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.I)
# Real pages nest a few dozen elements; deeper tags are read as text of the element
# open at this depth, so that neither the stack nor the time grows with a hostile nesting.
MAX_DEPTH = 500


def decode_html(data: bytes, fallback: Callable[[bytes], str]) -> str:
    """Decode with the page's declared charset, else as a text file."""
    declared = _CHARSET.search(data[:4096])
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        encoding = "gb18030" if encoding in ("gb2312", "gbk", "gb_2312-80") else encoding
        try:
            return data.decode(encoding).replace("\r\n", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    return fallback(data)


class _TextCollector(HTMLParser):
    """Text of the page body, one line per block, chrome elements left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        # How many of each tag the stack holds: an end tag finds its element in O(1).
        self.open: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in _VOID or len(self.stack) >= MAX_DEPTH:
            return
        marks = " ".join(value or "" for key, value in attrs if key in ("class", "id", "role"))
        skip = self._skipping() or tag in _SKIP_TAGS or bool(_CHROME_ATTR.search(marks))
        self.stack.append((tag, skip))
        self.open[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if self.open[tag]:
            while self.stack:  # unclosed <p> and <li> close with their parent
                name = self.stack.pop()[0]
                self.open[name] -= 1
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.parts.append(data)

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]


def html_to_text(html: str) -> str:
    """The notice text of a web page: blocks as lines, page chrome dropped."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    lines = []
    for raw in "".join(collector.parts).split("\n"):
        line = re.sub(r"[ \t\u3000\xa0]+", " ", raw.replace("|", " ")).strip()
        if line and not _CHROME_LINE.search(line) and re.search(r"\w", line):
            lines.append(line)
    return "\n".join(lines)
