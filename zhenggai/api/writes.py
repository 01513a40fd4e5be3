"""Write endpoints: the access helper decides, the page's form validates, the page's
service acts (and records its audit event). Nothing here changes a row itself."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from zhenggai.accounts.access import EDIT, OFFICE, SIGN, access_for, require, units_visible_to
from zhenggai.disclosure import services as disclosure
from zhenggai.disclosure.access import (
    get_comment_for_user,
    get_draft_for_user,
    may_draft,
    may_see_draft,
)
from zhenggai.disclosure.forms import DraftForm
from zhenggai.disclosure.forms import ReplyForm as CommentReplyForm
from zhenggai.disclosure.forms import ReturnForm as DraftReturnForm
from zhenggai.ledger import accountability, extensions
from zhenggai.ledger import services as ledger
from zhenggai.ledger.access import (
    get_accountability_for_user,
    get_completion_for_user,
    get_extension_for_user,
    get_inspection_for_user,
    get_measure_for_user,
    get_problem_for_user,
    get_progress_for_user,
)
from zhenggai.ledger.forms import MeasureForm, ProblemForm, ProgressForm, measure_owners
from zhenggai.ledger.models import AccountabilityKind
from zhenggai.oversight import services as oversight
from zhenggai.oversight.access import get_order_for_user, get_signoff_for_user
from zhenggai.oversight.forms import CorrectionForm, OrderForm, ReasonForm, ReplyForm, SignOffForm

from . import schemas as s
from .common import bind, check, router
from .errors import Error, Refused

TAGS = ["办理"]
ERRORS = {400: Error, 401: Error, 403: Error, 404: Error}


def given(payload: Schema) -> dict:
    """The fields a PATCH names; the others keep their current values."""
    return payload.model_dump(exclude_unset=True)


class ProblemIn(Schema):
    title: str
    description: str = ""
    parent: int | None = None
    withhold_reason: str = ""
    withhold_approver: str = ""


class ProblemPatch(Schema):
    title: str | None = None
    description: str | None = None
    withhold_reason: str | None = None
    withhold_approver: str | None = None
    version: int | None = None


@router.post("/inspections/{pk}/problems", tags=TAGS, response={201: s.ProblemOut, **ERRORS})
def problem_add(request, pk: int, payload: ProblemIn):
    """新增问题（本单位编辑）。parent 为问题类别 id，留空则新增问题类别。"""
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    form = bind(ProblemForm, payload.model_dump(), inspection=inspection)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return Status(201, ledger.add_problem(inspection, actor=request.user, **data))


@router.patch("/problems/{pk}", tags=TAGS, response={200: s.ProblemOut, **ERRORS})
def problem_update(request, pk: int, payload: ProblemPatch):
    """修改问题（本单位编辑）。带上读取时的 version，可防止覆盖他人的修改。"""
    problem, _ = get_problem_for_user(request, pk, edit=True)
    form = bind(ProblemForm, given(payload), instance=problem, inspection=problem.inspection)
    data = {f: form.cleaned_data[f] for f in form.changed_data if f != "version"}
    version = form.cleaned_data["version"]
    return ledger.update_problem(problem, actor=request.user, version=version, **data)


class MeasureIn(Schema):
    text: str
    leader: str = ""
    department: str = ""
    owner: str = ""
    owner_user: int | None = None
    term: str = "deadline"
    due: dt.date | None = None
    status: str = "planned"
    withhold_reason: str = ""
    withhold_approver: str = ""


class MeasurePatch(Schema):
    text: str | None = None
    leader: str | None = None
    department: str | None = None
    owner: str | None = None
    owner_user: int | None = None
    term: str | None = None
    due: dt.date | None = None
    status: str | None = None
    withhold_reason: str | None = None
    withhold_approver: str | None = None
    version: int | None = None


@router.post("/problems/{pk}/measures", tags=TAGS, response={201: s.MeasureOut, **ERRORS})
def measure_add(request, pk: int, payload: MeasureIn):
    """新增整改措施（本单位编辑）。
    term：immediate 立行立改、deadline 限期整改、ongoing 长期坚持。"""
    problem, _ = get_problem_for_user(request, pk, edit=True)
    form = bind(MeasureForm, payload.model_dump(), owners=measure_owners(problem.inspection))
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return Status(201, ledger.add_measure(problem, actor=request.user, **data))


@router.patch("/measures/{pk}", tags=TAGS, response={200: s.MeasureOut, **ERRORS})
def measure_update(request, pk: int, payload: MeasurePatch):
    """修改整改措施（本单位编辑）。带上读取时的 version，可防止覆盖他人的修改。"""
    measure, _, _ = get_measure_for_user(request, pk, edit=True)
    owners = measure_owners(measure.problem.inspection)
    form = bind(MeasureForm, given(payload), instance=measure, owners=owners)
    data = {f: form.cleaned_data[f] for f in form.changed_data if f != "version"}
    version = form.cleaned_data["version"]
    return ledger.update_measure(measure, actor=request.user, version=version, **data)


class ProgressIn(Schema):
    reported_on: dt.date
    text: str
    figures: str = ""
    reference: str = ""


@router.post("/measures/{pk}/progress", tags=TAGS, response={201: s.ProgressOut, **ERRORS})
def progress_report(
    request, pk: int, payload: Form[ProgressIn], files: File[list[UploadedFile]] = None
):
    """报送整改进展（责任人报本人的措施，编辑报本单位任一措施），multipart/form-data。
    figures 每行一项“事项 数值 单位”；files 为佐证材料文件（可多个）；
    reference 为无电子文件时的材料说明。"""
    measure, _, _ = get_measure_for_user(request, pk, report=True)
    form = ProgressForm(payload.model_dump(), MultiValueDict({"files": list(files or [])}))
    check(form)
    data = form.cleaned_data
    progress = ledger.report_progress(
        measure,
        actor=request.user,
        text=data["text"],
        reported_on=data["reported_on"],
        figures=data["figures"],
        files=data["files"],
        references=[data["reference"]],
    )
    return Status(201, progress)


class ReasonIn(Schema):
    reason: str


@router.post("/progress/{pk}/withdraw", tags=TAGS, response={200: s.ProgressOut, **ERRORS})
def progress_withdraw(request, pk: int, payload: ReasonIn):
    """撤回整改进展（报送人或本单位编辑），须写明理由。"""
    progress, _ = get_progress_for_user(request, pk, amend=True)
    return ledger.withdraw_progress(progress, actor=request.user, reason=payload.reason)


class NoteIn(Schema):
    note: str = ""


@router.post("/measures/{pk}/completion", tags=TAGS, response={201: s.CompletionOut, **ERRORS})
def completion_request(request, pk: int, payload: NoteIn):
    """申请完成（责任人或本单位编辑），须已报送佐证材料；由本单位确认后计为已完成。"""
    measure, _, _ = get_measure_for_user(request, pk, report=True)
    return Status(201, ledger.request_completion(measure, actor=request.user, note=payload.note))


class InspectedIn(Schema):
    inspected: bool = False


@router.post("/completions/{pk}/confirm", tags=TAGS, response={200: s.CompletionOut, **ERRORS})
def completion_confirm(request, pk: int, payload: InspectedIn):
    """确认完成（巡察登记时指定的确认人，默认本单位编辑），措施计为已完成。
    佐证材料只有文字说明（如纸质档案）时，须查验原件并传 inspected 为真。"""
    completion, _ = get_completion_for_user(request, pk, confirm=True)
    ledger.confirm_completion(completion, actor=request.user, inspected=payload.inspected)
    completion.refresh_from_db()
    return completion


@router.post("/completions/{pk}/return", tags=TAGS, response={200: s.CompletionOut, **ERRORS})
def completion_return(request, pk: int, payload: ReasonIn):
    """退回完成申请（确认人），须写明理由；措施状态不变。"""
    completion, _ = get_completion_for_user(request, pk, confirm=True)
    form = bind(ReasonForm, payload.model_dump())
    return ledger.return_completion(completion, actor=request.user, **form.cleaned_data)


class ExtensionIn(Schema):
    new_due: dt.date
    reason: str


@router.post("/measures/{pk}/extension", tags=TAGS, response={201: s.ExtensionOut, **ERRORS})
def extension_request(request, pk: int, payload: ExtensionIn):
    """申请延期（责任人或本单位编辑），须写明理由，new_due 须晚于现在的完成时限；
    台账经巡察办确认后才需申请，原完成时限保留。"""
    measure, _, _ = get_measure_for_user(request, pk, report=True)
    form = bind(extensions.ExtensionForm, payload.model_dump())
    extension = extensions.request_extension(measure, actor=request.user, **form.cleaned_data)
    return Status(201, extension)


class AnswerIn(Schema):
    answer: str = ""


MAX_ANSWER = 2000


def _decided(request, pk: int, payload: AnswerIn, *, approve: bool):
    extension, _ = get_extension_for_user(request, pk, decide=True)
    if len(payload.answer.strip()) > MAX_ANSWER:
        raise Refused(400, "invalid", f"审批意见（answer）不能超过{MAX_ANSWER}字。")
    return extensions.decide_extension(
        extension, actor=request.user, approve=approve, answer=payload.answer
    )


@router.post("/extensions/{pk}/approve", tags=TAGS, response={200: s.ExtensionOut, **ERRORS})
def extension_approve(request, pk: int, payload: AnswerIn):
    """批准延期申请（巡察办，或巡察办委托的本单位领导），措施完成时限改为申请的日期。"""
    return _decided(request, pk, payload, approve=True)


@router.post("/extensions/{pk}/refuse", tags=TAGS, response={200: s.ExtensionOut, **ERRORS})
def extension_refuse(request, pk: int, payload: AnswerIn):
    """不批准延期申请（巡察办，或巡察办委托的本单位领导），须在 answer 中写明理由。"""
    return _decided(request, pk, payload, approve=False)


class ConfirmIn(Schema):
    extension_by: Literal["office", "leader"] = "office"


@router.post("/inspections/{pk}/confirm", tags=TAGS, response={200: s.InspectionOut, **ERRORS})
def ledger_confirm(request, pk: int, payload: ConfirmIn):
    """确认台账（巡察办），此后措施完成时限须经延期申请调整。
    extension_by：office 巡察办审批延期（默认）、leader 委托本单位领导审批；
    已确认的台账再次确认只改延期审批人。"""
    inspection, _ = get_inspection_for_user(request, pk)
    require(request, OFFICE, inspection.unit)
    return extensions.confirm_ledger(
        inspection, actor=request.user, extension_by=payload.extension_by
    )


@router.post("/problems/{pk}/signoff", tags=TAGS, response={201: s.SignOffOut, **ERRORS})
def signoff_apply(request, pk: int, payload: NoteIn):
    """申请销号（本单位编辑），问题下的措施须已完成或转入长期坚持。"""
    problem, _ = get_problem_for_user(request, pk, edit=True)
    form = bind(SignOffForm, payload.model_dump())
    return Status(201, oversight.apply_signoff(problem, actor=request.user, **form.cleaned_data))


def _reviewed(request, pk):
    signoff, can_review = get_signoff_for_user(request, pk)
    if not can_review:
        raise PermissionDenied
    return signoff


@router.post("/signoffs/{pk}/approve", tags=TAGS, response={200: s.SignOffOut, **ERRORS})
def signoff_approve(request, pk: int):
    """审核通过（巡察办）：销号申请通过即销号；本单位的更正申请（status 为 corr_asked）
    通过即成为更正记录（status 为 correction），与页面相同。"""
    return oversight.approve_review(_reviewed(request, pk), actor=request.user)


@router.post("/signoffs/{pk}/return", tags=TAGS, response={200: s.SignOffOut, **ERRORS})
def signoff_return(request, pk: int, payload: ReasonIn):
    """退回（巡察办），须写明理由：销号申请退回本单位，问题仍未销号；更正申请
    （status 为 corr_asked）退回后原销号记录不变，与页面相同。"""
    signoff = _reviewed(request, pk)
    form = bind(ReasonForm, payload.model_dump())
    return oversight.return_review(signoff, actor=request.user, **form.cleaned_data)


@router.post("/signoffs/{pk}/correct", tags=TAGS, response={201: s.SignOffOut, **ERRORS})
def signoff_correct(request, pk: int, payload: NoteIn):
    """更正销号（巡察办）：对已销号的记录登记一条更正记录，须在 note 中写明更正内容；
    原记录保留，答复为新的更正记录（corrects_id 为被更正的记录）。"""
    signoff = _reviewed(request, pk)
    form = bind(CorrectionForm, payload.model_dump())
    return Status(201, oversight.correct_signoff(signoff, actor=request.user, **form.cleaned_data))


@router.post("/signoffs/{pk}/correction-request", tags=TAGS, response={201: s.SignOffOut, **ERRORS})
def signoff_correction_request(request, pk: int, payload: NoteIn):
    """申请更正销号（本单位编辑）：对已销号的记录向巡察办申请更正，须在 note 中写明
    更正内容和理由；答复为新的更正申请（status 为 corr_asked，corrects_id 为被更正的
    记录），巡察办审核通过前原记录不变。巡察办直接更正，用 POST /signoffs/{pk}/correct。"""
    # As the page: the office corrects the record itself; anyone else reaching the
    # sign-off asks, and the service lets only the unit's editors ask. Checked before
    # the body, so that a reader gets 403 whatever they send.
    signoff, can_review = get_signoff_for_user(request, pk)
    if can_review:
        raise PermissionDenied
    require(request, EDIT, signoff.problem.inspection.unit)
    form = bind(CorrectionForm, payload.model_dump())
    asked = oversight.request_correction(signoff, actor=request.user, **form.cleaned_data)
    return Status(201, asked)


class OrderIn(Schema):
    unit: int
    level: str = "notice"
    problems: list[int] = []
    due: dt.date
    text: str


@router.post("/orders", tags=TAGS, response={201: s.OrderOut, **ERRORS})
def order_issue(request, payload: OrderIn):
    """签发督办单（巡察办）。
    level：notice 督办通知书、reminder 提醒书、warning 告诫书、account 问责建议；
    problems 为被督办单位（或其下级单位）未销号问题的 id。"""
    if not access_for(request.user).anywhere(OFFICE):
        raise PermissionDenied
    units = units_visible_to(request.user).exclude(pk__in=oversight.office_units())
    unit = units.filter(pk=payload.unit).first()
    form = bind(OrderForm, payload.model_dump(), units=units, unit=unit)
    data = form.cleaned_data
    order = oversight.issue_order(
        actor=request.user,
        unit=data["unit"],
        problems=data["problems"],
        level=data["level"],
        due=data["due"],
        text=data["text"],
    )
    return Status(201, order)


class TextIn(Schema):
    text: str


@router.post("/orders/{pk}/reply", tags=TAGS, response={200: s.OrderOut, **ERRORS})
def order_reply(request, pk: int, payload: TextIn):
    """回复督办单（本单位编辑或领导），只能回复一次。"""
    order, _ = get_order_for_user(request, pk, reply=True)
    form = bind(ReplyForm, payload.model_dump())
    return oversight.reply_order(order, actor=request.user, text=form.cleaned_data["text"])


class CommentReplyIn(Schema):
    reply: str
    reply_public: bool = False


@router.post("/comments/{pk}/reply", tags=TAGS, response={200: s.CommentOut, **ERRORS})
def comment_reply(request, pk: int, payload: CommentReplyIn):
    """答复群众意见（本单位编辑或领导）；reply_public 为真时答复在通报页面公开。"""
    comment, _ = get_comment_for_user(request, pk, answer=True)
    form = bind(
        CommentReplyForm, {"reply": payload.reply, "reply_public": payload.reply_public or ""}
    )
    return disclosure.reply_comment(comment, actor=request.user, **form.cleaned_data)


class AccountabilityIn(Schema):
    name: str
    kind: str
    decided_on: dt.date
    decided_by: str
    post: str = ""
    person_unit: str = ""
    measure: int | None = None
    note: str = ""


def _kind(name: str) -> AccountabilityKind:
    """The kind named, or a 400 listing the kinds there are."""
    found = AccountabilityKind.objects.filter(name=name.strip()).first()
    if found is None:
        names = "、".join(AccountabilityKind.objects.values_list("name", flat=True))
        raise Refused(400, "invalid", f"问责方式（kind）“{name}”不存在，可选：{names}。")
    return found


@router.post(
    "/problems/{pk}/accountability", tags=TAGS, response={201: s.AccountabilityOut, **ERRORS}
)
def accountability_add(request, pk: int, payload: AccountabilityIn):
    """登记问责情况（本单位编辑）。kind 为问责方式的名称，如“诫勉”；
    measure 为该问题下整改措施的 id，留空则针对问题本身。"""
    problem, _ = get_problem_for_user(request, pk, edit=True)
    data = {**payload.model_dump(), "kind": _kind(payload.kind).pk}
    form = bind(accountability.AccountabilityForm, data, problem=problem)
    held = accountability.add_accountability(problem, actor=request.user, **form.cleaned_data)
    return Status(201, held)


class AccountabilityPatch(Schema):
    name: str | None = None
    kind: str | None = None
    decided_on: dt.date | None = None
    decided_by: str | None = None
    post: str | None = None
    person_unit: str | None = None
    measure: int | None = None
    note: str | None = None


@router.patch("/accountability/{pk}", tags=TAGS, response={200: s.AccountabilityOut, **ERRORS})
def accountability_update(request, pk: int, payload: AccountabilityPatch):
    """修改问责情况（本单位编辑），只改传入的字段。kind 为问责方式的名称；
    measure 传 null 则改为针对问题本身。"""
    held, _ = get_accountability_for_user(request, pk, edit=True)
    changes = given(payload)
    if changes.get("kind") is not None:
        changes["kind"] = _kind(changes["kind"]).pk
    form = bind(accountability.AccountabilityForm, changes, instance=held, problem=held.problem)
    fields = {f: form.cleaned_data[f] for f in form.changed_data}
    return accountability.update_accountability(held, actor=request.user, **fields)


@router.delete("/accountability/{pk}", tags=TAGS, response={204: None, **ERRORS})
def accountability_delete(request, pk: int):
    """删除问责记录（本单位编辑），问题销号后不能删除。"""
    held, _ = get_accountability_for_user(request, pk, edit=True)
    accountability.delete_accountability(held, actor=request.user)
    return Status(204, None)


class DraftIn(Schema):
    text: str
    audience: Literal["public", "internal"] = "public"
    note: str = ""
    doc_number: str = ""


@router.post("/inspections/{pk}/drafts", tags=TAGS, response={201: s.DraftOut, **ERRORS})
def draft_submit(request, pk: int, payload: DraftIn):
    """提交通报稿待签发（本单位编辑）。audience：public 公开版（默认）、internal 内部版；
    该类通报（公开版或内部版）已发布过的，须在 note 中写明更正说明；doc_number 为文号，
    可不填。该类此前待签发或已签发未发布的稿件作废；本单位领导签发这一文本后即可发布。"""
    # As the page: the office and the unit's leaders read the draft, its editors submit.
    inspection, _ = get_inspection_for_user(request, pk)
    if not may_see_draft(request.user, inspection.unit):
        raise PermissionDenied
    if not may_draft(request.user, inspection.unit)[0]:
        raise PermissionDenied
    form = bind(DraftForm, payload.model_dump())
    draft = disclosure.submit_draft(inspection, actor=request.user, **form.cleaned_data)
    return Status(201, draft)


def _draft_to_sign(request, pk: int):
    # As the page: the unit's editors and leaders reach the draft, only a leader signs.
    draft, _ = get_draft_for_user(request, pk)
    require(request, SIGN, draft.inspection.unit)
    return draft


@router.post("/drafts/{pk}/sign", tags=TAGS, response={200: s.DraftOut, **ERRORS})
def draft_sign(request, pk: int):
    """签发待签发的通报稿（本单位领导），签发的正是提交时冻结的文本。"""
    return disclosure.sign_draft(_draft_to_sign(request, pk), actor=request.user)


@router.post("/drafts/{pk}/return", tags=TAGS, response={200: s.DraftOut, **ERRORS})
def draft_return(request, pk: int, payload: ReasonIn):
    """退回通报稿（本单位领导），须写明理由；编辑修改后可重新提交签发。"""
    draft = _draft_to_sign(request, pk)
    form = bind(DraftReturnForm, payload.model_dump())
    return disclosure.return_draft(draft, actor=request.user, **form.cleaned_data)


@router.post("/drafts/{pk}/publish", tags=TAGS, response={201: s.NoticeOut, **ERRORS})
def draft_publish(request, pk: int):
    """发布已签发的通报稿（本单位编辑或领导），正文与签发的文本逐字相同；发布后不可更改。"""
    draft, _ = get_draft_for_user(request, pk)
    # publish_draft refuses (PermissionDenied) one who reads the draft but may not
    # publish it, as the office.
    return Status(201, disclosure.publish_draft(draft, actor=request.user))
