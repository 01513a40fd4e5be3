"""The tree of a rectification notice: what a parse produces and a renderer prints.

Plain dataclasses, no Django: the ledger builds one of these to write a notice, the
parser builds one from a file, and `to_json` gives the shape of notice-format.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

KINDS = ("progress_notice", "feedback", "aggregate", "plan", "unknown")
# What a plan's table says of a measure besides its text (Measure fields, JSON keys).
DUTIES = ("leader", "department", "owner", "due")


@dataclass
class Figure:
    """A reported quantity: 5次, 10817人, 1246.8176万元, 93.52%."""

    value: float
    unit: str
    text: str = ""
    start: int = 0
    end: int = 0
    approx: bool = False

    def to_json(self) -> dict:
        value = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "value": value,
            "unit": self.unit,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "approx": self.approx,
        }


@dataclass
class Measure:
    """One action against a problem (一是…), or one item of the next steps."""

    text: str
    label: str | None = None
    figures: list[Figure] = field(default_factory=list)
    # False keeps the item out of the public version of a notice (双公开), not the internal one.
    public: bool = True
    # Where `text` starts in the text as parsed, so figures (offsets there) can be placed in it.
    start: int = 0
    # From a plan's table (责任领导, 责任部门, 责任人, 完成时限 as written); prose leaves them None.
    leader: str | None = None
    department: str | None = None
    owner: str | None = None
    due: str | None = None

    def to_json(self) -> dict:
        out = {
            "label": self.label,
            "text": self.text,
            "figures": [f.to_json() for f in self.figures],
        }
        for name in DUTIES:
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


@dataclass
class Problem:
    """A specific problem, (一) under a section, or unnumbered 针对“…”问题."""

    title: str
    label: str | None = None
    measures: list[Measure] = field(default_factory=list)
    public: bool = True
    # What a feedback document says under the problem (its 一是/二是 findings): 具体表现.
    description: str = ""

    def to_json(self) -> dict:
        out = {
            "label": self.label,
            "title": self.title,
            "measures": [m.to_json() for m in self.measures],
        }
        if self.description:
            out["description"] = self.description
        return out


@dataclass
class Section:
    """A category of problems (一、关于“…”问题的整改情况)."""

    title: str
    label: str | None = None
    problems: list[Problem] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    public: bool = True

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "title": self.title,
            "problems": [p.to_json() for p in self.problems],
            "measures": [m.to_json() for m in self.measures],
        }


@dataclass
class InspectionInfo:
    """What the preamble says of the inspection itself."""

    round: str | None = None
    group: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    feedback_date: dt.date | None = None
    # 巡察, 巡视, 审计…: the word the generated sentences use for the supervision.
    kind_label: str = "巡察"

    def to_json(self) -> dict:
        return {
            "round": self.round,
            "group": self.group,
            "start": _iso(self.start),
            "end": _iso(self.end),
            "feedback_date": _iso(self.feedback_date),
        }


@dataclass
class Contact:
    """Where the public sends its opinions (监督电话, 地址, 邮箱…)."""

    phone: str | None = None
    address: str | None = None
    email: str | None = None
    po_box: str | None = None
    postcode: str | None = None

    def to_json(self) -> dict:
        return {
            "phone": self.phone,
            "address": self.address,
            "email": self.email,
            "po_box": self.po_box,
            "postcode": self.postcode,
        }


@dataclass
class Notice:
    """A whole notice: metadata, the problem tree, next steps, contact, figures."""

    kind: str = "unknown"
    title: str = ""
    issuer: str | None = None
    # How the issuer names itself in the text (区总工会党组); derived from issuer when None.
    issuer_short: str | None = None
    date: dt.date | None = None
    inspection: InspectionInfo = field(default_factory=InspectionInfo)
    preamble: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    next_steps: list[Measure] = field(default_factory=list)
    # A feedback document's closing 意见建议 (the inspecting body's, not the unit's plans).
    suggestions: list[Measure] = field(default_factory=list)
    contact: Contact = field(default_factory=Contact)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "title": self.title,
            "issuer": self.issuer,
            "date": _iso(self.date),
            "inspection": self.inspection.to_json(),
            "sections": [s.to_json() for s in self.sections],
            "next_steps": [{"label": m.label, "text": m.text} for m in self.next_steps],
            **(
                {"suggestions": [{"label": m.label, "text": m.text} for m in self.suggestions]}
                if self.suggestions
                else {}
            ),
            "contact": self.contact.to_json(),
            "figures": [f.to_json() for f in self.figures],
            "warnings": list(self.warnings),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
