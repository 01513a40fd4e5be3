"""整改质量: checks for paper rectification (形式整改), each a named signal on measures.

Each check says in plain Chinese why a measure looks done on paper only; the office
reads them on one page and in the 销号 review of a problem, and may dismiss a flag with
a reason (kept, audited). The checks run over one round's measures in a fixed number of
queries: the measures with their evidence dates, their current progress texts, and the
dismissals; everything else is Python over those rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from zhenggai.accounts.access import OFFICE, READ, access_for
from zhenggai.audit.services import record
from zhenggai.ledger.models import Evidence, Measure, Progress

from .models import FlagDismissal

# A round's measures completed on their own due date, in one inspection and on one day,
# from this many on are a burst (到期集中销号).
BURST = 5
# Normalised texts shorter than this are too short to call a copy.
COPY_MIN = 8
# Progress adding fewer characters than this to the measure's own words repeats it.
ECHO_EXTRA = 6


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    reason: str


CHECKS = (
    Check(
        "vague",
        "措施表述空泛",
        "措施只写“进一步加强”“切实提高”一类要求，没有具体做法、数量或完成时间，"
        "难以检验是否真正落实。",
    ),
    Check(
        "copied",
        "措施照搬雷同",
        "同一措施原样出现在不同问题或不同单位的台账中，可能是套用模板，未针对问题本身研究整改办法。",
    ),
    Check(
        "no_evidence",
        "完成无佐证",
        "措施已标为完成，但没有上传任何佐证材料文件，完成情况无从核实。",
    ),
    Check(
        "late_evidence",
        "佐证晚于完成",
        "佐证材料在措施标为完成之后才上传，可能是先报完成、后补材料。",
    ),
    Check(
        "due_burst",
        "到期集中完成",
        f"同一台账有{BURST}项及以上措施恰在完成时限当天集中标为完成，可能是为赶时限突击报结。",
    ),
    Check(
        "echo",
        "进展照抄措施",
        "报送的整改进展只是重复措施原文，没有写明实际做了什么。",
    ),
)
BY_CODE = {c.code: c for c in CHECKS}

_VAGUE = re.compile(
    r"(进一步|切实|不断|持续|着力|全面|认真|努力)"
    r"(加强|提高|提升|强化|完善|深化|规范|落实|加大|增强|推进|改进)"
)
_CONCRETE = re.compile(
    r"[0-9０-９]|[一二三四五六七八九十百千两]+(次|项|个|人|份|场|期|条|名|家|户|天|周|月|年)"
    r"|制定|修订|出台|印发|召开|举办|清退|追回|收回|退还|整治|查处|约谈|台账|清单|前完成|底前"
)
_NOISE = re.compile(r"[\s\W_]+|^(一|二|三|四|五|六|七|八|九|十)+是", re.UNICODE)


def normalise(text: str) -> str:
    """Text without spaces, punctuation or a leading 一是/二是, for comparing wordings."""
    return _NOISE.sub("", text or "")


def is_vague(text: str) -> bool:
    """A requirement verb (进一步加强…) without any concrete action, number or date."""
    return bool(_VAGUE.search(text)) and not _CONCRETE.search(text)


def echoes(progress: str, measure: str) -> bool:
    """The progress text says nothing but the measure's own words."""
    p, m = normalise(progress), normalise(measure)
    if not p or not m:
        return False
    return p in m or (m in p and len(p) - len(m) < ECHO_EXTRA)


@dataclass
class Flag:
    """One check raised on one measure, with what it concerns."""

    check: Check
    measure: Measure
    detail: str = ""
    dismissal: FlagDismissal | None = None


@dataclass
class CheckResult:
    check: Check
    flags: list[Flag] = field(default_factory=list)
    dismissed: list[Flag] = field(default_factory=list)


def scope(user, round_name: str | None, act: str = OFFICE):
    """The round's measures the user may read (the office's page: every unit)."""
    measures = Measure.objects.for_user(user, act)
    if round_name:
        measures = measures.filter(problem__inspection__round=round_name)
    return measures


ROW_FIELDS = (
    "text",
    "status",
    "done_at",
    "due",
    "position",
    "problem__title",
    "problem__parent_id",
    "problem__inspection__round",
    "problem__inspection__unit__name",
)


def _rows(measures) -> list[Measure]:
    files = Evidence.objects.filter(
        progress__measure=OuterRef("pk"), progress__withdrawn_at=None
    ).exclude(file="")
    latest = files.order_by("-progress__created_at").values("progress__created_at")[:1]
    return list(
        measures.select_related("problem__inspection__unit")
        # What the checks and the pages read: a round's rows are many.
        .only(*ROW_FIELDS)
        .annotate(has_file=Exists(files), last_file=Subquery(latest))
        .order_by("problem__inspection__unit__name", "problem__inspection_id", "position", "id")
    )


