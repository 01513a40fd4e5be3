"""Supervision orders: the list, issuing, the order and its reply, the printed order."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhenggai.accounts.access import OFFICE, access_for, require, units_visible_to
from zhenggai.notices.docx import official_docx

from .. import services
from ..access import get_order_for_user, visible_orders
from ..documents import order_paragraphs
from ..forms import OrderForm, ReplyForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download keeping its Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def order_list(request):
    orders = visible_orders(request.user).select_related("unit").order_by("-issued_at", "-id")
    today = timezone.localdate()
    shown = list(orders[:200])
    for order in shown:
        order.late = order.is_overdue(today)
    office = access_for(request.user).anywhere(OFFICE)
    return render(request, "oversight/order_list.html", {"orders": shown, "office": office})


@login_required
def order_add(request):
    require(request, OFFICE)
    units = units_visible_to(request.user)
    unit = (
        units.filter(pk=request.GET.get("unit")).first()
        if request.GET.get("unit", "").isdigit()
        else None
    )
    form = OrderForm(request.POST or None, units=units, unit=unit, initial={"unit": unit})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.issue_order(
                actor=request.user,
                unit=data["unit"],
                problems=data["problems"],
                level=data["level"],
                due=data["due"],
                text=data["text"],
            )
            messages.success(request, f"已签发{order.get_level_display()}{order.doc_number}。")
            return redirect("oversight:order-detail", order.pk)
        except services.OversightError as exc:
            form.add_error(None, str(exc))
    return render(request, "oversight/order_form.html", {"form": form, "unit": unit})


@login_required
def order_detail(request, pk):
    order, can_reply = get_order_for_user(request, pk)
    return render(
        request,
        "oversight/order_detail.html",
        {
            "order": order,
            "can_reply": can_reply and not order.replied_at,
            "problems": order.problems.select_related("inspection"),
            "form": ReplyForm(),
        },
    )


@login_required
@require_POST
def order_reply(request, pk):
    order, _ = get_order_for_user(request, pk, reply=True)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply_order(order, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, "已回复督办单。")
            return redirect("oversight:order-detail", order.pk)
        except services.OversightError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "oversight/order_detail.html",
        {
            "order": order,
            "can_reply": not order.replied_at,
            "problems": order.problems.select_related("inspection"),
            "form": form,
        },
        status=400,
    )


@login_required
def order_docx(request, pk):
    order, _ = get_order_for_user(request, pk)
    content = official_docx(order_paragraphs(order), doc_number=order.doc_number)
    filename = f"{order.get_level_display()}{order.doc_number}.docx"
    return attachment(content, filename, DOCX)
