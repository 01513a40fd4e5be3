"""A fictional district for the demo: the inspection office and five inspected units.

The ledgers are in `demo_ledgers`, the evidence files written by `demo_files`; this
module creates the units and logins and walks every ledger through the services, as
the people would have: reports, completions, sign-offs, orders, a signed notice and
the public's comments. Loading is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zhenggai import demo_ledgers as spec
from zhenggai.accounts.models import Membership, Profile, Unit
from zhenggai.ledger import services
from zhenggai.ledger.models import Inspection, Measure, Problem
from zhenggai.notices.render import cn_date

from .demo_files import evidence_file

PASSWORD = "demo-2026"
Role = Membership.Role

USERS = [
    # username, name, unit, role, covers sub-units, what to try first
    (
        "xuncha",
        "周明",
        "区委巡察办",
        Role.OFFICE,
        True,
        "在「督导」看各单位的超期和预警，审核销号申请，签发督办单，查看成效统计",
    ),
    (
        "wl_leader",
        "陈立新",
        "区文化和旅游局",
        Role.LEADER,
        False,
        "签发联络员提交的整改进展通报，查看本局超期事项",
    ),
    (
        "wl_editor",
        "林晓燕",
        "区文化和旅游局",
        Role.EDITOR,
        False,
        "确认责任人的完成申请，回复督办单，答复群众意见，发布领导签发的通报",
    ),
    (
        "wl_owner",
        "王立群",
        "区文化和旅游局",
        Role.OWNER,
        False,
        "在待办中报送进展并上传佐证材料，完成后申请完成",
    ),
    ("wl_viewer", "赵一鸣", "区文化和旅游局", Role.VIEWER, False, "只读查看本局台账、通报和督办单"),
    (
        "xx_editor",
        "方静",
        "区实验中学",
        Role.EDITOR,
        False,
        "查看学校台账中已销号的问题、已发布的通报和家长的意见",
    ),
    (
        "qh_editor",
        "郑佳",
        "青禾街道",
        Role.EDITOR,
        False,
        "回复巡察办的督办单，跟进被退回的完成申请，等待销号审核",
    ),
    (
        "qh_owner",
        "马超",
        "青禾街道",
        Role.OWNER,
        False,
        "补充被退回的完成申请，报送老旧小区改造进展",
    ),
    (
        "ct_editor",
        "任远",
        "区城投集团",
        Role.EDITOR,
        False,
        "台账含一个不公开的问题，可比较通报的内部版和公开版",
    ),
    (
        "ct_leader",
        "董建华",
        "区城投集团",
        Role.LEADER,
        False,
        "本集团的完成申请由领导确认，处理待确认的申请",
    ),
    (
        "zj_editor",
        "孙莉",
        "区住房和城乡建设局",
        Role.EDITOR,
        True,
        "“回头看”的整改台账（含下属质量安全站），回复督办单",
    ),
    (
        "zj_leader",
        "吴建平",
        "区住房和城乡建设局",
        Role.LEADER,
        True,
        "查看“回头看”整改进展和超期事项",
    ),
]

# Accounts that are not demo logins: a former official whose duties were handed over.
FORMER = [("qh_liubo", "刘波", "青禾街道", Role.OWNER)]

# The three administrators (三员): no unit, no role, no ledger; one duty each.
ADMINS = [
    # username, name, duty, what to try first
    (
        "xt_admin",
        "钱思远",
        Profile.Duty.SYSADMIN,
        "管理单位和账号：在「单位与用户」添加、改名、移动、停用单位，新建账号，导入通讯录",
    ),
    (
        "aq_admin",
        "蒋文",
        Profile.Duty.SECADMIN,
        "管理角色和安全：在单位页面授予或撤销角色，导入通讯录中的角色，重置密码，解除锁定",
    ),
    (
        "sj_admin",
        "韩冰",
        Profile.Duty.AUDITOR,
        "只查阅审计日志：谁在何时对什么做了什么，看不到台账内容",
    ),
]

UNITS = [
    # name, full name, parent, supervision phone
    ("明川区委", "中共明川区委员会", None, "0571-88001000"),
    ("区委巡察办", "中共明川区委巡察工作领导小组办公室", "明川区委", "0571-88001012"),
    ("区文化和旅游局", "中共明川区文化和旅游局党组", "明川区委", "0571-88002306"),
    ("区实验中学", "中共明川区实验中学委员会", "明川区委", "0571-88003517"),
    ("青禾街道", "中共明川区青禾街道工作委员会", "明川区委", "0571-88004120"),
    ("区城投集团", "中共明川区城市建设投资集团有限公司委员会", "明川区委", "0571-88005288"),
    ("区住房和城乡建设局", "中共明川区住房和城乡建设局党组", "明川区委", "0571-88006033"),
    (
        "区建设工程质量安全站",
        "中共明川区建设工程质量安全站支部委员会",
        "区住房和城乡建设局",
        "0571-88006041",
    ),
]


def logins() -> list[tuple[str, str]]:
    """(username, "role（unit，name）：what to try") for every demo login."""
    return [
        (username, f"{role.label}（{unit}，{name}）：{hint}")
        for username, name, unit, role, _covers, hint in USERS
    ] + [(username, f"{duty.label}（{name}）：{hint}") for username, name, duty, hint in ADMINS]


def login_hints(request) -> dict:
    """Context processor: in demo mode the login page lists the demo logins."""
    if not getattr(settings, "DEMO", False):
        return {}
    return {"demo_logins": logins(), "demo_password": PASSWORD}


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Load the demo once; later calls change nothing. Returns the logins to print."""
    if Unit.objects.filter(name="区委巡察办").exists():
        return logins()
    units = _units()
    users = _users(units)
    today = timezone.localdate()
    inspections = [_ledger(ledger, units, users, today) for ledger in spec.LEDGERS]
    _signoffs(inspections, users)
    _orders(units, users, today)
    _accountability(inspections[0], users, today)
    _extensions(inspections[0], users, today)
    _notices(inspections, users, today)
    _documents(inspections, users, today)
    _lookback(inspections, users)
    _handovers(users)
    _newcomer(users, units)
    _evaluation(units, users)
    return logins()


