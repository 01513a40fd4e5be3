"""Template context: whether the nav shows the organisation pages (单位与用户)."""

from .access import DIRECTORY, access_for


def org_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"org_nav": False}
    # access_for is cached on the user: the page has read it already, no extra query.
    return {"org_nav": access_for(user).anywhere(DIRECTORY)}
