"""Recorded events with their evidence, and the working days derived from them."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.attendance import (
    EventList,
    EventsQuery,
    MonthStats,
    Overview,
    OverviewQuery,
    SpoofList,
    SpoofsQuery,
    StaffDays,
    StaffDaysQuery,
    StatsQuery,
    UnitDays,
    UnitDaysQuery,
)
from chamcong.services import attendance, events, overview

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


@routes.route("/v1/attendance/overview", "GET", summary="Today at a glance: every unit in reach, counted by status",
              auth="user", permission="attendance:read", query=OverviewQuery, response=Overview)
def attendance_overview(ctx: RequestContext) -> dict[str, Any]:
    return overview.overview(ctx.container, ctx.access, ctx.query.date)


@routes.route("/v1/attendance/spoofs", "GET", summary="A day's captures refused as a photo or a screen, with frames",
              auth="user", permission="attendance:read", query=SpoofsQuery, response=SpoofList,
              errors=("unit_not_found",))
def attendance_spoofs(ctx: RequestContext) -> dict[str, Any]:
    return overview.spoofs(ctx.container, ctx.access, ctx.query.date, ctx.query.unit_id)


@routes.route("/v1/attendance/stats", "GET", summary="A month for the charts: rates, lateness by weekday, arrivals",
              auth="user", permission="attendance:read", query=StatsQuery, response=MonthStats,
              errors=("unit_not_found",))
def attendance_stats(ctx: RequestContext) -> dict[str, Any]:
    return overview.stats(ctx.container, ctx.access, ctx.query.month, ctx.query.unit_id)
