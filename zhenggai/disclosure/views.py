from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import READ, SIGN, require
from zhenggai.accounts.models import Unit
from zhenggai.ledger.access import get_inspection_for_user
from zhenggai.ledger.models import Measure
from zhenggai.middleware import client_address
from zhenggai.notices.render import to_text
from zhenggai.views import attachment, query_id

from . import exports, satisfaction, services
from .access import (
    comments_visible_to,
    get_comment_for_user,
    get_draft_for_user,
    get_notice_comments_for_user,
    get_notice_for_user,
    may_draft,
    may_see_draft,
)
from .forms import CommentForm, DraftForm, ReplyForm, ReturnForm
from .generate import notice_from_ledger
from .models import NoticeDraft, PublishedNotice

KEPT = ("name", "phone", "content")
FROZEN = "发布后不能再改。"
PUBLIC = PublishedNotice.Audience.PUBLIC
INTERNAL = PublishedNotice.Audience.INTERNAL
# format -> (exporter, content type, file extension)
DOWNLOADS = {
    "txt": (exports.notice_txt, "text/plain; charset=utf-8", "txt"),
    "html": (exports.notice_html, "text/html; charset=utf-8", "html"),
    "docx": (
        exports.notice_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
}


def notice_list(request):
    """Every public notice of every unit, newest first; ?unit= narrows to one unit."""
    newer = PublishedNotice.objects.public().filter(replaces=OuterRef("pk"))
    notices = (
        PublishedNotice.objects.public()
        .select_related("inspection__unit")
        .annotate(replaced=Exists(newer))
    )
    units = Unit.objects.filter(inspections__notices__audience=PUBLIC).distinct()
    unit = query_id(request.GET, "unit")
    if unit is not None:
        notices = notices.filter(inspection__unit=unit)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    return render(
        request, "disclosure/notice_list.html", {"page": page, "units": units, "unit": unit}
    )


def notice_detail(request, pk):
    notice = get_notice_for_user(request, pk)
    return _detail(request, notice, CommentForm())


def _replaced_by(notice):
    """The version that replaced this one (same audience), if any."""
    try:
        return notice.replaced_by
    except PublishedNotice.DoesNotExist:
        return None


def _detail(request, notice, form, status=200, blocked=""):
    replies = []
    if notice.audience == PUBLIC:
        replies = list(
            notice.comments.filter(reply_public=True)
            .exclude(reply="")
            .order_by("replied_at")
            .values("reply", "replied_at")
        )
    replaced_by = _replaced_by(notice)
    return render(
        request,
        "disclosure/notice_detail.html",
        {
            "notice": notice,
            "unit": notice.inspection.unit,
            "form": form,
            "replies": replies,
            "replaced_by": replaced_by,
            "public": notice.audience == PUBLIC,
            "blocked": blocked,
            "satisfaction": satisfaction.tally(notice) if notice.audience == PUBLIC else {},
            "choices": satisfaction.Choice.choices,
            "can_download": may_see_draft(request.user, notice.inspection.unit),
        },
        status=status,
    )


@require_POST
def satisfaction_vote(request, pk):
    """The public's one click: 满意, 基本满意 or 不满意, limited like comments."""
    notice = get_notice_for_user(request, pk)
    if notice.audience != PUBLIC:
        raise Http404
    choice = request.POST.get("choice", "")
    if choice not in satisfaction.Choice.values:
        messages.error(request, "满意度评价：请选择“满意”“基本满意”或“不满意”。")
        return _detail(request, notice, CommentForm(), status=400)
    if not services.take_rate(client_address(request)):
        messages.error(
            request,
            f"提交过于频繁：同一网络地址每 {services.RATE_WINDOW.seconds // 60} 分钟"
            f"最多提交 {services.RATE_LIMIT} 次意见或评价，请稍后再试。",
        )
        return _detail(request, notice, CommentForm(), status=429)
    satisfaction.vote(notice, actor=request.user, choice=choice, address=client_address(request))
    messages.success(request, "已收到您的满意度评价，感谢您的监督。")
    return redirect("disclosure:notice-detail", notice.pk)


@require_POST
def comment_add(request, pk):
    notice = get_notice_for_user(request, pk)
    if notice.audience != PUBLIC:
        raise Http404
    address = client_address(request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _detail(request, notice, form, status=400)
    # Only a comment that would be accepted uses up the address's allowance.
    if not services.take_rate(address):
        # What was typed stays in the form, so that nothing is lost by waiting.
        kept = CommentForm(initial={k: request.POST.get(k, "") for k in KEPT})
        blocked = (
            f"提交过于频繁：同一网络地址每 {services.RATE_WINDOW.seconds // 60} 分钟"
            f"最多提交 {services.RATE_LIMIT} 条意见，请稍后再试。您填写的内容仍保留在下方。"
        )
        return _detail(request, notice, kept, status=429, blocked=blocked)
    data = form.cleaned_data
    services.add_comment(
        notice,
        actor=request.user,
        content=data["content"],
        name=data["name"],
        phone=data["phone"],
        address=address,
    )
    messages.success(request, "已收到您的意见建议，感谢您的监督。我们将认真研究处理。")
    return redirect("disclosure:notice-detail", notice.pk)


@login_required
def notice_draft(request, pk):
    """The notice written from the ledger: edited and submitted, signed, then published."""
    inspection, _ = get_inspection_for_user(request, pk)
    if not may_see_draft(request.user, inspection.unit):
        raise PermissionDenied
    can_edit, can_sign = may_draft(request.user, inspection.unit)
    audience = INTERNAL if request.GET.get("audience") == INTERNAL else PUBLIC
    internal = audience == INTERNAL
    draft = (
        inspection.notice_drafts.filter(audience=audience)
        .exclude(status=NoticeDraft.Status.WITHDRAWN)
        .select_related("submitted_by", "signed_by", "returned_by", "notice")
        .first()
    )
    form, preview = None, ""
    if can_edit:
        open_draft = draft and draft.status != NoticeDraft.Status.PUBLISHED
        if open_draft and not request.GET.get("fresh"):
            initial = {"text": draft.text, "note": draft.note, "doc_number": draft.doc_number}
        else:
            text = to_text(notice_from_ledger(inspection, internal=internal), internal=internal)
            initial = {"text": text}
        form = DraftForm(request.POST or None, initial={"audience": audience, **initial})
        form.fields["doc_number"].help_text = _number_help(inspection.unit)
    elif request.method == "POST":
        raise PermissionDenied
    else:  # the leader and the office read what the ledger writes now
        preview = to_text(notice_from_ledger(inspection, internal=internal), internal=internal)
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_draft(
                inspection,
                actor=request.user,
                text=data["text"],
                audience=data["audience"],
                note=data["note"],
                doc_number=data["doc_number"],
            )
        except services.DisclosureError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已提交签发，待本单位领导签发后即可发布。")
            return redirect(_draft_url(inspection.pk, data["audience"]))
    return render(
        request,
        "disclosure/draft.html",
        {
            "inspection": inspection,
            "form": form,
            "audience": audience,
            "draft": draft,
            "can_edit": can_edit,
            "can_sign": can_sign,
            "preview": preview,
            "return_form": ReturnForm(),
            "published": inspection.notices.all(),
            "offered": services.offered_number(inspection.unit),
            "has_measures": Measure.objects.for_user(request.user, READ)
            .filter(problem__inspection=inspection)
            .exists(),
        },
    )


def _number_help(unit) -> str:
    offered = services.offered_number(unit)
    if offered:
        return f"可不填：不填则发布时按本单位机关代字自动编号，今年下一个为“{offered}”。" + FROZEN
    return "可不填，如“临建党〔2026〕5号”；设置机关代字后，不填则发布时自动编号。" + FROZEN


def _draft_url(inspection_pk, audience) -> str:
    return reverse("disclosure:notice-draft", args=[inspection_pk]) + f"?audience={audience}"


@login_required
@require_POST
def draft_sign(request, pk):
    draft, _ = get_draft_for_user(request, pk)
    require(request, SIGN, draft.inspection.unit)
    try:
        services.sign_draft(draft, actor=request.user)
        messages.success(request, "已签发。编辑或领导现在可以发布这一文本。")
    except services.DisclosureError as exc:
        messages.error(request, str(exc))
    return redirect(_draft_url(draft.inspection_id, draft.audience))


@login_required
@require_POST
def draft_return(request, pk):
    draft, _ = get_draft_for_user(request, pk)
    require(request, SIGN, draft.inspection.unit)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise services.DisclosureError("退回时须写明理由。")
        services.return_draft(draft, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, "已退回，编辑修改后可重新提交签发。")
    except services.DisclosureError as exc:
        messages.error(request, str(exc))
    return redirect(_draft_url(draft.inspection_id, draft.audience))


@login_required
@require_POST
def draft_publish(request, pk):
    draft, _ = get_draft_for_user(request, pk)
    # publish_draft refuses (PermissionDenied) one who reads the draft but may not
    # publish it, as the office.
    try:
        notice = services.publish_draft(draft, actor=request.user)
    except services.DisclosureError as exc:
        messages.error(request, str(exc))
        return redirect(_draft_url(draft.inspection_id, draft.audience))
    messages.success(request, f"已发布第{notice.version}版通报。")
    return redirect("disclosure:notice-detail", notice.pk)


@login_required
def notice_export(request, pk, fmt):
    """The generated notice as a file with a Chinese name: for those who write or sign
    it, the office included (it previews and downloads any unit's notice)."""
    inspection, _ = get_inspection_for_user(request, pk)
    if not may_see_draft(request.user, inspection.unit):
        raise PermissionDenied
    if fmt not in DOWNLOADS:
        raise Http404
    exporter, content_type, extension = DOWNLOADS[fmt]
    internal = request.GET.get("audience") == INTERNAL
    # No 文号 on the generated original: a notice's 文号 is given when it is submitted
    # and printed only on the published notice's own file (notice_docx).
    data = exporter(inspection, internal=internal)
    name = f"{inspection.unit.name}{inspection.round}整改进展情况通报"
    name += f"（内部）.{extension}" if internal else f".{extension}"
    return attachment(data, name, content_type)


@login_required
def notice_docx(request, pk):
    """The published notice's frozen text as .docx under its unit's 版头 and its stored
    文号: for those who write or sign the unit's notice, the office included."""
    notice = get_notice_for_user(request, pk)
    get_inspection_for_user(request, notice.inspection_id)  # 404 outside the unit
    if not may_see_draft(request.user, notice.inspection.unit):
        raise PermissionDenied
    name = f"{notice.title}（第{notice.version}版）.docx"
    return attachment(exports.published_docx(notice), name, DOWNLOADS["docx"][1])


@login_required
def comment_list(request):
    """The comments of every unit the user answers for (the office: all); ?unit=, ?open=."""
    comments = comments_visible_to(request.user).select_related(
        "notice__inspection__unit", "replied_by"
    )
    unit = query_id(request.GET, "unit")
    if unit is not None:
        comments = comments.filter(notice__inspection__unit=unit)
    if request.GET.get("open"):
        comments = comments.filter(handled=False)
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    context = {"page": page, "notice": None, "can_answer": False, "unit": unit}
    return render(request, "disclosure/comments.html", context)


@login_required
def notice_comments(request, pk):
    notice, can_answer = get_notice_comments_for_user(request, pk)
    comments = notice.comments.select_related("replied_by", "notice__inspection__unit")
    page = Paginator(comments, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/comments.html",
        {"page": page, "notice": notice, "can_answer": can_answer},
    )


@login_required
@require_POST
def comment_reply(request, pk):
    comment, _ = get_comment_for_user(request, pk, answer=True)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "答复未保存：" + " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    else:
        try:
            services.reply_comment(comment, actor=request.user, **form.cleaned_data)
            messages.success(request, "已保存答复。")
        except services.DisclosureError as exc:
            messages.error(request, str(exc))
    return redirect("disclosure:notice-comments", comment.notice_id)


@login_required
@require_POST
def comment_handle(request, pk):
    """Mark a comment handled (handled=1) or reopen it (handled=0): one explicit act."""
    comment, _ = get_comment_for_user(request, pk, answer=True)
    handled = request.POST.get("handled") == "1"
    services.set_comment_handled(comment, actor=request.user, handled=handled)
    messages.success(request, "已标记为已处理。" if handled else "已重新打开，标记为未处理。")
    return redirect("disclosure:notice-comments", comment.notice_id)
