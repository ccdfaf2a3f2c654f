"""Recorded events with their evidence, and the working days derived from them."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.attendance import EventList, EventsQuery, StaffDays, StaffDaysQuery, UnitDays, UnitDaysQuery
from chamcong.services import attendance, events

routes = Routes("attendance", "Chấm công và ngày công — events and working days")


@routes.route("/v1/staff/{staff_id}/events", "GET", summary="Recorded events of a day, with evidence links",
              auth="user", permission="events:read", query=EventsQuery, response=EventList,
              errors=("staff_not_found",))
def list_events(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return events.list_events(ctx.container, ctx.access, staff_id, ctx.query.date)


@routes.route("/v1/attendance/days", "GET", summary="A unit's working day: one row per person, with evidence",
              auth="user", permission="attendance:read", query=UnitDaysQuery, response=UnitDays,
              errors=("unit_not_found",))
def unit_days(ctx: RequestContext) -> dict[str, Any]:
    return attendance.unit_days(ctx.container, ctx.access, ctx.query.unit_id, ctx.query.date)


@routes.route("/v1/staff/{staff_id}/days", "GET", summary="Every day of a month for one person",
              auth="user", permission="attendance:read", query=StaffDaysQuery, response=StaffDays,
              errors=("staff_not_found",))
def staff_days(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return attendance.staff_days(ctx.container, ctx.access, staff_id, ctx.query.month)
