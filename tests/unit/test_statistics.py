"""What Today and Charts count, by table: GIVEN judged days, WHEN counted, THEN the numbers a leader reads."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.attendance import Attendance, Correction, DayStatus, DaySummary
from chamcong.rules.statistics import arrivals, days_until, lateness_by_weekday, rate, tally
from chamcong.rules.windows import EventType, Window
from chamcong.schemas.attendance import StatusCounts

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY, TUESDAY, FRIDAY = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 20)
S = DayStatus


def day(status: DayStatus, *, on: date = FRIDAY, arrived: str | None = None, late: int = 0,
        flags: tuple[DayStatus, ...] = (), corrected_from: DayStatus | None = None) -> DaySummary:
    check_in = None if arrived is None else Attendance(
        EventType.CHECK_IN, datetime.combine(on, time.fromisoformat(arrived), tzinfo=HCM), "cam", arrived)
    correction = None if corrected_from is None else Correction(status, "Máy hỏng", "truongphong",
                                                                datetime(2026, 11, 21, tzinfo=HCM))
    return DaySummary(on, status, flags=flags, check_in=check_in, late_minutes=late, correction=correction,
                      status_before_correction=corrected_from)


ON_TIME = day(S.ON_TIME, arrived="07:20:00")
LATE_12 = day(S.LATE, arrived="07:42:00", late=12, flags=(S.LATE,))


@pytest.mark.parametrize(
    ("days", "staff", "expected", "present", "late_minutes", "named"),
    [
        ([], 0, 0, 0, 0, {}),
        # the morning: one on time, one late, one not yet in (window open), one on leave
        ([ON_TIME, LATE_12, day(S.PENDING), day(S.ON_LEAVE)], 4, 2, 2, 12,
         {"on_time": 1, "late": 1, "pending": 1, "on_leave": 1}),
        # after the window: the one not seen is missing, expected and not present
        ([ON_TIME, day(S.MISSING_CHECK_IN), day(S.ABSENT)], 3, 3, 1, 0,
         {"on_time": 1, "missing_check_in": 1, "absent": 1}),
        # checked in without a check-out, or leaving early: present
        ([day(S.MISSING_CHECK_OUT, arrived="07:00:00"), day(S.LEFT_EARLY, arrived="07:01:00")], 2, 2, 2, 0,
         {"missing_check_out": 1, "left_early": 1}),
        # not yet employed: not staff, not expected
        ([day(S.NOT_EMPLOYED), ON_TIME], 1, 1, 1, 0, {"not_employed": 1, "on_time": 1}),
        # a weekend, a holiday, a trip, work from home: staff, but nobody expected
        ([day(S.WEEKEND), day(S.HOLIDAY), day(S.BUSINESS_TRIP), day(S.WORK_FROM_HOME)], 4, 0, 0, 0,
         {"weekend": 1, "holiday": 1, "business_trip": 1, "work_from_home": 1}),
        # late and leaving early: status late, present, its minutes counted
        ([day(S.LATE, arrived="07:45:00", late=15, flags=(S.LATE, S.LEFT_EARLY))], 1, 1, 1, 15, {"late": 1}),
        # a late day corrected to on time: present, its minutes no longer count
        ([day(S.ON_TIME, arrived="07:42:00", late=12, flags=(S.LATE,), corrected_from=S.LATE)], 1, 1, 1, 0,
         {"on_time": 1}),
        # an absence corrected to on time (the camera was broken): present
        ([day(S.ON_TIME, corrected_from=S.ABSENT, flags=(S.ABSENT,))], 1, 1, 1, 0, {"on_time": 1}),
        # an on-time day corrected to absent: expected, not present
        ([day(S.ABSENT, arrived="07:10:00", corrected_from=S.ON_TIME)], 1, 1, 0, 0, {"absent": 1}),
    ],
)
def test_a_day_is_counted(days: list[DaySummary], staff: int, expected: int, present: int, late_minutes: int,
                          named: dict[str, int]) -> None:
    counted = tally(days)
    assert (counted.staff, counted.expected, counted.present, counted.late_minutes) == (
        staff, expected, present, late_minutes)
    # every status is named, the ones that do not occur with 0
    assert counted.counts == {status.value: named.get(status.value, 0) for status in DayStatus}


def test_tallies_add_up_and_the_counts_are_the_response_fields() -> None:
    both = tally([ON_TIME]) + tally([LATE_12, day(S.ABSENT)])
    assert (both.staff, both.expected, both.present, both.late_minutes) == (3, 3, 2, 12)
    assert (both.counts["on_time"], both.counts["late"], both.counts["absent"]) == (1, 1, 1)
    assert both.late == 1


def test_late_people_are_counted_by_the_rules_not_by_the_status_that_comes_first() -> None:
    # late and never checked out: the status says the missing check-out, the lateness still counts
    late_no_out = day(S.MISSING_CHECK_OUT, arrived="07:58:00", late=28, flags=(S.MISSING_CHECK_OUT, S.LATE))
    # late, then corrected to on time: not late any more
    forgiven = day(S.ON_TIME, arrived="07:40:00", late=10, flags=(S.LATE,), corrected_from=S.LATE)
    counted = tally([ON_TIME, LATE_12, late_no_out, forgiven])
    assert (counted.late, counted.late_minutes, counted.counts["late"]) == (2, 40, 1)
    assert set(StatusCounts.model_fields) == {status.value for status in DayStatus}


@pytest.mark.parametrize(("present", "expected", "answer"),
                         [(0, 0, None), (0, 5, 0.0), (5, 5, 1.0), (2, 3, 0.6667), (199, 200, 0.995)])
def test_rate(present: int, expected: int, answer: float | None) -> None:
    assert rate(present, expected) == answer


def test_lateness_by_weekday_names_every_weekday_and_ignores_corrected_days() -> None:
    days = [replace(LATE_12, day=MONDAY), day(S.LATE, on=MONDAY, arrived="08:00:00", late=30, flags=(S.LATE,)),
            day(S.LATE, on=TUESDAY, arrived="07:31:00", late=1, flags=(S.LATE,)),
            day(S.ON_TIME, on=TUESDAY, arrived="07:50:00", late=20, flags=(S.LATE,), corrected_from=S.LATE),
            # a late check-in on a day missing its check-out: still a late day
            day(S.MISSING_CHECK_OUT, on=FRIDAY, arrived="07:35:00", late=5, flags=(S.MISSING_CHECK_OUT, S.LATE)),
            replace(ON_TIME, day=FRIDAY)]
    assert [(w.weekday, w.late_days, w.late_minutes) for w in lateness_by_weekday(days)] == [
        (0, 2, 42), (1, 1, 1), (2, 0, 0), (3, 0, 0), (4, 1, 5), (5, 0, 0), (6, 0, 0)]


WINDOW = Window.parse("05:30-08:00")


@pytest.mark.parametrize(
    ("arrived", "windows", "buckets"),
    [
        # 05:30–08:00: ten quarter-hours; 07:29:59 is in 07:15–07:30, 07:30:00 in 07:30–07:45
        (["05:30:00", "07:29:59", "07:30:00", "07:44:59", "07:59:59"], [WINDOW],
         {"05:30": 1, "07:15": 1, "07:30": 2, "07:45": 1}),
        ([], [WINDOW], {}),
        # a window that does not start on a quarter: the buckets still do (06:10 → from 06:00), ends where it ends
        (["06:10:00", "07:50:00"], [Window.parse("06:10-07:55")], {"06:00": 1, "07:45": 1}),
        # two units with different windows: one axis across both
        (["05:40:00", "08:20:00"], [WINDOW, Window.parse("06:00-08:30")], {"05:30": 1, "08:15": 1}),
    ],
)
def test_arrivals_by_quarter_hour(arrived: list[str], windows: list[Window], buckets: dict[str, int]) -> None:
    days = [day(S.ON_TIME, arrived=moment) for moment in arrived]
    answer = arrivals(days, windows)
    assert {f"{b.start:%H:%M}": b.count for b in answer if b.count} == buckets
    # the axis: from the quarter-hour of the earliest start to the latest end, without gaps
    earliest = min(w.start for w in windows)
    assert answer[0].start == time(earliest.hour, earliest.minute // 15 * 15)
    assert answer[-1].end == max(w.end for w in windows)
    assert all(b.end > b.start for b in answer) and all(a.end == b.start for a, b in itertools.pairwise(answer))


def test_arrivals_count_present_days_only_and_every_bucket_is_listed() -> None:
    days = [ON_TIME, LATE_12, day(S.ABSENT, arrived="07:10:00", corrected_from=S.ON_TIME),  # corrected away
            day(S.ON_TIME, corrected_from=S.ABSENT), day(S.BUSINESS_TRIP, arrived="06:00:00")]
    answer = arrivals(days, [WINDOW])
    assert len(answer) == 10
    assert [(f"{b.start:%H:%M}", f"{b.end:%H:%M}", b.count) for b in answer if b.count] == [
        ("07:15", "07:30", 1), ("07:30", "07:45", 1)]
    assert arrivals(days, []) == []


@pytest.mark.parametrize(("today", "count", "last"), [
    (date(2026, 11, 20), 20, date(2026, 11, 20)), (date(2026, 12, 5), 30, date(2026, 11, 30)),
    (date(2026, 10, 31), 0, None), (date(2026, 11, 1), 1, date(2026, 11, 1))])
def test_only_days_up_to_today(today: date, count: int, last: date | None) -> None:
    days = days_until(date(2026, 11, 1), date(2026, 11, 30), today)
    assert len(days) == count and (days[-1] if days else None) == last
