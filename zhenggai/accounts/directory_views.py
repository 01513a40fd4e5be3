"""The 通讯录 pages: upload, preview with row errors, import all or nothing; template and
export downloads."""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhenggai.views import attachment

from . import directory, org
from .access import AUTHORISE, DIRECTORY, IMPORT_DIRECTORY, ORGANISE, access_for, require
from .unit_views import duties
from .user_views import show_once

SESSION_KEY = "zhenggai_directory"  # token -> {"name": file name, "rows": [...]}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label="通讯录文件（.xlsx）")


@login_required
def directory_import(request):
    require(request, IMPORT_DIRECTORY if request.method == "POST" else DIRECTORY)
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = directory.read_rows(upload.read(), upload.name)
        except directory.DirectoryError as error:
            form.add_error("file", str(error))
        else:
            token = secrets.token_hex(16)
            # One upload waits at a time: a new one replaces it.
            request.session[SESSION_KEY] = {token: {"name": upload.name, "rows": rows}}
            return redirect("accounts:directory-preview", token)
    context = {"form": form, "can_import": access_for(request.user).anywhere(IMPORT_DIRECTORY)}
    return render(request, "accounts/directory.html", {**context, **duties(request)})


def waiting(request, token: str) -> dict:
    upload = request.session.get(SESSION_KEY, {}).get(token)
    if upload is None:
        raise Http404
    return upload


@login_required
def directory_preview(request, token: str):
    require(request, IMPORT_DIRECTORY)
    upload = waiting(request, token)
    organise = access_for(request.user).anywhere(ORGANISE)
    errors: list[str] = []
    if request.method == "POST":
        try:
            result = directory.import_directory(
                upload["rows"],
                actor=request.user,
                filename=upload["name"],
                mail=request.POST.get("mail") == "1",
            )
        except directory.ImportRefused as refused:
            errors = refused.errors
        else:
            request.session.pop(SESSION_KEY, None)
            return done(request, result)
    plan = directory.plan_rows(upload["rows"])
    errors = errors or plan.errors + directory.part_errors(plan, organise=organise)
    context = {
        "upload": upload,
        "plan": plan,
        "errors": errors,
        "organise": organise,
        "authorise": access_for(request.user).anywhere(AUTHORISE),
        "mail": org.mail_ready(),
        "nothing": not (plan.has_account_changes() if organise else plan.has_role_changes()),
    }
    return render(request, "accounts/directory_preview.html", context)


SUMMARY = {
    "units": "新建单位 {} 个",
    "people": "新建账号 {} 个",
    "updated": "更新人员资料 {} 人",
    "roles": "授予角色 {} 项",
    "changed_roles": "调整“含下级单位” {} 项",
}


def done(request, result: directory.Result):
    parts = [SUMMARY[key].format(n) for key, n in result.counts.items()]
    if not parts:
        messages.info(request, "表格与系统中的数据一致，没有需要导入的变更。")
        return redirect("accounts:unit-list")
    messages.success(request, "通讯录已导入：" + "，".join(parts) + "。")
    if result.passwords:
        show_once(request, result.passwords, reverse("accounts:user-list"))
        return redirect("accounts:one-time")
    return redirect("accounts:unit-list")


@login_required
def directory_template(request):
    require(request, DIRECTORY)
    data = directory.write_sheet(directory.EXAMPLE)
    return attachment(data, "通讯录模板.xlsx", XLSX)


@login_required
def directory_export(request):
    require(request, DIRECTORY)
    data = directory.write_sheet(directory.export_rows())
    day = timezone.localdate().strftime("%Y%m%d")
    return attachment(data, f"通讯录_{day}.xlsx", XLSX)
