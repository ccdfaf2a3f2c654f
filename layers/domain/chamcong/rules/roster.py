"""The work-from-home roster: how many of a unit may stay home on a day, and what wins over the roster.

Pure: numbers and dates in, decisions out. The choices, where the documents leave room:

- **The cap** (document 004: "không quá 50%" — no more than half of a unit's staff at home): the allowed number
  is floor(cap × employed), `employed` being the unit's staff employed that day. "At most half" never rounds
  up: a unit of 3 may have 1 person at home, a unit of 1 nobody. The arithmetic is exact (fractions), so half
  of 4 is 2, never 1.999… → 1. The cap is per unit (default 50%).
- **An exception** approved by oversight for a unit and a period replaces the cap on the days it covers: a
  share (`max_share`, floored the same way) or a number of people (`max_people`, never more than are
  employed). When several exceptions cover a day, the most generous one applies.
- **Who counts**: everyone named on the day's roster counts against the cap, including someone on leave that
  day (the leave may be cancelled; the roster is what the leader decided).
- **Days off**: a roster naming anyone on a weekend or holiday of the unit's calendar is refused (nobody is
  expected that day, so it would mean nothing); an empty one (clearing the day) is always accepted.
- **Leave or a business trip wins**: a full-day leave or trip the same day decides the day (on leave, on a
  trip); the roster keeps the name and shows the conflict. A half-day leave does not: the person is working
  from home for the rest of the day, and the camera is not expected at all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from chamcong.rules.attendance import Absence, AbsenceKind, DayPart
from chamcong.rules.calendar import DayKind, WorkCalendar

DEFAULT_CAP = Fraction(1, 2)
# Absences that win over the roster when they cover the whole day.
WINNING_KINDS = frozenset({AbsenceKind.LEAVE, AbsenceKind.BUSINESS_TRIP})


def share(value: float | int | str | Fraction) -> Fraction:
    """A share written as a decimal (0.5, "0.35") as an exact fraction: 0.1 is 1/10, not 0.1000000000000000055."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def allowed_at_home(employed: int, cap: float | Fraction = DEFAULT_CAP) -> int:
    """How many of `employed` people may work from home under a cap (a share 0…1): floor(cap × employed)."""
    if employed < 0:
        raise ValueError("employed must not be negative")
    fraction = share(cap)
    if not 0 <= fraction <= 1:
        raise ValueError("a cap is a share between 0 and 1")
    return math.floor(fraction * employed)


@dataclass(frozen=True)
class RosterException:
    """A cap approved by oversight for a unit over [first_day, last_day]: a share or a number of people."""

    first_day: date
    last_day: date
    max_share: Fraction | None = None
    max_people: int | None = None
    exception_id: str = ""

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("an exception must not end before it starts")
        if (self.max_share is None) == (self.max_people is None):
            raise ValueError("an exception gives either a share or a number of people")
        if self.max_share is not None and not 0 <= self.max_share <= 1:
            raise ValueError("a share is between 0 and 1")
        if self.max_people is not None and self.max_people < 0:
            raise ValueError("a number of people is not negative")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def allowed(self, employed: int) -> int:
        if self.max_people is not None:
            return min(self.max_people, employed)
        return allowed_at_home(employed, self.max_share or 0)


@dataclass(frozen=True)
class Allowance:
    """How many may stay home on a day, and why: the unit's cap or the exception in force."""

    employed: int
    allowed: int
    cap: Fraction
    exception: RosterException | None = None

    def admits(self, at_home: int) -> bool:
        return at_home <= self.allowed


def allowance(day: date, employed: int, cap: float | Fraction = DEFAULT_CAP,
              exceptions: Iterable[RosterException] = ()) -> Allowance:
    """The allowance on `day`: the most generous exception covering it, otherwise the unit's cap."""
    fraction = share(cap)
    covering = [one for one in exceptions if one.covers(day)]
    if covering:
        best = max(covering, key=lambda one: (one.allowed(employed), one.exception_id))
        return Allowance(employed, best.allowed(employed), fraction, best)
    return Allowance(employed, allowed_at_home(employed, fraction), fraction)


def employed_on(day: date, employed_from: date | None) -> bool:
    """A person counts (and may be rostered) from their first day; None: employed before the system started."""
    return employed_from is None or employed_from <= day


def conflict(day: date, absences: Iterable[Absence]) -> Absence | None:
    """The full-day leave or business trip that wins over the roster on `day`, if any."""
    return next((one for one in absences
                 if one.covers(day) and one.part == DayPart.FULL and one.kind in WINNING_KINDS), None)


def working_day(calendar: WorkCalendar, day: date) -> bool:
    """A day people are expected at work (as the day rules decide it): not a holiday, weekend or unscheduled."""
    return calendar.kind_of(day) == DayKind.WORKING and calendar.schedule_on(day) is not None
