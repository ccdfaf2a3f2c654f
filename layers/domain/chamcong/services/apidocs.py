"""Readable API docs at /docs: Swagger UI from the pinned `swagger-ui-py` package, served by the API itself.

Nothing comes from a CDN: the page, Swagger UI's script and stylesheet, and a small initialiser are files of
this deployment, so the docs' Content-Security-Policy allows scripts from the same origin only.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from chamcong.errors import NotFound
from chamcong.schemas.common import FileResult

# Only these files are served (and shipped in the layer: see layers/domain/Makefile).
ASSETS = {"swagger-ui-bundle.js": "application/javascript; charset=utf-8",
          "swagger-ui.css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chấm công khuôn mặt — HTTP API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/docs.js"></script>
</body>
</html>
"""
# The initialiser is a file, not an inline script, so the page's CSP needs no 'unsafe-inline' for scripts.
INITIALISER = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: "v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                               tryItOutEnabled: false, validatorUrl: null});
});
"""


def page() -> FileResult:
    return FileResult(PAGE, "text/html; charset=utf-8", headers={"Content-Security-Policy": CSP,
                                                                 "X-Frame-Options": "DENY"})


def asset(name: str) -> FileResult:
    if name == "docs.js":
        return FileResult(INITIALISER, "application/javascript; charset=utf-8")
    if name not in ASSETS:
        raise NotFound("not_found")
    return FileResult(_read(name), ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})


@cache
def _read(name: str) -> str:
    spec = importlib.util.find_spec("swagger_ui")  # located, not imported: its Python code is not needed
    if spec is None or not spec.submodule_search_locations:
        raise NotFound("not_found")
    return (Path(next(iter(spec.submodule_search_locations))) / "static" / name).read_text(encoding="utf-8")
