"""Random ledgers for the "one truth" property test, how to write them, and an oracle.

The oracle answers from the generated specs alone, in plain Python, by the definitions
of DESIGN.md and GLOSSARY.md (问题, rectified, the two named rates, overdue, the four
lights, 已延期, 问责): it never calls `zhenggai.ledger.counts` or `zhenggai.ledger.rules`, so a page
that agrees with it agrees with the definitions, not with itself.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import strategies as st

from zhenggai.ledger.counts import keep
from zhenggai.ledger.models import Accountability, AccountabilityKind, Inspection, Measure, Problem

Term, Status = Measure.Term, Measure.Status
ROUNDS = ("一届区委第一轮巡察", "一届区委第二轮巡察")
UNITS = ("A", "A1", "B", "B1")
SOON, OWNER_DAYS, LEADER_DAYS = 10, 20, 10
# The fields of a tally the oracle answers for.
FIELDS = (
    "problems",
    "rectified",
    "closed",
    "total",
    "done",
    "in_progress",
    "ongoing",
    "blue",
    "red",
    "soon",
    "extended",
)
# The test's own kinds of 问责 (name, wording in a notice), after the seeded ones.
KINDS = (("甲类处理", "甲类处理谈话"), ("乙类处理", ""))
CLOSED_AT = dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC)


@dataclass
class MeasureSpec:
    term: str
    status: str
    due: dt.date | None
    withheld: bool
    owned: bool
    extended: bool = False  # an approved 延期申请 moved its due date
    text: str = ""
    pk: int | None = None


@dataclass
class ProblemSpec:
    closed: bool
    withheld: bool
    measures: list[MeasureSpec]
    problems: list[ProblemSpec] = field(default_factory=list)  # a category's specific problems
    # 问责 records: (index into KINDS, index into `measures` or None for the problem)
    held: list[tuple[int, int | None]] = field(default_factory=list)
    title: str = ""
    pk: int | None = None


@dataclass
class LedgerSpec:
    unit: str
    round: str
    categories: list[ProblemSpec]
    pk: int | None = None

    def measures(self) -> list[MeasureSpec]:
        return [m for c in self.categories for p in [c, *c.problems] for m in p.measures]


@dataclass
class World:
    today: dt.date
    ledgers: list[LedgerSpec]

    def measures(self) -> list[tuple[LedgerSpec, MeasureSpec]]:
        return [(ledger, m) for ledger in self.ledgers for m in ledger.measures()]


# --- generation --------------------------------------------------------------------

rarely = st.integers(0, 3).map(lambda n: n == 0)


@st.composite
def measures(draw, today: dt.date) -> MeasureSpec:
    term = draw(st.sampled_from(Term.values))
    statuses = [s for s in Status.values if not (term == Term.ONGOING and s == Status.DONE)]
    status = draw(st.sampled_from(statuses))
    # Days around today, and the edges of "due soon" (10) and of the owners' notice (20).
    offset = st.integers(-25, 25)
    if term == Term.DEADLINE:
        days = draw(offset)
    elif term == Term.IMMEDIATE:
        days = draw(st.none() | offset)
    else:
        days = draw(st.none() | st.none() | offset)
    due = None if days is None else today + dt.timedelta(days=days)
    extended = due is not None and term != Term.ONGOING and draw(rarely)
    return MeasureSpec(term, status, due, draw(rarely), draw(st.booleans()), extended)


@st.composite
def problems(draw, today: dt.date, subs: bool) -> ProblemSpec:
    own = draw(st.lists(measures(today), max_size=3))
    children = draw(st.lists(problems(today, False), max_size=3)) if subs else []
    on = st.none() | st.integers(0, len(own) - 1) if own else st.none()
    held = draw(st.lists(st.tuples(st.integers(0, len(KINDS) - 1), on), max_size=2))
    return ProblemSpec(draw(rarely), draw(rarely), own, children, held)


@st.composite
def ledgers(draw, today: dt.date) -> LedgerSpec:
    return LedgerSpec(
        draw(st.sampled_from(UNITS)),
        draw(st.sampled_from(ROUNDS)),
        draw(st.lists(problems(today, True), min_size=1, max_size=4)),
    )


@st.composite
def worlds(draw) -> World:
    today = draw(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
    return World(today, draw(st.lists(ledgers(today), min_size=1, max_size=2)))


# --- writing -----------------------------------------------------------------------


def write(world: World, units: dict, owner) -> None:
    """Each ledger written with the ORM in bulk; specs get their titles, texts and ids."""
    kinds = [
        AccountabilityKind.objects.get_or_create(
            name=name, defaults={"phrase": phrase, "position": 1000 + n}
        )[0]
        for n, (name, phrase) in enumerate(KINDS)
    ]
    for i, spec in enumerate(world.ledgers):
        inspection = Inspection.objects.create(
            unit=units[spec.unit],
            round=spec.round,
            group="区委第一巡察组",
            feedback_date=world.today - dt.timedelta(days=60),
        )
        spec.pk = inspection.pk
        for c, category in enumerate(spec.categories, 1):
            category.title = f"类别{i}-{c}号"
            for p, sub in enumerate(category.problems, 1):
                sub.title = f"具体问题{i}-{c}-{p}号"
        _write_problems(inspection, spec.categories, None)
        subs = [(sub, c) for c in spec.categories for sub in c.problems]
        _write_problems(inspection, [s for s, _ in subs], {id(s): c.pk for s, c in subs})
        rows = []
        for problem in [p for c in spec.categories for p in [c, *c.problems]]:
            for n, m in enumerate(problem.measures, 1):
                m.text = f"{problem.title}措施{n}号"
                rows.append(
                    Measure(
                        problem_id=problem.pk,
                        position=n,
                        text=m.text,
                        term=m.term,
                        status=m.status,
                        due=m.due,
                        withhold_reason="privacy" if m.withheld else "",
                        owner_user=owner if m.owned else None,
                        original_due=m.due - dt.timedelta(days=30) if m.extended else None,
                    )
                )
        for m, row in zip(spec.measures(), Measure.objects.bulk_create(rows), strict=True):
            m.pk = row.pk
        _write_held(spec, kinds, world.today)
        keep([inspection.pk])  # written in bulk, as an import writes: the dashboard's counts


def _write_held(spec: LedgerSpec, kinds: list, today: dt.date) -> None:
    Accountability.objects.bulk_create(
        Accountability(
            problem_id=problem.pk,
            measure_id=None if on is None else problem.measures[on].pk,
            name=person_name(problem, n),
            kind=kinds[kind],
            decided_on=today,
            decided_by="区纪委",
        )
        for problem in [p for c in spec.categories for p in [c, *c.problems]]
        for n, (kind, on) in enumerate(problem.held)
    )


def person_name(problem: ProblemSpec, n: int) -> str:
    return f"{problem.title}问责人{n}号"


def _write_problems(inspection, specs: list[ProblemSpec], parents: dict | None) -> None:
    rows = Problem.objects.bulk_create(
        Problem(
            inspection=inspection,
            parent_id=parents[id(s)] if parents else None,
            position=n,
            title=s.title,
            withhold_reason="case" if s.withheld else "",
            closed_at=CLOSED_AT if s.closed else None,
        )
        for n, s in enumerate(specs, 1)
    )
    for spec, row in zip(specs, rows, strict=True):
        spec.pk = row.pk


# --- the oracle --------------------------------------------------------------------


def is_open(m: MeasureSpec) -> bool:
    return m.status in (Status.PLANNED, Status.IN_PROGRESS)


def is_overdue(m: MeasureSpec, today: dt.date) -> bool:
    """超期: dated (not 长期坚持), past its due date, not finished."""
    return is_open(m) and m.term != Term.ONGOING and m.due is not None and m.due < today


def due_within(m: MeasureSpec, today: dt.date, days: int) -> bool:
    dated = m.term != Term.ONGOING and m.due is not None
    return is_open(m) and dated and today <= m.due <= today + dt.timedelta(days=days)


def is_blue(m: MeasureSpec) -> bool:
    return m.status == Status.ONGOING or (is_open(m) and m.term == Term.ONGOING)


def light(m: MeasureSpec, today: dt.date) -> str:
    if m.status == Status.DONE:
        return "green"
    if is_blue(m):
        return "blue"
    return "red" if is_overdue(m, today) else "yellow"


def shown(ledger: LedgerSpec, public: bool):
    """(item, its category or None, its measures) for every item the version shows."""
    for c in ledger.categories:
        if public and c.withheld:
            continue
        yield c, None, [m for m in c.measures if not (public and m.withheld)]
        for p in c.problems:
            if not (public and p.withheld):
                yield p, c, [m for m in p.measures if not (public and m.withheld)]


def tally(ledger: LedgerSpec, today: dt.date, public: bool = False) -> Counter:
    """The oracle's counts of one ledger (internal, or what the public version shows)."""
    t = Counter({name: 0 for name in FIELDS})
    for item, category, items in shown(ledger, public):
        for m in items:
            t["total"] += 1
            t["done"] += m.status == Status.DONE
            t["in_progress"] += m.status == Status.IN_PROGRESS
            t["ongoing"] += m.status == Status.ONGOING
            t["blue"] += is_blue(m)
            t["red"] += is_overdue(m, today)
            t["soon"] += due_within(m, today, SOON)
            t["extended"] += m.extended
        if category is None and any(not (public and p.withheld) for p in item.problems):
            continue  # a 问题类别: its shown specific problems are the 问题
        closed = item.closed or (category is not None and category.closed)
        t["problems"] += 1
        t["closed"] += closed
        t["rectified"] += closed or (bool(items) and all(m.status == Status.DONE for m in items))
    return t


