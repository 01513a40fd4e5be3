"""Supervision orders: the list, issuing and escalating, the order and its reply with
evidence, the printed order, and the orders about one problem."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, access_for, require, units_visible_to
from zhenggai.ledger.access import get_problem_for_user
from zhenggai.notices.docx import official_docx
from zhenggai.views import query_id

from .. import services
from ..access import get_order_for_user, visible_orders
from ..documents import office_unit, order_letterhead, order_paragraphs
from ..forms import OrderForm, ReplyForm
from ..ladder import chain_of, chains_about, escalation_text, with_escalation
from ..models import ReplyEvidence

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download keeping its Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def order_list(request):
    orders = with_escalation(visible_orders(request.user))
    orders = orders.select_related("unit").order_by("-issued_at", "-id")
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    if overdue:
        orders = orders.overdue(today).order_by("due", "id")
    shown = list(orders[:200])
    for order in shown:
        order.days_late = (today - order.due).days if order.is_overdue(today) else 0
    office = access_for(request.user).anywhere(OFFICE)
    context = {"orders": shown, "office": office, "overdue": overdue}
    context["office_unit"] = office_unit(request.user) if office else None
    return render(request, "oversight/order_list.html", context)


@login_required
def order_add(request):
    """The order form: choosing the unit and round (列出问题, a GET) narrows the problems;
    ?follows=<order> escalates that order to the next level (升级为下一级)."""
    require(request, OFFICE)
    units = units_visible_to(request.user).exclude(pk__in=services.office_units())
    params = request.POST if request.method == "POST" else request.GET
    follows = _follows(request, params)
    unit_id = follows.unit_id if follows else query_id(params, "unit")
    unit = units.filter(pk=unit_id).first() if unit_id is not None else None
    round_ = params.get("round", "") if unit and not follows else ""
    form = OrderForm(
        request.POST or None,
        units=units,
        unit=unit,
        round=round_,
        follows=follows,
        initial=_initial(unit, round_, follows),
    )
    if request.method == "POST" and form.is_valid():
        order = _issue(request, form)
        if order is not None:
            messages.success(request, f"已签发{order.get_level_display()}{order.doc_number}。")
            return redirect("oversight:order-detail", order.pk)
    context = {
        "form": form,
        "unit": unit,
        "round": round_,
        "units": units.order_by("path"),
        "follows": follows,
    }
    return render(request, "oversight/order_form.html", context)


def _follows(request, params):
    """The earlier order being escalated, among those the user sees, or None."""
    pk = query_id(params, "follows")
    if pk is None:
        return None
    return visible_orders(request.user).select_related("unit").filter(pk=pk).first()


def _initial(unit, round_: str, follows) -> dict:
    initial = {"unit": unit, "round": round_}
    if follows is not None:
        initial |= {
            "follows": follows,
            "level": follows.next_level or follows.level,
            "problems": [p.pk for p in follows.problems.filter(closed_at=None)],
            "text": escalation_text(follows),
        }
    return {k: v for k, v in initial.items() if v}


def _issue(request, form):
    data = form.cleaned_data
    try:
        return services.issue_order(
            actor=request.user,
            unit=data["unit"],
            problems=data["problems"],
            level=data["level"],
            due=data["due"],
            text=data["text"],
            follows=data.get("follows"),
        )
    except services.OversightError as exc:
        form.add_error(None, str(exc))
        return None


def _detail(request, order, can_reply: bool, form, status: int = 200):
    office = access_for(request.user).anywhere(OFFICE)
    context = {
        "order": order,
        "can_reply": can_reply and not order.replied_at,
        "problems": order.problems.select_related("inspection"),
        "files": order.reply_files.all(),
        "chain": chain_of(order),
        "may_escalate": office and order.next_level is not None,
        "form": form,
    }
    return render(request, "oversight/order_detail.html", context, status=status)


@login_required
def order_detail(request, pk):
    order, can_reply = get_order_for_user(request, pk)
    return _detail(request, order, can_reply, ReplyForm())


@login_required
@require_POST
def order_reply(request, pk):
    order, _ = get_order_for_user(request, pk, reply=True)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply_order(
                order,
                actor=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
            messages.success(request, "已回复督办单。")
            return redirect("oversight:order-detail", order.pk)
        except services.OversightError as exc:
            form.add_error(None, str(exc))
    return _detail(request, order, True, form, status=400)


@login_required
def order_docx(request, pk):
    order, _ = get_order_for_user(request, pk)
    content = official_docx(
        order_paragraphs(order), doc_number=order.doc_number, letterhead=order_letterhead(order)
    )
    filename = f"{order.get_level_display()}{order.doc_number}.docx"
    return attachment(content, filename, DOCX)


@login_required
def reply_file(request, pk):
    """A file sent with a reply: for those who may read the order."""
    evidence = get_object_or_404(
        ReplyEvidence.objects.for_user(request.user).select_related("order"), pk=pk
    )
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )


@login_required
def problem_orders(request, pk):
    """The orders about one problem, each ladder from its first order to its last."""
    problem, _ = get_problem_for_user(request, pk)
    context = {
        "problem": problem,
        "chains": chains_about(problem, request.user),
        "office": access_for(request.user).anywhere(OFFICE),
    }
    return render(request, "oversight/problem_orders.html", context)
