"""Template context: whether the nav shows the 督导 link (office users and leaders)."""

from zhenggai.accounts.access import access_for

from .dashboard import Scope


def oversight_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"oversight_nav": False}
    return {"oversight_nav": Scope.of(access_for(user)) is not None}
