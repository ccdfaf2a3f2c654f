"""A person's working day by table: GIVEN events, absences and the calendar, WHEN summarised, THEN this day."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.attendance import (
    Absence,
    AbsenceKind,
    Attendance,
    Correction,
    DayPart,
    DayStatus,
    summarise_day,
)
from chamcong.rules.calendar import DayKind, Holiday, Schedule, WorkCalendar, holidays_from, shipped_holidays
from chamcong.rules.windows import EventType, Window

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = date(2026, 11, 20)
SATURDAY = date(2026, 11, 21)
WINTER = Schedule(valid_from=date(2026, 10, 1), valid_to=date(2027, 3, 31), work_start=time(7, 30),
                  work_end=time(17, 0), late_grace_minutes=5, early_grace_minutes=0)
SUMMER = Schedule(valid_from=date(2026, 4, 1), valid_to=date(2026, 9, 30), work_start=time(7, 0),
                  work_end=time(17, 0), check_in=Window.parse("05:30-08:00"), check_out=Window.parse("16:30-18:00"))
CALENDAR = WorkCalendar(HCM, (SUMMER, WINTER), holidays={date(2026, 9, 2): "Quốc khánh"},
                        makeup_days={date(2026, 11, 28): "Làm bù"})
AFTER_THE_DAY = datetime(2026, 11, 20, 23, 0, tzinfo=HCM)


def seen(day: date, hhmmss: str, event: EventType) -> Attendance:
    return Attendance(event, datetime.combine(day, time.fromisoformat(hhmmss), tzinfo=HCM), "cam-1",
                      f"{event}-{hhmmss}")


def check_in(hhmmss: str, day: date = FRIDAY) -> Attendance:
    return seen(day, hhmmss, EventType.CHECK_IN)


def check_out(hhmmss: str, day: date = FRIDAY) -> Attendance:
    return seen(day, hhmmss, EventType.CHECK_OUT)


@pytest.mark.parametrize(
    ("events", "status", "late", "early", "flags"),
    [
        # on time, to the second, with a 5-minute grace after 07:30
        ([check_in("07:29:00"), check_out("17:05:00")], DayStatus.ON_TIME, 0, 0, ()),
        ([check_in("07:35:00"), check_out("17:00:00")], DayStatus.ON_TIME, 0, 0, ()),
        ([check_in("07:35:01"), check_out("17:00:00")], DayStatus.LATE, 6, 0, (DayStatus.LATE,)),
        ([check_in("07:59:59"), check_out("17:30:00")], DayStatus.LATE, 30, 0, (DayStatus.LATE,)),
        # leaving early, no grace: 16:59:59 is one minute early
        ([check_in("07:10:00"), check_out("16:59:59")], DayStatus.LEFT_EARLY, 0, 1, (DayStatus.LEFT_EARLY,)),
        ([check_in("07:10:00"), check_out("16:30:00")], DayStatus.LEFT_EARLY, 0, 30, (DayStatus.LEFT_EARLY,)),
        # late and early on the same day: the status is the more serious, both are kept
        ([check_in("07:45:00"), check_out("16:45:00")], DayStatus.LATE, 15, 15,
         (DayStatus.LATE, DayStatus.LEFT_EARLY)),
        # the first check-in and the last check-out count
        ([check_in("07:50:00"), check_in("07:20:00"), check_out("16:40:00"), check_out("17:10:00")],
         DayStatus.ON_TIME, 0, 0, ()),
        # missing one side, or both
        ([check_out("17:10:00")], DayStatus.MISSING_CHECK_IN, 0, 0, (DayStatus.MISSING_CHECK_IN,)),
        ([check_in("07:10:00")], DayStatus.MISSING_CHECK_OUT, 0, 0, (DayStatus.MISSING_CHECK_OUT,)),
        ([check_in("07:40:00")], DayStatus.MISSING_CHECK_OUT, 10, 0, (DayStatus.MISSING_CHECK_OUT, DayStatus.LATE)),
        ([], DayStatus.ABSENT, 0, 0, (DayStatus.ABSENT,)),
        # an event of another day does not count for this one
        ([check_in("07:10:00", SATURDAY), check_out("17:10:00")], DayStatus.MISSING_CHECK_IN, 0, 0,
         (DayStatus.MISSING_CHECK_IN,)),
    ],
)
def test_a_working_day_once_both_windows_closed(events: list[Attendance], status: DayStatus, late: int, early: int,
                                                flags: tuple[DayStatus, ...]) -> None:
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=events, now=AFTER_THE_DAY)
    assert (day.status, day.late_minutes, day.early_minutes, day.flags) == (status, late, early, flags)


def test_late_and_early_carry_the_event_that_decided_them() -> None:
    late = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_in("07:40:00"), check_out("17:20:00")],
                         now=AFTER_THE_DAY)
    assert late.evidence is not None and late.evidence.capture_id == "check_in-07:40:00"
    early = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_in("07:00:00"), check_out("16:40:00")],
                          now=AFTER_THE_DAY)
    assert early.evidence is not None and early.evidence.capture_id == "check_out-16:40:00"
    on_time = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_in("07:00:00"), check_out("17:20:00")],
                            now=AFTER_THE_DAY)
    assert on_time.evidence is None


@pytest.mark.parametrize(
    ("now", "events", "status"),
    [
        # before the check-in window closes nothing is judged yet
        ("06:00:00", [], DayStatus.PENDING),
        ("07:59:59", [], DayStatus.PENDING),
        ("08:00:00", [], DayStatus.MISSING_CHECK_IN),  # the 08:15 report: missing, not yet absent
        ("08:15:00", [check_in("07:20:00")], DayStatus.ON_TIME),  # no check-out yet is not "missing"
        ("08:15:00", [check_in("07:50:00")], DayStatus.LATE),
        ("17:59:59", [check_in("07:20:00")], DayStatus.ON_TIME),
        ("18:00:00", [check_in("07:20:00")], DayStatus.MISSING_CHECK_OUT),
        ("18:15:00", [], DayStatus.ABSENT),
    ],
)
def test_a_window_is_judged_only_once_it_has_closed(now: str, events: list[Attendance], status: DayStatus) -> None:
    moment = datetime.combine(FRIDAY, time.fromisoformat(now), tzinfo=HCM)
    assert summarise_day(FRIDAY, calendar=CALENDAR, events=events, now=moment).status == status


def test_a_day_in_the_future_is_pending() -> None:
    assert summarise_day(date(2026, 11, 23), calendar=CALENDAR, events=[], now=AFTER_THE_DAY).status \
        == DayStatus.PENDING


@pytest.mark.parametrize(
    ("day", "events", "status", "kind"),
    [
        (SATURDAY, [], DayStatus.WEEKEND, DayKind.WEEKEND),
        (SATURDAY, [check_in("07:00:00", SATURDAY)], DayStatus.WEEKEND, DayKind.WEEKEND),  # came in anyway
        (date(2026, 9, 2), [], DayStatus.HOLIDAY, DayKind.HOLIDAY),  # a Wednesday
        (date(2026, 11, 28), [], DayStatus.ABSENT, DayKind.WORKING),  # a Saturday worked to make up
        (date(2026, 11, 28), [check_in("07:10:00", date(2026, 11, 28)), check_out("17:05:00", date(2026, 11, 28))],
         DayStatus.ON_TIME, DayKind.WORKING),
    ],
)
def test_weekends_holidays_and_make_up_days(day: date, events: list[Attendance], status: DayStatus,
                                            kind: DayKind) -> None:
    summary = summarise_day(day, calendar=CALENDAR, events=events,
                            now=datetime(2026, 12, 31, 23, 0, tzinfo=HCM))
    assert (summary.status, CALENDAR.kind_of(day)) == (status, kind)
    if status == DayStatus.HOLIDAY:
        assert summary.holiday == "Quốc khánh"


def test_summer_and_winter_hours() -> None:
    # 07:10 is late in summer (work starts 07:00, no grace) and on time in winter (07:30)
    summer_day = date(2026, 6, 5)
    summer = summarise_day(summer_day, calendar=CALENDAR, now=datetime(2026, 6, 5, 23, 0, tzinfo=HCM),
                           events=[check_in("07:10:00", summer_day), check_out("17:00:00", summer_day)])
    assert (summer.status, summer.late_minutes) == (DayStatus.LATE, 10)
    winter = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_in("07:10:00"), check_out("17:00:00")],
                           now=AFTER_THE_DAY)
    assert winter.status == DayStatus.ON_TIME
    # outside every schedule (before summer starts) there are no working hours: not a working day
    assert CALENDAR.kind_of(date(2026, 3, 2)) == DayKind.WEEKEND


LEAVE = Absence(AbsenceKind.LEAVE, FRIDAY, FRIDAY)
TRIP = Absence(AbsenceKind.BUSINESS_TRIP, date(2026, 11, 18), date(2026, 11, 21))
HOME = Absence(AbsenceKind.WORK_FROM_HOME, FRIDAY, FRIDAY)
MORNING = Absence(AbsenceKind.LEAVE, FRIDAY, FRIDAY, DayPart.MORNING)
AFTERNOON = Absence(AbsenceKind.LEAVE, FRIDAY, FRIDAY, DayPart.AFTERNOON)


@pytest.mark.parametrize(
    ("absence", "events", "now", "status", "late", "early"),
    [
        # a whole-day absence overrides the camera, whatever it saw
        (LEAVE, [], AFTER_THE_DAY, DayStatus.ON_LEAVE, 0, 0),
        (LEAVE, [check_in("07:50:00")], AFTER_THE_DAY, DayStatus.ON_LEAVE, 0, 0),
        (TRIP, [], AFTER_THE_DAY, DayStatus.BUSINESS_TRIP, 0, 0),
        (HOME, [], AFTER_THE_DAY, DayStatus.WORK_FROM_HOME, 0, 0),
        # morning off: no check-in expected, so no lateness; the afternoon still counts
        (MORNING, [check_in("07:50:00"), check_out("17:10:00")], AFTER_THE_DAY, DayStatus.ON_TIME, 0, 0),
        (MORNING, [check_out("16:40:00")], AFTER_THE_DAY, DayStatus.LEFT_EARLY, 0, 20),
        (MORNING, [], AFTER_THE_DAY, DayStatus.MISSING_CHECK_OUT, 0, 0),
        (MORNING, [], datetime(2026, 11, 20, 9, 0, tzinfo=HCM), DayStatus.ON_LEAVE, 0, 0),
        # afternoon off: no check-out expected
        (AFTERNOON, [check_in("07:20:00")], AFTER_THE_DAY, DayStatus.ON_TIME, 0, 0),
        (AFTERNOON, [check_in("07:40:00")], AFTER_THE_DAY, DayStatus.LATE, 10, 0),
        (AFTERNOON, [], AFTER_THE_DAY, DayStatus.MISSING_CHECK_IN, 0, 0),
    ],
)
def test_absences_whole_and_half_days(absence: Absence, events: list[Attendance], now: datetime, status: DayStatus,
                                      late: int, early: int) -> None:
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=events, now=now, absences=[absence])
    assert (day.status, day.late_minutes, day.early_minutes) == (status, late, early)
    assert day.absence == absence


def test_an_absence_of_other_days_changes_nothing() -> None:
    other = Absence(AbsenceKind.LEAVE, date(2026, 11, 23), date(2026, 11, 24))
    assert summarise_day(FRIDAY, calendar=CALENDAR, events=[], now=AFTER_THE_DAY, absences=[other]).status \
        == DayStatus.ABSENT


def test_not_yet_employed_comes_first() -> None:
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=[], now=AFTER_THE_DAY, employed_from=date(2026, 11, 23))
    assert day.status == DayStatus.NOT_EMPLOYED
    first = summarise_day(FRIDAY, calendar=CALENDAR, events=[], now=AFTER_THE_DAY, employed_from=FRIDAY)
    assert first.status == DayStatus.ABSENT


def test_a_correction_overrides_the_day_and_keeps_what_the_rules_said() -> None:
    fix = Correction(DayStatus.ON_TIME, "Camera hỏng sáng 20/11", "truong-phong", AFTER_THE_DAY)
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=[check_out("17:10:00")], now=AFTER_THE_DAY,
                        correction=fix)
    assert (day.status, day.status_before_correction, day.correction) == (
        DayStatus.ON_TIME, DayStatus.MISSING_CHECK_IN, fix)
    assert day.check_out is not None  # the evidence stays


def test_the_same_inputs_give_the_same_day_whatever_their_order() -> None:
    events = [check_out("17:10:00"), check_in("07:45:00"), check_in("07:31:00"), check_out("16:50:00")]
    once = summarise_day(FRIDAY, calendar=CALENDAR, events=events, now=AFTER_THE_DAY)
    again = summarise_day(FRIDAY, calendar=CALENDAR, events=list(reversed(events)), now=AFTER_THE_DAY)
    assert once == again and once.status == DayStatus.ON_TIME


def test_events_sent_in_utc_count_on_the_local_day() -> None:
    utc_check_in = Attendance(EventType.CHECK_IN, datetime(2026, 11, 19, 23, 59, tzinfo=ZoneInfo("UTC")), "c", "x")
    day = summarise_day(FRIDAY, calendar=CALENDAR, events=[utc_check_in, check_out("17:10:00")], now=AFTER_THE_DAY)
    assert day.status == DayStatus.ON_TIME  # 06:59 in Hà Nội


@pytest.mark.parametrize(
    "broken",
    [
        lambda: Schedule(valid_from=FRIDAY, valid_to=date(2026, 11, 1)),
        lambda: Schedule(valid_from=FRIDAY, work_start=time(8, 0)),  # outside 05:30–08:00
        lambda: Schedule(valid_from=FRIDAY, work_end=time(16, 30)),  # must lie after the window opens
        lambda: Schedule(valid_from=FRIDAY, late_grace_minutes=-1),
        lambda: Schedule(valid_from=FRIDAY, weekdays=frozenset()),
        lambda: Schedule(valid_from=FRIDAY, check_in=Window.parse("05:30-17:00")),
        lambda: WorkCalendar(HCM, (Schedule(valid_from=date(2026, 1, 1)), Schedule(valid_from=date(2026, 6, 1)))),
        lambda: WorkCalendar(HCM, (WINTER,), holidays={FRIDAY: "a"}, makeup_days={FRIDAY: "b"}),
    ],
)
def test_calendars_that_cannot_be_right_are_refused(broken: object) -> None:
    with pytest.raises(ValueError):
        broken()  # type: ignore[operator]


def test_the_shipped_2026_holidays() -> None:
    days = shipped_holidays(2026)
    off, worked = holidays_from(days)
    assert date(2026, 1, 1) in off and date(2026, 2, 17) in off and date(2026, 9, 2) in off
    assert all(day.year == 2026 for day in off) and worked == {}
    assert all(name.strip() for name in off.values())
    assert shipped_holidays(1999) == []
    assert holidays_from([Holiday(SATURDAY, "Làm bù", working=True)]) == ({}, {SATURDAY: "Làm bù"})


def test_every_status_has_a_vietnamese_and_an_english_name() -> None:
    from chamcong.messages import DAY_STATUS_LABELS, day_status_label

    assert set(DAY_STATUS_LABELS) == {status.value for status in DayStatus}
    assert day_status_label("late") == "Đi muộn" and day_status_label("late", "en") == "Late"
