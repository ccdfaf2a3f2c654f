"""Integration clients: outside systems (the e-office system) that post tasks with an API key."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.tasks import CreateIntegration, Integration, IntegrationList, IntegrationsQuery
from chamcong.services import integrations

routes = Routes("integrations", "Khách tích hợp (hệ thống quản lý văn bản) — integration clients")


@routes.route("/v1/integrations", "POST", summary="Create an integration client; its key is shown once",
              auth="user", permission="integrations:write", body=CreateIntegration, response=Integration,
              status=201, errors=("unit_not_found",))
def create_integration(ctx: RequestContext) -> dict[str, Any]:
    return integrations.create_client(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/integrations", "GET", summary="Integration clients in the caller's scope (never their keys)",
              auth="user", permission="integrations:read", query=IntegrationsQuery, response=IntegrationList,
              errors=("unit_not_found",))
def list_integrations(ctx: RequestContext) -> dict[str, Any]:
    return integrations.list_clients(ctx.access, ctx.query.unit_id)


@routes.route("/v1/integrations/{client_id}/rotate", "POST", summary="Give a client a new key (shown once; the old "
              "one stops working)", auth="user", permission="integrations:write", response=Integration,
              errors=("integration_not_found", "integration_revoked"))
def rotate_integration(ctx: RequestContext, client_id: str) -> dict[str, Any]:
    return integrations.rotate_client(ctx.container, ctx.access, client_id, ctx.source)


@routes.route("/v1/integrations/{client_id}/revoke", "POST", summary="Revoke an integration client for good",
              auth="user", permission="integrations:write", response=Integration, errors=("integration_not_found",))
def revoke_integration(ctx: RequestContext, client_id: str) -> dict[str, Any]:
    return integrations.revoke_client(ctx.container, ctx.access, client_id, ctx.source)
