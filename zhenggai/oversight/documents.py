"""Supervision orders as official documents (GB/T 9704 through notices.docx)."""

from __future__ import annotations

from django.utils import timezone

from zhenggai.accounts.letterhead import letterhead_of
from zhenggai.accounts.models import Membership, Unit
from zhenggai.notices.render import Paragraph, cn_date

from .models import SupervisionOrder

DEFAULT_ISSUER = "巡察工作领导小组办公室"


def office_unit(user) -> Unit | None:
    """The office unit the user works in (the first by the tree when several)."""
    membership = (
        Membership.objects.filter(user=user, role=Membership.Role.OFFICE)
        .select_related("unit")
        .order_by("unit__path")
        .first()
    )
    return membership.unit if membership else None


def issuer_of(user) -> str:
    """The signature of the office the user works in: its 发文机关名称 when set."""
    unit = office_unit(user)
    if unit is None:
        return DEFAULT_ISSUER
    head = letterhead_of(unit)
    return head.issuer if head else unit.signature


def order_letterhead(order: SupervisionOrder) -> str | None:
    """The red header the order is printed under: its issuing office's 版头, if set."""
    head = letterhead_of(office_unit(order.issued_by))
    return head.title if head else None


def order_paragraphs(order: SupervisionOrder) -> list[Paragraph]:
    """Title, addressee, the problems, the demand, the due date, signature and date."""
    paras = [
        Paragraph("title", order.get_level_display()),
        Paragraph("blank", f"{order.unit.signature}："),
    ]
    problems = list(
        order.problems.select_related("inspection").order_by("inspection_id", "position", "id")
    )
    if problems:
        paras.append(Paragraph("body", "经对账督查，你单位以下问题整改推进不力，现予督办："))
        paras += [Paragraph("body", f"{n}．{p.title}") for n, p in enumerate(problems, 1)]
    paras += [Paragraph("body", line) for line in order.text.splitlines() if line.strip()]
    paras.append(
        Paragraph("body", (f"请于{cn_date(order.due)}前将办理情况书面报送，并在整改工作平台回复。"))
    )
    paras.append(Paragraph("signature", issuer_of(order.issued_by)))
    paras.append(Paragraph("date", cn_date(timezone.localtime(order.issued_at).date())))
    return paras