def total(ledgers, today: dt.date, public: bool = False) -> Counter:
    result = Counter({name: 0 for name in FIELDS})
    for ledger in ledgers:
        result.update(tally(ledger, today, public))
    return result


def held(ledgers, public: bool = False) -> tuple[int, list[tuple[str, int]]]:
    """问责: persons over what the version shows, and by kind as a notice words it."""
    by_kind = Counter()
    for ledger in ledgers:
        for item, _category, items in shown(ledger, public):
            for kind, on in item.held:
                if on is None or any(m is item.measures[on] for m in items):
                    by_kind[kind] += 1
    words = [(phrase or name, by_kind[n]) for n, (name, phrase) in enumerate(KINDS) if by_kind[n]]
    return sum(by_kind.values()), words


def held_sentence(ledgers, public: bool = False) -> str:
    """共问责N人，其中…人。 — empty when nobody was."""
    total_, words = held(ledgers, public)
    if not total_:
        return ""
    return f"共问责{total_}人，其中" + "，".join(f"{w}{n}人" for w, n in words) + "。"


def person_names(ledger: LedgerSpec) -> list[str]:
    return [
        person_name(p, n)
        for c in ledger.categories
        for p in [c, *c.problems]
        for n in range(len(p.held))
    ]


def rate(part: int, whole: int) -> str:
    """A percentage as the genre writes it: two decimals half up, whole numbers bare."""
    if not whole:
        return "0%"
    hundredths = (20000 * part + whole) // (2 * whole)
    whole_part, rest = divmod(hundredths, 100)
    return f"{whole_part}%" if not rest else f"{whole_part}.{rest:02d}%"


def rates(t: Counter) -> tuple[str, str]:
    """(问题整改完成率, 措施完成率)."""
    return rate(t["rectified"], t["problems"]), rate(t["done"], t["total"])


def carried_by_workbook(ledger: LedgerSpec) -> bool:
    """Whether every 问题 has a measure: the 整改台账 sheet has one row per measure."""
    return all(p.measures for c in ledger.categories for p in (c.problems if c.problems else [c]))


def withheld_words(ledger: LedgerSpec) -> list[str]:
    """Titles and texts the public version must not show."""
    words = []
    for c in ledger.categories:
        for p in [c, *c.problems]:
            hidden = c.withheld or p.withheld
            if hidden:
                words.append(p.title)
            words += [m.text for m in p.measures if hidden or m.withheld]
    return words
