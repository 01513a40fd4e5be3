"""From the outline to sections, problems and measures.

The hands do not say the level: (一) is a problem under 一、 and a section when the
notice starts at (一). So the top items are sections, the items under a section are
problems when they own items or read like a problem heading, and everything
below a problem is a measure (deeper lists stay in the measure's text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .markers import MEASURE_HANDS, closing_quote
from .outline import Node
from .tree import Measure, Problem, Section

_HEADING_STOP = re.compile(r"[。\n!?]")
_CLAUSE_STOP = re.compile(r"[,;:]")
_FRAME_PREFIX = re.compile(r"\s*(?:关于|针对|在|对)?(?=“)")
_FRAME_SUFFIX = re.compile(
    r"(?:等|的)?(?:问题|方面)?(?:的)?(?:问题)?(?:的?整改(?:工作)?(?:落实|推进|进展)?情况)?[\s:;,]*"
)
_WRAPPER = re.compile(
    r"^(?:关于|对照|巡察|巡视|反馈|意见|问题|的|工作|集中|具体|主要)*"
    r"(?:总体情况|基本情况|主要做法|工作开展情况|整改(?:工作)?(?:的)?(?:总体|落实|推进|进展|完成)?情况"
    r"|整改措施(?:及成效)?|落实情况|工作成效)$"
)
_NEXT = re.compile(r"^(?:下一步|下步|今后)")
_PROBLEM_LOOK = re.compile(r"问题|方面|不够|不足|不到位|不严|不力|缺失|薄弱|偏差|差距|欠缺|滞后")
_TRAILING = " ,;、:。\n"


@dataclass
class Text:
    """The normalised text (for matching) and the original (for output)."""

    norm: str
    original: str
    # Where each measure stands, so figures can be handed to the measure they are in.
    spans: list[tuple[int, int, Measure]] = field(default_factory=list)

    def cut(self, start: int, stop: int) -> str:
        return self.original[start:stop].strip(_TRAILING)


def heading_span(text: Text, node: Node) -> tuple[int, int]:
    """The heading of a numbered item: up to its first child, line end or 。."""
    start = node.marker.end if node.marker else 0
    stop = node.children[0].marker.start if node.children else node.end
    stop = min(stop, start + 300)
    match = _HEADING_STOP.search(text.norm, start, stop)
    return start, match.start() if match else stop


def title_of(text: Text, node: Node) -> str:
    """The title: inside the outer quotes when only frame words surround them."""
    mark = node.marker
    if mark is not None and mark.hand == "u":
        return text.original[mark.title_start : mark.title_end]
    start, stop = heading_span(text, node)
    lead = _FRAME_PREFIX.match(text.norm, start, stop)
    if lead:
        open_at = lead.end()
        close = closing_quote(text.norm, open_at, stop)
        if close > 0 and _FRAME_SUFFIX.fullmatch(text.norm, close + 1, stop):
            return text.original[open_at + 1 : close]
    if stop - start > 50:
        clause = _CLAUSE_STOP.search(text.norm, start, stop)
        stop = clause.start() if clause else stop
    return text.cut(start, stop)


def measure_of(text: Text, node: Node) -> Measure:
    start = node.marker.end if node.marker else 0
    measure = Measure(text=text.cut(start, node.end), label=label_of(node))
    raw = text.original[start : node.end]
    measure.start = start + len(raw) - len(raw.lstrip(_TRAILING))
    text.spans.append((node.marker.start if node.marker else start, node.end, measure))
    return measure


def label_of(node: Node) -> str | None:
    return node.marker.label if node.marker and node.marker.hand != "u" else None


def read_sections(
    text: Text,
    root: Node,
    *,
    wrapper: re.Pattern[str] = _WRAPPER,
    closing: re.Pattern[str] = _NEXT,
    skip: re.Pattern[str] | None = None,
    build: Callable[[Text, Node], Section] | None = None,
) -> tuple[list[Section], list[Node]]:
    """Sections from the top of the outline, and the items of a closing part numbered
    there (下一步 of a notice; a feedback document passes its 意见建议 as `closing`)."""
    sections: list[Section] = []
    closing_items: list[Node] = []
    for node in _top_items(text, root, wrapper, skip):
        if closing.search(plain_heading(text, node)):
            closing_items = node.children
            continue
        sections.append((build or _section)(text, node))
    return sections, closing_items


def _top_items(
    text: Text, root: Node, wrapper: re.Pattern[str], skip: re.Pattern[str] | None
) -> list[Node]:
    """Top items, with wrappers like 二、整改落实情况 replaced by the items they hold, and
    headings `skip` names (总体评价) left out when nothing is numbered under them."""
    items: list[Node] = []
    for node in root.children:
        if node.hand in MEASURE_HANDS:
            continue  # 一是… before the first section belongs to the preamble
        heading = plain_heading(text, node)
        if wrapper.match(heading):
            items.extend(c for c in node.children if c.hand not in MEASURE_HANDS)
            continue
        if skip and skip.match(heading) and all(c.hand in MEASURE_HANDS for c in node.children):
            continue
        items.append(node)
    return items


def plain_heading(text: Text, node: Node) -> str:
    start, stop = heading_span(text, node)
    return text.norm[start:stop].strip(_TRAILING)


def _section(text: Text, node: Node) -> Section:
    section = Section(title=title_of(text, node), label=label_of(node))
    for group in _groups(node.children):
        if group[0].hand in MEASURE_HANDS or not _are_problems(text, group):
            section.measures.extend(measure_of(text, child) for child in group)
        else:
            section.problems.extend(_problem(text, child) for child in group)
    return section


def _groups(children: list[Node]) -> list[list[Node]]:
    """Consecutive children of one hand form a list."""
    groups: list[list[Node]] = []
    for child in children:
        if groups and groups[-1][0].hand == child.hand:
            groups[-1].append(child)
        else:
            groups.append([child])
    return groups


def _are_problems(text: Text, group: list[Node]) -> bool:
    if any(child.children for child in group) or group[0].hand == "u":
        return True
    looks = sum(1 for child in group if _looks_like_problem(plain_heading(text, child)))
    return looks * 2 > len(group)


def _looks_like_problem(heading: str) -> bool:
    """A short heading naming a shortcoming; measures are long sentences of action."""
    if _FRAME_PREFIX.match(heading):
        return True
    return len(heading) <= 40 and bool(_PROBLEM_LOOK.search(heading))


def _problem(text: Text, node: Node) -> Problem:
    problem = Problem(title=title_of(text, node), label=label_of(node))
    problem.measures = [measure_of(text, child) for child in node.children]
    return problem
