"""A valid POST for every URL that accepts one, and what it changes when it succeeds.

Each body is what the page's own form would send for a user allowed to write, with
every required field filled in; a body that is silently invalid fails the access
matrix, because an allowed role's write must change what `changes` reads.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.oversight import lookback_world as lookback
from zhenggai.accounts import directory
from zhenggai.accounts.directory_views import SESSION_KEY as DIRECTORY_KEY
from zhenggai.accounts.models import Letterhead, LoginFailure, Membership, Profile, Unit
from zhenggai.api.models import ApiToken
from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice
from zhenggai.ledger import pending
from zhenggai.ledger.forms import InspectionForm, MeasureForm, ProblemForm
from zhenggai.ledger.handover import open_duties
from zhenggai.ledger.imports_views import SESSION_KEY
from zhenggai.ledger.models import (
    Accountability,
    AccountabilityKind,
    Completion,
    Evidence,
    Extension,
    Figure,
    Handover,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
)
from zhenggai.ledger.readers import draft_from_file
from zhenggai.oversight.forms import RuleFormSet
from zhenggai.oversight.models import (
    Document,
    Message,
    ReportCorrection,
    ReportFiling,
    SignOff,
    SupervisionOrder,
)

World = dict[str, int]
Probe = Callable[[World, Client], object]

# The smallest notice the import reads: one category, one problem, two measures.
NOTICE = """中共测试区甲单位党组关于区委巡察整改进展情况的通报

2026年3月1日，区委第一巡察组向甲单位党组反馈了巡察意见。现将整改进展情况予以公布。

一、关于“理论学习不够深入”问题的整改情况
（一）针对“学习流于形式”问题
一是修订学习制度。二是建立学习台账。
""".encode()


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def form_data(form) -> dict:
    """What a browser sends for an unbound form or formset: every field as shown."""
    if hasattr(form, "management_form"):
        fields = [*form.management_form, *(f for sub in form for f in sub)]
    else:
        fields = list(form)
    return {f.html_name: "" if f.value() is None else f.value() for f in fields}


# --- what a write changes --------------------------------------------------------


def count(model) -> Probe:
    return lambda world, client: model.objects.count()


def fields(model, key: str, *names: str) -> Probe:
    """Some fields of the world's object `key` (None once it is deleted)."""
    return lambda world, client: model.objects.filter(pk=world[key]).values(*names).first()


def session_user(world: World | None, client: Client):
    return client.session.get("_auth_user_id")


def unread(world: World, client: Client) -> int:
    return Message.objects.filter(recipient=session_user(world, client), read_at=None).count()


def own_password(world: World, client: Client):
    user = get_user_model().objects.filter(pk=session_user(world, client)).first()
    return user and user.password


def uploads(world: World | None, client: Client) -> list[str]:
    """Uploads waiting in the data folder for their preview."""
    folder = Path(settings.DATA_DIR) / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def tables() -> list:
    """The users and every model of the project's apps, many-to-many tables included."""
    project = [c for c in apps.get_app_configs() if c.name.startswith("zhenggai.")]
    models = (m for c in project for m in c.get_models(include_auto_created=True))
    return [get_user_model(), *models]


def state(client: Client) -> dict:
    """Everything a write could change: every row, who is logged in, waiting uploads."""
    rows = {m._meta.label: list(m.objects.order_by("pk").values()) for m in tables()}
    return {**rows, "session user": session_user(None, client), "uploads": uploads(None, client)}


# --- the bodies ------------------------------------------------------------------


def new_inspection(unit: int) -> dict:
    return {
        "unit": unit,
        "kind": Inspection.Kind.XUNCHA,
        "mode": Inspection.Mode.REGULAR,
        "round": "一届区委第二轮巡察",
        "group": "区委第二巡察组",
        "start": "2026-04-01",
        "end": "2026-05-15",
        "feedback_date": "2026-06-10",
        "rectify_until": "",
        "confirm_by": "editor",
    }


def inspection_edit(world: World) -> dict:
    inspection = Inspection.objects.get(pk=world["inspection"])
    form = InspectionForm(instance=inspection, units=Unit.objects.all())
    return {**form_data(form), "round": "一届区委第三轮巡察"}


def problem_add(world: World) -> dict:
    return {"parent": world["category"], "title": "新发现的问题", "description": "具体表现"}


