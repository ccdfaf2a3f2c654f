"""Recorded events with their evidence, and working days derived from them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chamcong.rules.attendance import DayStatus
from chamcong.schemas.common import Day, Id, Month, Query, View

EventName = Literal["check_in", "check_out"]


class EventsQuery(Query):
    date: Day | None = Field(default=None, description="A local day; default today")


class UnitDaysQuery(Query):
    unit_id: Id = Field(description="The unit")
    date: Day | None = Field(default=None, description="A local day; default today")


class StaffDaysQuery(Query):
    month: Month | None = Field(default=None, description="YYYY-MM; default this month")


class Event(View):
    event: EventName
    captured_at: str
    captured_at_local: str
    device_id: str
    capture_id: str
    similarity: float
    snapshot_url: str
    snapshot_url_expires_at: str


class EventList(View):
    staff_id: str
    date: str
    events: list[Event]


class Evidence(View):
    event: EventName
    captured_at_local: str
    device_id: str
    capture_id: str
    snapshot_url: str
    snapshot_url_expires_at: str


class WorkingDay(View):
    staff_id: str
    full_name: str
    date: str
    status: DayStatus
    flags: list[DayStatus] = Field(description="Everything that applies, the most serious first (status is the "
                                                "first)")
    check_in: str | None = Field(description="Local time of the first check-in, HH:MM:SS")
    check_out: str | None = Field(description="Local time of the last check-out, HH:MM:SS")
    late_minutes: int
    early_minutes: int
    holiday: str | None
    evidence: Evidence | None = Field(description="The event that made the day late or early, with its snapshot")
    absence_id: str | None = Field(default=None, description="The leave, trip or work from home that applies")
    correction_id: str | None = Field(default=None, description="The correction that set the status, if any")
    status_before_correction: DayStatus | None = Field(default=None, description="What the rules said before it")


class UnitDays(View):
    unit_id: str
    date: str
    days: list[WorkingDay]


class StaffDays(View):
    staff_id: str
    month: str
    days: list[WorkingDay]
