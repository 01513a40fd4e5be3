"""A fictional district for the demo: an inspection office, three units, two ledgers.

Everything here is invented for this project. Dates are relative to the day of the
first load, so the demo always has measures overdue, due soon, done and ongoing.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zhenggai.accounts.models import Membership, Unit
from zhenggai.ledger import rules, services
from zhenggai.ledger.models import Inspection, Measure

PASSWORD = "demo-2026"
Role = Membership.Role

USERS = [
    # username, full name, unit, role, covers sub-units
    ("xuncha", "巡察办 周明", "区委巡察办", Role.OFFICE, True),
    ("wl_leader", "文旅局 陈书记", "区文化和旅游局", Role.LEADER, False),
    ("wl_editor", "文旅局 林联络员", "区文化和旅游局", Role.EDITOR, False),
    ("wl_owner", "文旅局 王科长", "区文化和旅游局", Role.OWNER, False),
    ("wl_viewer", "文旅局 赵干事", "区文化和旅游局", Role.VIEWER, False),
    ("zj_editor", "住建局 孙联络员", "区住房和城乡建设局", Role.EDITOR, True),
    ("zj_leader", "住建局 吴局长", "区住房和城乡建设局", Role.LEADER, True),
    ("qh_editor", "青禾街道 郑联络员", "青禾街道", Role.EDITOR, False),
]

UNITS = [
    # name, full name, parent
    ("明川区委", "中共明川区委员会", None),
    ("区委巡察办", "中共明川区委巡察工作领导小组办公室", "明川区委"),
    ("区文化和旅游局", "中共明川区文化和旅游局党组", "明川区委"),
    ("区住房和城乡建设局", "中共明川区住房和城乡建设局党组", "明川区委"),
    ("区建设工程质量安全站", "中共明川区建设工程质量安全站支部委员会", "区住房和城乡建设局"),
    ("青禾街道", "中共明川区青禾街道工作委员会", "明川区委"),
]

CATEGORIES = [
    (
        "贯彻落实党中央决策部署和区委工作要求不够到位",
        [
            "理论学习中心组学习流于形式",
            "服务中心大局的举措不够有力",
            "意识形态工作责任落实不够",
        ],
    ),
    (
        "落实全面从严治党责任不够有力",
        [
            "主体责任压得不实",
            "“三重一大”决策制度执行不严",
            "公务接待管理不够规范",
        ],
    ),
    (
        "基层党组织建设存在薄弱环节",
        [
            "“三会一课”落实不够经常",
            "党员发展程序不够严谨",
            "支部书记履职能力有待提升",
        ],
    ),
    (
        "落实上轮巡察及审计整改不够彻底",
        [
            "部分问题整改“回头看”不够",
            "专项资金管理仍有漏洞",
            "固定资产账实不符",
        ],
    ),
]

MEASURE_TEXTS = [
    "召开党组专题会议研究整改方案，明确责任分工和完成时限",
    "制定并印发相关管理办法，堵塞制度漏洞",
    "组织开展专项自查，建立问题清单逐项销号",
    "开展集中学习和专题培训，提高干部履职能力",
    "对相关责任人进行谈话提醒，督促举一反三",
    "建立常态化督查机制，每季度通报整改进度",
]


def _users() -> dict[str, object]:
    User = get_user_model()
    units = {u.name: u for u in Unit.objects.all()}
    users = {}
    for username, full_name, unit, role, covers in USERS:
        user = User.objects.create_user(username, password=PASSWORD, first_name=full_name)
        Membership.objects.create(user=user, unit=units[unit], role=role, covers_subunits=covers)
        users[username] = user
    return users


def _units() -> None:
    made: dict[str, Unit] = {}
    for name, full_name, parent in UNITS:
        made[name] = Unit.objects.create(
            name=name,
            full_name=full_name,
            parent=made.get(parent) if parent else None,
            phone="0571-8800" + str(1000 + len(made)),
            address=f"明川区青禾路{10 + len(made)}号",
        )


def _status_for(index: int, due: dt.date, today: dt.date) -> tuple[str, str, dt.date | None]:
    """A spread of terms and states: done, in progress, overdue, not started, ongoing."""
    kind = index % 6
    if kind == 5:
        return Measure.Term.ONGOING, Measure.Status.ONGOING, None
    if kind == 4:
        return Measure.Term.IMMEDIATE, Measure.Status.DONE, due
    if kind == 3:
        return Measure.Term.DEADLINE, Measure.Status.IN_PROGRESS, today - dt.timedelta(days=5)
    if kind == 2:
        return Measure.Term.DEADLINE, Measure.Status.PLANNED, today + dt.timedelta(days=8)
    return Measure.Term.DEADLINE, [Measure.Status.DONE, Measure.Status.IN_PROGRESS][kind], due


def _ledger(inspection: Inspection, editor, owner, today: dt.date) -> None:
    counter = itertools.count()
    for title, subs in CATEGORIES:
        category = services.add_problem(inspection, actor=editor, title=title)
        for sub in subs:
            problem = services.add_problem(inspection, actor=editor, parent=category, title=sub)
            for text in MEASURE_TEXTS[:3]:
                _measure(problem, next(counter), text, editor, owner, today)


def _measure(problem, index, text, editor, owner, today) -> None:
    due = problem.inspection.feedback_date + dt.timedelta(days=30 + 15 * (index % 5))
    term, status, due = _status_for(index, due, today)
    measure = services.add_measure(
        problem,
        actor=editor,
        text=f"{text}（{problem.title[:8]}）",
        leader="分管副局长",
        department=["办公室", "组织人事科", "财务科", "业务科"][index % 4],
        owner="王科长",
        owner_user=owner,
        term=term,
        due=due,
    )
    if status == Measure.Status.PLANNED:
        return
    services.report_progress(
        measure,
        actor=owner,
        text="已按计划推进，召开专题会议2次，修订制度3项。",
        reported_on=min(today, problem.inspection.feedback_date + dt.timedelta(days=20)),
        figures=[(2, "次", "召开专题会议"), (3, "项", "完善和新建制度")],
        references=["会议纪要及制度文本，存办公室档案柜"],
    )
    if status == Measure.Status.DONE:
        _complete(measure, owner, editor)
    elif status == Measure.Status.ONGOING:
        services.update_measure(measure, actor=editor, status=Measure.Status.ONGOING)


MINUTES = "整改专题会议纪要（演示材料）\n会议研究了反馈问题的整改措施，明确了责任分工和完成时限。\n"


def _complete(measure, owner, editor) -> None:
    """The owner asks, the unit's editor confirms (having seen the paper evidence)."""
    completion = services.request_completion(measure, actor=owner, note="已按期完成。")
    services.confirm_completion(completion, actor=editor, inspected=True)