def _units() -> dict[str, Unit]:
    made: dict[str, Unit] = {}
    for number, (name, full_name, parent, phone) in enumerate(UNITS):
        made[name] = Unit.objects.create(
            name=name,
            full_name=full_name,
            parent=made.get(parent) if parent else None,
            phone=phone,
            address=f"明川区青禾路{18 + 6 * number}号",
        )
    return made


def _users(units: dict[str, Unit]) -> dict[str, object]:
    User = get_user_model()
    # One hash for the one demo password: hashing it per user would cost seconds.
    password = make_password(PASSWORD)
    users = {}
    for username, name, unit, role, covers, _hint in USERS:
        user = User.objects.create(username=username, password=password, first_name=name)
        Membership.objects.create(user=user, unit=units[unit], role=role, covers_subunits=covers)
        users[username] = user
    for username, name, unit, role in FORMER:
        user = User.objects.create(username=username, password="!", first_name=name)
        Membership.objects.create(user=user, unit=units[unit], role=role)
        users[username] = user
    for username, name, duty, _hint in ADMINS:
        user = User.objects.create(username=username, password=password, first_name=name)
        Profile.objects.create(user=user, duty=duty)
        users[username] = user
    return users


def member(users, unit: str, role: str):
    """The demo login holding `role` in `unit`."""
    for username, _name, unit_name, user_role, _covers, _hint in USERS:
        if unit_name == unit and user_role == role:
            return users[username]
    return None


@dataclass
class Cast:
    """Who acts on one ledger, and its dates."""

    editor: object
    confirmer: object
    owners: dict[str, object]
    feedback: dt.date
    today: dt.date

    def day(self, share: float) -> dt.date:
        """A day `share` of the way from the feedback to today."""
        return self.feedback + dt.timedelta(days=int((self.today - self.feedback).days * share))


