"""The documents of the cycle (整改方案, 整改情况报告, 销号审批表, 回头看报告) and the
report clock: written from the ledger, edited, frozen, downloaded; the report filed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.ledger.access import get_inspection_for_user, get_problem_for_user
from zhenggai.ledger.models import Problem
from zhenggai.notices.render import cn_date
from zhenggai.views import attachment, query_id

from .. import cycle, services
from ..access import get_document_for_user
from ..forms import DocumentForm, ReportCorrectionForm, ReportFilingForm
from ..models import Document, ReportFiling
from .orders import DOCX

Kind = Document.Kind


def _documents(request, inspection):
    documents = Document.objects.for_user(request.user)
    return documents.filter(inspection=inspection, inspection__voided_at=None)


def _filing(request, inspection) -> ReportFiling | None:
    filings = ReportFiling.objects.for_user(request.user).filter(inspection=inspection)
    return filings.select_related("document", "filed_by").first()


def _filing_context(request, inspection, can_edit: bool, reports) -> dict:
    """The filing, its corrections in order, the one that counts, and the correction form."""
    filing = _filing(request, inspection)
    if filing is None:
        return {"filing": None}
    corrections = list(filing.corrections.select_related("document", "corrected_by"))
    current = corrections[-1] if corrections else filing
    form = None
    if can_edit:
        form = ReportCorrectionForm(documents=reports, initial={"filed_on": current.filed_on})
    return {
        "filing": filing,
        "corrections": corrections,
        # Each correction beside the record it corrects: the history shows the date before.
        "history": list(zip([filing, *corrections], corrections, strict=False)),
        "current": current,
        "correction_form": form,
    }


@login_required
def document_list(request, pk):
    """Every document of the inspection, the problems a 销号审批表 may be written for,
    and the report clock: due date, days left, filed or not."""
    inspection, can_edit = get_inspection_for_user(request, pk)
    documents = _documents(request, inspection).select_related("problem", "updated_by", "frozen_by")
    documents = documents.order_by("kind", "problem_id", "-version")
    reports = _documents(request, inspection).filter(kind=Kind.REPORT, frozen_at__isnull=False)
    problems = (
        Problem.objects.for_user(request.user)
        .filter(inspection=inspection)
        .order_by("position", "id")
    )
    form = ReportFilingForm(documents=reports, initial={"filed_on": timezone.localdate()})
    today = timezone.localdate()
    return render(
        request,
        "oversight/documents.html",
        {
            "inspection": inspection,
            "documents": documents,
            "problems": problems,
            "kinds": [(k, label) for k, label in Kind.choices if k != Kind.SIGNOFF_FORM],
            **_filing_context(request, inspection, can_edit, reports),
            "form": form,
            "can_edit": can_edit,
            "due": cn_date(inspection.rectify_until),
            "days_left": (inspection.rectify_until - today).days,
            "days_late": (today - inspection.rectify_until).days,
        },
    )


@login_required
@require_POST
def document_add(request, pk):
    """Write a new draft of a kind from the ledger (a 销号审批表: of the chosen problem)."""
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    kind = request.POST.get("kind", "")
    if kind not in Kind.values:
        messages.error(request, "请选择要生成的文稿类型。")
        return redirect("oversight:document-list", inspection.pk)
    problem = None
    if kind == Kind.SIGNOFF_FORM:
        problem_pk = query_id(request.POST, "problem")
        if problem_pk is None:
            messages.error(request, "生成销号审批表须选择一个问题。")
            return redirect("oversight:document-list", inspection.pk)
        problem, _ = get_problem_for_user(request, problem_pk, edit=True)
    try:
        document = services.draft_document(
            inspection, actor=request.user, kind=kind, problem=problem
        )
    except services.OversightError as exc:
        messages.error(request, str(exc))
        return redirect("oversight:document-list", inspection.pk)
    messages.success(request, f"已根据台账生成{document.get_kind_display()}草稿，可修改后定稿。")
    return redirect("oversight:document-detail", document.pk)


@login_required
def document_detail(request, pk):
    """The draft as text (editable by the unit's editor until frozen), or the frozen text."""
    document, can_edit = get_document_for_user(request, pk)
    editable = can_edit and not document.frozen_at
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = None
    if editable:
        initial = {"text": document.text, "doc_number": document.doc_number}
        form = DocumentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.save_document(document, actor=request.user, **form.cleaned_data)
            except services.OversightError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已保存草稿。")
                return redirect("oversight:document-detail", document.pk)
    return render(
        request,
        "oversight/document_detail.html",
        {"document": document, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def document_freeze(request, pk):
    document, _ = get_document_for_user(request, pk, edit=True)
    try:
        services.freeze_document(document, actor=request.user)
        messages.success(request, "已定稿。定稿后的文稿不可修改，如需修改请重新生成新版本。")
    except services.OversightError as exc:
        messages.error(request, str(exc))
    return redirect("oversight:document-detail", document.pk)


@login_required
def document_docx(request, pk):
    document, _ = get_document_for_user(request, pk)
    state = "" if document.frozen_at else "（草稿）"
    name = f"{document.title[:80]}{state}（第{document.version}版）.docx"
    return attachment(cycle.document_docx(document), name, DOCX)


@login_required
@require_POST
def report_file(request, pk):
    """报送: record the date the 整改情况报告 was sent, with the frozen report or its file."""
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    reports = _documents(request, inspection).filter(kind=Kind.REPORT, frozen_at__isnull=False)
    form = ReportFilingForm(request.POST, request.FILES, documents=reports)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        messages.error(request, "未登记报送：" + " ".join(errors))
        return redirect("oversight:document-list", inspection.pk)
    data = form.cleaned_data
    try:
        services.file_report(
            inspection,
            actor=request.user,
            filed_on=data["filed_on"],
            document=data["document"],
            upload=data["file"],
        )
        messages.success(request, f"已登记：整改情况报告于{cn_date(data['filed_on'])}报送。")
    except services.OversightError as exc:
        messages.error(request, f"未登记报送：{exc}")
    return redirect("oversight:document-list", inspection.pk)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label}：{e}" if name in form.fields else str(e)
        for name, errors in form.errors.items()
        for e in errors
    )


@login_required
@require_POST
def report_correct(request, pk):
    """更正 of the filing: a new date and/or report with the reason; the earlier is kept."""
    inspection, _ = get_inspection_for_user(request, pk, edit=True)
    filing = _filing(request, inspection)
    if filing is None:
        raise Http404
    reports = _documents(request, inspection).filter(kind=Kind.REPORT, frozen_at__isnull=False)
    form = ReportCorrectionForm(request.POST, request.FILES, documents=reports)
    if not form.is_valid():
        messages.error(request, "未更正：" + _form_errors(form))
        return redirect("oversight:document-list", inspection.pk)
    data = form.cleaned_data
    try:
        services.correct_filing(
            filing,
            actor=request.user,
            reason=data["reason"],
            filed_on=data["filed_on"],
            document=data["document"],
            upload=data["file"],
        )
        messages.success(request, f"已更正：整改情况报告报送日期为{cn_date(data['filed_on'])}。")
    except services.OversightError as exc:
        messages.error(request, f"未更正：{exc}")
    return redirect("oversight:document-list", inspection.pk)


@login_required
def report_download(request, pk):
    """The filed report as it now stands (?v=0: as first filed; ?v=<id>: a correction):
    the uploaded file, or the frozen report as .docx."""
    inspection, _ = get_inspection_for_user(request, pk)
    filing = _filing(request, inspection)
    if filing is None:
        raise Http404
    version = query_id(request.GET, "v")
    if version is None:
        filed = filing.current
    elif version == 0:
        filed = filing
    else:
        filed = filing.corrections.filter(pk=version).first()
        if filed is None:
            raise Http404
    if filed.document is not None:
        return document_docx(request, filed.document.pk)
    return FileResponse(filed.file.open("rb"), as_attachment=True, filename=filed.name)
