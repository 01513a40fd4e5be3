"""Every change to a ledger: one function each, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_DOWN, Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from zhenggai.accounts.access import EDIT, OFFICE, REGISTER, REPORT, access_for
from zhenggai.audit.services import record
from zhenggai.forms import EARLIEST_DATE
from zhenggai.notices.figures import MAX_FIGURE
from zhenggai.notices.render import cn_date

from . import counts, filetypes
from .indicators import name_indicators
from .models import (
    Completion,
    Evidence,
    Figure,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
    add_months,
)


class LedgerError(Exception):
    """A refused change, with a message for the user."""


def _check_open(problem: Problem) -> None:
    if problem.closed_at or (problem.parent_id and problem.parent.closed_at):
        raise LedgerError(f"问题“{problem.title[:30]}”已销号，不能再修改；更正请另行登记。")


def _check_version(obj, version: int | None, fields: dict | None = None) -> None:
    """Refuse a save based on an old copy of the row (no lost update).

    The message names what the other person's save left in the fields being edited.
    """
    current = type(obj).objects.select_for_update(no_key=True, of=("self",)).get(pk=obj.pk)
    if version is not None and int(version) != current.version:
        changed = [
            f"{obj._meta.get_field(name).verbose_name}“{_shown(current, name)}”"
            for name, value in (fields or {}).items()
            if getattr(current, name) != value
        ]
        detail = f"现在的内容为：{'；'.join(changed)}。" if changed else ""
        raise LedgerError(f"该条目已被他人修改，{detail}请核对后重新保存。")
    obj.version = current.version + 1


def _shown(obj, name: str) -> str:
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if display else getattr(obj, name)
    return "" if value is None else str(value)[:60]


HORIZON_YEARS = 5


def _check_due(inspection: Inspection, due: dt.date | None) -> None:
    """A due date lies between the feedback and `HORIZON_YEARS` after it."""
    if not due:
        return
    if due < inspection.feedback_date:
        raise LedgerError(
            f"完成时限 {cn_date(due)} 早于反馈日期 {cn_date(inspection.feedback_date)}。"
        )
    limit = add_months(inspection.feedback_date, 12 * HORIZON_YEARS)
    if due > limit:
        raise LedgerError(
            f"完成时限 {cn_date(due)} 晚于反馈后{HORIZON_YEARS}年（{cn_date(limit)}），请核对；"
            "长期坚持的措施请选择“长期坚持”。"
        )


# A figure is a count or an amount as a notice states it: at least 0, below the bound
# the notice parser keeps (and the column holds), at most four decimal places.
FIGURE_LIMIT = Decimal(int(MAX_FIGURE))
FIGURE_PLACES = Decimal("0.0001")


def check_figure(value: Decimal) -> None:
    """Refuse a figure no page could show: NaN, infinite, negative, too big or too fine."""
    if not value.is_finite():
        raise LedgerError(f"成效数据的数值“{value}”不是数字。")
    if value < 0:
        raise LedgerError(f"成效数据的数值 {value:f} 不能为负数。")
    if value >= FIGURE_LIMIT:
        raise LedgerError(f"成效数据的数值 {value:f} 过大，须小于 {FIGURE_LIMIT:,}（1000亿）。")
    if value != value.quantize(FIGURE_PLACES, rounding=ROUND_DOWN):
        raise LedgerError(f"成效数据的数值 {value:f} 最多保留四位小数。")


def _check_reported_on(inspection: Inspection, day: dt.date) -> None:
    """A progress report is dated between the feedback and today."""
    today = timezone.localdate()
    if day > today:
        raise LedgerError(f"进展日期 {cn_date(day)} 晚于今天（{cn_date(today)}），请核对。")
    start = inspection.feedback_date or inspection.start
    if start and day < start:
        raise LedgerError(f"进展日期 {cn_date(day)} 早于反馈日期 {cn_date(start)}，请核对。")
    # An inspection kept from before dates were checked may have been fed back in 0001.
    if day < EARLIEST_DATE:
        raise LedgerError(f"进展日期 {cn_date(day)} 早于 {cn_date(EARLIEST_DATE)}，请核对。")


def check_register(actor, unit) -> None:
    """Refuse to put an inspection in a unit where the actor may not register one.

    `actor` None is the system itself (the command line, the demo).
    """
    if actor is not None and not access_for(actor).may(REGISTER, unit):
        raise LedgerError(f"您无权在“{unit.name}”登记巡察。")


def check_term(term: str, status: str) -> None:
    """长期坚持 is never 已完成 (`rules`); forms ask here too."""
    if term == Measure.Term.ONGOING and status == Measure.Status.DONE:
        raise LedgerError("长期坚持的措施不能标记为已完成；可将整改状态设为“长期坚持”。")


@transaction.atomic
def create_inspection(*, actor, **fields) -> Inspection:
    check_register(actor, fields["unit"])
    inspection = Inspection.objects.create(**fields)
    record(
        "inspection.created",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        round=inspection.round,
    )
    return inspection


@transaction.atomic
def update_inspection(inspection: Inspection, *, actor, **fields) -> Inspection:
    # Moving an inspection needs the right to register it where it goes.
    if "unit" in fields and fields["unit"].pk != inspection.unit_id:
        check_register(actor, fields["unit"])
    for name, value in fields.items():
        setattr(inspection, name, value)
    inspection.save()
    record(
        "inspection.updated",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        fields=sorted(fields),
    )
    return inspection


@transaction.atomic
def delete_inspection(inspection: Inspection, *, actor) -> None:
    """The unit's editor deletes a mistaken inspection on which nothing was reported."""
    inspection = Inspection.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=inspection.pk
    )
    if not access_for(actor).may(EDIT, inspection.unit):
        raise PermissionDenied
    if Progress.objects.filter(measure__problem__inspection=inspection).exists():
        raise LedgerError("该巡察已有整改进展，不能删除；如系误登记，请作废。")
    if inspection.notices.exists():
        raise LedgerError("该巡察已发布整改通报，不能删除；如系误登记，请报巡察办作废。")
    problems = Problem.objects.filter(inspection=inspection)
    if problems.filter(Q(closed_at__isnull=False) | Q(signoffs__isnull=False)).exists():
        raise LedgerError("该巡察已有销号申请或销号记录，不能删除；如系误登记，请作废。")
    record(
        "inspection.deleted",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        round=inspection.round,
        problems=problems.count(),
        measures=Measure.objects.filter(problem__inspection=inspection).count(),
    )
    inspection.delete()


