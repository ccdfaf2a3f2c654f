"""Readable API docs at /docs, served by the API itself from a pinned package: no CDN, no inline script."""

from __future__ import annotations

import re

from tests.integration.harness import Product


def test_the_docs_page_loads_swagger_ui_from_this_origin_only(product: Product) -> None:
    # WHEN someone opens /docs
    page = product.get("/docs", token="")
    # THEN it is an HTML page whose scripts and stylesheet are this deployment's own files
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.body)
    assert sources and all(not source.startswith(("http:", "https:", "//")) for source in sources)
    assert "<script>" not in page.body  # the initialiser is a file: the CSP needs no unsafe-inline scripts
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    # AND each file it names is served, Swagger UI itself (a version that reads OpenAPI 3.1) included
    for source in sources:
        asset = product.get("/" + source, token="")
        assert asset.status == 200, source
    bundle = product.get("/docs/swagger-ui-bundle.js", token="")
    assert bundle.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in bundle.body and '"5.' in bundle.body
    assert "v1/openapi.json" in product.get("/docs/docs.js", token="").body


def test_only_the_docs_files_are_served(product: Product) -> None:
    for name in ("swagger-editor-bundle.js", "index.html", "..%2F..%2Fsettings.py", "swagger-ui-bundle.js.map"):
        reply = product.get(f"/docs/{name}", token="")
        assert reply.status == 404 and reply.body["code"] == "not_found", name
