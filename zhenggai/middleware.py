"""Response headers that Django 5.2 does not set by itself, and how refusals are logged."""

import logging

from django.utils.cache import patch_cache_control

# Every script and style comes from the app itself; no inline script is allowed, so
# text that slips through escaping still cannot run. Inline style attributes are
# allowed for the widths of progress bars and server-rendered charts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def security_headers(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        # What a logged-in user saw stays out of every cache, the browser's history
        # included: Back after logging out must not show the previous user's ledger.
        # request.user is set further in by AuthenticationMiddleware.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response

    return middleware


class OneLineRefusals(logging.Filter):
    """A 4xx is the client's, not a fault: one line (method, path, user, status).

    Django logs a PermissionDenied or SuspiciousOperation with its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status, request = getattr(record, "status_code", None), getattr(record, "request", None)
        if status is None or not 400 <= status < 500 or request is None:
            return True
        if getattr(record, "one_line", False):  # the logger's filter, then the handler's
            return True
        user = getattr(request, "user", None)
        who = user.get_username() if user is not None and user.is_authenticated else "-"
        reason = record.getMessage().split(":", 1)[0]
        # Escaped as Django escapes them: a path cannot start a forged log line.
        path, who = (text.encode("unicode_escape").decode("ascii") for text in (request.path, who))
        record.msg = "%s %s user=%s status=%s %s"
        record.args = (request.method, path, who, status, reason)
        record.exc_info, record.exc_text, record.one_line = None, None, True
        return True
