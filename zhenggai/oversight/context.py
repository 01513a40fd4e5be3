"""Template context: the navigation bar's 督导 link and its counts of 待办 and unread messages."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from zhenggai.accounts.access import AUDIT, access_for

from .dashboard import Scope
from .models import Message
from .todo import counts


def nav_counts(user) -> dict[str, int]:
    """{"todo": items waiting, "messages": unread messages}, in one query."""
    unread = Message.objects.filter(recipient=user, read_at=None)
    found = counts(user, timezone.localdate(), {"messages": unread})
    messages = found.pop("messages", 0)
    return {"todo": sum(found.values()), "messages": messages}


def oversight_nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"oversight_nav": False, "audit_nav": False}
    return {
        "oversight_nav": Scope.of(access_for(user)) is not None,
        "audit_nav": access_for(user).anywhere(AUDIT),
        # Lazy: read only by a page that shows the navigation bar.
        "nav": SimpleLazyObject(lambda: nav_counts(user)),
    }
