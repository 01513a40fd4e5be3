"""Response headers that Django 5.2 does not set by itself, how refusals are logged, and
the client's address behind the unit's reverse proxy."""

import ipaddress
import logging

from django.conf import settings
from django.utils.cache import patch_cache_control

from zhenggai.views import bad_request

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


def refuse_nul(get_response):
    """A query string holding NUL (%00) gets a 400: no one types it, and PostgreSQL
    refuses it in any text, so a view filtering by it would fail with a 500."""

    def middleware(request):
        if "%00" in request.META.get("QUERY_STRING", "").lower():
            return bad_request(request, "链接中含有不允许的字符（%00），请检查后重新打开。")
        return get_response(request)

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


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """The address of whoever sent the request: the throttle's and the comment limit's key.

    Only a request that comes from one of ZHENGGAI_TRUSTED_PROXIES may name the client in
    ZHENGGAI_PROXY_HEADER; anyone else's header is ignored, since anyone can send one.
    X-Forwarded-For is read from the right: the first hop that is not one of our proxies
    is the client (hops further left were written by the client itself). A header that
    does not parse leaves the proxy's own address, which is never wrongly someone else's.
    """
    peer = _ip(request.META.get("REMOTE_ADDR") or "")
    if peer is None:
        return None  # a unix socket, say: no address to count by
    remote = str(peer)
    if not _trusted(peer):
        return remote
    header = "HTTP_" + settings.PROXY_HEADER.upper().replace("-", "_")
    hops = [hop for hop in request.META.get(header, "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _ip(hop)
        if address is None:
            return remote
        if not _trusted(address):
            return str(address)
    return remote
