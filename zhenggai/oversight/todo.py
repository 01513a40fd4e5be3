"""待办: what waits for each user's action, by the roles they hold, in one query a section.

Each section is a queryset (restricted by the one access rule) and a way to show a
row: its text, where it is done, and a note such as 超期 5 天. The page reads up to
`LIMIT` rows of each section with the section's total in the same query (a window
count); the navigation bar reads every section's count in one query (`counts`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.urls import reverse
from django.utils import timezone

from zhenggai.accounts import throttle
from zhenggai.accounts.access import (
    ANSWER,
    AUDITOR,
    COMMENTS,
    EDIT,
    LEAD,
    OFFICE,
    READ,
    SECADMIN,
    SYSADMIN,
    Access,
    Role,
    access_for,
)
from zhenggai.accounts.models import LoginThrottle
from zhenggai.audit.models import Event
from zhenggai.disclosure.models import Comment, NoticeDraft
from zhenggai.ledger import rules
from zhenggai.ledger.handover import SEPARATORS, person_name
from zhenggai.ledger.models import Completion, Extension, Inspection, Measure
from zhenggai.notices.render import cn_date

from .audit_log import act_label
from .models import SignOff, SupervisionOrder

LIMIT = 20


@dataclass
class Item:
    """One row of the to-do: what, where it is done, and how urgent."""

    text: str
    url: str
    unit: str = ""
    note: str = ""
    late: bool = False


@dataclass
class Section:
    """A kind of work: its rows (at most LIMIT) and how many there are in all."""

    key: str
    title: str
    items: list[Item]
    total: int

    @property
    def more(self) -> int:
        """Rows not shown."""
        return self.total - len(self.items)


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    rows: Callable[[Context], QuerySet]
    item: Callable[[object, dt.date], Item]
    related: tuple[str, ...] = ()
    # A standing list of one's measures: the navigation bar counts its urgent part only.
    urgent: bool = False
    # Not work to do (the inspections one reads): not counted in the navigation bar.
    badge: bool = True


@dataclass(frozen=True)
class Context:
    user: object
    access: Access
    today: dt.date

    def role_q(self, act: str, prefix: str) -> Q:
        """Units where the user holds a role granting `act`, the office's reach left out."""
        return replace(self.access, office=False).q(act, prefix)


def days_note(due: dt.date | None, today: dt.date, late_word: str = "超期") -> tuple[str, bool]:
    if due is None:
        return "无完成时限", False
    days = (due - today).days
    if days < 0:
        return f"{late_word} {-days} 天", True
    return ("今天到期" if days == 0 else f"还剩 {days} 天（{cn_date(due)}）"), False


# --- measures --------------------------------------------------------------------

M_UNIT = "problem__inspection__unit__"
# A voided (作废) inspection leaves every list: measures and completions by their managers,
# sign-offs, drafts and comments by this filter.
LIVE_P = {"problem__inspection__voided_at": None}


def _open_measures(qs: QuerySet) -> QuerySet:
    """Not 已完成, and the problem not signed off: work still to do."""
    return (
        qs.exclude(rules.q(rules.finished()))
        .filter(problem__closed_at=None)
        .exclude(problem__parent__closed_at__isnull=False)
    )


