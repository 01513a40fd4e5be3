"""What any parse result keeps, whatever the text: the shape of notice-format.md,
spans into the text as given, and no internal error swallowed by parse()."""

from __future__ import annotations

import datetime as dt
import json
import math

from zhenggai.notices import parse
from zhenggai.notices.normalize import normalise
from zhenggai.notices.tree import KINDS, Notice

KEYS = {"kind", "title", "issuer", "date", "inspection", "sections"}
KEYS |= {"next_steps", "contact", "figures", "warnings"}
# Printed only when there is something to print: a feedback document's suggestions, a
# problem's findings, a table measure's duties.
OPTIONAL_KEYS = {"suggestions"}
PROBLEM_KEYS = {"label", "title", "measures"}
MEASURE_KEYS = {"label", "text", "figures"}
DUTY_KEYS = {"leader", "department", "owner", "due"}
INSPECTION_KEYS = {"round", "group", "start", "end", "feedback_date"}
FIGURE_KEYS = {"value", "unit", "text", "start", "end", "approx"}
# parse() turns an exception into this warning; a fuzz test must not accept it.
INTERNAL_ERROR = "解析时出现内部错误"


def parsed(text: str) -> Notice:
    """parse(text), checked against what every result promises."""
    notice = parse(text)
    assert isinstance(notice, Notice)
    check_json(notice.to_json())
    assert not any(w.startswith(INTERNAL_ERROR) for w in notice.warnings), notice.warnings
    check_figures(notice, text)
    check_items_are_cut_from(notice, text)
    return notice


def check_json(data: dict) -> None:
    """Plain JSON (finite numbers only) with the documented keys and value types."""
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert KEYS <= set(data) <= KEYS | OPTIONAL_KEYS
    assert set(data["inspection"]) == INSPECTION_KEYS
    assert {"phone", "address", "email"} <= set(data["contact"])
    assert data["kind"] in KINDS and isinstance(data["title"], str)
    for day in [data["date"], *(data["inspection"][k] for k in ("start", "end", "feedback_date"))]:
        assert day is None or dt.date.fromisoformat(day)
    assert all(isinstance(w, str) and w.strip() for w in data["warnings"])
    for section in data["sections"]:
        assert set(section) == {"label", "title", "problems", "measures"}
        measures = list(section["measures"])
        for problem in section["problems"]:
            assert PROBLEM_KEYS <= set(problem) <= PROBLEM_KEYS | {"description"}
            measures += problem["measures"]
        for measure in measures:
            assert MEASURE_KEYS <= set(measure) <= MEASURE_KEYS | DUTY_KEYS
            assert all(isinstance(measure[key], str) for key in DUTY_KEYS & set(measure))
    assert all(set(f) == FIGURE_KEYS for f in data["figures"])


def check_figures(notice: Notice, text: str) -> None:
    """Each figure is its own span of the text, in reading order, in at most one measure."""
    starts = [f.start for f in notice.figures]
    assert starts == sorted(starts)
    for figure in notice.figures:
        assert 0 <= figure.start < figure.end <= len(text)
        assert text[figure.start : figure.end] == figure.text
        assert math.isfinite(figure.value) and figure.value >= 0
        unit = normalise(figure.unit)
        assert unit == "%" or unit in normalise(figure.text), figure
        assert isinstance(figure.approx, bool)
    owned = [id(f) for m in measures_of(notice) for f in m.figures]
    assert len(owned) == len(set(owned)) and set(owned) <= {id(f) for f in notice.figures}


def check_items_are_cut_from(notice: Notice, text: str) -> None:
    """Titles and measure texts are pieces of the text as given, never rewritten."""
    pieces = [s.title for s in notice.sections]
    pieces += [p.title for s in notice.sections for p in s.problems]
    pieces += [m.text for m in measures_of(notice)] + [m.text for m in notice.next_steps]
    assert all(piece in text for piece in pieces), [p for p in pieces if p not in text]
    # The notice title may run over lines; it is printed as one.
    flat = text.replace("\n", "")
    assert notice.title in flat and (notice.issuer is None or notice.issuer in flat)


def measures_of(notice: Notice) -> list:
    return [
        m
        for s in notice.sections
        for m in [*s.measures, *(m for p in s.problems for m in p.measures)]
    ]
