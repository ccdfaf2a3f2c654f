"""The HTTP edge: every route is declared here with its authentication, permission, body and response.

A route's handler receives validated input and returns plain data; this module turns domain errors
into `{"code", "message"}` responses in one place, and builds the OpenAPI description from the
declarations so the document cannot drift from the routes.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chamcong.access import PERMISSIONS, SELF, Access
from chamcong.container import Container, get_container
from chamcong.errors import BadRequest, DomainError, Forbidden, PayloadTooLarge, Unauthenticated
from chamcong.messages import message_for
from chamcong.observability import get_logger
from chamcong.schemas import Error
from chamcong.services.audit import Source
from chamcong.services.auth import authenticate
from chamcong.services.devices import authenticate_device
from chamcong.services.units import load_tree
from chamcong.store.models import DeviceModel

Auth = Literal["public", "user", "device"]
# What a route that is not for signed-in accounts declares as its permission.
PUBLIC = "public"
DEVICE = "device:recognise"  # a lobby device's signed upload: the only thing a device secret opens


@dataclass(frozen=True)
class FileResult:
    """What a handler returns to answer with a file (a download) instead of JSON."""

    body: bytes
    content_type: str
    filename: str


class ScopeNotChecked(Exception):
    """A user route returned without asking whose records it touched: a bug, refused rather than leaked."""


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    name: str
    summary: str
    auth: Auth
    permission: str
    body: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    query: dict[str, str]
    # Routes that run the face engine are deployed to the function that has the vision layer.
    vision: bool
    errors: tuple[str, ...]


@dataclass
class RequestContext:
    container: Container
    request: Request
    lang: str
    now: datetime
    source: Source = field(default_factory=Source)
    authorised: Access | None = None
    device: DeviceModel | None = None
    body: Any = None
    raw_body: bytes = b""
    query: dict[str, str] = field(default_factory=dict)

    @property
    def access(self) -> Access:
        """The signed-in account of an auth="user" route and its scope (the router has checked the permission)."""
        if self.authorised is None:
            raise Unauthenticated("unauthenticated")
        return self.authorised

    def required_query(self, name: str) -> str:
        value = self.query.get(name)
        if not value:
            raise BadRequest("validation_error", details={"field": name, "reason": "required"})
        return value


def negotiate_language(accept_language: str | None) -> str:
    return "en" if accept_language and accept_language.strip().lower().startswith("en") else "vi"


def error_body(code: str, lang: str, details: dict[str, Any] | None = None,
               params: dict[str, str | tuple[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message_for(code, lang, params)}
    if details:
        body["details"] = details
    return body


def _json_response(body: Any, status: int) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8"})


def _validation_details(exc: ValidationError) -> dict[str, Any]:
    # Never echo the input back: it may be a whole photo in base64.
    return {"errors": [{"field": ".".join(str(part) for part in error["loc"]), "reason": error["msg"]}
                       for error in exc.errors(include_input=False, include_url=False)]}


class ApiRouter:
    def __init__(self, app: Chalice, container: Callable[[], Container] = get_container) -> None:
        self.app = app
        self.specs: list[RouteSpec] = []
        self._container = container
        app.register_middleware(self._uniform_errors, "http")

    def route(self, path: str, method: str, *, summary: str, auth: Auth, permission: str,
              body: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
              status: int = 200, query: dict[str, str] | None = None, vision: bool = False,
              errors: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        expected = {"public": {PUBLIC}, "device": {DEVICE}, "user": PERMISSIONS}[auth]
        if permission not in expected:
            raise ValueError(f"{method} {path}: permission {permission!r} is not one a {auth} route may declare")

        def register(handler: Callable[..., Any]) -> Callable[..., Any]:
            spec = RouteSpec(path, method, handler.__name__, summary, auth, permission, body, response,
                             status, query or {}, vision, errors)
            self.specs.append(spec)

            @functools.wraps(handler)
            def view(**path_params: str) -> Response:
                return self._handle(spec, handler, path_params)

            self.app.route(path, methods=[method])(view)
            return handler

        return register

    def _handle(self, spec: RouteSpec, handler: Callable[..., Any], path_params: dict[str, str]) -> Response:
        request = self.app.current_request
        assert request is not None
        lang = negotiate_language(request.headers.get("accept-language"))
        started = time.perf_counter()
        status = 500
        try:
            container = self._container()
            ctx = RequestContext(container, request, lang, container.clock(), source=_source(request),
                                 query=dict(request.query_params or {}))
            result = self._run(spec, handler, ctx, path_params)
            status = spec.status
            if status == 204:
                return Response(body="", status_code=204)
            if isinstance(result, FileResult):  # text files only: API Gateway passes the body on as UTF-8
                return Response(body=result.body.decode("utf-8"), status_code=status, headers={
                    "Content-Type": result.content_type,
                    "Content-Disposition": f'attachment; filename="{result.filename}"'})
            return _json_response(result, status)
        except DomainError as exc:
            status = exc.status
            return _json_response(error_body(exc.code, lang, exc.details, exc.params), status)
        except ScopeNotChecked:
            get_logger().error("route did not check the caller's scope", extra={"route": f"{spec.method} {spec.path}"})
            return _json_response(error_body("internal_error", lang), 500)
        except Exception:
            get_logger().exception("unhandled error", extra={"route": f"{spec.method} {spec.path}"})
            return _json_response(error_body("internal_error", lang), 500)
        finally:
            get_logger().info("request", extra={"route": f"{spec.method} {spec.path}", "status": status,
                                                "ms": round((time.perf_counter() - started) * 1000, 1)})

    def _run(self, spec: RouteSpec, handler: Callable[..., Any], ctx: RequestContext,
             path_params: dict[str, str]) -> Any:
        settings = ctx.container.settings
        raw = ctx.request.raw_body or b""
        ctx.raw_body = raw if isinstance(raw, bytes) else raw.encode()
        if len(ctx.raw_body) > settings.max_body_bytes:
            raise PayloadTooLarge("payload_too_large")
        if spec.auth == "device":
            ctx.device = authenticate_device(ctx.request.headers, ctx.raw_body, ctx.now,
                                             settings.signature_tolerance_seconds)
        elif spec.auth == "user":
            principal = authenticate(ctx.request.headers.get("authorization"), ctx.now,
                                     ctx.container.site_windows.timezone)
            # A temporary password opens nothing but its own change.
            if principal.must_change_password and spec.permission != SELF:
                raise Forbidden("password_change_required", details={
                    "password_deadline": principal.password_deadline.isoformat(timespec="seconds")
                    if principal.password_deadline else None})
            if spec.permission != SELF and not principal.holds(spec.permission):
                raise Forbidden("forbidden")
            ctx.authorised = Access(principal, load_tree)
        if spec.body is not None:
            try:
                payload = json.loads(ctx.raw_body or b"null")
            except (ValueError, UnicodeDecodeError):
                raise BadRequest("invalid_json") from None
            if not isinstance(payload, dict):
                raise BadRequest("invalid_json", details={"reason": "a JSON object is expected"})
            try:
                ctx.body = spec.body.model_validate(payload)
            except ValidationError as exc:
                raise BadRequest("validation_error", details=_validation_details(exc)) from None
        result = handler(ctx, **path_params)
        if ctx.authorised is not None and not ctx.authorised.checked:
            raise ScopeNotChecked(spec.name)
        return result

    def _uniform_errors(self, event: Request, get_response: Callable[[Request], Response]) -> Response:
        """Chalice answers some errors itself (unsupported media type, method); give them our shape."""
        response = get_response(event)
        body = response.body
        if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
            code = {415: "unsupported_media_type", 405: "method_not_allowed", 404: "not_found"}.get(
                response.status_code, "internal_error")
            lang = negotiate_language(event.headers.get("accept-language"))
            return _json_response(error_body(code, lang), response.status_code)
        return response

    # --- OpenAPI -------------------------------------------------------------------------------------

    def openapi(self, title: str, version: str) -> dict[str, Any]:
        schemas: dict[str, Any] = {}

        def ref(model: type[BaseModel]) -> dict[str, str]:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in schema.pop("$defs", {}).items():
                schemas[name] = definition
            schemas[model.__name__] = schema
            return {"$ref": f"#/components/schemas/{model.__name__}"}

        error_ref = ref(Error)
        paths: dict[str, dict[str, Any]] = {}
        for spec in self.specs:
            operation: dict[str, Any] = {"operationId": spec.name, "summary": spec.summary, "responses": {}}
            parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                          for name in _path_params(spec.path)]
            parameters += [{"name": name, "in": "query", "required": False, "description": text,
                            "schema": {"type": "string"}} for name, text in spec.query.items()]
            if parameters:
                operation["parameters"] = parameters
            if spec.body is not None:
                operation["requestBody"] = {"required": True, "content": _json_content(ref(spec.body))}
            ok: dict[str, Any] = {"description": "OK"}
            if spec.response is not None:
                ok["content"] = _json_content(ref(spec.response))
            operation["responses"][str(spec.status)] = ok
            error_statuses = {"400"} if spec.body else set()
            if spec.auth != "public":
                error_statuses.add("401")
            if spec.auth == "user":
                error_statuses.add("403")
                operation["security"] = [{"bearerAuth": []}]
                operation["x-permission"] = spec.permission
            elif spec.auth == "device":
                operation["security"] = [{"deviceSignature": [], "deviceId": [], "deviceTimestamp": []}]
            else:
                operation["security"] = []
            for status in sorted(error_statuses):
                operation["responses"][status] = {"description": "Error", "content": _json_content(error_ref)}
            if spec.errors:
                operation["x-error-codes"] = list(spec.errors)
                operation["responses"].setdefault("422", {"description": "Unprocessable",
                                                          "content": _json_content(error_ref)})
            paths.setdefault(spec.path, {})[spec.method.lower()] = operation
        return {
            "openapi": "3.0.3",
            "info": {"title": title, "version": version,
                     "description": "Errors are {code, message}; messages are Vietnamese unless Accept-Language: en."},
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "deviceId": {"type": "apiKey", "in": "header", "name": "X-Device-Id"},
                    "deviceTimestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp",
                                        "description": "unix seconds, within 300 s of server time"},
                    "deviceSignature": {
                        "type": "apiKey", "in": "header", "name": "X-Signature",
                        "description": "hex HMAC-SHA256(secret, \"{timestamp}\\n{sha256 hex of body}\")"},
                },
            },
        }


def _source(request: Request) -> Source:
    identity = (request.context or {}).get("identity") or {}
    agent = request.headers.get("user-agent")
    return Source(ip=identity.get("sourceIp"), user_agent=agent)


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]
