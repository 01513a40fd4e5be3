"""Handover of responsibility (交接): one person's open duties moved to a successor.

How duties are stored decides what moves. `Measure.owner_user` is an account; the
责任领导 (`Measure.leader`) and 责任人 (`Measure.owner`) are names as written in the
责任清单, often several joined by 、, sometimes a post (分管副局长) rather than a name. A
person therefore answers for a measure as its account owner, or by their name (the
account's full name) among the names written, in a unit they belong to. A post is
nobody's name and never moves: whoever holds the post holds the duty.

`open_duties(user)` lists them (the organisation pages list a deactivated user's duties
by linking to the `ledger:handover-add` page with `?from=<user id>`; Accounts must not
import the ledger). `hand_over` moves them in one act: the successor becomes the account
owner and their name replaces the predecessor's; each measure keeps a `HandoverItem`,
shown on its page and in the workbook's 责任清单; one audit event per unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhenggai.accounts.access import EDIT, OFFICE, READ, REPORT, access_for
from zhenggai.audit.services import record
from zhenggai.notices.render import cn_date

from . import rules
from .models import Handover, HandoverItem, Measure
from .services import LedgerError

LEADER, OWNER = "leader", "owner"
DUTY_LABELS = {LEADER: "责任领导", OWNER: "责任人"}
# Names in a 责任清单 cell are joined by these.
SEPARATORS = re.compile(r"([、，,；;/\s]+)")


def person_name(user) -> str:
    """The name a 责任清单 writes for the user: the full name without spaces."""
    return "".join(user.get_full_name().split())


def names_in(text: str) -> list[str]:
    """The names written in a 责任领导 or 责任人 cell."""
    return [
        part for part in SEPARATORS.split(text or "") if part and not SEPARATORS.fullmatch(part)
    ]


def replace_name(text: str, old: str, new: str) -> str:
    """The cell with `old` replaced by `new`, each name once, separators kept."""
    parts, seen, out = SEPARATORS.split(text), set(), []
    for part in parts:
        if part and not SEPARATORS.fullmatch(part):
            part = new if part == old else part
            if part in seen:
                if out:
                    out.pop()  # the separator before a name now written twice
                continue
            seen.add(part)
        out.append(part)
    return "".join(out).strip("、，,；;/ ")


@dataclass
class Duty:
    """One open measure and what the person answers for on it."""

    measure: Measure
    duties: tuple[str, ...]

    @property
    def labels(self) -> str:
        return "、".join(DUTY_LABELS[d] for d in self.duties)


def _duties_of(measure: Measure, user, name: str) -> tuple[str, ...]:
    found = []
    if name and name in names_in(measure.leader):
        found.append(LEADER)
    if measure.owner_user_id == user.pk or (name and name in names_in(measure.owner)):
        found.append(OWNER)
    return tuple(found)


def open_duties(user, *, lock: bool = False) -> list[Duty]:
    """The open measures `user` answers for, in ledger order, in one query.

    Open: not 已完成 (`rules.finished`) and its problem not signed off. Named duties count
    only in units the user may read, so that a namesake elsewhere is not theirs. For
    the page that lists them, link to `ledger:handover-add` with `?from=<user id>`.
    """
    name = person_name(user)
    mine = Q(owner_user=user)
    if name:
        named = Q(leader__contains=name) | Q(owner__contains=name)
        mine |= named & access_for(user).q(READ, "problem__inspection__unit__")
    measures = (
        Measure.objects.filter(mine)
        .exclude(rules.q(rules.finished()))
        .filter(problem__closed_at=None)
        .exclude(problem__parent__closed_at__isnull=False)
        .select_related("problem__inspection__unit", "problem__parent")
        .order_by(
            "problem__inspection__unit__path",
            "problem__inspection_id",
            "problem_id",
            "position",
            "id",
        )
    )
    if lock:
        measures = measures.select_for_update(no_key=True, of=("self",))
    rows = ((m, _duties_of(m, user, name)) for m in measures)
    return [Duty(m, duties) for m, duties in rows if duties]


def may_hand_over(actor, units) -> bool:
    """The office hands over anyone's duties; a unit's editor those in units they keep."""
    access = access_for(actor)
    return access.anywhere(OFFICE) or all(access.may(EDIT, unit) for unit in units)


def _check_successor(duties: list[Duty], to_user) -> None:
    """The successor must reach each unit: to report where they own, to read where they lead."""
    access, missing = access_for(to_user), {}
    for duty in duties:
        unit = duty.measure.problem.inspection.unit
        act = REPORT if OWNER in duty.duties else READ
        if not access.may(act, unit):
            missing[unit.pk] = unit.name
    if missing:
        where = "、".join(f"“{name}”" for name in missing.values())
        raise LedgerError(
            f"接手人“{person_name(to_user) or to_user.username}”在{where}没有相应角色"
            "（担任责任人须为该单位的责任人或整改联络员），请先在单位页面添加成员后再交接。"
        )


def _check(from_user, to_user, reason: str, duties: list[Duty], chosen) -> list[Duty]:
    if to_user.pk == from_user.pk:
        raise LedgerError("交出人和接手人不能是同一人。")
    if not to_user.is_active:
        raise LedgerError(f"接手人“{to_user.username}”的账号已停用，不能接手。")
    if not reason.strip():
        raise LedgerError("交接须写明原因，如“岗位调整”。")
    if not person_name(to_user):
        raise LedgerError(f"接手人“{to_user.username}”的账号没有填写姓名，无法写入责任清单。")
    if chosen is not None:
        chosen = {int(pk) for pk in chosen}
        gone = chosen - {d.measure.pk for d in duties}
        if gone:
            raise LedgerError(
                f"所选措施中有 {len(gone)} 项已不是交出人的未完成职责，请刷新后重试。"
            )
        duties = [d for d in duties if d.measure.pk in chosen]
    if not duties:
        raise LedgerError("交出人没有需要交接的未完成整改职责。")
    return duties


def _move(measure: Measure, duties: tuple[str, ...], from_user, to_user) -> dict:
    """Rewrite the measure's 责任清单 for the successor; returns what it was."""
    before = {"leader": measure.leader, "owner": measure.owner, "owner_user": measure.owner_user_id}
    old, new = person_name(from_user), person_name(to_user)
    if LEADER in duties:
        measure.leader = replace_name(measure.leader, old, new)[:100]
    if OWNER in duties:
        named = old and old in names_in(measure.owner)
        measure.owner = (replace_name(measure.owner, old, new) if named else new)[:100]
        # A co-owner named beside another person's account leaves that account alone.
        if measure.owner_user_id in (None, from_user.pk):
            measure.owner_user = to_user
    measure.version += 1
    return before


