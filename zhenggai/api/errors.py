"""Stable error bodies: {"code": "...", "message": "中文…"} for every refusal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhenggai.disclosure.services import DisclosureError
from zhenggai.ledger.services import LedgerError
from zhenggai.oversight.services import OversightError

from .tokens import TokenError


class Error(Schema):
    code: str
    message: str


class Refused(Exception):
    """A request the API refuses with a status, a code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class ReadOnlyToken(Refused):
    def __init__(self):
        super().__init__(403, "read_only", "只读令牌只能查询，不能报送、申请或修改数据。")


MESSAGES = {
    401: (
        "unauthenticated",
        "未登录或令牌无效：请在请求头 Authorization 中提供有效令牌。",
    ),
    403: ("forbidden", "您无权进行此操作。"),
    404: ("not_found", "未找到该对象，或您无权查看。"),
    405: ("method_not_allowed", "该地址不支持此请求方法。"),
}
# The services' refusals (a closed problem, a missing reason …) carry their own message.
SERVICE_ERRORS = (LedgerError, OversightError, DisclosureError, TokenError)


def field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file", "payload")]
    return ".".join(parts) or "请求"


def install(api) -> None:
    """Register the handlers on the NinjaAPI `api`."""

    def answer(request, status: int, code: str, message: str):
        return api.create_response(request, {"code": code, "message": message}, status=status)

    def known(status):
        return lambda request, exc: answer(request, status, *MESSAGES[status])

    api.add_exception_handler(AuthenticationError, known(401))
    api.add_exception_handler(PermissionDenied, known(403))
    api.add_exception_handler(Http404, known(404))
    api.add_exception_handler(
        Refused, lambda request, exc: answer(request, exc.status, exc.code, exc.message)
    )
    for error in SERVICE_ERRORS:
        api.add_exception_handler(
            error, lambda request, exc: answer(request, 400, "refused", str(exc))
        )

    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and "CSRF" in str(exc):
            return answer(request, 403, "csrf", "会话方式的写请求须带 CSRF 令牌（X-CSRFToken）。")
        if exc.status_code == 400:
            # ninja's own: a body that is not JSON ("Cannot parse request body").
            message = "请求体无法解析：请以 UTF-8 编码的 JSON 发送。"
            return answer(request, 400, "invalid", message + "（Content-Type: application/json）")
        code, message = MESSAGES.get(
            exc.status_code, ("error", f"请求无法处理（HTTP {exc.status_code}）。")
        )
        return answer(request, exc.status_code, code, message)

    def invalid(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        where = field_name(first.get("loc", ()))
        detail = {"missing": "缺少此项"}.get(first.get("type", ""), "格式或取值无效")
        return answer(request, 400, "invalid", f"参数“{where}”{detail}，请核对。")

    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid)
