"""The outline: numbering marks nested into a tree, whatever the hands and their order.

A mark continues a list when it carries the next number of a hand already open
(二、 after 一、), and opens a nested list when it carries 1 of a hand not open. Any
other mark is ordinary text, so a stray 3. in a sentence never breaks the tree.
What each level means (section, problem, measure) is decided later, in sections.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .markers import MEASURE_HANDS, Marker


@dataclass
class Node:
    """A numbered item of the outline, with the span of everything under it."""

    marker: Marker | None
    depth: int = 0
    end: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def hand(self) -> str:
        return self.marker.hand if self.marker else ""


@dataclass
class _Level:
    hand: str
    counter: int
    parent: Node
    last: Node


@dataclass
class Outline:
    """The tree of marks, and the heading-like marks that broke the sequence."""

    root: Node
    skipped: list[Marker] = field(default_factory=list)


def build_outline(markers: list[Marker], start: int, stop: int) -> Outline:
    """Nest the marks found between start and stop."""
    root = Node(None, depth=0, end=stop)
    levels: list[_Level] = []
    outline = Outline(root)
    for mark in markers:
        if mark.hand == "u":
            _place_unnumbered(levels, root, mark)
        elif not _place(levels, root, mark):
            outline.skipped.append(mark)
    _close_spans(root, stop)
    return outline


def _place(levels: list[_Level], root: Node, mark: Marker) -> bool:
    found = next((i for i in range(len(levels) - 1, -1, -1) if levels[i].hand == mark.hand), None)
    if found is not None and _continues(levels[found], mark):
        del levels[found + 1 :]
        _append(levels[found], mark)
        return True
    if mark.value != 1:
        return False
    if found is not None:
        del levels[found + 1 :]  # a list of the same hand starts again: keep siblings
        _append(levels[found], mark)
        return True
    parent = levels[-1].last if levels else root
    if parent.hand in MEASURE_HANDS and parent.depth > 1 and not mark.line_start:
        return False  # (1) run into 一是…: part of the measure's text
    while levels and levels[-1].last.hand in MEASURE_HANDS:
        levels.pop()  # top-level 一是 of a preamble do not own the sections after them
    parent = levels[-1].last if levels else root
    node = Node(mark, depth=parent.depth + 1)
    parent.children.append(node)
    levels.append(_Level(mark.hand, mark.value, parent, node))
    return True


def _continues(level: _Level, mark: Marker) -> bool:
    if mark.hand == "o" and mark.value == 0:
        return True  # 最后 closes any 首先/其次 list
    return mark.value == level.counter + 1


def _append(level: _Level, mark: Marker) -> None:
    node = Node(mark, depth=level.parent.depth + 1)
    level.parent.children.append(node)
    level.counter = mark.value if mark.value else level.counter + 1
    level.last = node


def _place_unnumbered(levels: list[_Level], root: Node, mark: Marker) -> None:
    """针对“…”问题 is a problem: a sibling of the last one, or a child of the section."""
    found = next((i for i in range(len(levels) - 1, -1, -1) if levels[i].hand == "u"), None)
    if found is not None:
        del levels[found + 1 :]
        _append(levels[found], mark)
        return
    while levels and levels[-1].last.hand in MEASURE_HANDS:
        levels.pop()
    parent = levels[-1].last if levels else root
    node = Node(mark, depth=parent.depth + 1)
    parent.children.append(node)
    levels.append(_Level("u", 0, parent, node))


def _close_spans(root: Node, stop: int) -> None:
    """Each node ends where the next node at its depth or above begins."""
    open_nodes: list[Node] = []
    for node in _preorder(root):
        while open_nodes and open_nodes[-1].depth >= node.depth:
            open_nodes.pop().end = node.marker.start if node.marker else stop
        open_nodes.append(node)
    for node in open_nodes:
        node.end = stop


def _preorder(root: Node):
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))
