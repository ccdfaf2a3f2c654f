"""Every route goes through the router and declares what it needs: no route can bypass the permission check."""

from __future__ import annotations

import ast
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from chalice import Chalice

import app as api_module
from chamcong.access import PERMISSIONS, SELF
from chamcong.http import DEVICE, INTEGRATION, PUBLIC, ApiRouter, RequestContext

# The API's description, sign-in, and the public key that signs evidence bundles (anyone checking one needs it).
PUBLIC_ROUTES = {("/v1/openapi.json", "GET"), ("/v1/auth/login", "POST"), ("/docs", "GET"), ("/docs/{asset}", "GET"),
                 ("/v1/evidence/public-key", "GET")}
# A device posts its captures and, afterwards, the clip of each passage (checked against the signed sha256).
DEVICE_ROUTES = {("/v1/recognitions", "POST"), ("/v1/recognitions/{capture_id}/clip", "PUT")}
# What an integration client's key opens: posting tasks, nothing else.
API_KEY_ROUTES = {("/v1/tasks/batch", "POST")}
# What a temporary password opens: its own change, the account itself, and signing out.
SELF_ROUTES = {("/v1/auth/password", "POST"), ("/v1/auth/me", "GET"), ("/v1/auth/logout", "POST")}


def _chalice_routes() -> set[tuple[str, str]]:
    return {(path, method) for path, methods in api_module.app.routes.items() for method in methods}


def _specs_by_route() -> Counter[tuple[str, str]]:
    return Counter((spec.path, spec.method) for spec in api_module.api.specs)


def test_every_chalice_route_has_exactly_one_route_spec() -> None:
    # GIVEN every route chalice will serve, and every declaration the router saw
    specs = _specs_by_route()
    # THEN each route was declared through the router once, and the router declared nothing chalice lacks
    missing = sorted(route for route in _chalice_routes() if specs[route] == 0)
    doubled = sorted(route for route, count in specs.items() if count > 1)
    assert not missing, f"routes that bypass the router: {missing}"
    assert not doubled, f"routes declared twice: {doubled}"
    assert set(specs) == _chalice_routes()


def test_every_chalice_route_runs_the_routers_view() -> None:
    # A route added later with @app.route on the same path and method would replace the router's view.
    handlers = {spec.name for spec in api_module.api.specs}
    for path, methods in api_module.app.routes.items():
        for method, entry in methods.items():
            wrapped = getattr(entry.view_function, "__wrapped__", None)
            assert wrapped is not None and wrapped.__name__ in handlers, f"{method} {path} is not the router's"


def test_route_names_are_unique() -> None:
    names = Counter(spec.name for spec in api_module.api.specs)
    assert [name for name, count in names.items() if count > 1] == []


@pytest.mark.parametrize("spec", api_module.api.specs, ids=lambda s: f"{s.method} {s.path}")
def test_every_route_declares_a_permission_its_auth_kind_allows(spec: Any) -> None:
    if spec.auth == "user":
        assert spec.permission in PERMISSIONS
        assert spec.permission not in {PUBLIC, DEVICE, INTEGRATION, "*"}
    elif spec.auth == "public":
        assert spec.permission == PUBLIC
    elif spec.auth == "apikey":
        assert spec.permission == INTEGRATION
    else:
        assert spec.auth == "device"
        assert spec.permission == DEVICE


def test_the_only_device_routes_are_the_recognition_and_clip_uploads() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.auth == "device"} == DEVICE_ROUTES


def test_the_only_api_key_route_is_posting_tasks() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.auth == "apikey"} == API_KEY_ROUTES


def test_the_only_public_routes_are_the_api_description_login_and_the_evidence_key() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.auth == "public"} == PUBLIC_ROUTES


def test_a_temporary_password_opens_only_the_accounts_own_routes() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.permission == SELF} == SELF_ROUTES


def test_reports_are_run_by_a_system_admin_only() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.permission == "reports:run"} == {
        ("/v1/reports/daily/run", "POST"), ("/v1/reports/wfh/run", "POST"), ("/v1/reports/monthly/run", "POST")}


def test_the_audit_trail_needs_audit_read() -> None:
    assert {(s.path, s.method) for s in api_module.api.specs if s.permission == "audit:read"} == {
        ("/v1/audit", "GET")}


# --- the OpenAPI document --------------------------------------------------------------------------

@cache
def _document() -> dict[str, Any]:
    return api_module.api.openapi("t", "1")


