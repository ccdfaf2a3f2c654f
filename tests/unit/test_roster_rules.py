"""The work-from-home roster by table: GIVEN a unit's size, its cap and exceptions, THEN how many may stay home;
GIVEN leave, a trip or the roster on a day, THEN what the day is."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.attendance import Absence, AbsenceKind, DayPart, DayStatus, summarise_day
from chamcong.rules.roster import (
    RosterException,
    allowance,
    allowed_at_home,
    conflict,
    employed_on,
    share,
    working_day,
)
from tests.unit.test_attendance_rules import AFTER_THE_DAY, CALENDAR, FRIDAY, SATURDAY, check_in, check_out

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HALF = Fraction(1, 2)


@pytest.mark.parametrize(("employed", "cap", "allowed"), [
    # "at most half": never rounded up
    (0, HALF, 0),
    (1, HALF, 0),
    (2, HALF, 1),
    (3, HALF, 1),
    (4, HALF, 2),
    (5, HALF, 2),
    (7, HALF, 3),
    (9, HALF, 4),
    (10, HALF, 5),
    (101, HALF, 50),
    # a unit's own cap
    (10, Fraction(3, 10), 3),
    (3, Fraction(1, 3), 1),  # exact: a third of 3 is 1, not 0.999…
    (10, 0.7, 7),  # written as a decimal: 0.7 × 10 is exactly 7
    (7, 0.7, 4),
    (5, 0, 0),
    (5, 1, 5),
    (1, 1, 1),
])
def test_how_many_may_stay_home(employed: int, cap: Fraction | float, allowed: int) -> None:
    assert allowed_at_home(employed, cap) == allowed


@pytest.mark.parametrize(("employed", "cap"), [(-1, HALF), (3, Fraction(3, 2)), (3, -0.1)])
def test_impossible_caps_and_sizes_are_refused(employed: int, cap: Fraction | float) -> None:
    with pytest.raises(ValueError):
        allowed_at_home(employed, cap)


def test_a_share_written_as_a_decimal_is_exact() -> None:
    assert share(0.1) == Fraction(1, 10)
    assert share("0.35") == Fraction(7, 20)
    assert share(HALF) is HALF


MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
MORE = RosterException(MONDAY, TUESDAY, max_share=Fraction(3, 4), exception_id="wfx_more")
THREE = RosterException(TUESDAY, TUESDAY, max_people=3, exception_id="wfx_three")
TWENTY = RosterException(WEDNESDAY, WEDNESDAY, max_people=20, exception_id="wfx_twenty")


@pytest.mark.parametrize(("day", "employed", "exceptions", "allowed", "by"), [
    (MONDAY, 4, (), 2, None),  # no exception: the cap
    (MONDAY, 4, (MORE,), 3, "wfx_more"),  # a share: three quarters of 4
    (MONDAY, 5, (MORE,), 3, "wfx_more"),  # floored the same way: 3.75 → 3
    (WEDNESDAY, 4, (MORE,), 2, None),  # outside its period: the cap again
    (TUESDAY, 4, (MORE, THREE), 3, "wfx_three"),  # two cover the day: the more generous (3 = 3, by id)
    (TUESDAY, 8, (MORE, THREE), 6, "wfx_more"),  # 3/4 of 8 = 6 > 3 people
    (WEDNESDAY, 6, (TWENTY,), 6, "wfx_twenty"),  # never more people than are employed
    (MONDAY, 0, (MORE,), 0, "wfx_more"),
])
def test_an_exception_replaces_the_cap_on_the_days_it_covers(day: date, employed: int,
                                                             exceptions: tuple[RosterException, ...], allowed: int,
                                                             by: str | None) -> None:
    decided = allowance(day, employed, HALF, exceptions)
    assert decided.allowed == allowed and decided.employed == employed
    assert (decided.exception.exception_id if decided.exception else None) == by
    assert decided.admits(allowed) and not decided.admits(allowed + 1)


@pytest.mark.parametrize("make", [
    lambda: RosterException(TUESDAY, MONDAY, max_people=1),  # ends before it starts
    lambda: RosterException(MONDAY, MONDAY),  # neither a share nor a number
    lambda: RosterException(MONDAY, MONDAY, max_share=HALF, max_people=1),  # both
    lambda: RosterException(MONDAY, MONDAY, max_share=Fraction(3, 2)),
    lambda: RosterException(MONDAY, MONDAY, max_people=-1),
])
def test_an_impossible_exception_cannot_be_made(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(("employed_from", "day", "counts"), [
    (None, FRIDAY, True), (FRIDAY, FRIDAY, True), (SATURDAY, FRIDAY, False), (date(2026, 1, 1), FRIDAY, True)])
def test_who_is_employed_on_a_day(employed_from: date | None, day: date, counts: bool) -> None:
    assert employed_on(day, employed_from) is counts


LEAVE = Absence(AbsenceKind.LEAVE, FRIDAY, FRIDAY, absence_id="abs_leave")
TRIP = Absence(AbsenceKind.BUSINESS_TRIP, date(2026, 11, 19), date(2026, 11, 21), absence_id="abs_trip")
MORNING_LEAVE = Absence(AbsenceKind.LEAVE, FRIDAY, FRIDAY, DayPart.MORNING, absence_id="abs_morning")
HOME = Absence(AbsenceKind.WORK_FROM_HOME, FRIDAY, FRIDAY, absence_id="abs_home")
NEXT_WEEK = Absence(AbsenceKind.LEAVE, MONDAY, TUESDAY, absence_id="abs_next")


@pytest.mark.parametrize(("absences", "on_roster", "status", "conflicting"), [
    # on the roster, nothing else: working from home, the camera not expected (no check-in is not "absent")
    ((), True, DayStatus.WORK_FROM_HOME, None),
    ((), False, DayStatus.ABSENT, None),
    # leave or a trip the same day wins, and the roster shows the conflict
    ((LEAVE,), True, DayStatus.ON_LEAVE, "abs_leave"),
    ((TRIP,), True, DayStatus.BUSINESS_TRIP, "abs_trip"),
    # leave on other days does not touch this one
    ((NEXT_WEEK,), True, DayStatus.WORK_FROM_HOME, None),
    # a half-day leave does not win: home for the rest of the day, no conflict shown
    ((MORNING_LEAVE,), True, DayStatus.WORK_FROM_HOME, None),
    # work from home entered as an absence and on the roster: the same day, no conflict
    ((HOME,), True, DayStatus.WORK_FROM_HOME, None),
])
def test_leave_or_a_trip_wins_over_the_roster(absences: tuple[Absence, ...], on_roster: bool, status: DayStatus,
                                               conflicting: str | None) -> None:
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=[], now=AFTER_THE_DAY, absences=absences,
                        on_roster=on_roster)
    assert day.status == status
    found = conflict(FRIDAY, absences) if on_roster else None
    assert (found.absence_id if found else None) == conflicting


def test_the_roster_overrides_the_camera_but_keeps_what_it_saw() -> None:
    # GIVEN someone on the roster who came in late anyway WHEN the day is summarised
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_in("07:50:00"), check_out("16:00:00")],
                        now=AFTER_THE_DAY, on_roster=True)
    # THEN the day is work from home, not late or left early, and the events stay visible
    assert day.status == DayStatus.WORK_FROM_HOME and day.flags == () and day.late_minutes == 0
    assert day.check_in is not None and day.check_out is not None


@pytest.mark.parametrize(("day", "status"), [(SATURDAY, DayStatus.WEEKEND), (date(2026, 9, 2), DayStatus.HOLIDAY)])
def test_a_roster_on_a_day_off_changes_nothing(day: date, status: DayStatus) -> None:
    assert summarise_day(day, calendar=CALENDAR, events=[], now=datetime(2026, 12, 1, tzinfo=HCM),
                         on_roster=True).status == status


def test_not_yet_employed_is_not_working_from_home() -> None:
    assert summarise_day(FRIDAY, calendar=CALENDAR, events=[], now=AFTER_THE_DAY, on_roster=True,
                         employed_from=SATURDAY).status == DayStatus.NOT_EMPLOYED


@pytest.mark.parametrize(("day", "working"), [
    (FRIDAY, True),
    (SATURDAY, False),  # a weekend
    (date(2026, 9, 2), False),  # a public holiday, though a Wednesday
    (date(2026, 11, 28), True),  # a make-up Saturday is worked
])
def test_a_roster_is_for_working_days(day: date, working: bool) -> None:
    assert working_day(CALENDAR, day) is working
