"""The router fails closed: a route that never asked about scope answers 500, and a temporary password opens
nothing but the account's own routes. Driven with throwaway chalice apps on the product's container (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice import Chalice
from chalice.test import Client

from chamcong.access import SELF, Target
from chamcong.http import ApiRouter, RequestContext
from tests.integration.harness import OWN_PASSWORD, Product, Reply

Calls = list[str]


def _throwaway(product: Product, calls: Calls) -> Chalice:
    """One route per way a handler can treat scope, each recording that it ran."""
    app = Chalice(app_name="throwaway")
    api = ApiRouter(app, container=lambda: product.container)

    @api.route("/forgets", "GET", summary="never asks", auth="user", permission="units:read")
    def forgets(ctx: RequestContext) -> dict[str, Any]:
        calls.append("forgets")
        return {"secret": "leaked"}

    @api.route("/forgets", "POST", summary="never asks, writes", auth="user", permission="units:write", status=201)
    def forgets_write(ctx: RequestContext) -> dict[str, Any]:
        calls.append("forgets_write")
        return {"secret": "leaked"}

    @api.route("/acknowledges", "GET", summary="its own affairs", auth="user", permission="units:read")
    def acknowledges(ctx: RequestContext) -> dict[str, Any]:
        calls.append("acknowledges")
        ctx.access.acknowledge()
        return {"ok": True}

    @api.route("/asks", "GET", summary="asks about the site", auth="user", permission="units:read")
    def asks(ctx: RequestContext) -> dict[str, Any]:
        calls.append("asks")
        return {"site": ctx.access.allows("units:read", Target(None))}

    @api.route("/self", "GET", summary="the account's own", auth="user", permission=SELF)
    def own(ctx: RequestContext) -> dict[str, Any]:
        calls.append("self")
        ctx.access.acknowledge()
        return {"username": ctx.access.username}

    return app


@contextmanager
def _client(product: Product, calls: Calls) -> Iterator[Client]:
    with Client(_throwaway(product, calls)) as client:
        yield client


def _call(client: Client, method: str, path: str, token: str, lang: str = "en") -> Reply:
    response = client.http.request(method, path, headers={"Authorization": f"Bearer {token}",
                                                          "Accept-Language": lang})
    text = response.body.decode() if isinstance(response.body, bytes) else response.body
    return Reply(response.status_code, json.loads(text) if text else None, dict(response.headers))


def _temporary_token(product: Product, username: str, grants: list[dict[str, str | None]]) -> str:
    """An account as an admin creates it: signed in with its temporary password, not yet changed."""
    unit_id = product.unit(f"Đơn vị của {username}")
    created = product.post("/v1/accounts", {"username": username, "unit_id": unit_id,
                                            "grants": [{**g, "unit_id": g.get("unit_id", unit_id)} for g in grants]})
    assert created.status == 201, created.body
    login = product.post("/v1/auth/login", {"username": username, "password": created.body["temporary_password"]},
                         token="")
    assert login.status == 200 and login.body["must_change_password"], login.body
    return str(login.body["token"])


def test_a_route_that_forgets_to_ask_about_scope_answers_500(product: Product) -> None:
    calls: Calls = []
    with _client(product, calls) as client:
        # GIVEN a signed-in system admin WHEN a route's handler returns without asking about scope
        reply = _call(client, "GET", "/forgets", product.token)
        # THEN the router refuses to send what it returned
        assert calls == ["forgets"]
        assert reply.status == 500
        assert reply.body["code"] == "internal_error"
        assert "leaked" not in json.dumps(reply.body)
        # in Vietnamese too
        vietnamese = _call(client, "GET", "/forgets", product.token, lang="vi")
        assert vietnamese.status == 500 and vietnamese.body["code"] == "internal_error"
        # and a writing route likewise (its status is never the declared 201)
        written = _call(client, "POST", "/forgets", product.token)
        assert written.status == 500 and written.body["code"] == "internal_error"
    # The check comes after the handler: it ran each time (what it wrote stays written; only its answer is withheld).
    assert calls == ["forgets", "forgets", "forgets_write"]


def test_a_route_that_asks_about_scope_answers_200(product: Product) -> None:
    calls: Calls = []
    with _client(product, calls) as client:
        acknowledged = _call(client, "GET", "/acknowledges", product.token)
        assert acknowledged.status == 200, acknowledged.body
        assert acknowledged.body == {"ok": True}
        asked = _call(client, "GET", "/asks", product.token)
        assert asked.status == 200, asked.body
        assert asked.body == {"site": True}
    assert calls == ["acknowledges", "asks"]


def test_a_route_needs_a_token_before_its_handler_runs(product: Product) -> None:
    calls: Calls = []
    with _client(product, calls) as client:
        for token in ("", "made-up-token"):
            reply = _call(client, "GET", "/acknowledges", token)
            assert reply.status == 401, reply.body
    assert calls == []


def test_a_permission_held_nowhere_is_refused_before_the_handler_runs(product: Product) -> None:
    # GIVEN a unit leader with a changed password (units:read, no units:write)
    unit_id = product.unit()
    token = product.account("lanhdao", unit_id, grants=[{"role": "unit_leader", "unit_id": unit_id}])
    calls: Calls = []
    with _client(product, calls) as client:
        refused = _call(client, "POST", "/forgets", token)
        assert refused.status == 403
        assert refused.body["code"] == "forbidden"
        allowed = _call(client, "GET", "/acknowledges", token)
        assert allowed.status == 200, allowed.body
        # a subtree grant does not reach the whole site
        asked = _call(client, "GET", "/asks", token)
        assert asked.status == 200 and asked.body == {"site": False}
    assert calls == ["acknowledges", "asks"]


def test_a_temporary_password_opens_only_the_accounts_own_routes(product: Product) -> None:
    # GIVEN an account that holds units:read but has not changed its temporary password
    token = _temporary_token(product, "tamthoi", [{"role": "unit_leader"}])
    calls: Calls = []
    with _client(product, calls) as client:
        # WHEN it calls a route whose permission it holds THEN 403 password_change_required, handler not run
        refused = _call(client, "GET", "/acknowledges", token)
        assert refused.status == 403, refused.body
        assert refused.body["code"] == "password_change_required"
        assert refused.body["details"]["password_deadline"]
        # a route it does not hold at all answers the same (the password comes first)
        assert _call(client, "POST", "/forgets", token).body["code"] == "password_change_required"
        # WHEN it calls an account:self route THEN it runs
        own = _call(client, "GET", "/self", token)
        assert own.status == 200 and own.body == {"username": "tamthoi"}
    assert calls == ["self"]


def test_a_temporary_password_on_the_products_routes(product: Product) -> None:
    token = _temporary_token(product, "tamthoi2", [{"role": "unit_leader"}])
    # THEN every non-self route of the product refuses it
    for path in ("/v1/units", "/v1/accounts/tamthoi2", "/v1/calendars/site"):
        reply = product.get(path, token=token)
        assert reply.status == 403, (path, reply.body)
        assert reply.body["code"] == "password_change_required", (path, reply.body)
    # AND its own account opens
    me = product.get("/v1/auth/me", token=token)
    assert me.status == 200, me.body
    assert me.body["username"] == "tamthoi2"


def test_an_account_without_roles_can_change_its_temporary_password(product: Product) -> None:
    # GIVEN an account created with no person and no grants (CreateAccount's default then is no role at all)
    unit_id = product.unit()
    created = product.post("/v1/accounts", {"username": "khongvaitro", "unit_id": unit_id})
    assert created.status == 201 and created.body["grants"] == [], created.body
    login = product.post("/v1/auth/login", {"username": "khongvaitro",
                                            "password": created.body["temporary_password"]}, token="")
    assert login.status == 200 and login.body["must_change_password"], login.body
    token = login.body["token"]
    # WHEN it reads itself and changes its password, as every signed-in account may (account:self)
    me = product.get("/v1/auth/me", token=token)
    assert me.status == 200, me.body
    changed = product.post("/v1/auth/password", {"current_password": created.body["temporary_password"],
                                                 "new_password": OWN_PASSWORD}, token=token)
    # THEN both answer 200
    assert changed.status == 200, changed.body
    # AND it can sign out
    assert product.post("/v1/auth/logout", token=changed.body["token"]).status == 204