def problem_edit(world: World) -> dict:
    problem = Problem.objects.get(pk=world["problem"])
    form = ProblemForm(instance=problem, inspection=problem.inspection)
    return {**form_data(form), "title": "改写后的问题"}


def measure_add(world: World) -> dict:
    return {
        "text": "新增的整改措施",
        "term": Measure.Term.DEADLINE,
        "due": "2026-06-30",
        "status": Measure.Status.PLANNED,
    }


def measure_edit(world: World) -> dict:
    measure = Measure.objects.get(pk=world["measure"])
    owners = get_user_model().objects.filter(pk=measure.owner_user_id)
    return {**form_data(MeasureForm(instance=measure, owners=owners)), "text": "改写后的措施"}


def progress_report(world: World) -> dict:
    return {
        "reported_on": "2026-11-01",
        "text": "已修订学习制度并印发。",
        "figures": "完善制度 2 项",
        "files": pdf(),
        "reference": "",
    }


def import_preview(world: World) -> dict:
    return {
        "unit": world["A"],
        "kind": Inspection.Kind.XUNCHA,
        "round": "一届区委第二轮巡察",
        "group": "区委第一巡察组",
        "feedback_date": "2026-03-01",
    }


NEW_PASSWORD = {
    "old_password": PASSWORD,
    "new_password1": "Huan-xin-2027",
    "new_password2": "Huan-xin-2027",
}


def lock_dave(world: World, client: Client) -> dict:
    """Dave mistyped his password five times: the office may unlock him."""
    LoginFailure.objects.bulk_create(LoginFailure(username="dave") for _ in range(5))
    return {}


# The 通讯录: dave, already an account, gets a 职务 (the system administrator's part)
# and a role in unit A (the security administrator's part).
DIRECTORY_ROWS = [[2, "甲单位", "", "dave", "查阅人", "否", "", "", "科员"]]


def directory_upload(world: World) -> dict:
    data = directory.write_sheet([row[1:] for row in DIRECTORY_ROWS])
    return {"file": SimpleUploadedFile("通讯录.xlsx", data)}


def directory_waiting(world: World, client: Client):
    return client.session.get(DIRECTORY_KEY)


def directory_planted(world: World, client: Client) -> dict:
    """The uploaded 通讯录 waiting for its preview, as the upload page leaves it."""
    token = secrets.token_hex(16)
    session = client.session
    session[DIRECTORY_KEY] = {token: {"name": "通讯录.xlsx", "rows": DIRECTORY_ROWS}}
    session.save()
    return {"token": token}


def directory_applied(world: World, client: Client):
    posts = list(Profile.objects.order_by("pk").values_list("post", flat=True))
    return Membership.objects.count(), posts


def person_fields(*names: str) -> Probe:
    return lambda world, client: (
        get_user_model().objects.filter(pk=world["person"]).values(*names).first()
    )


def planted_upload(world: World, client: Client) -> dict:
    """An upload waiting for its preview, as the upload page leaves it for this user."""
    token = secrets.token_hex(16)
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    user = session_user(world, client)
    (folder / f"{user}-{token}").write_bytes(NOTICE)
    pending.keep(user, token, draft_from_file(NOTICE, "通报.txt"))  # read once, at upload
    session = client.session
    session[SESSION_KEY] = {token: "通报.txt"}
    session.save()
    return {"token": token}


def handover_add(world: World) -> dict:
    """Owen's open duties to alice, the unit's editor (she may report there)."""
    users = get_user_model().objects
    owen, alice = users.get(username="owen"), users.get(username="alice")
    measures = [d.measure.pk for d in open_duties(owen)]
    return {"from": owen.pk, "to_user": alice.pk, "reason": "岗位调整", "measures": measures}


def name_alice(world: World, client: Client) -> dict:
    """A successor's name is written into the 责任清单: alice needs one."""
    get_user_model().objects.filter(username="alice").update(first_name="艾丽")
    return {}


def order_add(world: World) -> dict:
    return {
        "unit": world["A"],
        "level": SupervisionOrder.Level.NOTICE,
        "problems": [world["spare_problem"]],
        "due": timezone.localdate() + dt.timedelta(days=30),
        "text": "请于月底前报送整改情况。",
    }


def indicator_rules(world: World) -> dict:
    data = form_data(RuleFormSet(queryset=IndicatorRule.objects.all()))
    new = IndicatorRule.objects.count()
    new_rule = {"position": 99, "name": "退还群众款项", "unit": "万元", "keywords": "退还"}
    return {**data, **{f"form-{new}-{k}": v for k, v in new_rule.items()}}


