"""共性问题: clusters of similar problems across the units of a round, suggested by
similarity (notices/similar.py) and kept once the office confirms them; renamed, split,
and answered with one supervision order to each unit of a cluster in one act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from zhenggai.accounts.access import OFFICE, access_for
from zhenggai.audit.services import record
from zhenggai.ledger.models import Problem
from zhenggai.notices import similar

from . import services
from .models import CommonProblem
from .recurrence import specific
from .services import OversightError


@dataclass
class Suggestion:
    """A cluster not yet confirmed: its problems (several units) and a suggested name."""

    name: str
    problems: list[Problem]

    @property
    def units(self) -> list:
        return sorted({p.inspection.unit for p in self.problems}, key=lambda u: u.name)


def round_problems(round_name: str) -> list[Problem]:
    """The specific problems of the round's (live) inspections, in one query."""
    rows = Problem.objects.filter(inspection__round=round_name).select_related(
        "inspection__unit", "parent"
    )
    return specific(list(rows.order_by("inspection__unit__name", "inspection_id", "pk")))


def suggest(round_name: str, problems: list[Problem] | None = None) -> list[Suggestion]:
    """Clusters of similar problems held by at least two units, largest first, leaving
    out the problems already in a confirmed common problem of the round."""
    problems = round_problems(round_name) if problems is None else problems
    taken = set(
        CommonProblem.problems.through.objects.filter(commonproblem__round=round_name).values_list(
            "problem_id", flat=True
        )
    )
    problems = [p for p in problems if p.pk not in taken]
    titles = [p.title for p in problems]
    vectors = similar.Vectors(titles)
    found = []
    for group in similar.clusters(titles, vectors=vectors):
        if len({problems[i].inspection.unit_id for i in group}) < 2:
            continue
        name = problems[similar.central(group, vectors)].title
        found.append(Suggestion(name=name, problems=[problems[i] for i in group]))
    found.sort(key=lambda s: (-len(s.units), -len(s.problems), s.name))
    return found


def _require_office(actor) -> None:
    if not access_for(actor).anywhere(OFFICE):
        raise PermissionDenied


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise OversightError("请填写共性问题名称。")
    if len(name) > 200:
        raise OversightError("共性问题名称不能超过200字。")
    return name


def _check_units(problems: list[Problem], what: str) -> None:
    if len({p.inspection.unit_id for p in problems}) < 2:
        raise OversightError(f"{what}须包含至少两个单位的问题。")


@transaction.atomic
def confirm_common(round_name: str, problems, *, actor, name: str) -> CommonProblem:
    """The office keeps a cluster (possibly edited) as a common problem of the round."""
    _require_office(actor)
    name = _name(name)
    problems = list(problems)
    if any(p.inspection.round != round_name for p in problems):
        raise OversightError(f"所选问题须都属于“{round_name}”。")
    _check_units(problems, "共性问题")
    taken = CommonProblem.objects.filter(round=round_name, problems__in=problems).first()
    if taken is not None:
        raise OversightError(f"所选问题中已有问题归入共性问题“{taken.name}”。")
    common = CommonProblem.objects.create(round=round_name, name=name, confirmed_by=actor)
    common.problems.set(problems)
    record(
        "common.confirmed",
        common,
        actor=actor,
        round=round_name,
        name=name,
        problems=sorted(p.pk for p in problems),
    )
    return common


def _locked(common: CommonProblem) -> CommonProblem:
    return CommonProblem.objects.select_for_update(no_key=True).get(pk=common.pk)


@transaction.atomic
def rename_common(common: CommonProblem, *, actor, name: str) -> CommonProblem:
    _require_office(actor)
    common = _locked(common)
    old, common.name = common.name, _name(name)
    common.save(update_fields=["name"])
    record("common.renamed", common, actor=actor, old=old, name=common.name)
    return common


@transaction.atomic
def split_common(common: CommonProblem, problems, *, actor, name: str = "") -> CommonProblem | None:
    """Move problems out of a common problem; moved problems of two or more units form a
    new common problem (named `name`, else the old name), fewer are just left out."""
    _require_office(actor)
    common = _locked(common)
    members = list(common.problems.select_related("inspection"))
    moving = {p.pk for p in problems}
    if not moving or not moving <= {p.pk for p in members}:
        raise OversightError("请勾选要移出的问题（须属于该共性问题）。")
    staying = [p for p in members if p.pk not in moving]
    _check_units(staying, "拆分后，原共性问题仍")
    moved = [p for p in members if p.pk in moving]
    common.problems.remove(*moved)
    new = None
    if len({p.inspection.unit_id for p in moved}) >= 2:
        new = CommonProblem.objects.create(
            round=common.round, name=_name(name or common.name), confirmed_by=actor
        )
        new.problems.set(moved)
    record(
        "common.split",
        common,
        actor=actor,
        moved=sorted(moving),
        into=new.pk if new else None,
    )
    return new


@transaction.atomic
def order_common(common: CommonProblem, *, actor, level: str, due: dt.date, text: str) -> list:
    """One supervision order to each unit of the common problem, about its problems in
    it, all issued or none (services.issue_order, numbered and audited one by one)."""
    _require_office(actor)
    common = _locked(common)
    if not (text or "").strip():
        raise OversightError("请填写督办事项。")
    by_unit: dict = {}
    for p in common.problems.select_related("inspection__unit").order_by("pk"):
        by_unit.setdefault(p.inspection.unit, []).append(p)
    orders = [
        services.issue_order(
            actor=actor, unit=unit, problems=found, level=level, due=due, text=text.strip()
        )
        for unit, found in sorted(by_unit.items(), key=lambda item: item[0].name)
    ]
    common.orders.add(*orders)
    record(
        "common.ordered",
        common,
        actor=actor,
        orders=[o.pk for o in orders],
        units=[o.unit_id for o in orders],
    )
    return orders
