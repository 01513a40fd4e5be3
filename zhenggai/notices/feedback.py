"""Feedback documents (反馈意见): problems grouped under 方面, with no measures yet.

The inspecting body writes what it found: 一、…方面 holds （一） problems whose 一是、
二是 sentences are findings (the problem's 具体表现), or holds the 一是 findings
directly, each then a problem of its own. A section of general praise (总体评价) is
not a problem, a wrapper (二、巡察发现的主要问题) gives way to what it holds, and
the closing 意见建议 (numbered, or a paragraph 巡察组提出以下意见建议：一是…) are the
body's suggestions, kept apart from the problems.
"""

from __future__ import annotations

import re

from .outline import Node
from .sections import Text, heading_span, label_of, measure_of, read_sections, title_of
from .tree import Measure, Problem, Section

_SUGGEST_HEAD = re.compile(r"(?:意见建议|意见和建议|整改建议|工作建议|有关建议|几点建议)$")
_EVALUATION = re.compile(r"^(?:总体评价|总体情况|基本情况|总体印象|巡[察视]组?认为|总体看)")
_WRAPPER = re.compile(
    r"^(?:巡[察视]|审计|督察|检查)?(?:组)?(?:发现|反馈)?的?(?:存在的?)?(?:主要|突出)?问题(?:及表现)?$"
)
# 巡察组提出以下意见建议：一是… — a paragraph of suggestions that is not numbered itself.
_SUGGEST_PARAGRAPH = re.compile(
    r"(?:^|(?<=[\n。!?]))[ ]*[^\n。:]{0,14}(?:意见建议|意见和建议|整改建议|如下建议|以下建议)[:]"
)


def find_suggestions(norm: str, start: int, stop: int) -> int:
    """Where an unnumbered paragraph of suggestions begins, or -1."""
    match = _SUGGEST_PARAGRAPH.search(norm, start, stop)
    return match.start() + len(match.group()) - len(match.group().lstrip()) if match else -1


def read_feedback(text: Text, root: Node) -> tuple[list[Section], list[Node]]:
    """The sections of problems, and the numbered suggestions if any."""
    return read_sections(
        text, root, wrapper=_WRAPPER, closing=_SUGGEST_HEAD, skip=_EVALUATION, build=_section
    )


def suggestion_items(text: Text, nodes: list[Node]) -> list[Measure]:
    return [measure_of(text, node) for node in nodes]


def _section(text: Text, node: Node) -> Section:
    """Every item under a 方面 is a problem: （一） with findings, or a 一是 finding."""
    section = Section(title=title_of(text, node), label=label_of(node))
    section.problems = [_problem(text, child) for child in node.children]
    return section


def _problem(text: Text, node: Node) -> Problem:
    problem = Problem(title=title_of(text, node), label=label_of(node))
    _, stop = heading_span(text, node)
    problem.description = text.cut(stop, node.end)
    return problem
