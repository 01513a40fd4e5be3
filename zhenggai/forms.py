"""Shared form helpers: normalise what people type before anything validates it."""

import unicodedata

from django import forms

# Full-width ASCII letters and digits become half-width; Chinese punctuation stays.
_WIDTH = {
    cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFF10, 0xFF5B) if chr(cp).isalnum()
}
_WIDTH[0x3000] = " "


def clean_text(value: str) -> str:
    """Trim, unify spaces and full-width letters/digits, keep Chinese punctuation."""
    value = (value or "").translate(_WIDTH).replace("\r\n", "\n")
    return "\n".join(line.strip() for line in value.strip().split("\n"))


class CleanTextMixin:
    """Trims and width-normalises every text field after the field validation."""

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