def may_void(actor, inspection: Inspection) -> bool:
    """The office voids any inspection; the unit's editor one with nothing published."""
    access = access_for(actor)
    if access.anywhere(OFFICE):
        return True
    return access.may(EDIT, inspection.unit) and not inspection.notices.exists()


@transaction.atomic
def void_inspection(inspection: Inspection, *, actor, reason: str) -> Inspection:
    """作废: the inspection leaves every count, list, export and reminder; it stays
    readable in the 作废 list and in the audit log."""
    inspection = Inspection.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=inspection.pk
    )
    if not may_void(actor, inspection):
        raise PermissionDenied
    if not reason.strip():
        raise LedgerError("作废须写明理由。")
    measures = Measure.objects.filter(problem__inspection=inspection)
    inspection.voided_at, inspection.voided_by = timezone.now(), actor
    inspection.void_reason = reason.strip()[:500]
    inspection.save(update_fields=["voided_at", "voided_by", "void_reason"])
    record(
        "inspection.voided",
        inspection,
        actor=actor,
        unit_id=inspection.unit_id,
        round=inspection.round,
        reason=inspection.void_reason,
        measures=measures.count(),
    )
    return inspection


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def add_problem(
    inspection: Inspection, *, actor, parent: Problem | None = None, **fields
) -> Problem:
    if parent is not None:
        if parent.parent_id or parent.inspection_id != inspection.pk:
            raise LedgerError("具体问题只能挂在本次巡察的问题类别之下（最多两级）。")
        _check_open(parent)
    siblings = Problem.objects.filter(inspection=inspection, parent=parent)
    problem = Problem.objects.create(
        inspection=inspection, parent=parent, position=_next_position(siblings), **fields
    )
    record("problem.added", problem, actor=actor, unit_id=inspection.unit_id, title=problem.title)
    return problem


@transaction.atomic
def update_problem(problem: Problem, *, actor, version: int | None = None, **fields) -> Problem:
    _check_open(problem)
    _check_version(problem, version, fields)
    for name, value in fields.items():
        setattr(problem, name, value)
    problem.save(update_fields=[*fields, "version"])
    record(
        "problem.updated",
        problem,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        fields=sorted(fields),
    )
    return problem


