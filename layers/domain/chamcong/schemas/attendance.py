"""Recorded events with their evidence, and working days derived from them."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

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
    snapshot_url: str | None = Field(description="Short-lived link; None once the evidence was erased with the person")
    snapshot_url_expires_at: str
    clip_url: str | None = Field(default=None, description="The passage's clip (WebM), a short-lived link (expires "
                                                           "with the snapshot's); None when no clip was uploaded")
    clip_sha256: str | None = Field(default=None, description="The clip's sha256, as the device signed it")
    clock_offset_seconds: float | None = Field(
        default=None, description="The lobby device's clock was wrong by this many seconds; captured_at is corrected")


class EventList(View):
    staff_id: str
    date: str
    events: list[Event]
    nearest_evidence: list[UnmatchedPassage] = Field(
        default_factory=list, description="No check-in that day: the passages of that morning at the lobbies of the "
                                          "person's site that matched nobody (kept a short time; may be visitors)")


class Evidence(View):
    event: EventName
    captured_at_local: str
    device_id: str
    capture_id: str
    snapshot_url: str | None = Field(description="Short-lived link; None once the evidence was erased with the person")
    snapshot_url_expires_at: str
    clip_url: str | None = Field(default=None, description="The passage's clip, a short-lived link")


class UnmatchedPassage(View):
    device_id: str
    device_name: str
    capture_id: str
    captured_at_local: str
    snapshot_url: str = Field(description="The passage's best crop, a short-lived link")
    clip_url: str | None = Field(description="Its clip, if the device uploaded one")
    url_expires_at: str


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
    nearest_evidence: list[UnmatchedPassage] | None = Field(
        default=None, description="An absent or missing-check-in day (within the unmatched retention): the passages "
                                  "of that morning at the lobbies of the person's site that matched nobody (staff "
                                  "views only; may be visitors)")
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


# --- the Today page and the Charts page ----------------------------------------------------------------

class OverviewQuery(Query):
    date: Day | None = Field(default=None, description="A local day; default today (Asia/Ho_Chi_Minh)")


class SpoofsQuery(Query):
    date: Day | None = Field(default=None, description="A local day; default today")
    unit_id: Id | None = Field(default=None, description="One unit; default every unit the caller may read")


class StatsQuery(Query):
    month: Month | None = Field(default=None, description="YYYY-MM; default this month")
    unit_id: Id | None = Field(default=None, description="One unit; default every unit the caller may read")


class StatusCounts(View):
    """How many people have each status (every status is named, zero or not)."""

    on_time: int
    late: int
    left_early: int
    missing_check_in: int
    missing_check_out: int
    absent: int
    on_leave: int
    business_trip: int
    work_from_home: int
    holiday: int
    weekend: int
    not_employed: int
    pending: int


class UnitOverview(View):
    unit_id: str
    name: str
    parent_id: str | None
    staff: int = Field(description="People of the unit employed that day")
    counts: StatusCounts
    late: int = Field(description="People late by the rules, whichever status comes first (a late arrival without a "
                                  "check-out counts as missing_check_out in counts, and here)")
    late_minutes: int = Field(description="Minutes late, added up over the unit's late people")
    spoofs: int = Field(description="Captures refused as a photo or a screen at the unit's devices that day")


class OverviewTotals(View):
    staff: int
    counts: StatusCounts
    late: int = Field(description="People late by the rules, whichever status comes first (a late arrival without a "
                                  "check-out counts as missing_check_out in counts, and here)")
    late_minutes: int
    spoofs: int


class Overview(View):
    date: str
    in_check_in_window: bool = Field(description="Now is inside that day's check-in window of the site calendar "
                                                 "(refresh every minute while true); false for other days")
    totals: OverviewTotals
    units: list[UnitOverview] = Field(description="Every unit the caller may read, in Vietnamese name order")


class SpoofAttempt(View):
    attempt_key: str
    captured_at_local: str
    unit_id: str
    device_id: str
    device_name: str
    frames: int
    liveness: float
    resembles_staff_id: str | None = Field(description="Whose face was shown, if the caller may see that person")
    resembles_name: str | None
    similarity: float | None
    snapshot_urls: list[str] = Field(description="The passage's frames: short-lived links")
    clip_url: str | None = Field(default=None, description="The passage's clip (WebM), a short-lived link; None "
                                                           "when the device sent none")
    snapshot_url_expires_at: str


class SpoofList(View):
    date: str
    attempts: list[SpoofAttempt] = Field(description="Newest first")


class DayRate(View):
    date: str
    expected: int = Field(description="People expected at work: a working day, employed, not away, already judged")
    present: int = Field(description="Of those, checked in (on time or late)")
    rate: float | None = Field(description="present / expected, 0..1; null when nobody was expected")


class UnitMonth(View):
    unit_id: str
    name: str
    days: list[DayRate] = Field(description="Every day of the month up to today")
    rate: float | None


class WeekdayLateness(View):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    late_days: int
    late_minutes: int


class ArrivalBucket(View):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from", description="HH:MM, included")
    to: str = Field(description="HH:MM, excluded")
    count: int


class MonthStats(View):
    month: str
    units: list[UnitMonth] = Field(description="Units with staff, in Vietnamese name order")
    lateness_by_weekday: list[WeekdayLateness]
    arrivals: list[ArrivalBucket] = Field(description="First check-ins of present days, 15-minute buckets across "
                                                       "the check-in window")
