"""Importing a notice or a ledger workbook (upload → preview → commit) and xlsx downloads.

An upload is read once, in a bounded child process (sandbox.py), and waits with its
draft for the commit (pending.py); its token is kept in the uploader's session.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from zhenggai.accounts.access import OFFICE, REGISTER, access_for, require, units_for
from zhenggai.accounts.models import Unit
from zhenggai.forms import CleanForm
from zhenggai.notices.render import cn_date
from zhenggai.views import download_name

from . import pending
from .access import get_inspection_for_user
from .draft import LedgerDraft, commit_draft
from .forms import DATE
from .models import Inspection
from .readers import unsupported
from .sandbox import read_bounded
from .services import LedgerError
from .workbook import export_round, write_inspection

SESSION_KEY = "ledger_imports"
TOKEN = re.compile(r"[0-9a-f]{32}")
PREVIEW_MEASURES = 300
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def units_for_import(user):
    """Units the user may import into: the office's all, an editor's own (and covered) ones."""
    return units_for(user, REGISTER)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="整改通报、反馈意见、整改方案（.txt、.html、.docx、.pdf）或整改台账（.xlsx）",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = PurePath(upload.name or "").name
        if refusal := unsupported(name):
            raise forms.ValidationError(refusal)
        if upload.size > (limit := settings.IMPORT_MAX_BYTES):
            raise forms.ValidationError(f"文件超过 {limit // 1024 // 1024} MB，请拆分后导入。")
        return upload


class ImportForm(CleanForm):
    """The inspection fields of the preview, correctable before saving."""

    unit = forms.ModelChoiceField(label="被巡察单位", queryset=Unit.objects.none(), required=False)
    new_unit = forms.CharField(
        label="新建单位",
        max_length=100,
        required=False,
        help_text="仅巡察办可新建单位；填写后忽略上面的选择",
    )
    kind = forms.ChoiceField(label="类型", choices=Inspection.Kind.choices)
    round = forms.CharField(label="轮次", max_length=100)
    group = forms.CharField(label="巡察组", max_length=100, required=False)
    start = forms.DateField(label="进驻日期", required=False, widget=DATE)
    end = forms.DateField(label="结束日期", required=False, widget=DATE)
    feedback_date = forms.DateField(label="反馈日期", widget=DATE)
    again = forms.BooleanField(
        label="确认再次导入", required=False, help_text="同一文件或同一单位同一轮次已导入过时须勾选"
    )

    def __init__(self, *args, units, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if not office:
            del self.fields["new_unit"]

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("new_unit"):
            self.add_error("unit", "请选择被巡察单位。")
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于进驻日期。")
        return data


def _store(request, name: str, data: bytes, draft: LedgerDraft) -> str:
    """Keep the upload and its draft; a message names the user's older uploads that gave way
    to it."""
    token = pending.store(request.user.pk, data)
    pending.keep(request.user.pk, token, draft)
    waiting = request.session.get(SESSION_KEY, {})
    gone = [t for t in waiting if not pending.upload_path(request.user.pk, t).is_file()]
    if gone:
        shown = "、".join(f"“{waiting[t]}”" for t in gone)
        messages.info(request, f"待导入文件的空间已满，已放弃您较早上传、尚未导入的{shown}。")
    kept = {t: n for t, n in waiting.items() if t not in gone}
    request.session[SESSION_KEY] = {**kept, token: name}
    return token


def _load(request, token: str) -> tuple[Path, str]:
    name = request.session.get(SESSION_KEY, {}).get(token)
    if not TOKEN.fullmatch(token) or not name:
        raise Http404
    path = pending.upload_path(request.user.pk, token)
    if not path.is_file():
        raise Http404
    return path, name


def _forget(request, token: str, path: Path) -> None:
    pending.drop(path)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept


def _may_import(request):
    require(request, REGISTER)
    return units_for_import(request.user), access_for(request.user).anywhere(OFFICE)


@login_required
def import_upload(request):
    _units, office = _may_import(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name, data = PurePath(upload.name).name, upload.read()
        try:
            draft = read_bounded(data, name)
            token = _store(request, name, data, draft)
        except LedgerError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("ledger:import-preview", token)
    return render(request, "ledger/import.html", {"form": form, "office": office})


def _initial(draft: LedgerDraft, units, office: bool) -> dict:
    initial = {
        "kind": draft.kind,
        "round": draft.round,
        "group": draft.group,
        "start": draft.start,
        "end": draft.end,
        "feedback_date": draft.feedback_date,
    }
    unit = units.filter(name=draft.unit_name).first() if draft.unit_name else None
    if unit is None and units.count() == 1:
        unit = units.first()
    if unit:
        initial["unit"] = unit.pk
    elif office:
        initial["new_unit"] = draft.unit_name
    return initial


@login_required
def import_preview(request, token):
    units, office = _may_import(request)
    path, name = _load(request, token)
    data = path.read_bytes()
    try:
        draft = _draft(request, token, data, name)
    except LedgerError as exc:
        messages.error(request, str(exc))
        return redirect("ledger:import")
    form = ImportForm(
        request.POST or None, units=units, office=office, initial=_initial(draft, units, office)
    )
    digest = hashlib.sha256(data).hexdigest()
    if request.method == "POST" and form.is_valid():
        inspection = _commit(request, form, (token, data, name), digest)
        if inspection:
            _forget(request, token, path)
            messages.success(request, f"已导入“{name}”。")
            return redirect("ledger:inspection-detail", inspection.pk)
    return render(
        request,
        "ledger/import_preview.html",
        {
            "form": form,
            "draft": draft,
            "name": name,
            "counts": draft.counts(),
            "problems": draft.problems_counted(),
            "tree": preview_tree(draft),
            "limit": PREVIEW_MEASURES,
            "earlier": _earlier(request.user, digest, draft.unit_name, draft.round),
        },
    )


def _draft(request, token: str, data: bytes, name: str) -> LedgerDraft:
    """The draft kept at upload; an upload kept without one is read once now."""
    draft = pending.kept(request.user.pk, token)
    if draft is None:
        draft = read_bounded(data, name)
        pending.keep(request.user.pk, token, draft)
    return draft


def _earlier(user, digest: str, unit_name: str, round_name: str):
    """Inspections the user can see that this import would repeat: the same file, or the
    same unit and round."""
    same = Q(source_sha256=digest)
    if unit_name and round_name:
        same |= Q(unit__name=unit_name.strip(), round=round_name.strip())
    return list(Inspection.objects.for_user(user).filter(same).select_related("unit")[:5])


def _commit(request, form, upload: tuple, digest: str) -> Inspection | None:
    """Write the kept draft with the corrected fields, or add the errors. A feedback date
    other than the file's own is read again: deadlines without a year follow it.

    An import repeating an earlier one (same file, or same unit and round) waits for
    an explicit 确认再次导入."""
    fields = form.cleaned_data
    unit_name = fields.get("new_unit") or fields["unit"].name
    earlier = _earlier(request.user, digest, unit_name, fields["round"])
    if earlier and not fields.get("again"):
        shown = "、".join(f"“{i.unit.name} · {i.round}”" for i in earlier)
        form.add_error(
            "again", f"该文件或同一单位同一轮次已导入过：{shown}。如确需再次导入，请勾选确认。"
        )
        return None
    token, data, name = upload
    try:
        draft = pending.kept(request.user.pk, token)
        if draft is None or draft.feedback_date != fields["feedback_date"]:
            draft = read_bounded(data, name, feedback_date=fields["feedback_date"])
        for key in ("kind", "round", "group", "start", "end"):
            setattr(draft, key, fields[key])
        return commit_draft(draft, unit_name, actor=request.user, source_sha256=digest)
    except LedgerError as exc:
        form.add_error(None, str(exc))
        return None


def preview_tree(draft: LedgerDraft, limit: int = PREVIEW_MEASURES) -> list[dict]:
    """The first categories, problems and measures, up to `limit` measures in all."""
    tree, left = [], limit
    for category in draft.categories:
        if left <= 0:
            break
        own = category.measures[:left]
        left -= len(own)
        problems = []
        for problem in category.problems:
            if left <= 0:
                break
            problems.append({"problem": problem, "measures": problem.measures[:left]})
            left -= len(problems[-1]["measures"])
        tree.append({"category": category, "measures": own, "problems": problems})
    return tree


def _download(make, filename: str) -> FileResponse:
    # Large ledgers are written to a temporary file, not held in memory.
    out = tempfile.TemporaryFile()
    make(out)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=download_name(filename), content_type=XLSX
    )


@login_required
def inspection_xlsx(request, pk):
    inspection, _can_edit = get_inspection_for_user(request, pk)
    today = timezone.localdate()
    name = f"{inspection.unit.name}{inspection.round}整改台账{today:%Y%m%d}.xlsx"
    # Readers of a unit are inside it: they get every item, withheld ones included.
    return _download(lambda out: write_inspection(out, inspection, internal=True), name)


@login_required
def round_list(request):
    require(request, OFFICE)
    rounds = (
        Inspection.objects.for_user(request.user, OFFICE)
        .values("round")
        .annotate(units=Count("unit", distinct=True), measures=Count("problems__measures"))
        .order_by("round")
    )
    return render(request, "ledger/import_rounds.html", {"rounds": rounds})


@login_required
def round_xlsx(request):
    require(request, OFFICE)
    round_name = request.GET.get("round", "")
    inspections = list(
        Inspection.objects.for_user(request.user, OFFICE)
        .filter(round=round_name)
        .select_related("unit")
    )
    if not inspections:
        raise Http404
    name = f"{round_name}整改台账汇总{cn_date(timezone.localdate())}.xlsx"
    return _download(lambda out: export_round(round_name, inspections, out=out), name)