def flags(measures) -> list[Flag]:
    """Every check on the measures: three queries whatever their number."""
    rows = _rows(measures)
    progress = defaultdict(list)
    # Subqueries, not lists of ids: a round's measures may outnumber SQLite's variables.
    texts = Progress.objects.filter(measure__in=measures.values("pk")).current()
    for pk, text, day in texts.values_list("measure_id", "text", "reported_on"):
        progress[pk].append((text, day))
    found = [*_copies(rows), *_bursts(rows)]
    for m in rows:
        if is_vague(m.text):
            found.append(Flag(BY_CODE["vague"], m))
        if m.status == Measure.Status.DONE and not m.has_file:
            found.append(Flag(BY_CODE["no_evidence"], m))
        if m.status == Measure.Status.DONE and m.done_at and m.last_file:
            done, last = timezone.localdate(m.done_at), timezone.localdate(m.last_file)
            if last > done:
                detail = f"标为完成：{_day(done)}；最后一份佐证上传：{_day(last)}"
                found.append(Flag(BY_CODE["late_evidence"], m, detail))
        same = [day for text, day in progress[m.pk] if echoes(text, m.text)]
        if same:
            detail = "照抄措施的进展：" + "、".join(_day(d) for d in sorted(same))
            found.append(Flag(BY_CODE["echo"], m, detail))
    _mark_dismissed(found, measures)
    return found


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _copies(rows: list[Measure]) -> list[Flag]:
    groups: dict[str, list[Measure]] = defaultdict(list)
    for m in rows:
        key = normalise(m.text)
        if len(key) >= COPY_MIN:
            groups[key].append(m)
    found = []
    for group in groups.values():
        # Linear in the group: a template copied into every ledger of a round is common.
        per_problem = Counter(m.problem_id for m in group)
        if len(per_problem) < 2:
            continue
        problems_of: dict[str, set[int]] = defaultdict(set)
        for m in group:
            problems_of[m.problem.inspection.unit.name].add(m.problem_id)
        details: dict[int, str] = {}  # the same for every measure of one problem
        for m in group:
            if m.problem_id not in details:
                units = sorted(u for u, ps in problems_of.items() if ps - {m.problem_id})
                where = "、".join(units[:5]) + (f"等{len(units)}个单位" if len(units) > 5 else "")
                others = len(group) - per_problem[m.problem_id]
                details[m.problem_id] = f"相同措施另见{others}处（{where}）"
            found.append(Flag(BY_CODE["copied"], m, details[m.problem_id]))
    return found


def _bursts(rows: list[Measure]) -> list[Flag]:
    groups: dict[tuple[int, dt.date], list[Measure]] = defaultdict(list)
    for m in rows:
        if m.status == Measure.Status.DONE and m.done_at and m.due:
            day = timezone.localdate(m.done_at)
            if day == m.due:
                groups[m.problem.inspection_id, day].append(m)
    found = []
    for (_inspection, day), group in groups.items():
        if len(group) >= BURST:
            detail = f"{_day(day)}当天到期并完成{len(group)}项"
            found += [Flag(BY_CODE["due_burst"], m, detail) for m in group]
    return found


def _mark_dismissed(found: list[Flag], measures) -> None:
    kept = FlagDismissal.objects.filter(measure__in=measures.values("pk"))
    by_key = {(d.signal, d.measure_id): d for d in kept.select_related("dismissed_by")}
    for flag in found:
        flag.dismissal = by_key.get((flag.check.code, flag.measure.pk))


def for_problem(problem, user) -> list[Flag]:
    """The flags on the measures under a problem (its own and its specific problems'),
    the copies looked for among the round's measures the user may read."""
    found = flags(scope(user, problem.inspection.round, READ))
    return [f for f in found if problem.pk in (f.measure.problem_id, f.measure.problem.parent_id)]


def by_check(found: list[Flag]) -> list[CheckResult]:
    """The flags under each check, in the checks' order; dismissed ones apart."""
    results = {c.code: CheckResult(c) for c in CHECKS}
    for flag in found:
        result = results[flag.check.code]
        (result.dismissed if flag.dismissal else result.flags).append(flag)
    return list(results.values())


@transaction.atomic
def dismiss_flag(measure: Measure, *, actor, signal: str, reason: str) -> FlagDismissal:
    """The office judges a flag unfounded; the reason is kept with who and when."""
    if not access_for(actor).may(OFFICE, measure.problem.inspection.unit):
        raise PermissionDenied
    check = BY_CODE.get(signal)
    if check is None:
        raise QualityError("未知的检查项。")
    reason = reason.strip()
    if not reason:
        raise QualityError(f"排除“{check.name}”提示须写明理由。")
    if FlagDismissal.objects.filter(signal=signal, measure=measure).exists():
        raise QualityError(f"该措施的“{check.name}”提示已排除。")
    dismissal = FlagDismissal.objects.create(
        signal=signal, measure=measure, reason=reason, dismissed_by=actor
    )
    record(
        "flag.dismissed",
        dismissal,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        signal=signal,
        reason=reason,
    )
    return dismissal


class QualityError(Exception):
    """A refused act, with a Chinese message."""
