"""The HTTP edge: every route is declared with its authentication, permission, query, body and response.

Each area declares its routes in a `Routes` group (`functions/api/routes/<area>.py`); the app includes the
groups into one `ApiRouter`, so permissions, validation, error mapping and the OpenAPI document hang off one
place. A handler receives validated input (`ctx.query`, `ctx.body`) and returns plain data; this module:

- refuses what does not fit the declaration with a 4xx `{"code", "message"}`: unknown query parameters,
  wrong types (strict JSON: `0` is not a date), malformed or non-object JSON, bodies over the limit,
  ids of the wrong shape in the path;
- maps every domain error to its status through the one catalogue (`chamcong.messages`);
- checks every answer against the route's declared response model and error codes (a contract check:
  in strict mode a mismatch is a 500, otherwise it is logged and counted);
- gives every request a correlation id (API Gateway's request id, or a new one) in every log line and in
  the `X-Request-Id` header;
- answers a `Server-Timing` header with the milliseconds of each stage a request timed (`ctx.watch`: the
  device check as `auth`, the recognition's stages) and the server's `total`;
- builds the OpenAPI 3.1 document from the declarations, so it cannot drift from the routes.
"""

from __future__ import annotations

import functools
import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from chalice import Chalice, Response
from chalice.app import Request
from pydantic import BaseModel, ValidationError

from chamcong.access import PERMISSIONS, ROLES, SELF, Access
from chamcong.container import Container, get_container
from chamcong.errors import DomainError, NotFound, PayloadTooLarge
from chamcong.messages import CATALOGUE, message_for, status_of
from chamcong.observability import Stopwatch, count, get_logger
from chamcong.schemas.common import ID_PATTERN, MONTH_PATTERN, Error, FileResult, is_textual
from chamcong.services.audit import Source
from chamcong.services.auth import authenticate
from chamcong.services.devices import authenticate_device
from chamcong.services.integrations import authenticate_client
from chamcong.services.units import load_tree
from chamcong.store.models.devices import DeviceModel
from chamcong.store.models.tasks import IntegrationClientModel

Auth = Literal["public", "user", "device", "apikey"]
# What a route that is not for signed-in accounts declares as its permission.
PUBLIC = "public"
DEVICE = "device:recognise"  # a lobby device's signed upload: the only thing a device secret opens
# An integration client (Authorization: ApiKey <key>): the only thing its key opens is posting tasks.
INTEGRATION = "integration:tasks"
REQUEST_ID_HEADER = "X-Request-Id"
SERVER_TIMING_HEADER = "Server-Timing"

# Codes a route may answer because of what it is; each route declares only its own on top of these.
# A request that carries a content type other than JSON is refused on any route, with or without a body.
ANY_ROUTE_ERRORS = ("validation_error", "payload_too_large", "unsupported_media_type", "throttled")
BODY_ERRORS = ("invalid_json",)
PATH_ERRORS = ("not_found",)
USER_ERRORS = ("unauthenticated", "token_expired", "token_revoked", "forbidden", "password_change_required",
               "password_expired", "account_locked")
DEVICE_ERRORS = ("missing_device_headers", "invalid_signature", "stale_timestamp", "unknown_device")
API_KEY_ERRORS = ("missing_api_key", "invalid_api_key", "api_key_revoked")
BINARY_ERRORS = ("not_acceptable",)  # a binary answer (an .xlsx) asked for without naming its type

# The shape of each path parameter: a value that cannot be one names nothing (404 before any lookup).
PATH_PATTERNS = {"username": r"^[a-z0-9][a-z0-9._-]{0,127}$",  # wider than a new username: any stored one
                 "role": "^(" + "|".join(ROLES) + ")$",
                 "date": r"^\d{4}-\d{2}-\d{2}$",
                 "kind": "^(morning|evening|units|province)$",
                 "month": MONTH_PATTERN,  # YYYY-MM
                 "notice_version": r"^\d{4}-\d{2}$",  # a notice of processing of personal data (YYYY-MM)
                 "version": r"^[1-9][0-9]{0,3}$"}  # a rule set's version  # the daily reports', the afternoon reports'


class ScopeNotChecked(Exception):
    """A user route returned without asking whose records it touched: a bug, refused rather than leaked."""


