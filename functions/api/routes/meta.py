"""The API describing itself."""

from __future__ import annotations

from typing import Any

from chamcong.http import PUBLIC, RequestContext, Routes
from chamcong.schemas.common import FileResult
from chamcong.services import apidocs

routes = Routes("meta", "Mô tả API — this API's own description")


@routes.route("/v1/openapi.json", "GET", summary="This API's OpenAPI description", auth="public", permission=PUBLIC)
def openapi(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.router is not None
    return ctx.router.openapi("Chấm công khuôn mặt — HTTP API", "1.0")


@routes.route("/docs", "GET", summary="Readable API docs (Swagger UI, served from this deployment)", auth="public",
              permission=PUBLIC, produces="text/html")
def docs_page(ctx: RequestContext) -> FileResult:
    return apidocs.page()


@routes.route("/docs/{asset}", "GET", summary="The docs page's script and stylesheet", auth="public",
              permission=PUBLIC, produces="text/plain")
def docs_asset(ctx: RequestContext, asset: str) -> FileResult:
    return apidocs.asset(asset)
