"""The work-from-home roster of a unit and the exceptions to its cap."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.roster import (
    CreateRosterException,
    RosterDayDetail,
    RosterExceptionList,
    RosterExceptionRecord,
    RosterMonth,
    RosterMonthQuery,
    SetRoster,
)
from chamcong.services import roster

routes = Routes("roster", "Lịch làm việc tại nhà — the work-from-home roster")


@routes.route("/v1/units/{unit_id}/roster/{date}", "PUT", summary="Set who of the unit works from home on a day "
              "(refused whole over the cap)", auth="user", permission="roster:write", body=SetRoster,
              response=RosterDayDetail, errors=("unit_not_found", "roster_staff_not_in_unit",
                                                "roster_staff_not_employed", "roster_day_off", "wfh_cap_exceeded"))
def set_roster_day(ctx: RequestContext, unit_id: str, date: str) -> dict[str, Any]:
    return roster.set_day(ctx.container, ctx.access, unit_id, date, ctx.body, ctx.source)


@routes.route("/v1/units/{unit_id}/roster/{date}", "GET", summary="The unit's roster for a day, with how many may "
              "stay home, the staff who could, and each conflict with leave or a trip", auth="user",
              permission="roster:read", response=RosterDayDetail, errors=("unit_not_found",))
def read_roster_day(ctx: RequestContext, unit_id: str, date: str) -> dict[str, Any]:
    return roster.read_day(ctx.container, ctx.access, unit_id, date)


@routes.route("/v1/units/{unit_id}/roster", "GET", summary="The unit's roster days of a month", auth="user",
              permission="roster:read", query=RosterMonthQuery, response=RosterMonth, errors=("unit_not_found",))
def read_roster_month(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return roster.read_month(ctx.container, ctx.access, unit_id, ctx.query.month)


@routes.route("/v1/units/{unit_id}/roster-exceptions", "POST", summary="Approve an exception to the unit's "
              "work-from-home cap for a period, with a reason", auth="user", permission="roster:approve",
              body=CreateRosterException, response=RosterExceptionRecord, status=201,
              errors=("unit_not_found", "roster_exception_invalid"))
def approve_roster_exception(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return roster.approve_exception(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)


@routes.route("/v1/units/{unit_id}/roster-exceptions", "GET", summary="The exceptions approved for a unit",
              auth="user", permission="roster:read", response=RosterExceptionList, errors=("unit_not_found",))
def list_roster_exceptions(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return roster.list_exceptions(ctx.access, unit_id)