class ContractBroken(Exception):
    """A route answered something its declaration does not describe (strict mode turns it into a 500)."""


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    name: str
    summary: str
    auth: Auth
    permission: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    # Routes that run the face engine are deployed to the function that has the vision layer.
    vision: bool
    errors: tuple[str, ...]
    tag: str = ""
    # A route that answers a file names its content type here (the response model is then None).
    produces: str | None = None
    # A route that must take a larger body than settings.max_body_bytes (several photos) says how much.
    max_body_bytes: int | None = None

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{") and part.endswith("}")]

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """Every error code this route may answer: its own and those of its kind."""
        codes = [*ANY_ROUTE_ERRORS, *self.errors]
        if self.body is not None:
            codes += BODY_ERRORS
        if self.path_params:
            codes += PATH_ERRORS
        if self.auth == "user":
            codes += USER_ERRORS
        elif self.auth == "device":
            codes += DEVICE_ERRORS
        elif self.auth == "apikey":
            codes += API_KEY_ERRORS
        if self.binary:
            codes += BINARY_ERRORS
        return tuple(dict.fromkeys(codes))

    @property
    def binary(self) -> bool:
        """Whether the route answers a binary file, which API Gateway carries as bytes only when asked for."""
        return self.produces is not None and not is_textual(self.produces)


@dataclass
class RequestContext:
    container: Container
    request: Request
    lang: str
    now: datetime
    request_id: str = ""
    source: Source = field(default_factory=Source)
    authorised: Access | None = None
    device: DeviceModel | None = None
    integration: IntegrationClientModel | None = None
    body: Any = None
    query: Any = None
    raw_body: bytes = b""
    router: ApiRouter | None = None
    # The stages this request timed (ms), answered in the Server-Timing header when there are any.
    watch: Stopwatch = field(default_factory=Stopwatch)

    @property
    def access(self) -> Access:
        """The signed-in account of an auth="user" route and its scope (the router has checked the permission)."""
        if self.authorised is None:
            raise DomainError("unauthenticated")
        return self.authorised


def negotiate_language(accept_language: str | None) -> str:
    return "en" if accept_language and accept_language.strip().lower().startswith("en") else "vi"