def _ledger(ledger: spec.Ledger, units, users, today: dt.date) -> Inspection:
    feedback = today - dt.timedelta(days=ledger.feedback)
    inspection = services.create_inspection(
        actor=users["xuncha"],
        unit=units[ledger.unit],
        round=ledger.round,
        group=ledger.group,
        mode=ledger.mode,
        start=feedback - dt.timedelta(days=100),
        end=feedback - dt.timedelta(days=45),
        feedback_date=feedback,
        confirm_by=ledger.confirm_by,
    )
    editor = member(users, ledger.unit, Role.EDITOR)
    cast = Cast(
        editor=editor,
        confirmer=member(users, ledger.unit, ledger.confirm_by),
        owners={name: users[username] for name, username in ledger.owners.items()},
        feedback=feedback,
        today=feedback + dt.timedelta(days=ledger.settled) if ledger.settled else today,
    )
    for title, problems in ledger.categories:
        category = services.add_problem(inspection, actor=editor, title=title)
        for p in problems:
            problem = services.add_problem(
                inspection,
                actor=editor,
                parent=category,
                title=p.title,
                description=p.description,
                withhold_reason=p.withhold,
                withhold_approver=p.withhold_approver,
            )
            for m in p.measures:
                _measure(problem, p, m, cast)
    return inspection


def _measure(problem: Problem, p: spec.P, m: spec.M, cast: Cast) -> None:
    owner_user = cast.owners.get(m.owner)
    measure = services.add_measure(
        problem,
        actor=cast.editor,
        text=m.text,
        leader=m.leader or p.leader,
        department=m.department,
        owner=m.owner,
        owner_user=owner_user,
        term=m.term,
        due=cast.feedback + dt.timedelta(days=m.due) if m.due is not None else None,
    )
    if m.state == spec.PLANNED:
        return
    reporter = owner_user or cast.editor
    if m.earlier:
        services.report_progress(measure, actor=reporter, text=m.earlier, reported_on=cast.day(0.4))
    day = cast.day(0.8)
    facts = {
        "unit": problem.inspection.unit.signature,
        "measure": m.text,
        "report": m.report,
        "department": m.department,
        "owner": m.owner,
        "leader": m.leader or p.leader,
        "day": cn_date(day),
    }
    services.report_progress(
        measure,
        actor=reporter,
        text=m.report,
        reported_on=day,
        figures=m.figures,
        files=[SimpleUploadedFile(name, evidence_file(name, facts)) for name in m.files],
        references=[m.reference] if m.reference else [],
    )
    _settle(measure, m, reporter, cast)


def _settle(measure: Measure, m: spec.M, reporter, cast: Cast) -> None:
    """Completion requested, returned or confirmed; or turned into standing practice."""
    if m.state == spec.STANDING:
        services.update_measure(measure, actor=cast.editor, status=Measure.Status.ONGOING)
        return
    if m.state not in (spec.REQUESTED, spec.RETURNED, spec.DONE):
        return
    note = m.note or ("已按期完成，佐证材料已上传。" if m.files else "已完成，佐证材料为纸质档案。")
    completion = services.request_completion(measure, actor=reporter, note=note)
    if m.state == spec.DONE:
        # Paper-only evidence is confirmed by one who inspected it.
        services.confirm_completion(completion, actor=cast.confirmer, inspected=not m.files)
    elif m.state == spec.RETURNED:
        services.return_completion(completion, actor=cast.confirmer, reason=m.reason)


def _problem(inspection: Inspection, title: str) -> Problem:
    return Problem.objects.get(inspection=inspection, title=title)


def _signoffs(inspections: list[Inspection], users) -> None:
    from zhenggai.oversight import services as oversight

    for inspection, ledger in zip(inspections, spec.LEDGERS, strict=True):
        editor = member(users, ledger.unit, Role.EDITOR)
        for _title, problems in ledger.categories:
            for p in problems:
                if not p.signoff:
                    continue
                problem = _problem(inspection, p.title)
                signoff = oversight.apply_signoff(problem, actor=editor, note=p.signoff_note)
                if p.signoff == "approved":
                    oversight.approve_signoff(signoff, actor=users["xuncha"])
                elif p.signoff == "returned":
                    oversight.return_signoff(
                        signoff, actor=users["xuncha"], reason=p.signoff_reason
                    )