@dataclass(frozen=True)
class Write:
    """One URL's valid POST: whose pk it takes, the body, what a success changes."""

    target: str | None
    body: Callable[[World], dict]
    changes: Probe
    # Sets the stage for this user and returns more URL arguments (an upload's token).
    prepare: Callable[[World, Client], dict] | None = None


def fixed(data: dict) -> Callable[[World], dict]:
    return lambda world: data


# 成效评估, 整改质量 and 满意度 (issue 14), by name: the import block is busy.
Evaluation = apps.get_model("oversight", "Evaluation")
EvaluationIndicator = apps.get_model("oversight", "EvaluationIndicator")
EvaluationScore = apps.get_model("oversight", "EvaluationScore")
FlagDismissal = apps.get_model("oversight", "FlagDismissal")
SatisfactionVote = apps.get_model("disclosure", "SatisfactionVote")


def new_round(world: World, client: Client) -> dict:
    """A round of unit A without a 成效评估 yet."""
    Inspection.objects.create(
        unit_id=world["A"], round="一届区委第九轮巡察", feedback_date=dt.date(2026, 3, 1)
    )
    return {}


def evaluation_score(world: World) -> dict:
    """Scores of unit A on every scored indicator of the world's evaluation."""
    scored = EvaluationIndicator.objects.filter(evaluation=world["evaluation"], source="scored")
    return {
        "unit": world["A"],
        **{f"score_{pk}": "88" for pk in scored.values_list("pk", flat=True)},
    }


def accountability_body(world: World) -> dict:
    return {
        "name": "李某",
        "post": "科长",
        "person_unit": "甲单位",
        "kind": AccountabilityKind.objects.get_or_create(name="通报批评")[0].pk,
        "decided_on": "2026-04-02",
        "decided_by": "区纪委监委",
        "note": "",
    }


def confirmed(world: World, client: Client) -> dict:
    """The ledger confirmed: a due date now moves only by an extension request."""
    Inspection.objects.filter(pk=world["inspection"]).update(confirmed_at=timezone.now())
    return {}