def error_body(code: str, lang: str, details: dict[str, Any] | None = None,
               params: dict[str, str | tuple[str, str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message_for(code, lang, params)}
    if details:
        body["details"] = details
    return body


def json_response(body: Any, status: int, headers: dict[str, str | list[str]] | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def _validation_details(exc: ValidationError) -> dict[str, Any]:
    # Never echo the input back: it may be a whole photo in base64.
    return {"errors": [{"field": ".".join(str(part) for part in error["loc"]), "reason": error["msg"]}
                       for error in exc.errors(include_input=False, include_url=False, include_context=False)]}


Handler = Callable[..., Any]


class Routes:
    """The routes of one area, declared beside each other and included into the app's router."""

    def __init__(self, tag: str, description: str = "") -> None:
        self.tag = tag
        self.description = description
        self.declared: list[tuple[RouteSpec, Handler]] = []

    def route(self, path: str, method: str, *, summary: str, auth: Auth, permission: str,
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              response: type[BaseModel] | None = None, status: int = 200, vision: bool = False,
              errors: Iterable[str] = (), produces: str | None = None,
              max_body_bytes: int | None = None) -> Callable[[Handler], Handler]:
        # Refused at import time if the route asks for what its kind may not have.
        expected = {"public": {PUBLIC}, "device": {DEVICE}, "apikey": {INTEGRATION}, "user": PERMISSIONS}[auth]
        if permission not in expected:
            raise ValueError(f"{method} {path}: permission {permission!r} is not one a {auth} route may declare")
        unknown = [code for code in errors if code not in CATALOGUE]
        if unknown:
            raise ValueError(f"{method} {path}: error codes {unknown} are not in the catalogue (chamcong.messages)")

        def register(handler: Handler) -> Handler:
            spec = RouteSpec(path=path, method=method, name=handler.__name__, summary=summary, auth=auth,
                             permission=permission, body=body, query=query, response=response, status=status,
                             vision=vision, errors=tuple(errors), tag=self.tag, produces=produces,
                             max_body_bytes=max_body_bytes)
            self.declared.append((spec, handler))
            return handler

        return register


class ApiRouter:
    def __init__(self, app: Chalice, container: Callable[[], Container] = get_container) -> None:
        self.app = app
        self.specs: list[RouteSpec] = []
        self.groups: list[Routes] = []
        self._container = container
        app.register_middleware(self._uniform_errors, "http")

    def include(self, routes: Routes) -> None:
        self.groups.append(routes)
        for spec, handler in routes.declared:
            self._register(spec, handler)

    def route(self, path: str, method: str, **declaration: Any) -> Callable[[Handler], Handler]:
        """Declare one route directly, as a group of one (the app's routes are declared in groups and included)."""
        group = Routes("")
        declare = group.route(path, method, **declaration)

        def register(handler: Handler) -> Handler:
            declare(handler)
            self._register(*group.declared[-1])
            return handler

        return register

    def _register(self, spec: RouteSpec, handler: Handler) -> None:
        self.specs.append(spec)

        @functools.wraps(handler)
        def view(**path_params: str) -> Response:
            return self._handle(spec, handler, path_params)

        self.app.route(spec.path, methods=[spec.method])(view)
        # chalice base64-encodes a binary answer for API Gateway, which must list its type too (template.yaml)
        if spec.binary and spec.produces not in self.app.api.binary_types:
            self.app.api.binary_types.append(str(spec.produces))

    # --- one request ---------------------------------------------------------------------------------

    def _handle(self, spec: RouteSpec, handler: Handler, path_params: dict[str, str]) -> Response:
        request = self.app.current_request
        assert request is not None
        lang = negotiate_language(request.headers.get("accept-language"))
        request_id = _request_id(request)
        logger = get_logger()
        logger.thread_safe_append_keys(request_id=request_id)
        started = time.perf_counter()
        status = 500
        headers: dict[str, str | list[str]] = {REQUEST_ID_HEADER: request_id}
        strict = True
        try:
            container = self._container()
            strict = container.settings.strict_contract
            ctx = RequestContext(container, request, lang, container.clock(), request_id, source=_source(request),
                                 router=self)
            try:
                result = self._run(spec, handler, ctx, path_params)
            except DomainError as exc:
                _add_server_timing(headers, ctx.watch, started)
                status = exc.status
                self._check_error(spec, exc.code, status, strict)
                return json_response(error_body(exc.code, lang, exc.details, exc.params), status, headers)
            _add_server_timing(headers, ctx.watch, started)
            status = spec.status
            if isinstance(result, FileResult):
                return _file_response(result, status, headers)
            if status == 204:
                return Response(body="", status_code=204, headers=headers)
            self._check_response(spec, result, strict)
            return json_response(result, status, headers)
        except ScopeNotChecked:
            status = 500
            logger.error("route did not check the caller's scope", extra={"route": f"{spec.method} {spec.path}"})
            return json_response(error_body("internal_error", lang), 500, headers)
        except Exception:
            status = 500
            logger.exception("unhandled error", extra={"route": f"{spec.method} {spec.path}"})
            return json_response(error_body("internal_error", lang), 500, headers)
        finally:
            logger.info("request", extra={"route": f"{spec.method} {spec.path}", "status": status,
                                          "ms": round((time.perf_counter() - started) * 1000, 1)})
            logger.thread_safe_remove_keys(["request_id"])

    def _run(self, spec: RouteSpec, handler: Handler, ctx: RequestContext, path_params: dict[str, str]) -> Any:
        settings = ctx.container.settings
        raw = ctx.request.raw_body or b""
        ctx.raw_body = raw if isinstance(raw, bytes) else raw.encode()
        limit = spec.max_body_bytes if spec.max_body_bytes is not None else settings.max_body_bytes
        if len(ctx.raw_body) > limit:
            raise PayloadTooLarge("payload_too_large", details={"max_bytes": limit})
        for name, value in path_params.items():
            if not re.match(PATH_PATTERNS.get(name, ID_PATTERN), value or ""):
                raise NotFound("not_found", details={"field": name})
        ctx.query = _parse_query(spec, ctx.request)
        if spec.auth == "device":
            with ctx.watch.lap("auth"):
                ctx.device = authenticate_device(ctx.request.headers, ctx.raw_body, ctx.now,
                                                 settings.signature_tolerance_seconds, ctx.container.device_cache)
        elif spec.auth == "apikey":
            ctx.integration = authenticate_client(ctx.request.headers.get("authorization"))
        elif spec.auth == "user":
            principal = authenticate(ctx.request.headers.get("authorization"), ctx.now,
                                     ctx.container.site_windows.timezone)
            # A temporary password opens nothing but its own change.
            if principal.must_change_password and spec.permission != SELF:
                raise DomainError("password_change_required", details={
                    "password_deadline": principal.password_deadline.isoformat(timespec="seconds")
                    if principal.password_deadline else None})
            if spec.permission != SELF and not principal.holds(spec.permission):
                raise DomainError("forbidden")
            ctx.authorised = Access(principal, load_tree)
        if spec.body is not None:
            ctx.body = _parse_body(spec.body, ctx.raw_body)
        result = handler(ctx, **path_params)
        if ctx.authorised is not None and not ctx.authorised.checked:
            raise ScopeNotChecked(spec.name)
        if isinstance(result, FileResult) and not result.textual and not accepts(
                ctx.request.headers.get("accept"), result.content_type):
            # API Gateway turns the answer into bytes only when the Accept header names its type ("*/*" does not):
            # refused here, the same on the local stack as deployed, rather than sent as base64 text. After the
            # handler, so that who may not read it hears 403, and a textual answer (an old CSV) needs nothing.
            raise DomainError("not_acceptable", details={"accept": result.content_type})
        return result

    # --- the contract checks -----------------------------------------------------------------------

    def _check_response(self, spec: RouteSpec, result: Any, strict: bool) -> None:
        if spec.response is None:
            return
        try:
            spec.response.model_validate(result)
        except ValidationError as exc:
            self._broken(spec, "response does not match its model", strict,
                         {"errors": _validation_details(exc)["errors"][:5]})

    def _check_error(self, spec: RouteSpec, code: str, status: int, strict: bool) -> None:
        if code not in spec.codes or status != status_of(code):
            self._broken(spec, "error code not declared by the route", strict, {"code": code, "status": status})

    def _broken(self, spec: RouteSpec, what: str, strict: bool, details: dict[str, Any]) -> None:
        get_logger().error(f"contract: {what}", extra={"route": f"{spec.method} {spec.path}", **details})
        count("ContractViolations", route=f"{spec.method} {spec.path}")
        if strict:
            raise ContractBroken(what)

    def _uniform_errors(self, event: Request, get_response: Callable[[Request], Response]) -> Response:
        """Chalice answers some errors itself (unsupported media type, method); give them our shape."""
        response = get_response(event)
        body = response.body
        if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
            code = {415: "unsupported_media_type", 405: "method_not_allowed", 404: "not_found"}.get(
                response.status_code, "internal_error")
            lang = negotiate_language(event.headers.get("accept-language") if event else None)
            kept: dict[str, str | list[str]] = {name: value for name, value in (response.headers or {}).items()
                                                if name.lower() == "allow"}
            request_id = _request_id(event) if event else uuid.uuid4().hex
            return json_response(error_body(code, lang), response.status_code,
                                 {**kept, REQUEST_ID_HEADER: request_id})
        return response

    # --- OpenAPI -------------------------------------------------------------------------------------

    def openapi(self, title: str, version: str, server: str = "/") -> dict[str, Any]:
        schemas: dict[str, Any] = {}

        def ref(model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict[str, str]:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
            for name, definition in schema.pop("$defs", {}).items():
                schemas[name] = definition
            schemas[model.__name__] = schema
            return {"$ref": f"#/components/schemas/{model.__name__}"}

        error_ref = ref(Error, "serialization")
        paths: dict[str, dict[str, Any]] = {}
        for spec in self.specs:
            operation: dict[str, Any] = {"operationId": spec.name, "summary": spec.summary, "responses": {}}
            if spec.tag:
                operation["tags"] = [spec.tag]
            parameters = [{"name": name, "in": "path", "required": True,
                           "schema": {"type": "string", "pattern": PATH_PATTERNS.get(name, ID_PATTERN)}}
                          for name in spec.path_params]
            if spec.query is not None:
                parameters += _query_parameters(spec.query)
            if parameters:
                operation["parameters"] = parameters
            if spec.body is not None:
                operation["requestBody"] = {"required": True, "content": _json_content(ref(spec.body, "validation"))}
            ok: dict[str, Any] = {"description": "OK" if spec.status != 204 else "Done, nothing to return"}
            if spec.produces is not None:
                ok["content"] = {spec.produces: {"schema": {"type": "string"}}}
            elif spec.response is not None:
                ok["content"] = _json_content(ref(spec.response, "serialization"))
            operation["responses"][str(spec.status)] = ok
            by_status: dict[int, list[str]] = {}
            for code in spec.codes:
                by_status.setdefault(status_of(code), []).append(code)
            for status in sorted(by_status):
                codes = by_status[status]
                operation["responses"][str(status)] = {
                    "description": "Error: " + ", ".join(f"`{code}`" for code in codes),
                    "content": _json_content(error_ref)}
            operation["x-error-codes"] = list(spec.codes)
            if spec.auth == "user":
                operation["security"] = [{"bearerAuth": []}]
                operation["x-permission"] = spec.permission
            elif spec.auth == "device":
                operation["security"] = [{"deviceSignature": [], "deviceId": [], "deviceTimestamp": []}]
            elif spec.auth == "apikey":
                operation["security"] = [{"integrationKey": []}]
            else:
                operation["security"] = []
            paths.setdefault(spec.path, {})[spec.method.lower()] = operation
        return {
            "openapi": "3.1.0",
            "info": {"title": title, "version": version,
                     "description": "Errors are {code, message}; messages are Vietnamese unless "
                                    "Accept-Language: en. Every answer carries X-Request-Id."},
            "servers": [{"url": server}],
            "tags": [{"name": group.tag, "description": group.description} for group in self.groups],
            "paths": paths,
            "components": {
                "schemas": schemas,
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "deviceId": {"type": "apiKey", "in": "header", "name": "X-Device-Id"},
                    "integrationKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                                       "description": "ApiKey <key>: the key of an integration client"},
                    "deviceTimestamp": {"type": "apiKey", "in": "header", "name": "X-Timestamp",
                                        "description": "unix seconds, within 300 s of server time"},
                    "deviceSignature": {
                        "type": "apiKey", "in": "header", "name": "X-Signature",
                        "description": "hex HMAC-SHA256(secret, \"{timestamp}\\n{sha256 hex of body}\")"},
                },
            },
        }


def accepts(accept: str | None, content_type: str) -> bool:
    """Whether an Accept header names this content type itself (parameters such as q=… aside)."""
    named = {part.split(";")[0].strip().lower() for part in (accept or "").split(",")}
    return content_type.lower() in named


def _file_response(result: FileResult, status: int, headers: dict[str, str | list[str]]) -> Response:
    sent: dict[str, str | list[str]] = {**headers, **result.headers, "Content-Type": result.content_type,
                                        "X-Content-Type-Options": "nosniff"}
    if result.filename is not None:
        sent["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    body: str | bytes = result.body
    # API Gateway carries text as text; bytes only for the binary media types it is configured with.
    if isinstance(body, bytes) and result.textual:
        body = body.decode("utf-8")
    return Response(body=body, status_code=status, headers=sent)


def server_timing(watch: Stopwatch, total_ms: float) -> str:
    """`decode;dur=0.4, detect;dur=2.4, …, total;dur=24.5`: milliseconds, one decimal; stage names only, no data."""
    stages = [f"{name};dur={ms:.1f}" for name, ms in watch.laps.items()]
    return ", ".join([*stages, f"total;dur={total_ms:.1f}"])


def _add_server_timing(headers: dict[str, str | list[str]], watch: Stopwatch, started: float) -> None:
    """The request's stages and the server time so far (from the router's first look at the request)."""
    if watch.laps:
        headers[SERVER_TIMING_HEADER] = server_timing(watch, (time.perf_counter() - started) * 1000.0)


def _request_id(request: Request) -> str:
    """API Gateway's id for the request (what its own logs show), or a new one on the local stack."""
    context = getattr(request, "context", None) or {}
    given = context.get("requestId")
    if isinstance(given, str) and re.match(r"^[A-Za-z0-9-]{8,64}$", given):
        return given
    return uuid.uuid4().hex


def _parse_query(spec: RouteSpec, request: Request) -> Any:
    params: Any = request.query_params or {}
    values: dict[str, str] = {}
    for name in params:
        given = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        if len(given) > 1:
            raise DomainError("validation_error", details={"field": name, "reason": "given more than once"})
        values[name] = given[0]
    if spec.query is None:
        if values:
            raise DomainError("validation_error", details={"field": sorted(values)[0],
                                                           "reason": "this route takes no query parameters"})
        return None
    try:
        return spec.query.model_validate(values)
    except ValidationError as exc:
        raise DomainError("validation_error", details=_validation_details(exc)) from None


def _parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """Strict JSON: the types as written, no coercion; an unparsable or non-object body is invalid_json."""
    try:
        return model.model_validate_json(raw or b"null", strict=True)
    except ValidationError as exc:
        kinds = {(error["type"], tuple(error["loc"])) for error in exc.errors()}
        if any(kind == "json_invalid" for kind, _ in kinds):
            raise DomainError("invalid_json") from None
        if any(loc == () and kind in ("model_type", "model_attributes_type", "dict_type") for kind, loc in kinds):
            raise DomainError("invalid_json", details={"reason": "a JSON object is expected"}) from None
        raise DomainError("validation_error", details=_validation_details(exc)) from None


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation")
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    parameters = []
    for name, definition in properties.items():
        definition = dict(definition)
        description = definition.pop("description", None)
        definition.pop("title", None)
        if definition.get("default", "") is None:
            definition.pop("default")
        # Absent, not null: a query parameter has no null.
        options = [option for option in definition.pop("anyOf", []) if option.get("type") != "null"]
        if options:
            definition = {**options[0], **definition}
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required,
                                     "schema": definition}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _source(request: Request) -> Source:
    identity = (request.context or {}).get("identity") or {}
    agent = request.headers.get("user-agent")
    return Source(ip=identity.get("sourceIp"), user_agent=agent)


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}