def _orders(units, users, today: dt.date) -> None:
    from zhenggai.oversight import services as oversight

    for order in spec.ORDERS:
        unit = units[order.unit]
        issued = oversight.issue_order(
            actor=users["xuncha"],
            unit=unit,
            level=order.level,
            problems=Problem.objects.filter(inspection__unit=unit, title__in=order.problems),
            due=today + dt.timedelta(days=order.due),
            text=order.text,
            today=today,
        )
        if order.reply:
            editor = member(users, order.unit, Role.EDITOR)
            oversight.reply_order(issued, actor=editor, text=order.reply)
        # The demo's history: an order was issued two weeks before its deadline and
        # answered before it, not on the day the demo was loaded.
        due = timezone.make_aware(dt.datetime.combine(issued.due, dt.time(9, 30)))
        type(issued).objects.filter(pk=issued.pk).update(
            issued_at=min(timezone.now(), due - dt.timedelta(days=14)),
            replied_at=due - dt.timedelta(days=2, hours=-6) if order.reply else None,
        )


def _accountability(bureau: Inspection, users, today: dt.date) -> None:
    """The bureau's 问责 records: counted in the statement and the notice, names kept inside."""
    from zhenggai.ledger.accountability import add_accountability
    from zhenggai.ledger.models import AccountabilityKind

    editor = member(users, bureau.unit.name, Role.EDITOR)
    for title, name, post, unit, kind, days, decided_by, note in spec.ACCOUNTABILITY:
        add_accountability(
            _problem(bureau, title),
            actor=editor,
            name=name,
            post=post,
            person_unit=unit,
            # Seeded by a migration; a test database flushed between tests has none.
            kind=AccountabilityKind.objects.get_or_create(
                name=kind, defaults={"phrase": spec.KIND_PHRASES.get(kind, "")}
            )[0],
            decided_on=today - dt.timedelta(days=days),
            decided_by=decided_by,
            note=note,
        )


def _extensions(bureau: Inspection, users, today: dt.date) -> None:
    """The office confirms the bureau's ledger; three extension requests follow, one
    approved, one refused and one awaiting the office."""
    from zhenggai.ledger.extensions import confirm_ledger, decide_extension, request_extension

    office, editor = users["xuncha"], member(users, bureau.unit.name, Role.EDITOR)
    confirm_ledger(bureau, actor=office)
    for title, days, reason, decision in spec.EXTENSIONS:
        measure = (
            _problem(bureau, title)
            .measures.exclude(status=Measure.Status.DONE)
            .filter(term=Measure.Term.DEADLINE, due__isnull=False)
            .order_by("position")
            .first()
        )
        new_due = measure.due + dt.timedelta(days=days)
        extension = request_extension(measure, actor=editor, new_due=new_due, reason=reason)
        if decision:
            answer = (
                "同意延期，请按新时限完成。"
                if decision == "approved"
                else "理由不充分，请按原时限完成。"
            )
            decide_extension(extension, actor=office, approve=decision == "approved", answer=answer)


def _notices(inspections: list[Inspection], users, today: dt.date) -> None:
    """The bureau's notice signed and published, answered comments and a second draft
    awaiting the leader; the school's notice published with a parent's comment."""
    from zhenggai.disclosure import services as disclosure
    from zhenggai.disclosure.generate import notice_from_ledger
    from zhenggai.notices.render import to_text

    bureau, school = inspections[0], inspections[1]
    editor, leader = users["wl_editor"], users["wl_leader"]
    text = to_text(notice_from_ledger(bureau, today=today))
    draft = disclosure.submit_draft(bureau, actor=editor, text=text)
    disclosure.sign_draft(draft, actor=leader)
    notice = disclosure.publish_draft(draft, actor=editor)
    for name, content, reply, public in spec.COMMENTS:
        comment = disclosure.add_comment(notice, actor=None, content=content, name=name)
        if reply:
            disclosure.reply_comment(comment, actor=editor, reply=reply, reply_public=public)
            disclosure.set_comment_handled(comment, actor=editor, handled=True)
    disclosure.submit_draft(
        bureau, actor=editor, text=text, note="补充集中整改期结束后的整改进展。"
    )
    text = to_text(notice_from_ledger(school, today=today))
    notice = disclosure.publish_notice(school, actor=users["xx_editor"], text=text)
    name, content = spec.SCHOOL_COMMENT
    disclosure.add_comment(notice, actor=None, content=content, name=name)


