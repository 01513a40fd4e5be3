"""What the API answers: one schema per object, the pages' field names and labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from ninja import Schema
from pydantic import create_model


def page_of(item: type[Schema]) -> type[Schema]:
    """A page of `item`: the total matching, the window asked for, the rows in it."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),
    )


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None


class UnitRef(Schema):
    id: int
    name: str


class InspectionOut(Schema):
    id: int
    unit: UnitRef
    kind: str
    kind_display: str
    mode: str
    round: str
    group: str
    start: dt.date | None
    end: dt.date | None
    feedback_date: dt.date
    rectify_until: dt.date
    confirmed_at: dt.datetime | None
    extension_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind_display(obj) -> str:
        return obj.get_kind_display()


class ProblemOut(Schema):
    id: int
    inspection_id: int
    parent_id: int | None
    position: int
    title: str
    description: str
    withhold_reason: str
    closed: bool
    closed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_closed(obj) -> bool:
        return bool(obj.closed_at or (obj.parent_id and obj.parent.closed_at))


class MeasureOut(Schema):
    id: int
    problem_id: int
    inspection_id: int
    position: int
    text: str
    leader: str
    department: str
    owner: str
    owner_user_id: int | None
    term: str
    due: dt.date | None
    original_due: dt.date | None
    status: str
    status_display: str
    light: str
    overdue_days: int
    done_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_inspection_id(obj) -> int:
        return obj.problem.inspection_id

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_light(obj) -> str:
        return obj.light(timezone.localdate())

    @staticmethod
    def resolve_overdue_days(obj) -> int:
        return obj.overdue_days(timezone.localdate())


class FigureOut(Schema):
    value: Decimal
    unit: str
    counts: str
    indicator: str


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    reference: str
    download: str | None

    @staticmethod
    def resolve_download(obj) -> str | None:
        return reverse("api:evidence_file", args=[obj.pk]) if obj.file else None


class ProgressOut(Schema):
    id: int
    measure_id: int
    author: str | None
    reported_on: dt.date
    text: str
    created_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    corrects_id: int | None
    figures: list[FigureOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_author(obj) -> str | None:
        return _name(obj.author)

    @staticmethod
    def resolve_figures(obj) -> list:
        return list(obj.figures.all())

    @staticmethod
    def resolve_evidence(obj) -> list:
        return list(obj.evidence.all())


class SignOffOut(Schema):
    id: int
    problem_id: int
    inspection_id: int
    status: str
    status_display: str
    note: str
    evidence: list[dict]
    applicant: str | None
    applied_at: dt.datetime
    reviewer: str | None
    reviewed_at: dt.datetime | None
    reason: str
    corrects_id: int | None

    @staticmethod
    def resolve_inspection_id(obj) -> int:
        return obj.problem.inspection_id

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_applicant(obj) -> str | None:
        return _name(obj.applicant)

    @staticmethod
    def resolve_reviewer(obj) -> str | None:
        return _name(obj.reviewer)


class OrderOut(Schema):
    id: int
    unit: UnitRef
    level: str
    level_display: str
    number: str
    due: dt.date
    text: str
    issued_at: dt.datetime
    problem_ids: list[int]
    reply_text: str
    replied_at: dt.datetime | None
    overdue: bool

    @staticmethod
    def resolve_level_display(obj) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.doc_number

    @staticmethod
    def resolve_problem_ids(obj) -> list[int]:
        return [p.pk for p in obj.problems.all()]

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())


class CommentOut(Schema):
    id: int
    notice_id: int
    inspection_id: int
    name: str
    content: str
    created_at: dt.datetime
    handled: bool
    reply: str
    reply_public: bool
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_inspection_id(obj) -> int:
        return obj.notice.inspection_id


class CountOut(Schema):
    key: str
    label: str
    count: int


class IndicatorOut(Schema):
    name: str
    unit: str
    value: Decimal
    approx: bool


class StatisticsOut(Schema):
    inspections: int
    problems: int
    problems_closed: int
    measures: int
    measures_by_status: list[CountOut]
    measures_by_light: list[CountOut]
    indicators: list[IndicatorOut]


class MeOut(Schema):
    id: int
    username: str
    name: str
    office: bool
    roles: list[dict]
    token: dict | None


class CompletionOut(Schema):
    id: int
    measure_id: int
    status: str
    status_display: str
    note: str
    requested_by: str | None
    requested_at: dt.datetime
    reviewer: str | None
    reviewed_at: dt.datetime | None
    reason: str
    inspected: bool
    measure_status: str

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return _name(obj.requested_by)

    @staticmethod
    def resolve_reviewer(obj) -> str | None:
        return _name(obj.reviewer)

    @staticmethod
    def resolve_measure_status(obj) -> str:
        return obj.measure.status


class ExtensionOut(Schema):
    id: int
    measure_id: int
    status: str
    status_display: str
    old_due: dt.date | None
    new_due: dt.date
    reason: str
    requested_by: str | None
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    answer: str
    measure_due: dt.date | None

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_requested_by(obj) -> str | None:
        return _name(obj.requested_by)

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return _name(obj.decided_by)

    @staticmethod
    def resolve_measure_due(obj) -> dt.date | None:
        return obj.measure.due


class AccountabilityOut(Schema):
    id: int
    problem_id: int
    measure_id: int | None
    name: str
    post: str
    person_unit: str
    kind: str
    decided_on: dt.date
    decided_by: str
    note: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.name


class DraftOut(Schema):
    id: int
    inspection_id: int
    audience: str
    status: str
    status_display: str
    sha256: str
    note: str
    doc_number: str
    submitted_by: str | None
    submitted_at: dt.datetime
    signed_by: str | None
    signed_at: dt.datetime | None
    returned_by: str | None
    returned_at: dt.datetime | None
    reason: str
    notice_id: int | None

    @staticmethod
    def resolve_status_display(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_submitted_by(obj) -> str | None:
        return _name(obj.submitted_by)

    @staticmethod
    def resolve_signed_by(obj) -> str | None:
        return _name(obj.signed_by)

    @staticmethod
    def resolve_returned_by(obj) -> str | None:
        return _name(obj.returned_by)


class NoticeOut(Schema):
    id: int
    inspection_id: int
    version: int
    audience: str
    title: str
    sha256: str
    doc_number: str
    note: str
    published_at: dt.datetime
    published_by: str | None
    url: str

    @staticmethod
    def resolve_published_by(obj) -> str | None:
        return _name(obj.published_by)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()
