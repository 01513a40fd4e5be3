from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from .passwords import rules_text
from .throttle import ThrottleMessage


class ThrottledLoginForm(ThrottleMessage, AuthenticationForm):
    """The site's log-in; the throttle itself is the authentication backend (throttle.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。",
    }


# The validators' messages by code: Django's own follow the browser's language, and
# its Chinese catalogue lacks some of them.
PASSWORD_RULES = {
    "password_too_similar": "新密码与您的用户名或姓名太相近。",
    "password_too_short": "新密码太短，至少需要 {min_length} 个字符。",
    "password_too_common": "新密码太常见，容易被猜中。",
    "password_entirely_numeric": "新密码不能全是数字。",
}


class OwnPasswordForm(PasswordChangeForm):
    """Changing one's own password, in Chinese whatever the browser's language."""

    error_messages = {
        "password_mismatch": "两次输入的新密码不一致。",
        "password_incorrect": "当前密码不正确。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "old_password": ("当前密码", ""),
            "new_password1": ("新密码", rules_text() + "不能与用户名相近或过于常见。"),
            "new_password2": ("再次输入新密码", ""),
        }
        for name, (label, help_text) in labels.items():
            self.fields[name].label, self.fields[name].help_text = label, help_text

    def validate_password_for_user(self, user, password_field_name="new_password1"):
        # The rules concern the new password itself, not its repetition.
        password = self.cleaned_data.get("new_password1")
        if not password:
            return
        try:
            password_validation.validate_password(password, user)
        except forms.ValidationError as error:
            for problem in error.error_list:
                rule = PASSWORD_RULES.get(problem.code)
                text = rule.format(**(problem.params or {})) if rule else " ".join(problem)
                self.add_error("new_password1", text)
