"""Tasks from the e-office system: what a record may say, which period a task falls in, and the counts.

Pure: records and times in, decisions out (tested by table in tests/unit/test_task_rules.py).

Which tasks belong to a period: those whose `assigned_at`, in the site's local time, falls on a day of the
period (a day; a calendar month; a quarter Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec). The counts over them:
- assigned: every task but the cancelled ones; done: status done; open: assigned or in_progress;
- late: done with completed_at after due_at, or open with due_at already past at the time of reading —
  unless `late_objective_cause` is true, then it counts as late_objective_cause instead;
- weight_assigned / weight_done: the same, in units of work (`weight`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

# An e-office clock a little ahead of ours is tolerated; a task assigned or completed further ahead is impossible.
FUTURE_TOLERANCE = timedelta(days=1)
# Earlier versions kept on a task (the newest first dropped last); enough for any real task's life.
MAX_HISTORY = 100

OPEN = frozenset({"assigned", "in_progress"})


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The first and last local day of the period that contains `day`."""
    if period == "day":
        return day, day
    if period == "month":
        first = day.replace(day=1)
        months = 1
    elif period == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    else:
        raise ValueError(f"unknown period {period!r}")
    following = first.month - 1 + months
    after = date(first.year + following // 12, following % 12 + 1, 1)
    return first, after - timedelta(days=1)


@dataclass(frozen=True)
class Refusal:
    code: str
    reason_vi: str = ""
    reason_en: str = ""


def check_record(status: str, assigned_at: datetime, due_at: datetime | None, completed_at: datetime | None,
                 now: datetime) -> Refusal | None:
    """What is impossible in a record whose fields each have the right shape; None when it can be stored."""
    if assigned_at > now + FUTURE_TOLERANCE:
        return Refusal("task_dates_impossible", "assigned_at ở tương lai", "assigned_at is in the future")
    if due_at is not None and due_at < assigned_at:
        return Refusal("task_dates_impossible", "due_at trước assigned_at", "due_at is before assigned_at")
    if completed_at is not None:
        if completed_at < assigned_at:
            return Refusal("task_dates_impossible", "completed_at trước assigned_at",
                           "completed_at is before assigned_at")
        if completed_at > now + FUTURE_TOLERANCE:
            return Refusal("task_dates_impossible", "completed_at ở tương lai", "completed_at is in the future")
    if status == "done" and completed_at is None:
        return Refusal("task_status_inconsistent", "trạng thái done cần completed_at",
                       "status done needs completed_at")
    if status in OPEN and completed_at is not None:
        return Refusal("task_status_inconsistent", f"trạng thái {status} không có completed_at",
                       f"status {status} cannot have completed_at")
    return None


def is_late(status: str, due_at: datetime | None, completed_at: datetime | None, now: datetime) -> bool:
    """Done after its deadline, or still open past it. A cancelled task or one without a deadline is never late."""
    if due_at is None:
        return False
    if status == "done":
        return completed_at is not None and completed_at > due_at
    return status in OPEN and now > due_at


@dataclass(frozen=True)
class TaskFacts:
    status: str
    weight: float
    due_at: datetime | None = None
    completed_at: datetime | None = None
    late_objective_cause: bool | None = None


def count_tasks(tasks: Iterable[TaskFacts], now: datetime) -> dict[str, Any]:
    counts: dict[str, Any] = {"assigned": 0, "done": 0, "open": 0, "late": 0, "late_objective_cause": 0,
                              "cancelled": 0, "weight_assigned": 0.0, "weight_done": 0.0}
    for task in tasks:
        if task.status == "cancelled":
            counts["cancelled"] += 1
            continue
        counts["assigned"] += 1
        counts["weight_assigned"] += task.weight
        if task.status == "done":
            counts["done"] += 1
            counts["weight_done"] += task.weight
        else:
            counts["open"] += 1
        if is_late(task.status, task.due_at, task.completed_at, now):
            counts["late_objective_cause" if task.late_objective_cause else "late"] += 1
    counts["weight_assigned"] = round(counts["weight_assigned"], 3)
    counts["weight_done"] = round(counts["weight_done"], 3)
    return counts


def content_hash(content: dict[str, Any]) -> str:
    """The same record sent again has the same hash whatever the key order, spacing or offset of its times."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                          .encode()).hexdigest()