WRITES: dict[str, Write] = {
    "accounts:login": Write(None, fixed({"username": "bob", "password": PASSWORD}), session_user),
    "accounts:logout": Write(None, fixed({}), session_user),
    "accounts:password-change": Write(None, fixed(NEW_PASSWORD), own_password),
    "accounts:lock-list": Write(None, fixed({"username": "dave"}), count(LoginFailure), lock_dave),
    "accounts:unit-add": Write(
        None, lambda w: {"name": "甲单位新科室", "parent": w["A"]}, count(Unit)
    ),
    "accounts:unit-edit": Write(
        "A", lambda w: {"name": "甲单位（更名）", "parent": ""}, fields(Unit, "A", "name")
    ),
    "accounts:unit-active": Write("A1", fixed({"active": "0"}), fields(Unit, "A1", "active")),
    "accounts:letterhead-edit": Write(
        "unit",
        fixed({"issuer": "中共测试区甲单位党组", "header": "", "code": "甲党"}),
        count(Letterhead),
    ),
    "accounts:membership-add": Write(
        "A", fixed({"username": "dave", "role": "viewer"}), count(Membership)
    ),
    "accounts:membership-edit": Write(
        "membership",
        fixed({"role": "viewer", "covers_subunits": "on"}),
        fields(Membership, "membership", "covers_subunits"),
    ),
    "accounts:membership-delete": Write("membership", fixed({}), count(Membership)),
    "accounts:user-add": Write(
        None, fixed({"username": "xinren", "name": "新人", "post": "科员"}), count(get_user_model())
    ),
    "accounts:user-edit": Write(
        "person", fixed({"name": "鲍勃", "post": "科员"}), person_fields("first_name")
    ),
    "accounts:user-active": Write("person", fixed({"active": "0"}), person_fields("is_active")),
    "accounts:user-reset": Write("person", fixed({}), person_fields("password")),
    "accounts:directory-import": Write(None, directory_upload, directory_waiting),
    "accounts:directory-preview": Write(None, fixed({}), directory_applied, directory_planted),
    "ledger:inspection-add": Write(None, lambda w: new_inspection(w["A"]), count(Inspection)),
    "ledger:inspection-edit": Write(
        "inspection", inspection_edit, fields(Inspection, "inspection", "round")
    ),
    "ledger:problem-add": Write("inspection", problem_add, count(Problem)),
    "ledger:problem-edit": Write(
        "problem", problem_edit, fields(Problem, "problem", "title", "version")
    ),
    "ledger:problem-move": Write(
        "problem", fixed({"dir": "down"}), fields(Problem, "problem", "position")
    ),
    "ledger:problem-delete": Write("spare_problem", fixed({}), count(Problem)),
    "ledger:measure-add": Write("problem", measure_add, count(Measure)),
    "ledger:measure-edit": Write(
        "measure", measure_edit, fields(Measure, "measure", "text", "version")
    ),
    "ledger:measure-move": Write(
        "measure", fixed({"dir": "down"}), fields(Measure, "measure", "position")
    ),
    "ledger:measure-delete": Write("spare_measure", fixed({}), count(Measure)),
    "ledger:inspection-delete": Write("spare_inspection", fixed({}), count(Inspection)),
    "ledger:inspection-void": Write(
        "spare_inspection", fixed({"reason": "重复登记。"}), count(Inspection)
    ),
    "ledger:accountability-list": Write("problem", accountability_body, count(Accountability)),
    "ledger:accountability-edit": Write(
        "accountability", accountability_body, fields(Accountability, "accountability", "name")
    ),
    "ledger:accountability-delete": Write("accountability", fixed({}), count(Accountability)),
    "ledger:accountability-kinds": Write(
        None, fixed({"name": "免职", "phrase": ""}), count(AccountabilityKind)
    ),
    "ledger:extension-request": Write(
        "open_measure",
        fixed({"new_due": "2027-06-30", "reason": "需跨年度实施"}),
        count(Extension),
        confirmed,
    ),
    "ledger:inspection-earlier": Write(
        "inspection", lookback.older_body, lookback.links, lookback.older
    ),
    "ledger:earlier-remove": Write("earlier_link", fixed({}), lookback.links),
    "oversight:common-confirm": Write(None, lookback.common_body, lookback.commons),
    "oversight:common-rename": Write("common", fixed({"name": "公车私用"}), lookback.common_name),
    "oversight:common-split": Write("common", lookback.split_body, lookback.common_members),
    "oversight:common-order": Write("common", lookback.order_body, lookback.common_orders),
    "oversight:recurrence-confirm": Write("inspection", lookback.confirm_body, lookback.findings),
    "oversight:recurrence-withdraw": Write(
        "recurrence", fixed({"reason": "比对有误"}), lookback.withdrawn
    ),
    "ledger:extension-decide": Write(
        "extension", fixed({"decision": "approve"}), fields(Extension, "extension", "status")
    ),
    "ledger:ledger-confirm": Write(
        "inspection",
        fixed({"extension_by": "leader"}),
        fields(Inspection, "inspection", "confirmed_at"),
    ),
    "ledger:completion-request": Write(
        "open_measure", fixed({"note": "已完成。"}), count(Completion)
    ),
    "ledger:completion-confirm": Write("asked", fixed({}), fields(Completion, "asked", "status")),
    "ledger:completion-return": Write(
        "asked", fixed({"reason": "佐证材料不全。"}), fields(Completion, "asked", "status")
    ),
    "ledger:progress-withdraw": Write(
        "own_report",
        fixed({"reason": "日期填错。"}),
        fields(Progress, "own_report", "withdrawn_at"),
    ),
    "ledger:progress-correct": Write(
        "own_report",
        lambda w: {**progress_report(w), "reason": "数据填错。"},
        count(Progress),
    ),
    "ledger:measure-detail": Write("measure", progress_report, count(Evidence)),
    "ledger:measure-bulk": Write(
        None,
        lambda w: {
            "measure": [w["open_measure"], w["spare_measure"]],
            "set_owner": "on",
            "owner": "李华",
            "confirm": "1",
        },
        fields(Measure, "open_measure", "owner", "version"),
    ),
    "ledger:handover-add": Write(None, handover_add, count(Handover), name_alice),
    "ledger:import": Write(
        None, lambda w: {"file": SimpleUploadedFile("通报.txt", NOTICE)}, uploads
    ),
    "ledger:import-preview": Write(None, import_preview, count(Inspection), planted_upload),
    "oversight:signoff-bulk": Write(
        "inspection",
        lambda w: {"problem": [w["finished_problem"]], "confirm": "1", "note": "措施均已完成。"},
        count(SignOff),
    ),
    "oversight:signoff-apply": Write(
        "finished_problem", fixed({"note": "措施均已完成。"}), count(SignOff)
    ),
    "oversight:signoff-approve": Write("signoff", fixed({}), fields(SignOff, "signoff", "status")),
    "oversight:signoff-return": Write(
        "signoff", fixed({"reason": "佐证材料不足。"}), fields(SignOff, "signoff", "status")
    ),
    "oversight:signoff-correct": Write(
        "approved_signoff", fixed({"note": "更正销号依据。"}), count(SignOff)
    ),
    "oversight:order-add": Write(None, order_add, count(SupervisionOrder)),
    "oversight:order-reply": Write(
        "order", fixed({"text": "已整改完毕。"}), fields(SupervisionOrder, "order", "replied_at")
    ),
    "oversight:document-add": Write("inspection", fixed({"kind": "review"}), count(Document)),
    "oversight:document-detail": Write(
        "document",
        fixed({"text": "整改方案\n修改后的正文。", "doc_number": "甲党〔2026〕1号"}),
        fields(Document, "document", "text"),
    ),
    "oversight:document-freeze": Write(
        "document", fixed({}), fields(Document, "document", "frozen_at")
    ),
    # The world's inspection has filed its report: the spare one files one now.
    "oversight:report-file": Write(
        "spare_inspection",
        lambda w: {"filed_on": timezone.localdate().isoformat(), "file": pdf()},
        count(ReportFiling),
    ),
    # The world's inspection filed its report on 2026-05-06: today is a new date.
    "oversight:report-correct": Write(
        "inspection",
        lambda w: {"filed_on": timezone.localdate().isoformat(), "reason": "报送日期填错。"},
        count(ReportCorrection),
    ),
    "oversight:indicator-apply": Write(
        None, fixed({}), lambda w, c: list(Figure.objects.values_list("indicator", flat=True))
    ),
    "oversight:indicator-list": Write(None, indicator_rules, count(IndicatorRule)),
    "oversight:evaluation-list": Write(
        None, fixed({"round": "一届区委第九轮巡察", "title": ""}), count(Evaluation), new_round
    ),
    "oversight:evaluation-indicator-add": Write(
        "evaluation",
        fixed({"name": "台账规范", "weight": "10", "note": "", "source": "scored"}),
        count(EvaluationIndicator),
    ),
    "oversight:evaluation-thresholds": Write(
        "evaluation",
        fixed({"good": "85", "fair": "75", "average": "60"}),
        fields(Evaluation, "evaluation", "good"),
    ),
    "oversight:evaluation-score": Write("evaluation", evaluation_score, count(EvaluationScore)),
    "oversight:flag-dismiss": Write(
        None,
        lambda w: {"measure": w["measure"], "signal": "no_evidence", "reason": "已查验纸质材料"},
        count(FlagDismissal),
    ),
    "oversight:message-open": Write("message", fixed({}), fields(Message, "message", "read_at")),
    "oversight:message-read-all": Write(None, fixed({}), unread),
    "disclosure:comment-add": Write(
        "notice", fixed({"content": "建议公开更多细节。", "name": "", "phone": ""}), count(Comment)
    ),
    "disclosure:satisfaction-vote": Write(
        "notice", fixed({"choice": "satisfied"}), count(SatisfactionVote)
    ),
    "disclosure:comment-reply": Write(
        "comment",
        fixed({"reply": "感谢监督。", "reply_public": "on", "handled": "on"}),
        fields(Comment, "comment", "reply"),
    ),
    "disclosure:comment-handle": Write(
        "comment", fixed({"handled": "1"}), fields(Comment, "comment", "handled")
    ),
    "disclosure:notice-draft": Write(
        "inspection",
        fixed(
            {"audience": "public", "text": "标题\n正文第二版", "note": "更正数据", "doc_number": ""}
        ),
        count(NoticeDraft),
    ),
    "disclosure:draft-sign": Write("draft", fixed({}), fields(NoticeDraft, "draft", "status")),
    "disclosure:draft-return": Write(
        "draft", fixed({"reason": "数字有误"}), fields(NoticeDraft, "draft", "status")
    ),
    "disclosure:draft-publish": Write("signed_draft", fixed({}), count(PublishedNotice)),
    "tokens:token-list": Write(
        None, fixed({"name": "督查督办平台", "expires_on": ""}), count(ApiToken)
    ),
    "tokens:token-revoke": Write("token", fixed({}), fields(ApiToken, "token", "revoked_at")),
}
