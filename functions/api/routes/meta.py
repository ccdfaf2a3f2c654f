"""The API describing itself."""

from __future__ import annotations

from typing import Any

from chamcong.http import PUBLIC, RequestContext, Routes

routes = Routes("meta", "Mô tả API — this API's own description")


@routes.route("/v1/openapi.json", "GET", summary="This API's OpenAPI description", auth="public", permission=PUBLIC)
def openapi(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.router is not None
    return ctx.router.openapi("Chấm công khuôn mặt — HTTP API", "1.0")
