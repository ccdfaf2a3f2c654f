"""The unit tree and its work calendars."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.units import CalendarUpdate, CalendarView, CreateUnit, Unit, UnitList, UpdateUnit
from chamcong.services import calendars, units

routes = Routes("units", "Đơn vị và lịch làm việc — the unit tree and work calendars")


@routes.route("/v1/units", "POST", summary="Create a unit under one in the caller's scope", auth="user",
              permission="units:write", body=CreateUnit, response=Unit, status=201,
              errors=("parent_unit_not_found",))
def create_unit(ctx: RequestContext) -> dict[str, Any]:
    return units.create_unit(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/units", "GET", summary="The units in the caller's scope", auth="user", permission="units:read",
              response=UnitList)
def list_units(ctx: RequestContext) -> dict[str, Any]:
    return units.list_units(ctx.access)


@routes.route("/v1/units/{unit_id}", "GET", summary="One unit", auth="user", permission="units:read",
              response=Unit, errors=("unit_not_found",))
def read_unit(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return units.read_unit(ctx.access, unit_id)


@routes.route("/v1/units/{unit_id}", "PATCH", summary="Rename a unit, set its report recipients, or move it",
              auth="user", permission="units:write", body=UpdateUnit, response=Unit,
              errors=("unit_not_found", "parent_unit_not_found", "unit_move_cycle"))
def update_unit(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return units.update_unit(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)


@routes.route("/v1/units/{unit_id}", "DELETE", summary="Remove an empty unit", auth="user", permission="units:write",
              status=204, errors=("unit_not_found", "unit_not_empty"))
def delete_unit(ctx: RequestContext, unit_id: str) -> None:
    units.delete_unit(ctx.container, ctx.access, unit_id, ctx.source)


@routes.route("/v1/calendars/site", "GET", summary="The site's work calendar (hours by date range, holidays)",
              auth="user", permission="calendars:read", response=CalendarView)
def read_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, ctx.access, None)


@routes.route("/v1/calendars/site", "PUT", summary="Set the site's hours and holidays (units inherit them)",
              auth="user", permission="calendars:write", body=CalendarUpdate, response=CalendarView,
              errors=("calendar_invalid",))
def write_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.access, None, ctx.body, ctx.source)


@routes.route("/v1/units/{unit_id}/calendar", "GET", summary="The calendar that applies to a unit, and where each "
              "part comes from", auth="user", permission="calendars:read", response=CalendarView,
              errors=("unit_not_found",))
def read_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, ctx.access, unit_id)


@routes.route("/v1/units/{unit_id}/calendar", "PUT", summary="Give a unit its own hours or holidays (null: inherit)",
              auth="user", permission="calendars:write", body=CalendarUpdate, response=CalendarView,
              errors=("unit_not_found", "calendar_invalid"))
def write_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)
