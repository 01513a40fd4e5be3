"""The REST API, version 1: /api/v1/, its schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from django.shortcuts import render
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import common, errors, reads, stats, writes  # noqa: F401 (they add the routes)
from .auth import AUTH

DESCRIPTION = (
    "整改台账的数据接口：巡察、问题、整改措施、进展（含佐证材料上传）、完成确认、延期申请、"
    "问责情况、销号、督办单、通报签发和发布、群众意见和统计。"
    "权限与网页相同：用个人令牌（请求头 Authorization: Bearer 令牌）或已登录的浏览器会话访问，"
    "会话方式的写请求须带 CSRF 令牌（X-CSRFToken）。列表分页（limit、offset，返回 count），"
    '可按单位、轮次、状态和日期筛选。出错时返回 {"code": …, "message": 中文说明}。'
)


class ChineseJSON(JSONRenderer):
    """Chinese as it is (UTF-8), not escaped: readable in logs and by people."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="整改台账接口",
    version="1",
    description=DESCRIPTION,
    auth=AUTH,
    urls_namespace="api",
    docs_url=None,  # the app's own page below: Swagger UI would load from a CDN
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", common.router)


@api.get("/docs", auth=None, include_in_schema=False, url_name="docs")
def docs(request):
    """The schema as a page: every path, its parameters and answers, no script needed."""
    schema = api.get_openapi_schema(path_prefix=request.path.removesuffix("docs"))
    return render(request, "api/docs.html", {"schema": schema, "operations": operations(schema)})


def operations(schema: dict) -> list[dict]:
    """(method, path, summary, description, parameters, body, answers) per operation."""
    found = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": ", ".join(body),
                    "answers": ", ".join(str(code) for code in op.get("responses", {})),
                    "tag": (op.get("tags") or [""])[0],
                }
            )
    return found
