"""Tasks from the e-office system: one record judged on its own, the periods, lateness and the counts, by table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chamcong.messages import CATALOGUE
from chamcong.rules.tasks import TaskFacts, content_hash, count_tasks, is_late, period_bounds
from chamcong.schemas.tasks import TaskRecord
from chamcong.services.tasks import Rejected, judge_record

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"external_id": "VB-2026-001", "assignee": "CB001", "title": "Soạn báo cáo tuần",
                              "assigned_at": "2026-11-20T08:00:00+07:00", "status": "assigned"}
    for name, value in changes.items():
        if value is ...:
            record.pop(name, None)
        else:
            record[name] = value
    return record


# --- one record -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "code", "field_or_reason"), [
    # fields of the wrong shape: task_invalid, naming the field
    (42, "task_invalid", "(record)"),
    (_record(title=...), "task_invalid", "title"),
    (_record(title=""), "task_invalid", "title"),
    (_record(title="Dòng một\u0000"), "task_invalid", "title"),
    (_record(external_id="#hidden"), "task_invalid", "external_id"),
    (_record(assignee="CB 001"), "task_invalid", "assignee"),
    (_record(assigned_at="2026-11-20T08:00:00"), "task_invalid", "assigned_at"),  # no offset: ambiguous
    (_record(assigned_at="20/11/2026"), "task_invalid", "assigned_at"),
    (_record(assigned_at=1763600000), "task_invalid", "assigned_at"),
    (_record(status="finished"), "task_invalid", "status"),
    (_record(weight=0), "task_invalid", "weight"),
    (_record(weight="2"), "task_invalid", "weight"),
    (_record(weight=True), "task_invalid", "weight"),
    (_record(late_objective_cause="yes"), "task_invalid", "late_objective_cause"),
    (_record(quality={"meets_requirements": 1}), "task_invalid", "quality.meets_requirements"),
    (_record(quality={"meets_requirements": True, "major_errors": -1}), "task_invalid", "quality.major_errors"),
    (_record(priority="high"), "task_invalid", "priority"),  # a field the contract does not have
    # impossible dates and statuses
    (_record(status="done", completed_at="2026-11-20T07:59:59+07:00"), "task_dates_impossible",
     "completed_at is before assigned_at"),
    (_record(due_at="2026-11-19T17:00:00+07:00"), "task_dates_impossible", "due_at is before assigned_at"),
    (_record(assigned_at="2026-11-22T08:00:00+07:00"), "task_dates_impossible", "assigned_at is in the future"),
    (_record(status="done"), "task_status_inconsistent", "status done needs completed_at"),
    (_record(status="in_progress", completed_at="2026-11-20T09:00:00+07:00"), "task_status_inconsistent",
     "status in_progress cannot have completed_at"),
])
def test_a_record_that_cannot_be_stored_is_rejected_with_its_code(raw: Any, code: str, field_or_reason: str) -> None:
    # WHEN one record is judged on its own
    verdict = judge_record(raw, NOW)
    # THEN it is rejected with the code (a catalogue code) and what is wrong
    assert isinstance(verdict, Rejected)
    assert verdict.code == code and code in CATALOGUE
    assert verdict.params is not None
    said = verdict.params.get("field") or verdict.params["reason"][1]
    assert said == field_or_reason


def test_a_rejection_names_the_external_id_only_when_it_is_well_formed() -> None:
    assert judge_record(_record(title=...), NOW) == Rejected("VB-2026-001", "task_invalid", {"field": "title"})
    assert judge_record(_record(external_id="<script>", title=...), NOW).external_id is None  # type: ignore[union-attr]


@pytest.mark.parametrize("raw", [
    _record(),
    _record(status="in_progress", document_number="123/UBND-VP", due_at="2026-11-25T17:00:00+07:00"),
    _record(status="done", completed_at="2026-11-20T08:00:00+07:00"),  # done the minute it was assigned
    _record(status="cancelled"),
    _record(assigned_at="2026-11-21T09:00:00+07:00"),  # the e-office clock a little ahead: tolerated
    _record(assigned_at="2026-11-20T01:00:00Z", weight=2.5,
            quality={"meets_requirements": True, "major_errors": 0, "objective_cause": False},
            late_objective_cause=False, updated_at="2026-11-20T01:05:00Z"),
    _record(assignee="cb001"),  # codes are compared without case
])
def test_a_sound_record_is_accepted(raw: dict[str, Any]) -> None:
    verdict = judge_record(raw, NOW)
    assert isinstance(verdict, TaskRecord), verdict
    assert verdict.external_id == "VB-2026-001"


def test_the_weight_defaults_to_one_unit_of_work() -> None:
    verdict = judge_record(_record(), NOW)
    assert isinstance(verdict, TaskRecord) and verdict.weight == 1


# --- periods, lateness, counts ----------------------------------------------------------------------------

@pytest.mark.parametrize(("period", "day", "first", "last"), [
    ("day", date(2026, 11, 20), date(2026, 11, 20), date(2026, 11, 20)),
    ("month", date(2026, 11, 20), date(2026, 11, 1), date(2026, 11, 30)),
    ("month", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ("month", date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
    ("quarter", date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
    ("quarter", date(2026, 6, 30), date(2026, 4, 1), date(2026, 6, 30)),
    ("quarter", date(2026, 8, 15), date(2026, 7, 1), date(2026, 9, 30)),
    ("quarter", date(2026, 11, 20), date(2026, 10, 1), date(2026, 12, 31)),
])
def test_a_period_is_the_day_the_calendar_month_or_the_quarter(period: str, day: date, first: date,
                                                                 last: date) -> None:
    assert period_bounds(period, day) == (first, last)


DUE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "due_at", "completed_at", "now", "late"), [
    ("done", DUE, DUE - timedelta(minutes=1), DUE + timedelta(days=3), False),
    ("done", DUE, DUE, DUE + timedelta(days=3), False),  # on the deadline is on time
    ("done", DUE, DUE + timedelta(minutes=1), DUE + timedelta(days=3), True),
    ("assigned", DUE, None, DUE, False),
    ("assigned", DUE, None, DUE + timedelta(seconds=1), True),
    ("in_progress", DUE, None, DUE + timedelta(days=1), True),
    ("cancelled", DUE, None, DUE + timedelta(days=1), False),
    ("assigned", None, None, DUE + timedelta(days=100), False),  # no deadline, never late
])
def test_lateness(status: str, due_at: datetime | None, completed_at: datetime | None, now: datetime,
                  late: bool) -> None:
    assert is_late(status, due_at, completed_at, now) is late


def test_the_counts_a_report_uses() -> None:
    # GIVEN one person's tasks of a period, read the day after the deadline
    now = DUE + timedelta(days=1)
    tasks = [
        TaskFacts("done", 1, DUE, DUE - timedelta(hours=1)),  # done on time
        TaskFacts("done", 2, DUE, DUE + timedelta(hours=1)),  # done late
        TaskFacts("done", 1.5, DUE, DUE + timedelta(hours=1), late_objective_cause=True),  # late, excused
        TaskFacts("in_progress", 1, DUE),  # open and past its deadline
        TaskFacts("assigned", 0.5),  # open, no deadline
        TaskFacts("cancelled", 3, DUE),  # counts nowhere but in cancelled
    ]
    # THEN
    assert count_tasks(tasks, now) == {"assigned": 5, "done": 3, "open": 2, "late": 2, "late_objective_cause": 1,
                                       "cancelled": 1, "weight_assigned": 6.0, "weight_done": 4.5}
    assert count_tasks([], now)["assigned"] == 0


def test_the_same_content_has_the_same_hash_whatever_the_order_of_its_fields() -> None:
    assert content_hash({"a": 1, "b": "Việc"}) == content_hash({"b": "Việc", "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})