def _item(handover: Handover, duty: Duty, before: dict) -> HandoverItem:
    day = cn_date(timezone.localdate(handover.at))
    note = f"{day}{duty.labels}由{handover.from_name}交接给{handover.to_name}（{handover.reason}）"
    return HandoverItem(
        handover=handover, measure=duty.measure, duties=duty.labels, before=before, note=note[:300]
    )


@transaction.atomic
def hand_over(from_user, to_user, *, actor, reason: str, measures=None) -> Handover:
    """Move `from_user`'s open duties (or the `measures` ids among them) to `to_user`."""
    duties = _check(from_user, to_user, reason, open_duties(from_user, lock=True), measures)
    units = {
        d.measure.problem.inspection.unit_id: d.measure.problem.inspection.unit for d in duties
    }
    if not may_hand_over(actor, units.values()):
        raise PermissionDenied
    _check_successor(duties, to_user)
    old, now = person_name(from_user), timezone.now()
    handover = Handover.objects.create(
        from_user=from_user,
        to_user=to_user,
        from_name=old or from_user.username,
        to_name=person_name(to_user),
        reason=reason.strip()[:500],
        at=now,
        actor=actor,
    )
    items = [
        _item(handover, duty, _move(duty.measure, duty.duties, from_user, to_user))
        for duty in duties
    ]
    Measure.objects.bulk_update(
        [d.measure for d in duties], ["leader", "owner", "owner_user", "version"], batch_size=500
    )
    HandoverItem.objects.bulk_create(items, batch_size=500)
    for unit_id in units:
        moved = [d.measure.pk for d in duties if d.measure.problem.inspection.unit_id == unit_id]
        record(
            "duties.handed_over",
            handover,
            actor=actor,
            unit_id=unit_id,
            from_user=from_user.pk,
            from_name=handover.from_name,
            to_user=to_user.pk,
            to_name=handover.to_name,
            reason=handover.reason,
            measures=moved,
        )
    return handover