@transaction.atomic
def delete_problem(problem: Problem, *, actor) -> None:
    _check_open(problem)
    if Progress.objects.filter(measure__problem__in=[problem, *problem.children.all()]).exists():
        raise LedgerError("该问题下已有整改进展，不能删除。")
    record(
        "problem.deleted",
        problem,
        actor=actor,
        unit_id=problem.inspection.unit_id,
        title=problem.title,
    )
    problem.delete()


@transaction.atomic
def move(obj: Problem | Measure, *, actor, up: bool) -> None:
    """Swap an item with its neighbour above or below.

    An order is part of what is edited: after 销号 neither the closed item nor its
    neighbour moves (the neighbour's move would renumber the closed one).
    """
    if isinstance(obj, Problem):
        siblings = Problem.objects.filter(inspection=obj.inspection_id, parent=obj.parent_id)
        unit_id = obj.inspection.unit_id
    else:
        _check_open(obj.problem)
        siblings = Measure.objects.filter(problem=obj.problem_id)
        unit_id = obj.problem.inspection.unit_id
    ordered = list(siblings.select_for_update(no_key=True, of=("self",)).order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == obj.pk)
    other = index - 1 if up else index + 1
    inside = 0 <= other < len(ordered)
    if isinstance(obj, Problem):
        for item in [ordered[index], *([ordered[other]] if inside else [])]:
            _check_open(item)
    if not inside:
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            type(item).objects.filter(pk=item.pk).update(position=position)
    record(f"{type(obj).__name__.lower()}.moved", obj, actor=actor, unit_id=unit_id, up=up)


@transaction.atomic
def add_measure(problem: Problem, *, actor, **fields) -> Measure:
    _check_open(problem)
    if fields.get("status") == Measure.Status.DONE:
        raise LedgerError("新增的措施不能直接设为“已完成”，请报送进展后申请完成。")
    _check_due(problem.inspection, fields.get("due"))
    check_term(fields.get("term", Measure.Term.DEADLINE), fields.get("status", ""))
    measure = Measure.objects.create(
        problem=problem, position=_next_position(problem.measures.all()), **fields
    )
    record("measure.added", measure, actor=actor, unit_id=problem.inspection.unit_id)
    return measure


def _check_confirmed_due(measure: Measure, fields: dict) -> None:
    """After 台账确认 the due date moves only through an approved 延期申请."""
    inspection = measure.problem.inspection
    if inspection.confirmed_at and "due" in fields and fields["due"] != measure.due:
        raise LedgerError(
            f"台账已于{cn_date(timezone.localdate(inspection.confirmed_at))}确认，"
            f"措施“{measure.text[:30]}”的完成时限不能直接修改；"
            "如需调整，请在措施页面提出延期申请，经批准后生效。"
        )


@transaction.atomic
def update_measure(measure: Measure, *, actor, version: int | None = None, **fields) -> Measure:
    _check_open(measure.problem)
    _check_confirmed_due(measure, fields)
    _check_due(measure.problem.inspection, fields.get("due"))
    _check_version(measure, version, fields)
    check_term(fields.get("term", measure.term), fields.get("status", measure.status))
    if fields.get("status") == Measure.Status.DONE and measure.status != Measure.Status.DONE:
        raise LedgerError("“已完成”须经申请完成并由本单位确认，不能直接修改。")
    if "status" in fields and fields["status"] != Measure.Status.DONE:
        measure.done_at = None
    for name, value in fields.items():
        setattr(measure, name, value)
    # Only the edited fields: a concurrent change to the others must survive.
    measure.save(update_fields=[*fields, "version", "done_at"])
    record(
        "measure.updated",
        measure,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        fields=sorted(fields),
    )
    return measure


@transaction.atomic
def delete_measure(measure: Measure, *, actor) -> None:
    _check_open(measure.problem)
    if measure.progress.exists():
        raise LedgerError("该措施已有整改进展，不能删除。")
    record(
        "measure.deleted",
        measure,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        text=measure.text[:100],
    )
    measure.delete()


def evidence_counts(measure: Measure) -> tuple[int, int]:
    """(files, references only) reported on the measure; a withdrawn report's no longer count."""
    counts = Evidence.objects.filter(
        progress__measure=measure, progress__withdrawn_at=None
    ).aggregate(files=Count("id", filter=~Q(file="")), references=Count("id", filter=Q(file="")))
    return counts["files"], counts["references"]


def may_confirm(user, inspection: Inspection) -> bool:
    """The role the inspection names (`confirm_by`) confirms completions."""
    return access_for(user).has_role(inspection.unit, inspection.confirm_by)


