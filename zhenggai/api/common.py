"""Paging, filters and form binding shared by the endpoints."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from ninja import Field, Router, Schema

from zhenggai.accounts.access import subtree_q
from zhenggai.accounts.models import Unit
from zhenggai.ledger import rules

from .errors import Refused

MAX_LIMIT = 500
# One router for every module: a route's methods (GET and PATCH /measures/{pk}) must
# share one URL pattern, which ninja builds per router.
router = Router()


class Filters(Schema):
    """Paging and the filters every list takes; each list says what its date is."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT, description="每页条数（1–500）")
    # Bounded: a database refuses an offset past its integer range (a 500, not a 400).
    offset: int = Field(0, ge=0, le=10**9, description="跳过的条数")
    unit: int | None = Field(None, description="单位 id（含其下级单位）")
    round: str | None = Field(None, description="巡察轮次，如“一届区委第二轮巡察”")
    status: str | None = Field(None, description="状态，取值见各列表说明")
    since: dt.date | None = Field(None, description="日期起（含），YYYY-MM-DD")
    until: dt.date | None = Field(None, description="日期止（含），YYYY-MM-DD")


def page(queryset, f: Filters) -> dict:
    """One window of a list, with the total before paging."""
    return {
        "count": queryset.count(),
        "limit": f.limit,
        "offset": f.offset,
        "items": list(queryset[f.offset : f.offset + f.limit]),
    }


def narrow(queryset, f: Filters, *, inspection: str, date: str, statuses: dict | None = None):
    """Apply unit, round, date and status; `inspection` is the path to the inspection
    ("" for inspections themselves), `date` the field the dates filter (`x__date` for
    a time: the day in Asia/Shanghai)."""
    prefix = f"{inspection}__" if inspection else ""
    if f.unit is not None:
        unit = Unit.objects.filter(pk=f.unit).first()
        queryset = queryset.filter(subtree_q(unit, f"{prefix}unit__")) if unit else queryset.none()
    if f.round:
        queryset = queryset.filter(**{f"{prefix}round": f.round})
    if f.since:
        queryset = queryset.filter(**{f"{date}__gte": f.since})
    if f.until:
        queryset = queryset.filter(**{f"{date}__lte": f.until})
    if f.status:
        if not statuses or f.status not in statuses:
            choices = "、".join(statuses or {}) or "（本列表不按状态筛选）"
            raise Refused(400, "invalid", f"参数“status”的取值“{f.status}”无效，可选：{choices}。")
        queryset = queryset.filter(statuses[f.status])
    return queryset


def light_filters(today: dt.date) -> dict[str, Q]:
    """四色预警 as filters, first match wins as in `rules.light`."""
    found: dict[str, Q] = {}
    before = Q(pk__in=[])
    for colour, rule in rules.lights(today).items():
        found[colour] = rules.q(rule) & ~before
        before |= rules.q(rule)
    found["yellow"] = ~before
    return found


def bind(form_class, payload: dict, *, instance=None, **kwargs):
    """The page's own form, bound to the payload over the instance's current values,
    so the API validates and normalises exactly as the page does. A versioned instance
    also sends the version it was read at (the payload's, when given, wins); a model
    without a version (a 问责 record) sends none."""
    data = {}
    if instance is not None:
        form = form_class(instance=instance, **kwargs)
        current = model_to_dict(instance, fields=list(form.fields))
        data = {k: ("" if v is None else v) for k, v in current.items()}
        version = getattr(instance, "version", None)
        if version is not None:
            data["version"] = version
    data.update({k: ("" if v is None else v) for k, v in payload.items()})
    form = form_class(data, instance=instance, **kwargs) if instance else form_class(data, **kwargs)
    return check(form)


def check(form):
    """The bound form, valid, or a 400 naming every field in error."""
    if not form.is_valid():
        raise Refused(400, "invalid", form_message(form))
    return form


def form_message(form) -> str:
    """The form's errors as one Chinese sentence naming each field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        parts.append(f"{label}（{name}）：{text}" if label else text)
    return "；".join(parts)


def today() -> dt.date:
    return timezone.localdate()
