"""Galleries per site: the people a unit admin lets into a site besides its own.

Granting and revoking run in the recognition function: the site's gallery is rebuilt at once (numpy). Listing does
not need it.
"""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.galleries import CreateGrant, Grant, GrantList
from chamcong.services import galleries

routes = Routes("galleries", "Khuôn mặt nhận diện theo điểm đặt thiết bị — galleries per site and access grants")


@routes.route("/v1/sites/{unit_id}/grants", "GET", summary="The people let into a site besides its own, expired "
              "grants marked", auth="user", permission="devices:read", response=GrantList, errors=("site_not_found",))
def list_grants(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return galleries.list_grants(ctx.container, ctx.access, unit_id)


@routes.route("/v1/sites/{unit_id}/grants", "POST", summary="Let a person of any unit into a site (its devices "
              "recognise them) until a day, audited", auth="user", permission="sites:grant", body=CreateGrant,
              response=Grant, status=201, vision=True,
              errors=("site_not_found", "staff_not_found", "grant_until_past", "conflict"))
def grant(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return galleries.grant(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)


@routes.route("/v1/sites/{unit_id}/grants/{staff_id}", "DELETE", summary="Take a person's access to a site away, "
              "audited", auth="user", permission="sites:grant", status=204, vision=True,
              errors=("site_not_found", "site_grant_not_found", "conflict"))
def revoke_grant(ctx: RequestContext, unit_id: str, staff_id: str) -> None:
    galleries.revoke_grant(ctx.container, ctx.access, unit_id, staff_id, ctx.source)
