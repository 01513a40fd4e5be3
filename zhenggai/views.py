"""Error pages in Chinese with the site's own layout, downloads with Chinese names, and
ids read strictly from query strings."""

import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

# An id in a query string: ASCII digits only (str.isdigit takes ² and ٣, which int()
# refuses) and short enough for a 64-bit database integer.
_ID = re.compile(r"[0-9]{1,18}")


def query_id(params, name: str) -> int | None:
    """The id `name` of a query string, or None when it is absent or not a plain id.

    Of a repeated parameter (?unit=1&unit=2) the last counts, as QueryDict.get says.
    """
    value = params.get(name, "")
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


def download_name(filename: str) -> str:
    """A file name safe on Windows and in headers; Chinese characters are kept."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", filename)


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download keeping its Chinese file name (RFC 6266 filename*)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name(filename))
    return response


def bad_request(request, message: str = "请求有误，请检查后重试。"):
    return render(request, "error.html", {"code": 400, "message": message}, status=400)


def not_found(request, exception=None):
    return render(
        request, "error.html", {"code": 404, "message": "页面不存在，或您无权查看。"}, status=404
    )


def forbidden(request, exception=None):
    return render(
        request, "error.html", {"code": 403, "message": "您没有进行此项操作的权限。"}, status=403
    )


def server_error(request):
    return render(
        request, "error.html", {"code": 500, "message": "服务器出错，请稍后再试。"}, status=500
    )


def csrf_failure(request, reason=""):
    return render(
        request,
        "error.html",
        {"code": 403, "message": "页面已过期或浏览器禁用了 Cookie，请刷新页面后重新提交。"},
        status=403,
    )
