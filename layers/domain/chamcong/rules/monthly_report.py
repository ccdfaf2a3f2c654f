"""The monthly evaluation report (Decree 335/2025): from a unit's stored evaluations to its rows and counts.

Pure: the evaluation items as stored (`EvaluationModel`'s fields, `Item`), the unit's members, the step deadlines
and today in; rows, counts and who is behind out (tested by table in tests/unit/test_monthly_report_rules.py).

- **Rows**, one per person evaluated (Vietnamese name order is the caller's): the general criteria (/30), the task
  result (/70) with its quantity, quality and timeliness, the unit component of a leader, the total, the grade by
  the score, the final grade after the cap and whether the cap demoted them.
- **Counts per grade** twice: by the score (`by_score`) and final (`final`: the grade after the cap where the head
  has approved, else the grade by the score — `cap_pending` says how many are still undecided).
- **Who has not finished which step**: draft → self-assessment (the person), self-assessed → review (the
  reviewers), reviewed → approval (the head), locked → done; a member with no evaluation at all → compute (the
  reviewers). Each with the step's deadline (the last day of the month + the rule set's days) and whether it is
  overdue (today after the deadline).
- **A month split between units** (a transfer, issue 14 item 7): a person is evaluated in the unit they were in at
  the month's end (`split_month`); there their row notes the other unit(s) and days; the unit they left lists them
  apart ("moved out": their days there and where they are evaluated), outside its counts, so the district counts
  everyone once.
- **The district**: every unit's counts and the totals (`assemble`).
- **Reminders** (`reminders`): the steps due within `REMIND_WITHIN` days or overdue, on a day the caller judges a
  working day. **The first working day** of a month (`first_working_day`): the day the previous month is reported.
"""

from __future__ import annotations

import calendar as _calendar
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

GRADES = ("excellent", "good", "completed", "not_completed")
GRADE_LABELS = {"excellent": "Hoàn thành xuất sắc nhiệm vụ", "good": "Hoàn thành tốt nhiệm vụ",
                "completed": "Hoàn thành nhiệm vụ", "not_completed": "Không hoàn thành nhiệm vụ"}
STATES = ("draft", "self_assessed", "reviewed", "locked")
STATE_LABELS = {"draft": "Bản nháp", "self_assessed": "Đã tự đánh giá", "reviewed": "Đã nhận xét, đánh giá",
                "locked": "Đã phê duyệt", "none": "Chưa tính điểm"}
# The step a state waits for, and who takes it.
STEPS = ("compute", "self_assess", "review", "approve")
STEP_OF_STATE = {"none": "compute", "draft": "self_assess", "self_assessed": "review", "reviewed": "approve"}
STEP_LABELS = {"compute": "Tính điểm (bản nháp)", "self_assess": "Tự đánh giá", "review": "Nhận xét, đánh giá",
               "approve": "Phê duyệt"}
STEP_ACTORS = {"compute": "reviewers", "self_assess": "person", "review": "reviewers", "approve": "heads"}
ACTOR_LABELS = {"person": "Cán bộ tự đánh giá", "reviewers": "Lãnh đạo trực tiếp", "heads": "Thủ trưởng đơn vị"}
# The rule set's default (Decree 335's set: `deadlines_days_after_month_end`); compute is due with self-assessment.
DEFAULT_DEADLINES: Mapping[str, int] = {"self_assess": 3, "review": 5, "approve": 7}
REMIND_WITHIN = 1  # days before a deadline a reminder goes out (and every working day once it is overdue)


@dataclass(frozen=True)
class Item:
    """One stored evaluation, as the report reads it (the fields of `EvaluationModel`)."""

    staff_id: str
    full_name: str
    state: str
    total: str = "0.00"
    grade: str = "not_completed"
    final_grade: str | None = None
    duty_group: str = "chung"
    is_leader: bool = False
    computed: Mapping[str, Any] = field(default_factory=dict)
    cap: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Row:
    staff_id: str
    full_name: str
    duty_group: str
    is_leader: bool
    state: str
    general: Decimal | None       # /30
    quantity: Decimal | None      # 0..1
    quality: Decimal | None       # 0..1
    timeliness: Decimal | None    # 0..1
    task_points: Decimal | None   # /70 (a leader's: own and unit parts combined)
    unit_points: Decimal | None   # a leader's unit component (the unit's mean task points, after the 50% factor)
    total: Decimal
    grade: str
    final_grade: str | None       # None until the head approves
    demoted: bool                 # the cap moved them from excellent to good
    disqualified_by: tuple[str, ...]


@dataclass(frozen=True)
class Pending:
    staff_id: str
    full_name: str
    state: str            # "none" when nothing was computed
    step: str             # compute | self_assess | review | approve
    actor: str            # person | reviewers | heads
    deadline: date
    overdue: bool


