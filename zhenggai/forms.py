"""Shared form helpers: normalise what people type before anything validates it."""

import datetime as dt
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from zhenggai.notices.render import cn_date

# Full-width ASCII letters and digits become half-width; Chinese punctuation stays.
_WIDTH = {
    cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()
}
_WIDTH[0x3000] = " "


def clean_text(value: str) -> str:
    """Trim, unify spaces and full-width letters/digits, keep Chinese punctuation."""
    value = (value or "").translate(_WIDTH).replace("\r\n", "\n")
    return "\n".join(line.strip() for line in value.strip().split("\n"))


# Every date a person types lies in this window: inspections, deadlines and reports of
# this system's time. A year such as 0001 or 9999 is a slip (and 9999-12-31 plus the
# two months of 集中整改 is no date at all).
EARLIEST_DATE = dt.date(1990, 1, 1)
YEARS_AHEAD = 10


def latest_date() -> dt.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_plausible_date(value: dt.date) -> None:
    """Refuse a date outside the window, naming it and the window."""
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            f"日期 {cn_date(value)} 不在合理范围内"
            f"（{cn_date(EARLIEST_DATE)}至{cn_date(latest)}），请核对。",
            code="implausible_date",
        )


class CleanTextMixin:
    """Trims and width-normalises every text field after the field validation; every
    date field refuses dates outside the plausible window."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.validators = [*field.validators, check_plausible_date]

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = clean_text(value)
        return data


class CleanForm(CleanTextMixin, forms.Form):
    pass


class CleanModelForm(CleanTextMixin, forms.ModelForm):
    pass


class QuickSelect(forms.Select):
    """A select whose options are written in Python instead of two templates each: the
    unit filters list every unit of a province (a thousand options took tens of ms)."""

    option_inherits_attrs = False

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )
