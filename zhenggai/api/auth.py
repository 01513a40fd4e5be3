"""Who calls: a personal token (Authorization: Bearer …) or the browser's session."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from . import tokens
from .errors import ReadOnlyToken

SAFE = ("GET", "HEAD", "OPTIONS")


class TokenAuth(HttpBearer):
    """A live token acts as its user; a read-only one refuses every write."""

    def authenticate(self, request, token: str):
        found = tokens.authenticate(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE:
            raise ReadOnlyToken
        # The access helpers read request.user, as they do for the pages.
        request.user = found.user
        request.api_token = found
        return found.user


class BrowserSession(SessionAuth):
    """The logged-in browser; writes need the CSRF token, as the pages' forms do."""

    def _get_key(self, request):
        # Without a session there is nothing to protect: the answer is 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        return user if user.is_authenticated and user.is_active else None


AUTH = [TokenAuth(), BrowserSession(csrf=True)]