def _by_urgency(qs: QuerySet, today: dt.date) -> QuerySet:
    urgency = Case(
        When(rules.q(rules.overdue(today)), then=Value(0)),
        When(rules.q(rules.due_soon(today)), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(urgency=urgency).order_by("urgency", "due", "id")


def _urgent(qs: QuerySet, today: dt.date) -> QuerySet:
    return qs.filter(rules.q(rules.overdue(today)) | rules.q(rules.due_soon(today)))


def named_q(field: str, name: str) -> Q:
    """`field` names `name` among the names of a 责任清单 cell (`handover.names_in`)."""
    sep = SEPARATORS.pattern.strip("()+")
    return Q(**{f"{field}__regex": f"(^|{sep}){re.escape(name)}($|{sep})"})


def my_measures(c: Context) -> QuerySet:
    mine = Measure.objects.for_user(c.user, READ).filter(owner_user=c.user)
    return _by_urgency(_open_measures(mine), c.today)


def led_measures(c: Context) -> QuerySet:
    name = person_name(c.user)
    if not name:
        return Measure.objects.none()
    # Units where the user holds a role (not the office's reach over every unit), and a
    # LIKE before the regex: this runs for the navigation bar on every page.
    led = Measure.objects.filter(c.role_q(READ, M_UNIT), leader__contains=name)
    led = led.filter(named_q("leader", name))
    return _by_urgency(_open_measures(led.exclude(owner_user=c.user)), c.today)


def incomplete_measures(c: Context) -> QuerySet:
    missing = Q(owner="", owner_user=None) | Q(due=None, term__in=rules.DATED_TERMS)
    qs = _open_measures(Measure.objects.for_user(c.user, EDIT).filter(missing))
    return qs.order_by("problem__inspection_id", "problem__position", "position", "id")


def unit_overdue(c: Context) -> QuerySet:
    qs = Measure.objects.filter(c.role_q(LEAD, M_UNIT)).overdue(c.today)
    return _open_measures(qs).order_by("due", "id")


def measure_item(m, today: dt.date) -> Item:
    note, late = days_note(m.due, today) if m.term in rules.DATED_TERMS else ("长期坚持", False)
    return Item(
        m.text,
        reverse("ledger:measure-detail", args=[m.pk]),
        m.problem.inspection.unit.name,
        note,
        late,
    )


def incomplete_item(m, today: dt.date) -> Item:
    lacks = [
        w
        for w, gap in (("责任人", not (m.owner or m.owner_user_id)), ("完成时限", not m.due))
        if gap
    ]
    return Item(
        m.text,
        reverse("ledger:measure-edit", args=[m.pk]),
        m.problem.inspection.unit.name,
        "缺" + "、".join(lacks),
    )


# --- completions -----------------------------------------------------------------


def to_confirm(c: Context) -> QuerySet:
    """Requests waiting for the user: the role each inspection names confirms (`may_confirm`)."""
    unit = "measure__problem__inspection__unit__"
    by_editor = Q(measure__problem__inspection__confirm_by="editor") & c.role_q(EDIT, unit)
    by_leader = Q(measure__problem__inspection__confirm_by="leader") & c.role_q(LEAD, unit)
    qs = Completion.objects.filter(status=Completion.Status.REQUESTED).filter(by_editor | by_leader)
    return qs.order_by("requested_at", "id")


def extensions_to_decide(c: Context) -> QuerySet:
    """延期申请 waiting for the user: the office, or the unit's leader where the office
    delegated the decision (`extensions.may_decide`)."""
    unit = "measure__problem__inspection__unit__"
    delegated = Q(measure__problem__inspection__extension_by=Role.LEADER) & c.role_q(LEAD, unit)
    qs = Extension.objects.filter(
        status=Extension.Status.REQUESTED, measure__problem__inspection__voided_at=None
    )
    office = c.access.q(OFFICE, unit)
    # An empty Q (the office's reach: every unit) would vanish from an OR: test it first.
    if office:
        qs = qs.filter(office | delegated)
    return qs.order_by("requested_at", "id")


def extension_item(x, today: dt.date) -> Item:
    url = reverse("ledger:measure-detail", args=[x.measure_id]) + "#extension"
    unit = x.measure.problem.inspection.unit.name
    before = cn_date(x.old_due) if x.old_due else "无"
    note = f"原时限{before}，申请延期至{cn_date(x.new_due)}"
    return Item(x.measure.text, url, unit, note, x.new_due < today)


def returned_completions(c: Context) -> QuerySet:
    later = Completion.objects.filter(
        measure=OuterRef("measure"), requested_at__gt=OuterRef("requested_at")
    )
    qs = Completion.objects.for_user(c.user, READ).filter(
        Q(requested_by=c.user) | Q(measure__owner_user=c.user), status=Completion.Status.RETURNED
    )
    qs = qs.exclude(measure__status=rules.DONE).exclude(Exists(later))
    return qs.order_by("-reviewed_at", "-id")


def completion_item(x, today: dt.date) -> Item:
    measure = x.measure
    unit = measure.problem.inspection.unit.name
    url = reverse("ledger:measure-detail", args=[measure.pk]) + "#completion"
    if x.status == Completion.Status.RETURNED:
        return Item(measure.text, url, unit, f"退回：{x.reason[:40]}", True)
    return Item(measure.text, url, unit, f"{cn_date(x.requested_at.date())}申请")


# --- sign-offs, orders, notices, comments, reports ---------------------------------


def returned_signoffs(c: Context) -> QuerySet:
    later = SignOff.objects.filter(
        problem=OuterRef("problem"), applied_at__gt=OuterRef("applied_at")
    )
    qs = SignOff.objects.for_user(c.user, EDIT).filter(status=SignOff.Status.RETURNED, **LIVE_P)
    qs = qs.filter(problem__closed_at=None).exclude(Exists(later))
    return qs.order_by("-reviewed_at", "-id")


def signoffs_to_review(c: Context) -> QuerySet:
    waiting = (SignOff.Status.APPLIED, SignOff.Status.CORRECTION_ASKED)
    qs = SignOff.objects.for_user(c.user, READ).filter(status__in=waiting, **LIVE_P)
    return qs.order_by("applied_at", "id")


def signoff_item(s, today: dt.date) -> Item:
    url = reverse("oversight:signoff-detail", args=[s.pk])
    unit = s.problem.inspection.unit.name
    if s.status == SignOff.Status.RETURNED:
        return Item(s.problem.title, url, unit, f"退回：{s.reason[:40]}", True)
    return Item(
        s.problem.title, url, unit, f"{s.get_status_display()} · {cn_date(s.applied_at.date())}"
    )


def orders_to_answer(c: Context) -> QuerySet:
    qs = SupervisionOrder.objects.filter(c.role_q(ANSWER, "unit__"), replied_at=None)
    return qs.order_by("due", "id")


def orders_overdue(c: Context) -> QuerySet:
    return SupervisionOrder.objects.for_user(c.user, READ).overdue(c.today).order_by("due", "id")


def order_item(o, today: dt.date) -> Item:
    note, late = days_note(o.due, today, "超期未回复")
    text = f"{o.get_level_display()}{o.doc_number}：{o.text}"
    return Item(text, reverse("oversight:order-detail", args=[o.pk]), o.unit.name, note, late)


def returned_drafts(c: Context) -> QuerySet:
    later = NoticeDraft.objects.filter(
        inspection=OuterRef("inspection"),
        audience=OuterRef("audience"),
        submitted_at__gt=OuterRef("submitted_at"),
    )
    qs = NoticeDraft.objects.for_user(c.user, EDIT).filter(
        status=NoticeDraft.Status.RETURNED, inspection__voided_at=None
    )
    return qs.exclude(Exists(later)).order_by("-returned_at", "-id")


def drafts_to_sign(c: Context) -> QuerySet:
    qs = NoticeDraft.objects.filter(c.role_q(LEAD, "inspection__unit__"))
    qs = qs.filter(status=NoticeDraft.Status.SUBMITTED, inspection__voided_at=None)
    return qs.order_by("submitted_at", "id")


def draft_item(d, today: dt.date) -> Item:
    url = reverse("disclosure:notice-draft", args=[d.inspection_id])
    text = f"{d.inspection.round}整改进展情况通报（{d.get_audience_display()}）"
    if d.status == NoticeDraft.Status.RETURNED:
        return Item(text, url, d.inspection.unit.name, f"退回：{d.reason[:40]}", True)
    return Item(text, url, d.inspection.unit.name, f"{cn_date(d.submitted_at.date())}提交签发")


def unit_comments(c: Context) -> QuerySet:
    qs = Comment.objects.filter(c.role_q(ANSWER, "notice__inspection__unit__"), handled=False)
    qs = qs.filter(notice__inspection__voided_at=None)
    return qs.order_by("-created_at", "-id")


def all_comments(c: Context) -> QuerySet:
    qs = Comment.objects.for_user(c.user, COMMENTS).filter(handled=False)
    qs = qs.filter(notice__inspection__voided_at=None)
    return qs.order_by("-created_at", "-id")


def comment_item(x, today: dt.date) -> Item:
    url = reverse("disclosure:notice-comments", args=[x.notice_id]) + f"#comment-{x.pk}"
    unit = x.notice.inspection.unit.name
    return Item(x.content, url, unit, f"{cn_date(x.created_at.date())}收到")


def _report_unfiled(qs: QuerySet, today: dt.date) -> QuerySet:
    """Inspections whose report is due soon or late (rules.report_due), and not filed."""
    due = qs.filter(rules.q(rules.report_due(today)), report_filing=None)
    return due.order_by("rectify_until", "id")


def reports_due(c: Context) -> QuerySet:
    return _report_unfiled(Inspection.objects.for_user(c.user, READ), c.today)


def reports_to_file(c: Context) -> QuerySet:
    return _report_unfiled(Inspection.objects.filter(c.role_q(EDIT, "unit__")), c.today)


def readable_inspections(c: Context) -> QuerySet:
    return Inspection.objects.for_user(c.user, READ).order_by("-feedback_date", "-id")


def inspection_item(i, today: dt.date) -> Item:
    url = reverse("ledger:inspection-detail", args=[i.pk])
    return Item(i.round, url, i.unit.name, f"{cn_date(i.feedback_date)}反馈")


def report_item(i, today: dt.date) -> Item:
    note, late = days_note(i.rectify_until, today, "逾期未报送")
    text = f"{i.round}：应于{cn_date(i.rectify_until)}前报送整改情况报告"
    url = reverse("oversight:document-list", args=[i.pk]) + "#report-clock"
    return Item(text, url, i.unit.name, note, late)


# --- the three administrators (三员) ---------------------------------------------------

ACCOUNT_ACTS = r"^(user|membership|account|unit)\."


def handovers_due(c: Context) -> QuerySet:
    """Deactivated accounts still named as the owner of open measures: hand them over."""
    measures = _open_measures(Measure.objects.filter(owner_user=OuterRef("pk"), **LIVE_P))
    users = get_user_model().objects.filter(is_active=False)
    return users.filter(Exists(measures)).order_by("username")


def handover_item(u, today: dt.date) -> Item:
    url = reverse("accounts:user-detail", args=[u.pk])
    return Item(person_name(u), url, u.username, "已停用，仍负责未完成的整改措施", True)


def first_logins(c: Context) -> QuerySet:
    """Active accounts still holding a one-time password: not yet logged in and changed."""
    users = get_user_model().objects.filter(is_active=True, profile__must_change_password=True)
    return users.order_by("username")


def first_login_item(u, today: dt.date) -> Item:
    url = reverse("accounts:user-detail", args=[u.pk])
    return Item(person_name(u), url, u.username, "尚未首次登录并修改初始密码")


def held_logins(c: Context) -> QuerySet:
    """Accounts the log-in throttle slows down now (the security administrator's list)."""
    rule = throttle.ACCOUNT
    return LoginThrottle.objects.filter(
        key__startswith="account:",
        failures__gte=rule.free,
        last_failure__gte=timezone.now() - rule.forget,
    ).order_by("-last_failure")


def held_item(t, today: dt.date) -> Item:
    username = t.key.removeprefix("account:")
    note = f"连续登录失败 {t.failures} 次 · {cn_date(timezone.localdate(t.last_failure))}"
    return Item(f"账号“{username}”登录受限", reverse("accounts:lock-list"), "", note, True)


def account_events(c: Context) -> QuerySet:
    """The last week's changes to units, accounts and roles, for the audit administrator."""
    since = timezone.now() - dt.timedelta(days=7)
    return Event.objects.filter(act__regex=ACCOUNT_ACTS, at__gte=since).order_by("-seq")


def event_item(e, today: dt.date) -> Item:
    url = reverse("oversight:audit-event", args=[e.pk])
    who = person_name(e.actor) if e.actor else "系统"
    note = f"{who} · {cn_date(timezone.localdate(e.at))}"
    return Item(act_label(e.act), url, "", note)


# --- the sections of each role ------------------------------------------------------

MEASURE = "problem__inspection__unit", "problem__parent"
KINDS = {
    k.key: k
    for k in [
        Kind("my_measures", "我负责的整改措施", my_measures, measure_item, MEASURE, urgent=True),
        Kind(
            "returned_completions",
            "被退回的完成申请",
            returned_completions,
            completion_item,
            ("measure__problem__inspection__unit",),
        ),
        Kind(
            "led_measures",
            "我担任责任领导的整改措施",
            led_measures,
            measure_item,
            MEASURE,
            urgent=True,
        ),
        Kind("orders_to_answer", "待回复的督办单", orders_to_answer, order_item, ("unit",)),
        Kind(
            "to_confirm",
            "待我确认的完成申请",
            to_confirm,
            completion_item,
            ("measure__problem__inspection__unit",),
        ),
        Kind(
            "returned_signoffs",
            "被退回的销号申请",
            returned_signoffs,
            signoff_item,
            ("problem__inspection__unit",),
        ),
        Kind(
            "returned_drafts", "被退回的通报稿", returned_drafts, draft_item, ("inspection__unit",)
        ),
        Kind(
            "unit_comments",
            "未处理的群众意见",
            unit_comments,
            comment_item,
            ("notice__inspection__unit",),
        ),
        Kind(
            "incomplete_measures",
            "缺责任人或完成时限的措施",
            incomplete_measures,
            incomplete_item,
            MEASURE,
        ),
        Kind("drafts_to_sign", "待我签发的通报", drafts_to_sign, draft_item, ("inspection__unit",)),
        Kind("unit_overdue", "本单位超期的整改措施", unit_overdue, measure_item, MEASURE),
        Kind(
            "signoffs_to_review",
            "待审核的销号申请",
            signoffs_to_review,
            signoff_item,
            ("problem__inspection__unit",),
        ),
        Kind("orders_overdue", "超期未回复的督办单", orders_overdue, order_item, ("unit",)),
        Kind(
            "extensions_to_decide",
            "待审批的延期申请",
            extensions_to_decide,
            extension_item,
            ("measure__problem__inspection__unit",),
        ),
        Kind("reports_due", "整改情况报告到期的单位", reports_due, report_item, ("unit",)),
        Kind("reports_to_file", "待报送的整改情况报告", reports_to_file, report_item, ("unit",)),
        Kind(
            "all_comments",
            "各单位未处理的群众意见",
            all_comments,
            comment_item,
            ("notice__inspection__unit",),
        ),
        Kind("handovers_due", "停用后待交接的账号", handovers_due, handover_item),
        Kind("first_logins", "尚未首次登录的账号", first_logins, first_login_item),
        Kind("held_logins", "登录受限的账号", held_logins, held_item),
        Kind(
            "account_events",
            "近7天的单位、账号与角色变更",
            account_events,
            event_item,
            ("actor",),
            badge=False,
        ),
        Kind(
            "inspections",
            "我可查看的巡察台账",
            readable_inspections,
            inspection_item,
            ("unit",),
            badge=False,
        ),
    ]
}
# role -> the sections it brings, in the order they are shown
ROLE_KINDS = {
    Role.OWNER: ["my_measures", "returned_completions"],
    Role.EDITOR: [
        "orders_to_answer",
        "to_confirm",
        "returned_completions",
        "returned_signoffs",
        "returned_drafts",
        "reports_to_file",
        "unit_comments",
        "incomplete_measures",
    ],
    Role.LEADER: ["to_confirm", "drafts_to_sign", "extensions_to_decide", "unit_overdue"],
    Role.OFFICE: [
        "signoffs_to_review",
        "extensions_to_decide",
        "orders_overdue",
        "reports_due",
        "all_comments",
    ],
}
# administrator duty (三员) -> the sections it brings
DUTY_KINDS = {
    SYSADMIN: ["handovers_due", "first_logins"],
    SECADMIN: ["held_logins", "first_logins"],
    AUDITOR: ["account_events"],
}


def kinds_for(access: Access) -> list[Kind]:
    """The sections of every role the user holds, each once; 责任领导 for anyone named."""
    roles = {role for _path, role, _subs in access.grants}
    keys = ["my_measures", "led_measures"]
    for role, more in ROLE_KINDS.items():
        if role in roles:
            keys += more
    keys += DUTY_KINDS.get(access.duty, [])
    return [KINDS[k] for k in dict.fromkeys([*keys, "inspections"])]


def sections(user, today: dt.date) -> list[Section]:
    """The to-do page: one query a section, rows and total together."""
    c = Context(user, access_for(user), today)
    out = []
    for kind in kinds_for(c.access):
        rows = kind.rows(c).select_related(*kind.related).annotate(total=Window(Count("pk")))
        rows = list(rows[:LIMIT])
        total = rows[0].total if rows else 0
        if total or _always_shown(kind.key, c.access):
            out.append(Section(kind.key, kind.title, [kind.item(r, today) for r in rows], total))
    return out


# Lists anyone may have (a person named as 责任领导 in text, say) but that are noise when
# empty for a user whose role does not call for them: the office, an administrator.
PERSONAL = {"my_measures": {Role.OWNER}, "led_measures": {Role.LEADER}, "inspections": set(Role)}


def _always_shown(key: str, access: Access) -> bool:
    roles = {role for _path, role, _subs in access.grants}
    return key not in PERSONAL or bool(PERSONAL[key] & roles)


class Counted(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def badge_rows(kind: Kind, c: Context) -> QuerySet:
    rows = kind.rows(c)
    return _urgent(rows, c.today) if kind.urgent else rows


# The counts' SQL per user, grants, name and day: the same on every page, and building it
# through the ORM cost more than running it (a third of the server's time under load).
# Only the text is kept, never a count: every page still asks the database. The
# administrators' lists depend on the time of day and are always built anew.
_COUNTS_SQL: dict[tuple, tuple[str, tuple, tuple[str, ...]]] = {}
COUNTS_SQL_KEPT = 5000


def counts(user, today: dt.date, extra: dict[str, QuerySet] | None = None) -> dict[str, int]:
    """Every section's count (measure lists: their overdue and due-soon part) and `extra`
    counts (querysets that depend on the user alone), in one query."""
    access = access_for(user)
    key = None
    if not access.duty:
        grants = (access.office, tuple(access.grants))
        key = (user.pk, grants, today, person_name(user), tuple(extra or ()))
    found = _COUNTS_SQL.get(key) if key else None
    if found is None:
        found = _counts_sql(Context(user, access, today), extra or {})
        if key:
            if len(_COUNTS_SQL) >= COUNTS_SQL_KEPT:
                _COUNTS_SQL.clear()
            _COUNTS_SQL[key] = found
    sql, params, names = found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone() or ()
    # An empty queryset (no name to match) counts as NULL.
    values = dict(zip(names, row, strict=False))
    return {name: values.get(name) or 0 for name in names}


def _counts_sql(c: Context, extra: dict[str, QuerySet]) -> tuple[str, tuple, tuple[str, ...]]:
    kinds = [k for k in kinds_for(c.access) if k.badge]
    queries = {k.key: badge_rows(k, c) for k in kinds} | extra
    counted = {key: Counted(qs.order_by().values("pk")) for key, qs in queries.items()}
    rows = get_user_model().objects.filter(pk=c.user.pk).values(**counted)
    sql, params = rows.values_list(*queries).query.sql_with_params()
    return sql, tuple(params), tuple(queries)
