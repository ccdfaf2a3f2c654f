"""The 16:00 and 17:00 work-from-home reports: which tasks count for a person at home, and the tallies.

Pure: tasks, a day and times in, counts out (tested by table in tests/unit/test_wfh_report_rules.py).

- **Who is at home on day D**: on the unit's roster for D *and* judged "work_from_home" by the day rules (a
  full-day leave or business trip wins, so that person is not at home). The service decides that; this module
  counts their tasks.
- **Which tasks count** for a person at home on D: every task of theirs that is not cancelled and was
  (a) assigned on D (the local date of `assigned_at`), or
  (b) assigned before D, not completed before D (no `completed_at` before D's local start), and due on D
  (the local date of `due_at`).
- **Processed on the e-office system**: status done with `completed_at` at or before the report's cut-off.
  The cut-off is 16:00 of D for the units report and 17:00 for the province report; a run before the cut-off
  uses the run time, a run after it the cut-off, so a past day's report is the same whenever it is made again.
  **Not processed**: every other counted task.
- **Ratios**: count / counted tasks, shown as a percentage with one decimal ("66,7%"); none ("—") when nothing
  counted. Tasks are counted (Appendix 2: "số lượng"), not weighted (`weight` is for issue 14).
- **Processed nothing** (document 002: discipline): at home, at least one counted task, none processed.
- **Best performers** (commendation): at home, at least one counted task, every one processed; ordered by the
  number processed (most first), then by name (Vietnamese order); the first `BEST_LIMIT`, ties at the cut kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

WfhKind = Literal["units", "province"]
CUTOFFS: dict[str, time] = {"units": time(16, 0), "province": time(17, 0)}
BEST_LIMIT = 10
T = TypeVar("T")


@dataclass(frozen=True)
class TaskTimes:
    status: str
    assigned_at: datetime
    due_at: datetime | None = None
    completed_at: datetime | None = None


def cutoff(day: date, kind: WfhKind, now: datetime, zone: ZoneInfo) -> datetime:
    """The moment the report judges "processed" at: the kind's hour of `day`, or `now` if that is earlier."""
    hour = datetime.combine(day, CUTOFFS[kind], tzinfo=zone)
    return min(hour, now)


def counts_on(task: TaskTimes, day: date, zone: ZoneInfo) -> bool:
    """Whether the task counts for its assignee at home on `day` (the rule (a) or (b) above)."""
    if task.status == "cancelled":
        return False
    assigned = task.assigned_at.astimezone(zone).date()
    if assigned == day:
        return True
    if assigned > day or task.due_at is None or task.due_at.astimezone(zone).date() != day:
        return False
    return task.completed_at is None or task.completed_at.astimezone(zone).date() >= day


def processed(task: TaskTimes, at: datetime) -> bool:
    return task.status == "done" and task.completed_at is not None and task.completed_at <= at


@dataclass(frozen=True)
class Tally:
    """One person's (or a unit's, or everyone's) counted tasks and how many were processed by the cut-off."""

    counted: int = 0
    processed: int = 0

    @property
    def not_processed(self) -> int:
        return self.counted - self.processed

    def share(self, part: int) -> float | None:
        """part / counted (0…1), None when nothing counted."""
        return part / self.counted if self.counted else None

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.counted + other.counted, self.processed + other.processed)


def tally(tasks: Iterable[TaskTimes], day: date, at: datetime, zone: ZoneInfo) -> Tally:
    counted = [task for task in tasks if counts_on(task, day, zone)]
    return Tally(len(counted), sum(1 for task in counted if processed(task, at)))


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for one in tallies:
        result = result + one
    return result


def percent(value: float | None) -> str:
    """A ratio as the reports write it: "66,7%" (one decimal, Vietnamese comma); "—" for none."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%".replace(".", ",")


def processed_nothing(tally_of: Tally) -> bool:
    return tally_of.counted > 0 and tally_of.processed == 0


def best_performers(people: Sequence[tuple[T, str, Tally]], sort_key: Callable[[str], object],
                       limit: int = BEST_LIMIT) -> list[tuple[T, str, Tally]]:
    """(who, name, tally) of those who processed every counted task (≥ 1): most processed first, then by name;
    the first `limit`, and everyone tied with the last of them."""
    eligible = [one for one in people if one[2].counted > 0 and one[2].processed == one[2].counted]
    eligible.sort(key=lambda one: (-one[2].processed, sort_key(one[1])))
    if len(eligible) <= limit:
        return eligible
    last = eligible[limit - 1][2].processed
    return [one for index, one in enumerate(eligible) if index < limit or one[2].processed == last]