@dataclass(frozen=True)
class Counts:
    people: int
    by_score: Mapping[str, int]
    final: Mapping[str, int]
    cap_pending: int       # evaluated but not approved: their final grade is their grade by the score for now
    demoted: int
    not_finished: int      # members with a step still to take
    overdue: int

    def as_dict(self) -> dict[str, Any]:
        return {"people": self.people, "by_score": dict(self.by_score), "final": dict(self.final),
                "cap_pending": self.cap_pending, "demoted": self.demoted, "not_finished": self.not_finished,
                "overdue": self.overdue}


Stay = tuple[str, date, date]  # (unit id, first day, last day) of a month spent in a unit, both days included


@dataclass(frozen=True)
class Person:
    """Someone who belonged to some unit during the month, with their stays in date order."""

    staff_id: str
    full_name: str
    stays: tuple[Stay, ...]


@dataclass(frozen=True)
class MovedOut:
    """Someone who spent part of the month in a unit but is evaluated in the unit they were in at its end."""

    staff_id: str
    full_name: str
    first: date
    last: date
    evaluated_in: str                # the unit id at the month's end
    evaluated_in_name: str = ""
    total: Decimal | None = None     # their evaluation there, if computed
    grade: str | None = None
    final_grade: str | None = None


@dataclass(frozen=True)
class Split:
    members: Mapping[str, list[tuple[str, str]]]  # unit id → (staff id, name) evaluated there (in it at month end)
    moved_out: Mapping[str, list[MovedOut]]       # unit id → those who left it during the month
    elsewhere: Mapping[str, list[Stay]]           # staff id → their stays in other units than the month-end one


def split_month(people: Iterable[Person]) -> Split:
    """Where each person of the month is evaluated (the rule set's `split_month`: the unit at the month's end) and
    what the other units show of them."""
    members: dict[str, list[tuple[str, str]]] = {}
    moved_out: dict[str, list[MovedOut]] = {}
    elsewhere: dict[str, list[Stay]] = {}
    for person in people:
        if not person.stays:
            continue
        final_unit = person.stays[-1][0]
        members.setdefault(final_unit, []).append((person.staff_id, person.full_name))
        for unit_id, first, last in person.stays:
            if unit_id != final_unit:
                moved_out.setdefault(unit_id, []).append(
                    MovedOut(person.staff_id, person.full_name, first, last, final_unit))
                elsewhere.setdefault(person.staff_id, []).append((unit_id, first, last))
    return Split(members, moved_out, elsewhere)


@dataclass(frozen=True)
class UnitReport:
    unit_id: str
    unit_name: str
    month: str
    rows: Sequence[Row]
    pending: Sequence[Pending]
    counts: Counts
    moved_out: Sequence[MovedOut] = ()
    # staff id → the other units (names) and days of a person evaluated here after a move during the month
    moved_in: Mapping[str, Sequence[tuple[str, date, date]]] = field(default_factory=dict)


@dataclass(frozen=True)
class DistrictReport:
    month: str
    units: Sequence[UnitReport]
    counts: Counts   # the totals


def month_end(month: str) -> date:
    """The last day of "YYYY-MM"."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, _calendar.monthrange(year, number)[1])


def previous_month(day: date) -> str:
    first = day.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


def deadline(month: str, step: str, deadlines: Mapping[str, int] = DEFAULT_DEADLINES) -> date:
    """The last day a step may be taken: the month's last day + the rule set's days (compute: with self-assessment)."""
    return month_end(month) + timedelta(days=int(deadlines["self_assess" if step == "compute" else step]))


def first_working_day(month: str, is_working: Callable[[date], bool]) -> date | None:
    """The month's first day the calendar says is worked (a make-up Saturday counts; a holiday does not)."""
    year, number = (int(part) for part in month.split("-"))
    for day in range(1, _calendar.monthrange(year, number)[1] + 1):
        if is_working(date(year, number, day)):
            return date(year, number, day)
    return None


def is_first_working_day(day: date, is_working: Callable[[date], bool]) -> bool:
    return first_working_day(f"{day:%Y-%m}", is_working) == day


def decimal(value: Any) -> Decimal | None:
    """A stored number ("87.50", 87.5) as a Decimal; None when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _general(computed: Mapping[str, Any]) -> Decimal | None:
    if "general_points" in computed:
        return decimal(computed["general_points"])
    criteria = computed.get("general")
    if isinstance(criteria, Mapping):
        if "points" in criteria:
            return decimal(criteria["points"])
        criteria = criteria.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        return None
    values = [decimal(c.get("points")) for c in criteria if isinstance(c, Mapping)]
    return sum((v for v in values if v is not None), Decimal(0))


def _part(container: Any, *keys: str) -> Decimal | None:
    if not isinstance(container, Mapping):
        return None
    for key in keys:
        if key in container:
            return decimal(container[key])
    return None


def _share(tasks: Any, name: str) -> Decimal | None:
    """A task criterion's share (0..1): `{name}_percent` / 100 as `Evaluation.to_json()` stores it."""
    percent = _part(tasks, f"{name}_percent")
    return percent / 100 if percent is not None else _part(tasks, name)


