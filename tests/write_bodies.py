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
from zhenggai.accounts.models import LoginFailure, Unit
from zhenggai.disclosure.models import Comment, NoticeDraft, PublishedNotice
from zhenggai.ledger.forms import InspectionForm, MeasureForm, ProblemForm
from zhenggai.ledger.imports_views import SESSION_KEY
from zhenggai.ledger.models import (
    Completion,
    Evidence,
    Figure,
    IndicatorRule,
    Inspection,
    Measure,
    Problem,
    Progress,
)
from zhenggai.oversight.forms import RuleFormSet
from zhenggai.oversight.models import SignOff, SupervisionOrder

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
    "new_password1": "换一个新密码-2027",
    "new_password2": "换一个新密码-2027",
}


def lock_dave(world: World, client: Client) -> dict:
    """Dave mistyped his password five times: the office may unlock him."""
    LoginFailure.objects.bulk_create(LoginFailure(username="dave") for _ in range(5))
    return {}


def planted_upload(world: World, client: Client) -> dict:
    """An upload waiting for its preview, as the upload page leaves it for this user."""
    token = secrets.token_hex(16)
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{session_user(world, client)}-{token}").write_bytes(NOTICE)
    session = client.session
    session[SESSION_KEY] = {token: "通报.txt"}
    session.save()
    return {"token": token}


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


WRITES: dict[str, Write] = {
    "accounts:login": Write(None, fixed({"username": "bob", "password": PASSWORD}), session_user),
    "accounts:logout": Write(None, fixed({}), session_user),
    "accounts:password-change": Write(None, fixed(NEW_PASSWORD), own_password),
    "accounts:lock-list": Write(None, fixed({"username": "dave"}), count(LoginFailure), lock_dave),
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
    "ledger:import": Write(
        None, lambda w: {"file": SimpleUploadedFile("通报.txt", NOTICE)}, uploads
    ),
    "ledger:import-preview": Write(None, import_preview, count(Inspection), planted_upload),
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
    "oversight:indicator-apply": Write(
        None, fixed({}), lambda w, c: list(Figure.objects.values_list("indicator", flat=True))
    ),
    "oversight:indicator-list": Write(None, indicator_rules, count(IndicatorRule)),
    "disclosure:comment-add": Write(
        "notice", fixed({"content": "建议公开更多细节。", "name": "", "phone": ""}), count(Comment)
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
        fixed({"audience": "public", "text": "标题\n正文第二版", "note": "更正数据"}),
        count(NoticeDraft),
    ),
    "disclosure:draft-sign": Write("draft", fixed({}), fields(NoticeDraft, "draft", "status")),
    "disclosure:draft-return": Write(
        "draft", fixed({"reason": "数字有误"}), fields(NoticeDraft, "draft", "status")
    ),
    "disclosure:draft-publish": Write("signed_draft", fixed({}), count(PublishedNotice)),
}
