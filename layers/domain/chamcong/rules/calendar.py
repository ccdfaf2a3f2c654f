"""The work calendar: which days are working days, and the hours that apply on each.

A calendar belongs to a site or a unit. It holds schedules valid over date ranges (summer and winter
hours exist), public holidays (days off on a weekday) and make-up working days (a weekend day worked in
exchange for a bridge holiday). Pure: dates in, decisions out; storage and editing live elsewhere.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from importlib import resources
from zoneinfo import ZoneInfo

from chamcong.rules.windows import Window

MONDAY_TO_FRIDAY = frozenset(range(5))  # date.weekday(): Monday is 0


class DayKind(StrEnum):
    WORKING = "working"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class Schedule:
    """Working hours from `valid_from` to `valid_to` (both inclusive; None: until further notice).

    Late means arriving after `work_start` plus `late_grace_minutes`; early means leaving before `work_end`
    minus `early_grace_minutes`. The official hours lie inside the windows in which the camera counts.
    """

    valid_from: date
    valid_to: date | None = None
    check_in: Window = field(default_factory=lambda: Window.parse("05:30-08:00"))
    check_out: Window = field(default_factory=lambda: Window.parse("16:30-18:00"))
    work_start: time = time(7, 30)
    work_end: time = time(17, 0)
    late_grace_minutes: int = 0
    early_grace_minutes: int = 0
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY

    def __post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("a schedule must not end before it starts")
        if not self.check_in.end <= self.check_out.start:
            raise ValueError("the check-in window must end before the check-out window starts")
        if not self.check_in.start <= self.work_start < self.check_in.end:
            raise ValueError("work must start inside the check-in window")
        if not self.check_out.start < self.work_end <= self.check_out.end:
            raise ValueError("work must end inside the check-out window")
        if not (0 <= self.late_grace_minutes <= 120 and 0 <= self.early_grace_minutes <= 120):
            raise ValueError("grace minutes must be between 0 and 120")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("working weekdays are numbers 0 (Monday) to 6 (Sunday), at least one")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class WorkCalendar:
    timezone: ZoneInfo
    schedules: tuple[Schedule, ...]
    holidays: Mapping[date, str] = field(default_factory=dict)      # days off, with their names
    makeup_days: Mapping[date, str] = field(default_factory=dict)   # weekend days that are worked

    def __post_init__(self) -> None:
        ordered = sorted(self.schedules, key=lambda s: s.valid_from)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise ValueError(f"schedules overlap: the one from {earlier.valid_from} and the one from "
                                 f"{later.valid_from}")
        object.__setattr__(self, "schedules", tuple(ordered))
        both = set(self.holidays) & set(self.makeup_days)
        if both:
            raise ValueError(f"{min(both)} cannot be both a holiday and a make-up working day")

    def schedule_on(self, day: date) -> Schedule | None:
        return next((s for s in self.schedules if s.covers(day)), None)

    def kind_of(self, day: date) -> DayKind:
        """A holiday is off even on a working weekday; a make-up day is worked even on a weekend."""
        if day in self.holidays:
            return DayKind.HOLIDAY
        if day in self.makeup_days:
            return DayKind.WORKING
        schedule = self.schedule_on(day)
        if schedule is None or day.weekday() not in schedule.weekdays:
            return DayKind.WEEKEND
        return DayKind.WORKING

    def at(self, day: date, moment: time) -> datetime:
        """A local wall-clock time on a day, as an aware datetime (Asia/Ho_Chi_Minh has no DST)."""
        return datetime.combine(day, moment, tzinfo=self.timezone)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    working: bool = False  # True: a make-up working day


def holidays_from(entries: Iterable[Holiday]) -> tuple[dict[date, str], dict[date, str]]:
    """Split a list of calendar entries into (days off, make-up working days)."""
    off = {h.day: h.name for h in entries if not h.working}
    worked = {h.day: h.name for h in entries if h.working}
    return off, worked


def shipped_holidays(year: int) -> list[Holiday]:
    """The public holidays shipped with the product for a year (editable per site through the API)."""
    name = f"holidays_vn_{year}.json"
    folder = resources.files("chamcong.rules") / "data"
    if not (folder / name).is_file():
        return []
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    return [Holiday(date.fromisoformat(row["date"]), row["name"], bool(row.get("working", False)))
            for row in data["days"]]