def row_of(item: Item) -> Row:
    computed = item.computed or {}
    tasks = computed.get("tasks") or {}
    unit = computed.get("unit")  # `Evaluation.to_json()`: general {points, criteria}, tasks {…_percent, points}
    disqualified = computed.get("disqualified_by") or ()
    return Row(item.staff_id, item.full_name, item.duty_group, item.is_leader, item.state, _general(computed),
               _share(tasks, "quantity"), _share(tasks, "quality"), _share(tasks, "timeliness"),
               _part(tasks, "points"), _part(unit, "points", "unit_points", "mean_task_points") if unit else None,
               decimal(item.total) or Decimal(0), item.grade, item.final_grade,
               bool(item.cap and item.cap.get("demoted")), tuple(str(code) for code in disqualified))


def pending_of(item: Item | None, staff_id: str, full_name: str, month: str, today: date,
               deadlines: Mapping[str, int] = DEFAULT_DEADLINES) -> Pending | None:
    """The step a person's evaluation waits for (None when locked)."""
    state = item.state if item is not None else "none"
    step = STEP_OF_STATE.get(state)
    if step is None:
        return None
    due = deadline(month, step, deadlines)
    return Pending(staff_id, full_name, state, step, STEP_ACTORS[step], due, today > due)


def count(rows: Sequence[Row], pending: Sequence[Pending]) -> Counts:
    by_score = Counter({grade: 0 for grade in GRADES})
    final = Counter({grade: 0 for grade in GRADES})
    for row in rows:
        by_score[row.grade] += 1
        final[row.final_grade or row.grade] += 1
    return Counts(len(rows), dict(by_score), dict(final), sum(row.final_grade is None for row in rows),
                  sum(row.demoted for row in rows), len(pending), sum(p.overdue for p in pending))


def unit_report(unit_id: str, unit_name: str, month: str, items: Iterable[Item],
                members: Iterable[tuple[str, str]], today: date,
                deadlines: Mapping[str, int] = DEFAULT_DEADLINES, moved_out: Sequence[MovedOut] = (),
                moved_in: Mapping[str, Sequence[tuple[str, date, date]]] | None = None) -> UnitReport:
    """`items`: the unit's stored evaluations of the month (in the order to show); `members`: (staff id, name) of
    the people evaluated in the unit (in it at the month's end), so someone with no evaluation at all shows as
    waiting for the compute step; `moved_out`: who left it during the month (shown apart, not counted);
    `moved_in`: the other units and days of those evaluated here after a move."""
    items = list(items)
    by_id = {item.staff_id: item for item in items}
    rows = [row_of(item) for item in items]
    pending = [p for item in items if (p := pending_of(item, item.staff_id, item.full_name, month, today, deadlines))]
    pending += [p for staff_id, name in members if staff_id not in by_id
                if (p := pending_of(None, staff_id, name, month, today, deadlines))]
    pending.sort(key=lambda p: STEPS.index(p.step))
    return UnitReport(unit_id, unit_name, month, rows, pending, count(rows, pending), tuple(moved_out),
                      dict(moved_in or {}))


def assemble(month: str, units: Sequence[UnitReport]) -> DistrictReport:
    """The district (or province) summary: every unit's report and the totals of their counts."""
    rows = [row for unit in units for row in unit.rows]
    pending = [p for unit in units for p in unit.pending]
    return DistrictReport(month, units, count(rows, pending))


@dataclass(frozen=True)
class Reminder:
    step: str             # self_assess | review | approve
    actor: str            # person | reviewers | heads
    deadline: date
    overdue: bool
    people: tuple[tuple[str, str], ...]  # (staff id, name) waiting for the step


def reminders(report: UnitReport, today: date) -> list[Reminder]:
    """The reminders a unit needs today: per step due within `REMIND_WITHIN` days or overdue, who waits for it.

    The compute step has no reminder (the scheduler computes drafts itself); a self-assessment reminder goes to each
    person, the others to the unit's reviewers or heads (the caller sends them).
    """
    found: dict[str, list[Pending]] = {}
    for pending in report.pending:
        if pending.step == "compute" or (pending.deadline - today).days > REMIND_WITHIN:
            continue
        found.setdefault(pending.step, []).append(pending)
    return [Reminder(step, STEP_ACTORS[step], waiting[0].deadline, waiting[0].overdue,
                     tuple((p.staff_id, p.full_name) for p in waiting))
            for step, waiting in sorted(found.items(), key=lambda pair: STEPS.index(pair[0]))]