def test_the_openapi_document_describes_exactly_the_chalice_routes() -> None:
    operations = {(path, method.upper()) for path, item in _document()["paths"].items() for method in item}
    assert operations == _chalice_routes()


@pytest.mark.parametrize("spec", api_module.api.specs, ids=lambda s: f"{s.method} {s.path}")
def test_every_user_operation_carries_its_permission(spec: Any) -> None:
    operation = _document()["paths"][spec.path][spec.method.lower()]
    if spec.auth == "user":
        assert operation["x-permission"] == spec.permission
        assert operation["security"] == [{"bearerAuth": []}]
        assert "403" in operation["responses"]
    else:
        assert "x-permission" not in operation
        assert "bearerAuth" not in str(operation["security"])


# --- declaring a route -------------------------------------------------------------------------------

def _throwaway() -> tuple[Chalice, ApiRouter]:
    app = Chalice("t")
    return app, ApiRouter(app)


def _handler(ctx: RequestContext) -> dict[str, Any]:
    return {}


@pytest.mark.parametrize(("auth", "permission"), [
    ("user", ""),
    ("user", "*"),  # the wildcard is a role's, never a route's
    ("user", "staff:delete"),  # no such permission
    ("user", "Staff:Read"),
    ("user", PUBLIC),
    ("user", DEVICE),
    ("public", SELF),
    ("public", "units:read"),
    ("public", DEVICE),
    ("device", PUBLIC),
    ("device", "staff:read"),
    ("user", INTEGRATION),
    ("apikey", DEVICE),
    ("apikey", "tasks:read"),
    ("device", INTEGRATION),
])
def test_declaring_a_route_with_a_permission_its_auth_kind_may_not_declare_fails(auth: Any, permission: str) -> None:
    app, api = _throwaway()
    # WHEN a route is declared with it THEN declaration fails, before any handler is registered
    with pytest.raises(ValueError, match="permission"):
        api.route("/v1/x", "GET", summary="x", auth=auth, permission=permission)(_handler)
    assert api.specs == []
    assert app.routes == {}


@pytest.mark.parametrize(("auth", "permission"), [
    ("user", SELF),
    ("user", "reports:run"),  # held by no role but system_admin's "*", still a permission
    ("user", "audit:read"),
    ("public", PUBLIC),
    ("device", DEVICE),
    ("apikey", INTEGRATION),
])
def test_declaring_a_route_with_a_valid_permission_registers_it(auth: Any, permission: str) -> None:
    app, api = _throwaway()
    api.route("/v1/x", "GET", summary="x", auth=auth, permission=permission)(_handler)
    assert [(s.path, s.method, s.permission) for s in api.specs] == [("/v1/x", "GET", permission)]
    assert set(app.routes["/v1/x"]) == {"GET"}


# --- the house rules of the route modules ------------------------------------------------------------

ROUTES_DIR = Path(__file__).resolve().parents[2] / "functions" / "api" / "routes"
SCOPE_CHECKS = {"require", "require_person", "require_unit", "require_site", "acknowledge", "allows",
                "visible_units", "sees_person", "can_grant", "can_manage"}


def test_routes_live_in_one_module_per_area_and_the_app_only_assembles_them() -> None:
    areas = {path.stem for path in ROUTES_DIR.glob("*.py") if path.stem != "__init__"}
    assert {"accounts", "units", "staff", "devices", "attendance", "absences", "corrections", "reports",
            "audit"} <= areas
    assert {spec.tag for spec in api_module.api.specs} == areas
    app_source = (ROUTES_DIR.parent / "app.py").read_text()
    assert "@api.route" not in app_source and "def " not in app_source


@pytest.mark.parametrize("module", sorted(ROUTES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_route_checks_scope_itself(module: Path) -> None:
    # Scope is decided by the services (which the scheduled jobs call too, as the system identity):
    # a route body that asked the access checks itself would be a second, easily forgotten, place.
    tree = ast.parse(module.read_text())
    calls = [node.func.attr for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SCOPE_CHECKS]
    assert calls == [], f"{module.name} calls {calls}"


@pytest.mark.parametrize("module", sorted(ROUTES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_each_handler_calls_one_service(module: Path) -> None:
    tree = ast.parse(module.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            statements = [s for s in node.body if not isinstance(s, ast.Expr | ast.Assert | ast.Assign)]
            assert len(statements) <= 1, f"{module.name}:{node.name} holds logic"