@transaction.atomic
def request_completion(measure: Measure, *, actor, note: str = "") -> Completion:
    """The owner or editor asks to count the measure 已完成, with its evidence reported."""
    measure = (
        Measure.objects.select_for_update(no_key=True, of=("self",))
        .select_related("problem__inspection")
        .get(pk=measure.pk)
    )
    access, unit = access_for(actor), measure.problem.inspection.unit
    if not (
        access.may(EDIT, unit) or (measure.owner_user_id == actor.pk and access.may(REPORT, unit))
    ):
        raise PermissionDenied
    _check_open(measure.problem)
    check_term(measure.term, Measure.Status.DONE)
    if measure.status == Measure.Status.DONE:
        raise LedgerError("该措施已完成。")
    if measure.completions.filter(status=Completion.Status.REQUESTED).exists():
        raise LedgerError("该措施已有待确认的完成申请。")
    files, references = evidence_counts(measure)
    if not files and not references:
        raise LedgerError("申请完成前，请先报送整改进展并上传佐证材料。")
    completion = Completion.objects.create(measure=measure, requested_by=actor, note=note.strip())
    record(
        "measure.completion_requested",
        completion,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        files=files,
        references=references,
    )
    return completion


@transaction.atomic
def confirm_completion(completion: Completion, *, actor, inspected: bool = False) -> Measure:
    """The unit's confirmer counts the measure 已完成."""
    completion = Completion.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=completion.pk
    )
    measure = (
        Measure.objects.select_for_update(no_key=True, of=("self",))
        .select_related("problem__inspection")
        .get(pk=completion.measure_id)
    )
    if not may_confirm(actor, measure.problem.inspection):
        raise PermissionDenied
    if completion.status != Completion.Status.REQUESTED:
        raise LedgerError("该完成申请已处理。")
    _check_open(measure.problem)
    files, _references = evidence_counts(measure)
    if not files and not inspected:
        raise LedgerError("佐证材料只有文字说明（如纸质档案），确认前请查验原件并勾选“已查验”。")
    completion.status, completion.reviewer = Completion.Status.CONFIRMED, actor
    completion.reviewed_at, completion.inspected = timezone.now(), inspected
    completion.save()
    measure.status, measure.done_at = Measure.Status.DONE, completion.reviewed_at
    measure.version += 1
    measure.save(update_fields=["status", "done_at", "version"])
    record(
        "measure.completion_confirmed",
        completion,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        inspected=inspected,
    )
    return measure


@transaction.atomic
def return_completion(completion: Completion, *, actor, reason: str) -> Completion:
    completion = Completion.objects.select_for_update(no_key=True, of=("self",)).get(
        pk=completion.pk
    )
    measure = completion.measure
    if not may_confirm(actor, measure.problem.inspection):
        raise PermissionDenied
    if completion.status != Completion.Status.REQUESTED:
        raise LedgerError("该完成申请已处理。")
    if not reason.strip():
        raise LedgerError("退回须写明理由。")
    completion.status, completion.reviewer = Completion.Status.RETURNED, actor
    completion.reviewed_at, completion.reason = timezone.now(), reason.strip()
    completion.save()
    record(
        "measure.completion_returned",
        completion,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        reason=completion.reason,
    )
    return completion


def check_upload(upload) -> str:
    """The content type of an acceptable upload, or a LedgerError naming the file.

    The content must be what the extension claims (filetypes.KINDS): an executable
    renamed .pdf is refused, not stored.
    """
    name = PurePath(upload.name or "").name
    try:
        kind = filetypes.kind_for(name)
        limit = settings.EVIDENCE_MAX_BYTES
        if upload.size > limit:
            raise LedgerError(f"文件“{name}”超过大小上限 {limit // (1024 * 1024)} MB。")
        if upload.size == 0:
            raise LedgerError(f"文件“{name}”是空文件。")
        upload.seek(0)
        filetypes.check_content(name, upload.read())
        upload.seek(0)
    except filetypes.Refused as exc:
        raise LedgerError(str(exc)) from None
    return kind.content_type


