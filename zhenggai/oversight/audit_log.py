"""The audit log as the audit administrator and the office read it: filters, names, export.

Audit knows no domain, so the Chinese names of acts and objects live here, beside the
pages that show them; an act not named here shows its code.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile

import xlsxwriter
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhenggai.accounts.access import AUDIT, subtree_q, units_for
from zhenggai.accounts.models import Unit
from zhenggai.audit.models import Event
from zhenggai.forms import CleanForm, check_plausible_date
from zhenggai.xlsx import add_formats, put

NOUNS = {
    "account": "账号",
    "comment": "群众意见",
    "duties": "责任",
    "evaluation": "成效评估",
    "event": "审计链",
    "flag": "形式整改提示",
    "flagdismissal": "形式整改提示排除",
    "indicator": "统计指标",
    "indicatorrule": "统计指标",
    "indicators": "统计指标",
    "inspection": "巡察",
    "measure": "整改措施",
    "membership": "角色",
    "notice": "整改通报",
    "order": "督办单",
    "problem": "问题",
    "progress": "整改进展",
    "publishednotice": "已发布通报",
    "satisfaction": "满意度",
    "satisfactionvote": "满意度评价",
    "signoff": "销号",
    "supervisionorder": "督办单",
    "unit": "单位",
    "user": "用户",
}
VERBS = {
    "activated": "启用",
    "added": "新增",
    "applied": "申请",
    "approved": "批准",
    "completion_confirmed": "确认完成",
    "completion_requested": "申请完成",
    "completion_returned": "退回完成申请",
    "corrected": "更正",
    "correction_approved": "批准更正",
    "correction_requested": "申请更正",
    "correction_returned": "退回更正申请",
    "created": "新建",
    "deactivated": "停用",
    "deleted": "删除",
    "disabled": "停用",
    "dismissed": "排除",
    "duty_granted": "授予管理员职责",
    "duty_revoked": "撤销管理员职责",
    "enabled": "启用",
    "granted": "授予",
    "handed_over": "交接",
    "handled": "办理",
    "imported": "导入",
    "indicator_added": "新增指标",
    "issued": "下发",
    "keyed": "启用密钥签名",
    "password_changed": "修改密码",
    "password_reset": "重置密码",
    "published": "发布",
    "received": "收到",
    "reopened": "重新办理",
    "replied": "答复",
    "reported": "报送",
    "returned": "退回",
    "saved": "保存",
    "scored": "评分",
    "signed": "签发",
    "submitted": "提交",
    "thresholds_set": "设定等次分数线",
    "unlocked": "解除锁定",
    "updated": "修改",
    "voided": "作废",
    "voted": "评价",
    "withdrawn": "撤回",
}


# Acts whose verb reads otherwise on this noun.
WHOLE = {"indicators.applied": "统计指标·按规则重新归类"}


def act_label(act: str) -> str:
    """“整改措施·新增” for measure.added; the code itself when a part is not named."""
    if act in WHOLE:
        return WHOLE[act]
    noun, _, verb = act.partition(".")
    if noun in NOUNS and verb in VERBS:
        return f"{NOUNS[noun]}·{VERBS[verb]}"
    return act


def object_label(object_type: str) -> str:
    return NOUNS.get(object_type, object_type)


def actor_name(user) -> str:
    if user is None:
        return "（系统）"
    name = user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username


class AuditFilterForm(CleanForm):
    """Time, actor, unit (with its sub-units), act and object."""

    since = forms.DateField(label="起始日期", required=False)
    until = forms.DateField(label="截止日期", required=False)
    actor = forms.CharField(label="操作人", max_length=150, required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False)
    act = forms.ChoiceField(label="动作", required=False)
    object_type = forms.ChoiceField(label="对象类型", required=False)
    object_id = forms.CharField(label="对象编号", max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user, AUDIT).order_by("path")
        self.fields["unit"].empty_label = "全部单位"
        acts = Event.objects.order_by("act").values_list("act", flat=True).distinct()
        self.fields["act"].choices = [("", "全部动作")] + [(a, act_label(a)) for a in acts]
        types = Event.objects.order_by("object_type").values_list("object_type", flat=True)
        self.fields["object_type"].choices = [("", "全部对象")] + [
            (t, object_label(t)) for t in types.distinct()
        ]
        for name in ("since", "until"):
            self.fields[name].widget.input_type = "date"

    def clean_since(self):
        return _plausible(self.cleaned_data["since"])

    def clean_until(self):
        return _plausible(self.cleaned_data["until"])

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期晚于截止日期。")
        return data


def _plausible(day: dt.date | None) -> dt.date | None:
    if day is not None:
        check_plausible_date(day)
    return day


def filtered(data: dict) -> QuerySet[Event]:
    """Events matching a valid form's data, newest first."""
    events = Event.objects.all()
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + dt.timedelta(days=1)))
    if data.get("actor"):
        who = data["actor"]
        events = events.filter(
            Q(actor__username__icontains=who)
            | Q(actor__first_name__icontains=who)
            | Q(actor__last_name__icontains=who)
        )
    if data.get("unit"):
        subtree = Unit.objects.filter(subtree_q(data["unit"]))
        events = events.filter(unit_id__in=subtree.values("pk"))
    for name in ("act", "object_type", "object_id"):
        if data.get(name):
            events = events.filter(**{name: data[name]})
    return events.order_by("-seq")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def unit_names(events) -> dict[int, str]:
    """Names of the units these events were on, in one query."""
    ids = {e.unit_id for e in events if e.unit_id is not None}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def data_text(event: Event) -> str:
    return json.dumps(event.data, ensure_ascii=False, indent=2, sort_keys=True, default=str)


STYLES = {
    "title": {"bold": True, "font_size": 14},
    "head": {"bold": True, "border": 1, "bg_color": "#D9E1F2"},
    "cell": {"border": 1, "valign": "top", "font_size": 10},
}
COLUMNS = [
    ("序号", 8),
    ("时间", 20),
    ("操作人", 20),
    ("单位", 20),
    ("动作", 24),
    ("动作代码", 28),
    ("对象类型", 12),
    ("对象编号", 10),
    ("数据", 60),
    ("密钥编号", 8),
    ("哈希", 66),
]


def write_xlsx(events: QuerySet[Event], title: str):
    """The events as one sheet, streamed to a temporary file; every cell through `put`."""
    out = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    fmt = add_formats(book, STYLES)
    sheet = book.add_worksheet("审计日志")
    put(sheet, 0, 0, title, fmt, style="title", merge_to=(0, len(COLUMNS) - 1))
    for col, (label, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        put(sheet, 1, col, label, fmt, style="head")
    sheet.freeze_panes(2, 0)
    rows = events.select_related("actor").iterator(chunk_size=2000)
    names = dict(Unit.objects.values_list("pk", "name"))
    for row, event in enumerate(rows, 2):
        for col, value in enumerate(_cells(event, names)):
            put(sheet, row, col, value, fmt)
    book.close()
    out.seek(0)
    return out


def _cells(event: Event, names: dict[int, str]) -> list:
    at = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S")
    unit = names.get(event.unit_id, "") if event.unit_id is not None else ""
    return [
        str(event.seq),
        at,
        actor_name(event.actor),
        unit,
        act_label(event.act),
        event.act,
        object_label(event.object_type),
        event.object_id,
        json.dumps(event.data, ensure_ascii=False, sort_keys=True, default=str),
        event.key_id,
        event.hash,
    ]