def _documents(inspections: list[Inspection], users, today: dt.date) -> None:
    """The bureau's 整改方案 and 整改情况报告 written from its ledger and frozen, the report
    filed three days before its deadline; the school's report a draft, still owed (逾期):
    the report clock shows both on the dashboard and in the to-do."""
    from zhenggai.oversight import services as oversight
    from zhenggai.oversight.models import Document

    bureau, school = inspections[0], inspections[1]
    editor = member(users, bureau.unit.name, Role.EDITOR)
    for kind in (Document.Kind.PLAN, Document.Kind.REPORT):
        document = oversight.draft_document(bureau, actor=editor, kind=kind)
        document = oversight.freeze_document(document, actor=editor)
    filed_on = min(bureau.rectify_until - dt.timedelta(days=3), today)
    oversight.file_report(bureau, actor=editor, filed_on=filed_on, document=document)
    school_editor = member(users, school.unit.name, Role.EDITOR)
    oversight.draft_document(school, actor=school_editor, kind=Document.Kind.REPORT)


def _lookback(inspections: list[Inspection], users) -> None:
    """The earlier inspection's report filed in its time; the 回头看 linked to it and
    two of its problems confirmed by the office as found again (屡查屡犯)."""
    from zhenggai.ledger.lookback import link_earlier
    from zhenggai.oversight import services as oversight
    from zhenggai.oversight.models import Document
    from zhenggai.oversight.recurrence import confirm_recurrence

    earlier = inspections[spec.LEDGERS.index(spec.EARLIER)]
    follow_up = inspections[spec.LEDGERS.index(spec.FOLLOW_UP)]
    editor = member(users, earlier.unit.name, Role.EDITOR)
    document = oversight.draft_document(earlier, actor=editor, kind=Document.Kind.REPORT)
    document = oversight.freeze_document(document, actor=editor)
    filed_on = earlier.feedback_date + dt.timedelta(days=55)
    oversight.file_report(earlier, actor=editor, filed_on=filed_on, document=document)
    office = users["xuncha"]
    link_earlier(follow_up, earlier, actor=office)
    for title, earlier_title in spec.RECURRENCES:
        confirm_recurrence(
            _problem(follow_up, title), _problem(earlier, earlier_title), actor=office
        )


def _handovers(users) -> None:
    """The former official's open duties move to his successor; his account is closed."""
    from zhenggai.accounts import org
    from zhenggai.ledger.handover import hand_over

    for former, successor, actor, reason in spec.HANDOVERS:
        hand_over(users[former], users[successor], actor=users[actor], reason=reason)
        org.set_user_active(users[former], False, actor=users["xt_admin"])


def _newcomer(users, units) -> None:
    """A successor's new colleague: an account made by the system administrator and a role
    granted by the security administrator, not yet logged in (their to-do and the
    audit administrator's list show it)."""
    from zhenggai.accounts import org

    username, name, post, unit, role = spec.NEWCOMER
    user, _password = org.add_user(actor=users["xt_admin"], username=username, name=name, post=post)
    org.add_membership(actor=users["aq_admin"], user=user, unit=units[unit], role=role)


def _evaluation(units, users) -> None:
    """The office's 成效评估 of the third round under way: two units scored, by indicator."""
    from decimal import Decimal

    from zhenggai.oversight.evaluation import create_evaluation, score_unit
    from zhenggai.oversight.models import EvaluationIndicator

    office = users["xuncha"]
    evaluation = create_evaluation(actor=office, round=spec.EVALUATION_ROUND)
    scored = list(evaluation.indicators.filter(source=EvaluationIndicator.Source.SCORED))
    for unit, values in spec.EVALUATION_SCORES:
        scores = {i.pk: (Decimal(v), note) for i, (v, note) in zip(scored, values, strict=False)}
        score_unit(evaluation, units[unit], actor=office, scores=scores)
