"""Every change to a ledger: one function each, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from zhenggai.accounts.access import REGISTER, access_for
from zhenggai.audit.services import record
from zhenggai.notices.render import cn_date

from .indicators import name_indicators
from .models import Evidence, Figure, IndicatorRule, Inspection, Measure, Problem, Progress

EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".wps": "application/vnd.ms-works",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".et": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".txt": "text/plain",
}


class LedgerError(Exception):
    """A refused change, with a message for the user."""


def _check_open(problem: Problem) -> None:
    if problem.closed_at or (problem.parent_id and problem.parent.closed_at):
        raise LedgerError(f"问题“{problem.title[:30]}”已销号，不能再修改；更正请另行登记。")


def _check_version(obj, version: int | None, fields: dict | None = None) -> None:
    """Refuse a save based on an old copy of the row (no lost update).

    The message names what the other person's save left in the fields being edited.
    """
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
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


def _check_due(inspection: Inspection, due: dt.date | None) -> None:
    if due and due < inspection.feedback_date:
        raise LedgerError(
            f"完成时限 {cn_date(due)} 早于反馈日期 {cn_date(inspection.feedback_date)}。"
        )


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
    """Swap an item with its neighbour above or below."""
    if isinstance(obj, Problem):
        siblings = Problem.objects.filter(inspection=obj.inspection_id, parent=obj.parent_id)
        unit_id = obj.inspection.unit_id
    else:
        siblings = Measure.objects.filter(problem=obj.problem_id)
        unit_id = obj.problem.inspection.unit_id
    ordered = list(siblings.select_for_update().order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == obj.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            type(item).objects.filter(pk=item.pk).update(position=position)
    record(f"{type(obj).__name__.lower()}.moved", obj, actor=actor, unit_id=unit_id, up=up)


@transaction.atomic
def add_measure(problem: Problem, *, actor, **fields) -> Measure:
    _check_open(problem)
    _check_due(problem.inspection, fields.get("due"))
    check_term(fields.get("term", Measure.Term.DEADLINE), fields.get("status", ""))
    measure = Measure.objects.create(
        problem=problem, position=_next_position(problem.measures.all()), **fields
    )
    record("measure.added", measure, actor=actor, unit_id=problem.inspection.unit_id)
    return measure


@transaction.atomic
def update_measure(measure: Measure, *, actor, version: int | None = None, **fields) -> Measure:
    _check_open(measure.problem)
    _check_due(measure.problem.inspection, fields.get("due"))
    _check_version(measure, version, fields)
    check_term(fields.get("term", measure.term), fields.get("status", measure.status))
    if fields.get("status") == Measure.Status.DONE and measure.status != Measure.Status.DONE:
        _require_evidence(measure)
        measure.done_at = timezone.now()
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


def _require_evidence(measure: Measure) -> None:
    if not Evidence.objects.filter(progress__measure=measure).exists():
        raise LedgerError("标记“已完成”前，请先报送整改进展并上传佐证材料。")


@transaction.atomic
def complete_measure(measure: Measure, *, actor) -> Measure:
    _check_open(measure.problem)
    check_term(measure.term, Measure.Status.DONE)
    _require_evidence(measure)
    _check_version(measure, None)
    measure.status = Measure.Status.DONE
    measure.done_at = timezone.now()
    measure.save(update_fields=["status", "done_at", "version"])
    record("measure.completed", measure, actor=actor, unit_id=measure.problem.inspection.unit_id)
    return measure


def check_upload(upload) -> str:
    """The content type of an acceptable upload, or a LedgerError naming the file."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = "、".join(sorted(s.lstrip(".") for s in EVIDENCE_TYPES))
        raise LedgerError(f"文件“{name}”的类型不允许上传；允许的类型：{allowed}。")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise LedgerError(f"文件“{name}”超过大小上限 {limit // (1024 * 1024)} MB。")
    if upload.size == 0:
        raise LedgerError(f"文件“{name}”是空文件。")
    return EVIDENCE_TYPES[suffix]


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
    if measure.status == Measure.Status.PLANNED:
        Measure.objects.filter(pk=measure.pk).update(status=Measure.Status.IN_PROGRESS)
    record(
        "progress.reported",
        progress,
        actor=actor,
        unit_id=measure.problem.inspection.unit_id,
        measure=measure.pk,
        evidence=[e.sha256 or e.reference for e in stored],
    )
    return progress


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