def _finish(problem, owner, editor) -> None:
    """Bring every open measure of a problem to done, with evidence, as its owner would."""
    for measure in problem.measures.exclude(rules.q(rules.settled())):
        services.report_progress(
            measure,
            actor=owner,
            text="已全部完成，相关制度已印发执行。",
            reported_on=timezone.localdate(),
            references=["制度文本及印发通知，存办公室"],
            files=[SimpleUploadedFile("整改会议纪要.txt", MINUTES.encode("utf-8"))],
        )
        _complete(measure, owner, editor)


def _oversight(users, inspections) -> None:
    """A closed and a pending sign-off, orders on time and late, a published notice."""
    from zhenggai.disclosure.generate import notice_from_ledger
    from zhenggai.disclosure.services import add_comment, publish_notice
    from zhenggai.notices.render import to_text
    from zhenggai.oversight import services as oversight

    today = timezone.localdate()
    for inspection, prefix, approve in zip(inspections, ("wl", "zj"), (True, False), strict=True):
        problem = inspection.problems.filter(parent__isnull=False).first()
        editor = users[f"{prefix}_editor"]
        _finish(problem, users.get(f"{prefix}_owner") or editor, editor)
        signoff = oversight.apply_signoff(
            problem, actor=users[f"{prefix}_editor"], note="措施均已完成，佐证材料齐全。"
        )
        if approve:
            oversight.approve_signoff(signoff, actor=users["xuncha"])
    for inspection, days, level in (
        (inspections[0], -3, "reminder"),
        (inspections[1], 7, "notice"),
    ):
        oversight.issue_order(
            actor=users["xuncha"],
            unit=inspection.unit,
            level=level,
            problems=list(inspection.problems.filter(parent__isnull=False)[1:3]),
            due=today + dt.timedelta(days=days),
            today=today,
            text="请针对所列问题加快整改进度，按期报送整改情况及佐证材料。",
        )
    text = to_text(notice_from_ledger(inspections[0], today=today))
    notice = publish_notice(inspections[0], actor=users["wl_editor"], text=text)
    add_comment(notice, actor=None, content="建议公开专项资金清理的具体金额。", name="市民")


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Load the demo once; later calls change nothing. Returns the logins to print."""
    logins = [(u, f"{name}（{role.label}）") for u, name, _unit, role, _c in USERS]
    if Unit.objects.filter(name="区委巡察办").exists():
        return logins
    _units()
    users = _users()
    today = timezone.localdate()
    rounds = [
        ("区文化和旅游局", "一届区委第三轮巡察", "区委第二巡察组", 80, "wl"),
        ("区住房和城乡建设局", "一届区委第四轮巡察", "区委第一巡察组", 35, "zj"),
    ]
    inspections = []
    for unit_name, round_name, group, days_ago, prefix in rounds:
        feedback = today - dt.timedelta(days=days_ago)
        inspection = services.create_inspection(
            actor=users["xuncha"],
            unit=Unit.objects.get(name=unit_name),
            round=round_name,
            group=group,
            start=feedback - dt.timedelta(days=110),
            end=feedback - dt.timedelta(days=50),
            feedback_date=feedback,
        )
        owner = users.get(f"{prefix}_owner") or users[f"{prefix}_editor"]
        _ledger(inspection, users[f"{prefix}_editor"], owner, today)
        inspections.append(inspection)
    _oversight(users, inspections)
    return logins
