import datetime as dt

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils import timezone

from .models import LoginFailure

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)


def client_address(request) -> str | None:
    # Behind the unit's reverse proxy REMOTE_ADDR is the proxy; deployments that need
    # the real address set it in the proxy (X-Real-IP → REMOTE_ADDR), not here.
    return request.META.get("REMOTE_ADDR") or None


class ThrottledLoginForm(AuthenticationForm):
    """Log-in that locks a user name or an address out after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。",
        "locked": "登录失败次数过多，请 15 分钟后再试。",
    }

    def clean(self):
        username = (self.data.get("username") or "").strip()
        address = client_address(self.request)
        recent = LoginFailure.objects.filter(at__gte=timezone.now() - WINDOW)
        by_user = recent.filter(username=username).count()
        by_address = recent.filter(address=address).count() if address else 0
        if by_user >= MAX_FAILURES or by_address >= 4 * MAX_FAILURES:
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username[:150], address=address)
            LoginFailure.objects.filter(at__lt=timezone.now() - 4 * WINDOW).delete()
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        LoginFailure.objects.filter(Q(username=user.get_username())).delete()
