"""The monthly report's rules, by table: rows from stored evaluations, the counts per grade before and after the cap,
who is behind at which step with its deadline, the district totals, the reminders and the first working day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from chamcong.rules.monthly_report import (
    Item,
    Person,
    Stay,
    assemble,
    deadline,
    first_working_day,
    is_first_working_day,
    previous_month,
    reminders,
    row_of,
    split_month,
    unit_report,
)

MONTH = "2026-11"
COMPUTED = {  # as `Evaluation.to_json()` stores it (the parts the report reads)
    "general": {"points": "26.50", "criteria": [{"code": "politics_ethics", "points": "6.00"},
                                                {"code": "discipline", "points": "5.50"}]},
    "tasks": {"quantity_percent": "100.00", "quality_percent": "91.00", "timeliness_percent": "83.00",
              "points": "64.86"},
    "unit": None, "disqualified_by": []}


def item(staff_id: str, state: str = "locked", total: str = "80.00", grade: str = "good",
         final: str | None = None, demoted: bool = False, computed: dict[str, Any] | None = None,
         is_leader: bool = False) -> Item:
    return Item(staff_id, f"Người {staff_id}", state, total, grade, final, is_leader=is_leader,
                computed=COMPUTED if computed is None else computed,
                cap={"demoted": True, "reason": "cap"} if demoted else None)


def test_a_row_carries_every_part_of_the_score_from_the_stored_evaluation() -> None:
    # GIVEN a stored evaluation of a leader whose unit component counts
    leader = item("L", total="89.99", grade="good", is_leader=True,
                  computed={**COMPUTED, "unit": {"points": "60.00", "factor": "1"}, "disqualified_by": ["x"]})
    # WHEN the report reads it
    row = row_of(leader)
    # THEN the general criteria add up, the task parts and the unit component are read, the total is exact (never 90)
    assert row.general == Decimal("26.50")
    assert (row.quantity, row.quality, row.timeliness, row.task_points) == (
        Decimal("1.00"), Decimal("0.91"), Decimal("0.83"), Decimal("64.86"))
    assert row.unit_points == Decimal("60.00")
    assert row.total == Decimal("89.99") and row.grade == "good"
    assert row.disqualified_by == ("x",)
    # AND a draft with nothing computed yet shows blanks, not zeros
    empty = row_of(item("D", state="draft", computed={}))
    assert (empty.general, empty.task_points, empty.unit_points) == (None, None, None)


@pytest.mark.parametrize(("items", "by_score", "final", "cap_pending", "demoted"), [
    # nobody evaluated
    ([], (0, 0, 0, 0), (0, 0, 0, 0), 0, 0),
    # approved, the cap demoted one of two excellent
    ([item("A", total="95.00", grade="excellent", final="excellent"),
      item("B", total="92.00", grade="excellent", final="good", demoted=True),
      item("C", total="80.00", grade="good", final="good"),
      item("D", total="40.00", grade="not_completed", final="not_completed")],
     (2, 1, 0, 1), (1, 2, 0, 1), 0, 1),
    # not approved yet: the final count is the score's, and says how many are undecided
    ([item("A", state="reviewed", total="95.00", grade="excellent"), item("B", state="draft", total="55.00",
                                                                          grade="completed")],
     (1, 0, 1, 0), (1, 0, 1, 0), 2, 0),
])
def test_counts_per_grade_by_the_score_and_after_the_cap(items: list[Item], by_score: tuple[int, ...],
                                                          final: tuple[int, ...], cap_pending: int,
                                                          demoted: int) -> None:
    report = unit_report("u1", "Phòng Nội vụ", MONTH, items, [], date(2026, 12, 1))
    grades = ("excellent", "good", "completed", "not_completed")
    assert tuple(report.counts.by_score[g] for g in grades) == by_score
    assert tuple(report.counts.final[g] for g in grades) == final
    assert report.counts.cap_pending == cap_pending
    assert report.counts.demoted == demoted
    assert report.counts.people == len(items)


@pytest.mark.parametrize(("state", "today", "step", "actor", "due", "overdue"), [
    ("none", date(2026, 12, 1), "compute", "reviewers", date(2026, 12, 3), False),
    ("draft", date(2026, 12, 3), "self_assess", "person", date(2026, 12, 3), False),
    ("draft", date(2026, 12, 4), "self_assess", "person", date(2026, 12, 3), True),
    ("self_assessed", date(2026, 12, 5), "review", "reviewers", date(2026, 12, 5), False),
    ("self_assessed", date(2026, 12, 6), "review", "reviewers", date(2026, 12, 5), True),
    ("reviewed", date(2026, 12, 8), "approve", "heads", date(2026, 12, 7), True),
    ("locked", date(2026, 12, 30), None, None, None, None),
])
def test_who_has_not_finished_which_step_with_its_deadline(state: str, today: date, step: str | None,
                                                            actor: str | None, due: date | None,
                                                            overdue: bool | None) -> None:
    # GIVEN one member at a state (none: never computed) WHEN the report is made on `today`
    items = [] if state == "none" else [item("A", state=state)]
    report = unit_report("u1", "Phòng Nội vụ", MONTH, items, [("A", "Người A")], today)
    # THEN they wait for the step after their state, by its deadline (month end + 3 / 5 / 7 days)
    if step is None:
        assert report.pending == [] and report.counts.not_finished == 0
        return
    [pending] = report.pending
    assert (pending.step, pending.actor, pending.deadline, pending.overdue) == (step, actor, due, overdue)
    assert report.counts.overdue == int(bool(overdue))


def test_deadlines_follow_the_rule_set_s_days() -> None:
    assert deadline("2026-02", "review", {"self_assess": 2, "review": 4, "approve": 6}) == date(2026, 3, 4)
    assert deadline("2026-12", "approve") == date(2027, 1, 7)


def test_the_district_adds_up_its_units() -> None:
    today = date(2026, 12, 10)
    first = unit_report("u1", "Phòng Nội vụ", MONTH, [item("A", total="95.00", grade="excellent", final="excellent"),
                                                       item("B", state="draft")], [], today)
    second = unit_report("u2", "Phòng Y tế", MONTH, [item("C", total="30.00", grade="not_completed",
                                                          final="not_completed")], [("D", "Người D")], today)
    district = assemble(MONTH, [first, second])
    assert district.counts.people == 3
    assert district.counts.by_score == {"excellent": 1, "good": 1, "completed": 0, "not_completed": 1}
    assert district.counts.not_finished == 2 and district.counts.overdue == 2
    assert [unit.unit_id for unit in district.units] == ["u1", "u2"]


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 1), []),                                        # every deadline more than a day away
    (date(2026, 12, 2), [("self_assess", False, ("A",))]),          # self-assessment due tomorrow
    (date(2026, 12, 4), [("self_assess", True, ("A",)), ("review", False, ("B",))]),  # overdue; review due
    (date(2026, 12, 6), [("self_assess", True, ("A",)), ("review", True, ("B",)), ("approve", False, ("C",))]),
])
def test_reminders_for_steps_due_within_a_day_or_overdue(today: date,
                                                         expected: list[tuple[str, bool, tuple[str, ...]]]) -> None:
    report = unit_report("u1", "Phòng Nội vụ", MONTH, [item("A", state="draft"), item("B", state="self_assessed"),
                                                       item("C", state="reviewed"), item("D")],
                         [("E", "Người E")], today)  # E was never computed: the scheduler computes, no reminder
    found = [(r.step, r.overdue, tuple(staff_id for staff_id, _ in r.people)) for r in reminders(report, today)]
    assert found == expected


def _calendar(holidays: set[date], makeup: set[date]) -> object:
    return lambda day: day in makeup or (day.weekday() < 5 and day not in holidays)


@pytest.mark.parametrize(("month", "holidays", "makeup", "first"), [
    ("2026-12", set(), set(), date(2026, 12, 1)),                                 # a Tuesday
    ("2026-11", set(), set(), date(2026, 11, 2)),                                 # the 1st is a Sunday
    ("2026-11", set(), {date(2026, 11, 1)}, date(2026, 11, 1)),                   # a make-up Sunday is worked
    ("2027-01", {date(2027, 1, 1)}, set(), date(2027, 1, 4)),                     # New Year's Day, then a weekend
    ("2026-09", {date(2026, 9, 1), date(2026, 9, 2)}, set(), date(2026, 9, 3)),   # National Day holidays
])
def test_the_first_working_day_of_a_month_by_the_calendar(month: str, holidays: set[date], makeup: set[date],
                                                          first: date) -> None:
    is_working = _calendar(holidays, makeup)
    assert first_working_day(month, is_working) == first  # type: ignore[arg-type]
    assert is_first_working_day(first, is_working)  # type: ignore[arg-type]
    assert not is_first_working_day(first.replace(day=first.day + 1) if first.day < 28 else first.replace(day=1),
                                    is_working)  # type: ignore[arg-type]


@pytest.mark.parametrize(("day", "month"), [(date(2026, 12, 1), "2026-11"), (date(2027, 1, 4), "2026-12"),
                                            (date(2026, 3, 2), "2026-02")])
def test_the_month_reported_is_the_previous_one(day: date, month: str) -> None:
    assert previous_month(day) == month


def test_a_row_reads_what_the_scoring_rules_store() -> None:
    # GIVEN an evaluation scored by the rules: every entry at its maximum, one task of two done on time
    from datetime import UTC, datetime
    from fractions import Fraction

    from chamcong.rules.evaluation import Entry, PersonInput, TaskInput, score
    from chamcong.rules.rulesets import builtin, in_force

    ruleset = in_force(builtin(), "nd335-2025", MONTH)
    end = datetime(2026, 11, 30, 17, tzinfo=UTC)
    tasks = (TaskInput("e/1", "Văn bản 1", "done", Fraction(1), end, end),
             TaskInput("e/2", "Văn bản 2", "assigned", Fraction(1), None, None))
    entries = {c.code: Entry(Fraction(c.max_points), "lanhdao", "review") for c in ruleset.general.criteria
               if c.source == "entry"}
    evaluation = score(ruleset, PersonInput("s1", (), tasks, entries, ()), end)
    stored = Item("s1", "Người s1", "draft", evaluation.to_json()["total"], evaluation.grade,
                  computed=evaluation.to_json())
    # WHEN the report reads it THEN the general criteria, the task shares and points are the scored ones
    row = row_of(stored)
    assert row.general == Decimal(evaluation.to_json()["general"]["points"]) == Decimal(30)
    assert (row.quantity, row.quality, row.timeliness) == (Decimal("0.5"), Decimal(1), Decimal(1))
    assert row.task_points == Decimal(evaluation.to_json()["tasks"]["points"])
    assert row.total == Decimal(evaluation.to_json()["total"]) and row.unit_points is None


OCT_1, OCT_31 = date(2026, 10, 1), date(2026, 10, 31)


@pytest.mark.parametrize(("stays", "evaluated_in", "moved_out_of", "elsewhere"), [
    # never moved: evaluated in their unit, nowhere else
    ((("A", OCT_1, OCT_31),), "A", [], []),
    # moved on 16 October from A to B: evaluated in B (the unit at the month's end); A lists them apart
    ((("A", OCT_1, date(2026, 10, 15)), ("B", date(2026, 10, 16), OCT_31)), "B",
     [("A", OCT_1, date(2026, 10, 15))], [("A", OCT_1, date(2026, 10, 15))]),
    # A → B → A: back in A at the end, evaluated there; B lists its days
    ((("A", OCT_1, date(2026, 10, 9)), ("B", date(2026, 10, 10), date(2026, 10, 19)), ("A", date(2026, 10, 20),
                                                                                      OCT_31)), "A",
     [("B", date(2026, 10, 10), date(2026, 10, 19))], [("B", date(2026, 10, 10), date(2026, 10, 19))]),
    # not employed that month: nowhere
    ((), None, [], []),
])
def test_a_split_month_is_evaluated_in_the_unit_at_its_end_and_shown_in_the_other(
        stays: tuple[Stay, ...], evaluated_in: str | None, moved_out_of: list[Stay], elsewhere: list[Stay]) -> None:
    split = split_month([Person("s1", "Người s1", stays)])
    assert [unit for unit, people in split.members.items() if ("s1", "Người s1") in people] == (
        [evaluated_in] if evaluated_in else [])
    assert [(unit, m.first, m.last) for unit, moved in split.moved_out.items() for m in moved] == moved_out_of
    assert all(m.evaluated_in == evaluated_in for moved in split.moved_out.values() for m in moved)
    assert split.elsewhere.get("s1", []) == elsewhere


def test_who_moved_out_is_shown_apart_and_not_counted_nor_pending() -> None:
    from chamcong.rules.monthly_report import MovedOut

    moved = MovedOut("s9", "Người s9", OCT_1, date(2026, 10, 15), "B", "Phòng B", Decimal("75.00"), "good")
    report = unit_report("A", "Phòng A", "2026-10", [item("s1")], [("s1", "Người s1")], date(2026, 11, 20),
                         moved_out=[moved])
    assert report.moved_out == (moved,)
    assert report.counts.people == 1 and report.pending == []
