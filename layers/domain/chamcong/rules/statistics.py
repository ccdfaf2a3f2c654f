"""What the Today and Charts pages count, from days already judged by `rules.attendance`. Pure: days in, numbers out.

The choices, where the source documents are silent:

- **Staff** of a day: everyone employed that day (a person whose `employed_from` is later is not counted).
- **Expected** at work: a working day, employed, not on a full-day leave, trip or work from home, and already
  judged (a `pending` day, before the check-in window closed, is neither expected nor missing yet).
- **Present**: expected and checked in — on time, late, left early, or checked in without a check-out.
  A correction counts as what it says (corrected to on time is present, corrected to absent is not).
- **Rate**: present / expected, None when nobody was expected (a weekend, a holiday, an empty unit).
- **Late**: the rules found the check-in late and no correction said otherwise; its minutes count only then.
- **Arrivals**: the first check-in of each present day, in 15-minute buckets across the check-in windows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from chamcong.rules.attendance import DayStatus, DaySummary
from chamcong.rules.windows import Window

PRESENT = frozenset({DayStatus.ON_TIME, DayStatus.LATE, DayStatus.LEFT_EARLY, DayStatus.MISSING_CHECK_OUT})
NOT_EXPECTED = frozenset({DayStatus.NOT_EMPLOYED, DayStatus.HOLIDAY, DayStatus.WEEKEND, DayStatus.ON_LEAVE,
                          DayStatus.BUSINESS_TRIP, DayStatus.WORK_FROM_HOME, DayStatus.PENDING})
BUCKET_MINUTES = 15


@dataclass(frozen=True)
class Tally:
    """One unit's day (or several units' days added up)."""

    staff: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {status.value: 0 for status in DayStatus})
    late_minutes: int = 0
    expected: int = 0
    present: int = 0
    late: int = 0  # people late by the rules, whatever status comes first (a missing check-out, say)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.staff + other.staff, {k: v + other.counts[k] for k, v in self.counts.items()},
                     self.late_minutes + other.late_minutes, self.expected + other.expected,
                     self.present + other.present, self.late + other.late)


@dataclass(frozen=True)
class Bucket:
    start: time
    end: time
    count: int


@dataclass(frozen=True)
class WeekdayLateness:
    weekday: int  # 0 = Monday … 6 = Sunday
    late_days: int
    late_minutes: int


def is_late(summary: DaySummary) -> bool:
    """Late by the rules, and not corrected to something else."""
    return DayStatus.LATE in summary.flags and (summary.correction is None or summary.status == DayStatus.LATE)


def late_minutes(summary: DaySummary) -> int:
    return summary.late_minutes if is_late(summary) else 0


def is_expected(summary: DaySummary) -> bool:
    return summary.status not in NOT_EXPECTED


def is_present(summary: DaySummary) -> bool:
    return summary.status in PRESENT


def tally(summaries: Iterable[DaySummary]) -> Tally:
    """Counts per status (every status named, zero or not), staff employed, late minutes, expected and present."""
    counts = Counter[str]()
    staff = minutes = expected = present = late = 0
    for summary in summaries:
        late += is_late(summary)
        counts[summary.status.value] += 1
        staff += summary.status != DayStatus.NOT_EMPLOYED
        minutes += late_minutes(summary)
        expected += is_expected(summary)
        present += is_expected(summary) and is_present(summary)
    return Tally(staff, {status.value: counts[status.value] for status in DayStatus}, minutes, expected, present,
                 late)


def rate(present: int, expected: int) -> float | None:
    """The share of expected people who came, 0..1 (4 decimals); None when nobody was expected."""
    return round(present / expected, 4) if expected else None


def lateness_by_weekday(summaries: Iterable[DaySummary]) -> list[WeekdayLateness]:
    """Late days and their minutes per weekday, Monday (0) to Sunday (6), every weekday listed."""
    days, minutes = Counter[int](), Counter[int]()
    for summary in summaries:
        if is_late(summary):
            days[summary.day.weekday()] += 1
            minutes[summary.day.weekday()] += summary.late_minutes
    return [WeekdayLateness(weekday, days[weekday], minutes[weekday]) for weekday in range(7)]


def arrivals(summaries: Iterable[DaySummary], windows: Iterable[Window],
             minutes: int = BUCKET_MINUTES) -> list[Bucket]:
    """First check-ins of present days, counted in buckets from the earliest window's start to the latest end.

    The buckets start on a multiple of `minutes` (05:30, 05:45 …); a check-in outside every window (none is
    recorded so, but a unit's window may differ from another's) falls in the nearest bucket at either end.
    No window: no buckets.
    """
    spans = list(windows)
    if not spans:
        return []
    first = _floor(min(w.start for w in spans), minutes)
    last = max(w.end for w in spans)
    starts: list[time] = []
    moment = first
    while moment < last:
        starts.append(moment)
        following = _shift(moment, minutes)
        if following <= moment:  # past midnight: the last bucket ends the day
            break
        moment = following
    counts = [0] * len(starts)
    for summary in summaries:
        if summary.check_in is None or not (is_expected(summary) and is_present(summary)):
            continue
        at = summary.check_in.at.time().replace(tzinfo=None)
        index = (_minute_of_day(at) - _minute_of_day(first)) // minutes
        counts[min(max(index, 0), len(starts) - 1)] += 1
    return [Bucket(start, _bucket_end(start, minutes, last), count)
            for start, count in zip(starts, counts, strict=True)]


def days_until(first: date, last: date, today: date) -> list[date]:
    """The days of [first, last] up to and including today (none if the period has not begun)."""
    end = min(last, today)
    return [first + timedelta(days=n) for n in range((end - first).days + 1)] if end >= first else []


def _minute_of_day(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _floor(moment: time, minutes: int) -> time:
    total = _minute_of_day(moment) // minutes * minutes
    return time(total // 60, total % 60)


def _bucket_end(start: time, minutes: int, last: time) -> time:
    following = _shift(start, minutes)
    return last if following <= start else min(following, last)


def _shift(moment: time, minutes: int) -> time:
    return (datetime.combine(date.min, moment) + timedelta(minutes=minutes)).time()
