"""The 版头 and 机关代字 page of a unit: the office or the unit's editor keeps them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from zhenggai.forms import CleanForm
from zhenggai.notices.letterhead import code_problem, doc_number

from .access import EDIT, OFFICE, access_for
from .letterhead import save_letterhead
from .models import Letterhead, Unit


class LetterheadForm(CleanForm):
    issuer = forms.CharField(
        label="发文机关名称", max_length=100, help_text="如“中共临川区委巡察工作领导小组办公室”"
    )
    header = forms.CharField(
        label="版头文字",
        max_length=100,
        required=False,
        help_text="红色版头显示的文字，如“中共临川区委巡察工作领导小组办公室文件”；不填则用发文机关名称",
    )
    code = forms.CharField(
        label="机关代字",
        max_length=20,
        required=False,
        help_text="文号的前缀，如“临巡办督”，文号即为“临巡办督〔2026〕3号”",
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        problem = code_problem(code)
        if problem:
            raise forms.ValidationError(problem)
        return code


def get_letterhead_unit_for_user(request, pk) -> tuple[Unit, bool]:
    """The unit and whether the user may keep its letterhead (the office, its editor)."""
    unit = get_object_or_404(Unit, pk=pk)
    access = access_for(request.user)
    if not access.can_read(unit):
        raise Http404
    return unit, access.may(OFFICE, unit) or access.may(EDIT, unit)


@login_required
def letterhead_edit(request, pk: int):
    unit, can_edit = get_letterhead_unit_for_user(request, pk)
    if not can_edit:
        raise PermissionDenied
    current = Letterhead.objects.filter(unit=unit).first()
    initial = {"issuer": unit.signature}
    if current:
        initial = {"issuer": current.issuer, "header": current.header, "code": current.code}
    form = LetterheadForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_letterhead(unit, actor=request.user, **form.cleaned_data)
        messages.success(request, f"已保存“{unit.name}”的版头与机关代字。")
        return redirect("accounts:letterhead-edit", unit.pk)
    code = current.code if current else ""
    context = {"unit": unit, "form": form, "current": current, "sample": doc_number(code, 2026, 3)}
    return render(request, "accounts/letterhead_form.html", context)
