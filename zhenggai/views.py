"""Error pages in Chinese, with the site's own layout."""

from django.shortcuts import render


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