def _store_evidence(progress: Progress, upload) -> Evidence:
    content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        progress=progress,
        name=PurePath(upload.name).name[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    evidence.file.save("upload", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def report_progress(
    measure: Measure, *, actor, text: str, reported_on: dt.date, figures=(), files=(), references=()
) -> Progress:
    """A progress report with its figures (value, unit, counts) and evidence."""
    _check_open(measure.problem)
    _check_reported_on(measure.problem.inspection, reported_on)
    for value, _unit, _counts in figures:
        check_figure(Decimal(str(value)))
    for upload in files:
        check_upload(upload)
    progress = Progress.objects.create(
        measure=measure, author=actor, text=text, reported_on=reported_on
    )
    rows = [
        Figure(progress=progress, value=Decimal(str(value)), unit=unit, counts=counts)
        for value, unit, counts in figures
    ]
    name_indicators(rows)
    Figure.objects.bulk_create(rows)
    stored: list[Evidence] = []
    try:
        for upload in files:
            stored.append(_store_evidence(progress, upload))
    except Exception:
        # The rows roll back with the transaction; the files must go with them.
        for evidence in stored:
            evidence.file.delete(save=False)
        raise
    stored += [
        Evidence.objects.create(progress=progress, reference=ref)
        for ref in references
        if ref.strip()
    ]
    started = measure.status == Measure.Status.PLANNED
    if started:
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.IN_PROGRESS)
    record(
        "progress.reported",
        progress,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        evidence=[e.sha256 or e.reference for e in stored],
    )
    if started:  # the event is not recounted (counts.UNCOUNTED_EVENTS): the status is
        counts.keep([measure.problem.inspection_id])
    return progress


def _check_may_amend(progress: Progress, actor) -> None:
    access = access_for(actor)
    unit = progress.measure.problem.inspection.unit
    own = progress.author_id == actor.pk and access.may(REPORT, unit)
    if not (own or access.may(EDIT, unit)):
        raise PermissionDenied
    if progress.withdrawn_at:
        raise LedgerError("该进展已撤回或已更正。")


@transaction.atomic
def withdraw_progress(progress: Progress, *, actor, reason: str) -> Progress:
    """The author or the unit's editor withdraws a report; it stays, struck through."""
    progress = (
        Progress.objects.select_for_update(no_key=True, of=("self",))
        .select_related("measure__problem__inspection__unit", "measure__problem__parent")
        .get(pk=progress.pk)
    )
    _check_may_amend(progress, actor)
    _check_open(progress.measure.problem)
    if not reason.strip():
        raise LedgerError("撤回须写明理由。")
    progress.withdrawn_at, progress.withdrawn_by = timezone.now(), actor
    progress.withdraw_reason = reason.strip()[:500]
    progress.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    record(
        "progress.withdrawn",
        progress,
        actor=actor,
        unit_id=progress.measure.problem.inspection.unit_id,
        measure=progress.measure_id,
        reason=progress.withdraw_reason,
    )
    return progress


@transaction.atomic
def correct_progress(progress: Progress, *, actor, reason: str, **report) -> Progress:
    """A corrected report replaces the original, which stays as withdrawn history."""
    original = withdraw_progress(progress, actor=actor, reason=f"更正：{reason.strip()}")
    corrected = report_progress(original.measure, actor=actor, **report)
    corrected.corrects = original
    corrected.save(update_fields=["corrects"])
    record(
        "progress.corrected",
        corrected,
        actor=actor,
        unit_id=original.measure.problem.inspection.unit_id,
        original=original.pk,
    )
    return corrected


@transaction.atomic
def apply_indicator_rules(*, actor) -> int:
    """Name every reported figure's indicator again by the current rules; the count changed."""
    rules = list(IndicatorRule.objects.all())
    figures = Figure.objects.only("id", "counts", "unit", "indicator").iterator(2000)
    changed = name_indicators(figures, rules)
    Figure.objects.bulk_update(changed, ["indicator"], batch_size=1000)
    record(
        "indicators.applied",
        rules[0] if rules else IndicatorRule(),
        actor=actor,
        changed=len(changed),
        rules=len(rules),
    )
    return len(changed)


@transaction.atomic
def save_indicator_rules(formset, *, actor) -> int:
    """Save the office's edits to the indicator rules, then name every figure again."""
    # Deleting clears an object's pk: keep who went before saving.
    deleted = [
        IndicatorRule(pk=f.instance.pk, name=f.instance.name)
        for f in formset.deleted_forms
        if f.instance.pk
    ]
    formset.save()
    for rule in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
        record(
            "indicator.saved",
            rule,
            actor=actor,
            name=rule.name,
            unit=rule.unit,
            keywords=rule.keywords,
        )
    for rule in deleted:
        record("indicator.deleted", rule, actor=actor, name=rule.name)
    return apply_indicator_rules(actor=actor)
