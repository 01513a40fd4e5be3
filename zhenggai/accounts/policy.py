"""The session policy: log out after SESSION_IDLE_MINUTES without a request, and lead a
user whose password is one-time or expired to the password page before anything else.

Both read only the session, which every logged-in request loads anyway: what the log-in
decided is kept there, so pages spend no query on it.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import password_due

DUE = "zhenggai_password_due"
SEEN = "zhenggai_seen"
# The last request's time is written back at most this often, not on every request.
SEEN_STEP = 60

DUE_MESSAGES = {
    "initial": "您正在使用管理员设置的一次性密码，请先设置自己的新密码。",
    "expired": "您的密码已超过 {days} 天未修改，请先设置新密码。",
}


def due_text(request) -> str:
    """Why the password page is the only page open, or ""."""
    due = request.session.get(DUE)
    if not due:
        return ""
    text = DUE_MESSAGES.get(due, DUE_MESSAGES["initial"])
    return text.format(days=settings.PASSWORD_MAX_AGE_DAYS) + "设置后才能使用其他页面。"


def on_login(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in: note the time and whether the password is due."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SEEN] = int(time.time())
    due = password_due(user)
    if due:
        request.session[DUE] = due
    else:
        request.session.pop(DUE, None)


def password_set(request) -> None:
    """The user has set their own password: the pages are open again."""
    request.session.pop(DUE, None)


class SessionPolicy:
    """Middleware after authentication and messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            refused = self.idle(request) or self.password(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def idle(self, request):
        now, seen = int(time.time()), request.session.get(SEEN)
        if seen is not None and now - seen > settings.SESSION_IDLE_MINUTES * 60:
            logout(request)
            minutes = settings.SESSION_IDLE_MINUTES
            messages.info(request, f"超过 {minutes} 分钟未操作，已自动退出，请重新登录。")
            return redirect_to_login(request.get_full_path())
        if seen is None or now - seen >= SEEN_STEP:
            request.session[SEEN] = now
        return None

    def password(self, request):
        due = request.session.get(DUE)
        open_paths = (reverse("accounts:password-change"), reverse("accounts:logout"))
        if not due or request.path in open_paths:
            return None
        return redirect("accounts:password-change")
