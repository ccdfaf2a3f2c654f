"""A person's working day, from the recognised events, their absences and the calendar.

Pure and total: `summarise_day` can be run again at any time (after a late upload, an absence entered
afterwards, a correction) and gives the same answer for the same inputs, so a day is never stored as the
truth — it is derived. Where the source documents are silent, the choices are written here:

- Only the first check-in and the last check-out count; events in between are kept as evidence only.
- Late: the check-in is after `work_start + late_grace_minutes` (to the second). The minutes reported
  are counted from `work_start`, rounded up: 07:35:01 with a 07:30 start is 6 minutes late.
- Left early: the check-out is before `work_end - early_grace_minutes`; minutes are counted to
  `work_end`, rounded up.
- A window that has not closed yet is not judged: at 08:15 a person with no check-out yet is not
  "missing check-out", and a day in the future is `pending`.
- Absent without reason: a working day with neither a check-in nor a check-out once both windows closed.
  With only one of them missing the status names the missing one.
- One status per day, the most serious first: not employed, holiday, weekend, full-day absence, absent,
  missing check-in, missing check-out, late, left early, on time. `flags` lists everything that applies
  (late and left early on the same day, for instance), and `late_minutes`/`early_minutes` stay set.
- A half-day absence excuses that half: morning leave means no check-in is expected (so no lateness),
  afternoon leave means no check-out is expected.
- A full-day absence (leave, business trip, work from home) overrides the camera; the events stay
  visible. A correction overrides everything, and the day keeps what the rules said before it.
- A person on the unit's work-from-home roster that day (`on_roster`, read from the roster itself) is
  working from home: the camera is not expected. A full-day leave or trip the same day wins over the roster
  (see `rules.roster`); a half-day one does not (the person works from home for the rest of the day).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from chamcong.rules.calendar import DayKind, WorkCalendar
from chamcong.rules.windows import EventType


class DayStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    LEFT_EARLY = "left_early"
    MISSING_CHECK_IN = "missing_check_in"
    MISSING_CHECK_OUT = "missing_check_out"
    ABSENT = "absent"
    ON_LEAVE = "on_leave"
    BUSINESS_TRIP = "business_trip"
    WORK_FROM_HOME = "work_from_home"
    HOLIDAY = "holiday"
    WEEKEND = "weekend"
    NOT_EMPLOYED = "not_employed"
    PENDING = "pending"


class AbsenceKind(StrEnum):
    LEAVE = "leave"
    BUSINESS_TRIP = "business_trip"
    WORK_FROM_HOME = "work_from_home"


class DayPart(StrEnum):
    FULL = "full"
    MORNING = "morning"
    AFTERNOON = "afternoon"


ABSENCE_STATUS = {AbsenceKind.LEAVE: DayStatus.ON_LEAVE, AbsenceKind.BUSINESS_TRIP: DayStatus.BUSINESS_TRIP,
                  AbsenceKind.WORK_FROM_HOME: DayStatus.WORK_FROM_HOME}
# The most serious first: the day's status is the first of these that applies.
SEVERITY = (DayStatus.ABSENT, DayStatus.MISSING_CHECK_IN, DayStatus.MISSING_CHECK_OUT, DayStatus.LATE,
            DayStatus.LEFT_EARLY)


@dataclass(frozen=True)
class Attendance:
    """One recognised event: what the camera saw, when (local time), and where its evidence is."""
    event: EventType
    at: datetime
    device_id: str
    capture_id: str


@dataclass(frozen=True)
class Absence:
    kind: AbsenceKind
    first_day: date
    last_day: date
    part: DayPart = DayPart.FULL  # a half day applies to every day of the range
    absence_id: str = ""

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("an absence must not end before it starts")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class Correction:
    status: DayStatus
    reason: str
    author: str
    at: datetime


@dataclass(frozen=True)
class DaySummary:
    day: date
    status: DayStatus
    flags: tuple[DayStatus, ...] = ()
    check_in: Attendance | None = None
    check_out: Attendance | None = None
    late_minutes: int = 0
    early_minutes: int = 0
    absence: Absence | None = None
    holiday: str | None = None
    correction: Correction | None = None
    status_before_correction: DayStatus | None = None

    @property
    def evidence(self) -> Attendance | None:
        """The event that decided the day: the late check-in, the early check-out."""
        if self.late_minutes:
            return self.check_in
        if self.early_minutes:
            return self.check_out
        return None


def summarise_day(day: date, *, calendar: WorkCalendar, events: Iterable[Attendance], now: datetime,
                  absences: Iterable[Absence] = (), employed_from: date | None = None,
                  correction: Correction | None = None, on_roster: bool = False) -> DaySummary:
    summary = _by_the_rules(day, calendar, list(events), now, list(absences), employed_from, on_roster)
    if correction is None:
        return summary
    return replace(summary, status=correction.status, correction=correction, status_before_correction=summary.status)


def _by_the_rules(day: date, calendar: WorkCalendar, events: list[Attendance], now: datetime,
                  absences: list[Absence], employed_from: date | None, on_roster: bool) -> DaySummary:
    today = [e for e in events if e.at.astimezone(calendar.timezone).date() == day]
    ins = sorted((e for e in today if e.event == EventType.CHECK_IN), key=lambda e: e.at)
    outs = sorted((e for e in today if e.event == EventType.CHECK_OUT), key=lambda e: e.at)
    first_in, last_out = (ins[0] if ins else None), (outs[-1] if outs else None)
    seen = DaySummary(day, DayStatus.PENDING, check_in=first_in, check_out=last_out)
    if employed_from is not None and day < employed_from:
        return replace(seen, status=DayStatus.NOT_EMPLOYED)
    kind = calendar.kind_of(day)
    if kind == DayKind.HOLIDAY:
        return replace(seen, status=DayStatus.HOLIDAY, holiday=calendar.holidays[day])
    schedule = calendar.schedule_on(day)
    if kind == DayKind.WEEKEND or schedule is None:
        return replace(seen, status=DayStatus.WEEKEND)
    covering = [a for a in absences if a.covers(day)]
    full = next((a for a in covering if a.part == DayPart.FULL), None)
    if full is not None:
        return replace(seen, status=ABSENCE_STATUS[full.kind], absence=full)
    half = covering[0] if covering else None
    if on_roster:
        return replace(seen, status=DayStatus.WORK_FROM_HOME, absence=half)
    expect_in = half is None or half.part != DayPart.MORNING
    expect_out = half is None or half.part != DayPart.AFTERNOON
    in_closed = now >= calendar.at(day, schedule.check_in.end)
    out_closed = now >= calendar.at(day, schedule.check_out.end)

    flags: set[DayStatus] = set()
    late = early = 0
    if expect_in and first_in is not None:
        start = calendar.at(day, schedule.work_start)
        if first_in.at > start + timedelta(minutes=schedule.late_grace_minutes):
            late = math.ceil((first_in.at - start).total_seconds() / 60)
            flags.add(DayStatus.LATE)
    if expect_out and last_out is not None:
        end = calendar.at(day, schedule.work_end)
        if last_out.at < end - timedelta(minutes=schedule.early_grace_minutes):
            early = math.ceil((end - last_out.at).total_seconds() / 60)
            flags.add(DayStatus.LEFT_EARLY)
    missing_in = expect_in and first_in is None and in_closed
    missing_out = expect_out and last_out is None and out_closed
    if missing_in and missing_out:
        flags.add(DayStatus.ABSENT)
    elif missing_in:
        flags.add(DayStatus.MISSING_CHECK_IN)
    elif missing_out:
        flags.add(DayStatus.MISSING_CHECK_OUT)
    ordered = tuple(s for s in SEVERITY if s in flags)
    judged = replace(seen, flags=ordered, late_minutes=late, early_minutes=early, absence=half)
    if ordered:
        return replace(judged, status=ordered[0])
    if expect_in and first_in is None:
        return judged  # the check-in window is still open: nothing to judge yet
    if not expect_in and last_out is None:
        return replace(judged, status=ABSENCE_STATUS[half.kind] if half else DayStatus.PENDING)  # away this morning
    return replace(judged, status=DayStatus.ON_TIME)
