"""The monthly evaluation's score by table: GIVEN a person's days, tasks, entries and recorded cases under a rule
set, THEN their points, grade and trace; GIVEN a unit's candidates, THEN who the cap keeps, demotes or shows tied;
GIVEN the months of a quarter, THEN its result."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction as F
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chamcong.rules.attendance import DayStatus
from chamcong.rules.evaluation import (
    GRADE_LABELS,
    REASON_LABELS,
    WARNING_LABELS,
    CapProposal,
    DayInput,
    Entry,
    PersonInput,
    TaskInput,
    UnitPart,
    cap_limit,
    decide_cap,
    grade_of,
    propose_cap,
    roll_up,
    score,
    shown,
    unit_part,
)
from chamcong.rules.evaluation_workflow import Refusal
from chamcong.rules.rulesets import builtin, in_force

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DECREE = in_force(builtin(), "nd335-2025", "2026-01")
PROVINCE = in_force(builtin(), "province-example", "2026-01")
MONTH_END = datetime(2026, 2, 1, tzinfo=HCM)  # January 2026 is over
DUE = datetime(2026, 1, 20, 17, tzinfo=HCM)
ON_TIME = datetime(2026, 1, 19, 10, tzinfo=HCM)
LATE = datetime(2026, 1, 22, 10, tzinfo=HCM)
ENTRY_CODES = ("politics_ethics", "competence", "attitude", "innovation")


def task(key: str = "eoffice/1", status: str = "done", weight: F | int = 1, *, due: datetime | None = DUE,
         completed: datetime | None = None, **facts: Any) -> TaskInput:
    if status == "done" and completed is None:
        completed = ON_TIME
    return TaskInput(key, f"Nhiệm vụ {key}", status, F(weight), due, completed, **facts)


def entries(*points: F | float | str, role: str = "review", reason: str | None = None) -> dict[str, Entry]:
    return {code: Entry(F(str(value)), "lanhdao", role, reason)
            for code, value in zip(ENTRY_CODES, points, strict=False)}


def person(*, days: tuple[DayInput, ...] = (), tasks: tuple[TaskInput, ...] = (),
           general: dict[str, Entry] | None = None, cases: tuple[str, ...] = (), leader: bool = False,
           unit: UnitPart | None = None) -> PersonInput:
    return PersonInput("nv01", days, tasks, general or {}, cases, leader, unit)


def absent_days(count: int) -> tuple[DayInput, ...]:
    return tuple(DayInput(date(2026, 1, 5) + timedelta(days=index), "absent") for index in range(count))


ONE_DONE = (task(),)  # 70 task points
# one done of four, the others open without a deadline: 70 × (¼ + 1 + 1) / 3 = 52.5
QUARTER_DONE = (task("e/1"), *(task(f"e/{index}", "assigned", due=None) for index in (2, 3, 4)))
HALF_POOR = (task("e/1", meets_requirements=False), task("e/2", "assigned", due=None))  # 70 × 1.5/3 = 35


# -- the grade boundaries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tasks", "days", "points", "total", "grade"), [
    # tasks 70 + attendance 6 + entries
    (ONE_DONE, (), (6, 6, 2, 0), "90.00", "excellent"),
    (ONE_DONE, (), (6, 6, "1.99", 0), "89.99", "good"),
    (ONE_DONE, (), (6, 6, 6, 6), "100.00", "excellent"),
    # tasks 52.5 + attendance 6 + entries
    (QUARTER_DONE, (), (6, "5.5"), "70.00", "good"),
    (QUARTER_DONE, (), (6, "5.49"), "69.99", "completed"),
    # tasks 35 + attendance 6 + entries
    (HALF_POOR, (), (6, 3), "50.00", "completed"),
    (HALF_POOR, (), (6, "2.99"), "49.99", "not_completed"),
    # attendance used up by three unexcused absences (6 − 3 × 2 = 0): tasks 35 + entries 15
    (HALF_POOR, absent_days(3), (6, 6, 3), "50.00", "completed"),
    (HALF_POOR, absent_days(4), (6, 6, "2.99"), "49.99", "not_completed"),
    (HALF_POOR, (), (), "41.00", "not_completed"),
])
def test_the_grade_follows_the_bands_at_their_boundaries(tasks: tuple[TaskInput, ...], days: tuple[DayInput, ...],
                                                         points: tuple[Any, ...], total: str, grade: str) -> None:
    evaluation = score(DECREE, person(days=days, tasks=tasks, general=entries(*points)), MONTH_END)
    assert shown(evaluation.total) == total
    assert evaluation.grade == grade == evaluation.grade_by_points


def test_a_total_just_below_a_boundary_is_neither_shown_nor_graded_above_it() -> None:
    # GIVEN two of three tasks done (70 × (⅔ + 1 + 1) / 3 = 560/9 = 62.22…) and full attendance (6)
    tasks = (task("e/1"), task("e/2"), task("e/3", "assigned", due=None))
    below = score(DECREE, person(tasks=tasks, general=entries(6, 6, 6, "3.77")), MONTH_END)
    above = score(DECREE, person(tasks=tasks, general=entries(6, 6, 6, "3.78")), MONTH_END)
    # THEN 89.992… is shown 89.99 and good; 90.002… is shown 90.00 and excellent
    assert below.tasks.points == F(560, 9)
    assert below.total == F(560, 9) + 6 + F("21.77") and (shown(below.total), below.grade) == ("89.99", "good")
    assert (shown(above.total), above.grade) == ("90.00", "excellent")
    assert shown(F(89999, 1000)) == "89.99" and grade_of(DECREE, F(89999, 1000)) == "good"
    assert shown(F(8999999, 100000)) == "89.99"
    assert shown(90) == "90.00" and grade_of(DECREE, F(90)) == "excellent"
    assert shown(F(1, 3)) == "0.33" and shown(F(2, 3)) == "0.66" and shown(0) == "0.00"


# -- general criteria --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "decree_points", "province_points"), [
    ("late", "5.50", "9.00"),
    ("left_early", "5.50", "9.00"),
    ("missing_check_in", "5.50", "9.50"),
    ("missing_check_out", "5.50", "9.50"),
    ("absent", "4.00", "5.00"),
    ("on_time", "6.00", "10.00"),
    ("on_leave", "6.00", "10.00"),
    ("business_trip", "6.00", "10.00"),
    ("work_from_home", "6.00", "10.00"),
    ("holiday", "6.00", "10.00"),
    ("weekend", "6.00", "10.00"),
    ("not_employed", "6.00", "10.00"),
    ("pending", "6.00", "10.00"),
])
def test_each_day_status_takes_its_deduction_off_discipline(status: str, decree_points: str,
                                                            province_points: str) -> None:
    days = (DayInput(date(2026, 1, 6), status), DayInput(date(2026, 1, 7), "on_time"))
    for ruleset, expected in ((DECREE, decree_points), (PROVINCE, province_points)):
        discipline = next(one for one in score(ruleset, person(days=days), MONTH_END).general
                          if one.code == "discipline")
        assert shown(discipline.points) == expected
        deducted = [row.day for row in discipline.days]
        assert deducted == ([] if expected in ("6.00", "10.00") else [date(2026, 1, 6)])


def test_every_day_status_is_covered_by_the_table_above() -> None:
    assert {one.value for one in DayStatus} == {
        "late", "left_early", "missing_check_in", "missing_check_out", "absent", "on_time", "on_leave",
        "business_trip", "work_from_home", "holiday", "weekend", "not_employed", "pending"}


def test_attendance_deductions_add_up_and_stop_at_zero() -> None:
    days = (DayInput(date(2026, 1, 5), "late"), DayInput(date(2026, 1, 6), "late"),
            DayInput(date(2026, 1, 7), "absent"))
    discipline = score(DECREE, person(days=days), MONTH_END).general[1]
    assert (discipline.deductions, discipline.points) == (3, 3)
    assert dict(discipline.statuses or {}) == {"late": 2, "absent": 1}
    assert score(DECREE, person(days=absent_days(5)), MONTH_END).general[1].points == 0


@pytest.mark.parametrize(("entered", "points", "clipped"), [
    ("6", 6, False), ("0", 0, False), ("4.25", F("4.25"), False), ("7", 6, True), ("-1", 0, True)])
def test_an_entry_counts_within_its_maximum(entered: str, points: F, clipped: bool) -> None:
    criterion = score(DECREE, person(general=entries(entered)), MONTH_END).general[0]
    assert (criterion.points, criterion.clipped) == (points, clipped)


def test_a_criterion_nobody_entered_counts_0_with_a_warning() -> None:
    evaluation = score(DECREE, person(tasks=ONE_DONE, general=entries(6, 6, 6)), MONTH_END)
    assert evaluation.general[4].code == "innovation" and evaluation.general[4].points == 0
    assert evaluation.warnings == ("criterion_not_entered",)
    full = score(DECREE, person(tasks=ONE_DONE, general=entries(6, 6, 6, 6)), MONTH_END)
    assert full.warnings == ()


# -- task results ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("one", "quantity", "quality", "timeliness", "quality_reason", "timeliness_reason"), [
    (task(), 1, 1, 1, "meets_requirements", "on_time"),
    # quality: each major error takes 25% of the item's quality, unless its cause was objective
    (task(major_errors=1), 1, F(3, 4), 1, "major_errors", "on_time"),
    (task(major_errors=2), 1, F(1, 2), 1, "major_errors", "on_time"),
    (task(major_errors=4), 1, 0, 1, "major_errors", "on_time"),
    (task(major_errors=5), 1, 0, 1, "major_errors", "on_time"),
    (task(major_errors=1, error_objective_cause=True), 1, 1, 1, "major_errors_objective_cause", "on_time"),
    (task(meets_requirements=False), 1, 0, 1, "not_meeting_requirements", "on_time"),
    (task(meets_requirements=True), 1, 1, 1, "meets_requirements", "on_time"),
    # timeliness: each late item takes 25% of its timeliness, unless its cause was objective
    (task(completed=LATE), 1, 1, F(3, 4), "meets_requirements", "late"),
    (task(completed=LATE, late_objective_cause=True), 1, 1, 1, "meets_requirements", "late_objective_cause"),
    (task(completed=DUE), 1, 1, 1, "meets_requirements", "on_time"),  # at the deadline itself: on time
    (task(due=None), 1, 1, 1, "meets_requirements", "no_deadline"),
    # both
    (task(completed=LATE, major_errors=1), 1, F(3, 4), F(3, 4), "major_errors", "late"),
    # open at month end: late if past due, nothing done so quality 0
    (task(status="in_progress"), 0, 0, F(3, 4), None, "late"),
    (task(status="assigned", late_objective_cause=True), 0, 0, 1, None, "late_objective_cause"),
    (task(status="assigned", due=datetime(2026, 2, 5, tzinfo=HCM)), 0, 0, 1, None, "not_yet_due"),
])
def test_quantity_quality_and_timeliness_of_a_task(one: TaskInput, quantity: F, quality: F, timeliness: F,
                                                   quality_reason: str | None, timeliness_reason: str) -> None:
    result = score(DECREE, person(tasks=(one,)), MONTH_END).tasks
    assert (result.quantity, result.quality, result.timeliness) == (quantity, quality, timeliness)
    assert result.points == 70 * (F(quantity) + quality + timeliness) / 3
    row = result.rows[0]
    assert (row.quality_reason, row.timeliness_reason) == (quality_reason, timeliness_reason)
    assert row.quality_reason is None or row.quality_reason in REASON_LABELS
    assert row.timeliness_reason in REASON_LABELS


def test_tasks_count_by_their_weight_and_cancelled_ones_not_at_all() -> None:
    tasks = (task("e/1", weight=3), task("e/2", "assigned", weight=1, due=None),
             task("e/3", "cancelled", weight=10), task("e/4", weight=1, major_errors=2))
    result = score(DECREE, person(tasks=tasks), MONTH_END).tasks
    assert (result.weight_total, result.weight_done) == (5, 4)
    assert result.quantity == F(4, 5)
    assert result.quality == (3 + F(1, 2)) / 4
    assert result.timeliness == 1
    assert [row.counted for row in result.rows] == [True, True, False, True]
    assert result.rows[2].quantity_reason == "cancelled"


@pytest.mark.parametrize("tasks", [(), (task(status="cancelled"),)], ids=["none", "all cancelled"])
def test_no_tasks_gives_0_task_points_with_a_warning(tasks: tuple[TaskInput, ...]) -> None:
    evaluation = score(DECREE, person(tasks=tasks, general=entries(6, 6, 6, 6)), MONTH_END)
    assert evaluation.tasks.points == 0 and evaluation.total == 30
    assert evaluation.warnings == ("no_tasks",)


def test_a_second_rule_set_weighs_the_same_month_differently() -> None:
    # GIVEN half the tasks done, well and on time, and the same entries
    # (the decree's entries stop at their maximum 6; the province has no innovation criterion)
    month = person(tasks=(task("e/1"), task("e/2", "assigned", due=None)), general=entries(10, 10, 10, 10))
    decree = score(DECREE, month, MONTH_END)
    province = score(PROVINCE, month, MONTH_END)
    # Decree 335, equal thirds: 70 × (½ + 1 + 1) / 3; the province, 2 : 1 : 1 over 60: 60 × (2·½ + 1 + 1) / 4
    assert decree.tasks.points == F(175, 3) and province.tasks.points == 45
    assert decree.general_points == 30 and province.general_points == 40
    assert (shown(decree.total), decree.grade) == ("88.33", "good")
    assert (shown(province.total), province.grade) == ("85.00", "good")
    assert (province.ruleset_id, province.ruleset_version) == ("province-example", 1)


# -- a leader's unit component -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("ruleset", "unit", "points", "factor", "warnings"), [
    # own 70; the unit's mean 60 in full, or at 50% when anyone is not completed
    (DECREE, UnitPart(4, F(60), False), 65, 1, ()),
    (DECREE, UnitPart(4, F(60), True), 50, F(1, 2), ()),
    (PROVINCE, UnitPart(4, F(60), False), F(60 * 6, 10) + 24, 1, ()),  # own 60 × 0.6 + 60 × 0.4
    (PROVINCE, UnitPart(4, F(60), True), 36 + 12, F(1, 2), ()),
    # nobody under them: their own results in full
    (DECREE, UnitPart(0, F(0), False), 70, 1, ("no_subordinates",)),
    (DECREE, None, 70, 1, ("no_subordinates",)),
])
def test_a_leaders_task_points_include_their_unit(ruleset: Any, unit: UnitPart | None, points: F, factor: F,
                                                   warnings: tuple[str, ...]) -> None:
    evaluation = score(ruleset, person(tasks=ONE_DONE, general=entries(6, 6, 6, 6), leader=True, unit=unit),
                       MONTH_END)
    assert evaluation.tasks.own_points == ruleset.tasks.max_points
    assert evaluation.tasks.points == points
    assert evaluation.unit is not None and evaluation.unit.factor == factor
    assert evaluation.warnings == warnings


def test_someone_who_leads_nobody_has_no_unit_component() -> None:
    evaluation = score(DECREE, person(tasks=ONE_DONE, unit=UnitPart(3, F(10), True)), MONTH_END)
    assert evaluation.unit is None and evaluation.tasks.points == 70


def test_the_unit_part_is_built_from_the_subordinates_results() -> None:
    assert unit_part([(F(60), "good"), (F(40), "completed")]) == UnitPart(2, F(50), False)
    assert unit_part([(F(60), "good"), (F(20), "not_completed"), (F(1), "excellent")]) == UnitPart(3, F(27), True)
    assert unit_part([]) == UnitPart(0, F(0), False)


# -- disqualifying cases -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("ruleset", "case", "leader", "grade", "disqualified_by", "warnings"), [
    (DECREE, "discipline_reprimand", False, "not_completed", ("discipline_reprimand",), ()),
    (DECREE, "moral_degradation", False, "not_completed", ("moral_degradation",), ()),
    (DECREE, "discipline_reprimand", True, "not_completed", ("discipline_reprimand",), ()),
    (DECREE, "corruption_in_unit", True, "not_completed", ("corruption_in_unit",), ()),
    # a leaders-only case does not apply to someone who leads nobody
    (DECREE, "corruption_in_unit", False, "excellent", (), ("disqualification_not_applicable",)),
    # a case the rule set does not know is not applied, and said so
    (DECREE, "absent_unexcused_3_days", False, "excellent", (), ("disqualification_unknown",)),
    (PROVINCE, "absent_unexcused_3_days", False, "not_completed", ("absent_unexcused_3_days",), ()),
])
def test_a_disqualifying_case_makes_the_grade_not_completed_whatever_the_score(
        ruleset: Any, case: str, leader: bool, grade: str, disqualified_by: tuple[str, ...],
        warnings: tuple[str, ...]) -> None:
    unit = UnitPart(2, F(ruleset.tasks.max_points), False) if leader else None
    evaluation = score(ruleset, person(tasks=ONE_DONE, general=entries(10, 10, 10, 10), cases=(case,),
                                       leader=leader, unit=unit), MONTH_END)
    assert evaluation.total == 100 and evaluation.grade_by_points == "excellent"
    assert evaluation.grade == grade
    assert evaluation.disqualified_by == disqualified_by
    assert evaluation.warnings == warnings


# -- the trace ---------------------------------------------------------------------------------------------------


def _numbers(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, one in value.items():
            yield from _numbers(one, f"{path}.{key}")
    elif isinstance(value, list):
        for index, one in enumerate(value):
            yield from _numbers(one, f"{path}.{index}")
    elif isinstance(value, int | float | F) and not isinstance(value, bool):
        yield path, value


def test_the_json_shows_every_number_rounded_down_and_where_it_comes_from() -> None:
    # GIVEN a late day, a late task, an error, a cancelled task and a reviewer's entries with reasons
    days = (DayInput(date(2026, 1, 5), "late"), DayInput(date(2026, 1, 6), "on_time"))
    tasks = (task("eoffice/17", completed=LATE), task("eoffice/18", major_errors=1),
             task("eoffice/19", "assigned", due=None), task("manual:don-vi-1/3", "cancelled"))
    general = entries(6, "5.5", 5, 4, reason="Theo nhận xét của lãnh đạo phòng")
    data = score(DECREE, person(days=days, tasks=tasks, general=general), MONTH_END).to_json()
    # THEN no number is a JSON number: each is a string with two decimals (counts aside)
    assert [path for path, _ in _numbers(data) if not path.endswith(("statuses.late", "statuses.on_time",
                                                                     "major_errors", "ruleset_version"))] == []
    # quantity 2/3, quality (1 + ¾)/2, timeliness (¾ + 1 + 1)/3 → 70 × (2/3 + 7/8 + 11/12) / 3 = 57.36…
    assert data["tasks"]["points"] == "57.36" and data["tasks"]["quantity_percent"] == "66.66"
    assert data["total"] == "83.36" and data["grade"] == "good"
    assert F(data["total_exact"]) == F(57) + F(13, 36) + F("5.5") + F("20.5")
    discipline = data["general"]["criteria"][1]
    assert discipline["days"] == [{"day": "2026-01-05", "status": "late", "deduction": "0.50"}]
    assert discipline["points"] == "5.50"
    assert data["general"]["criteria"][2]["entry"] == {"points": "5.50", "by": "lanhdao", "role": "review",
                                                       "reason": "Theo nhận xét của lãnh đạo phòng"}
    rows = {row["key"]: row for row in data["tasks"]["rows"]}
    assert rows["eoffice/17"]["timeliness_reason"] == "late" and rows["eoffice/17"]["timeliness_credit"] == "0.75"
    assert rows["eoffice/18"]["quality_reason"] == "major_errors" and rows["eoffice/18"]["quality_credit"] == "0.75"
    assert rows["eoffice/19"]["quantity_credit"] == "0.00" and rows["eoffice/19"]["quality_credit"] is None
    assert rows["manual:don-vi-1/3"]["counted"] is False
    assert data["unit"] is None and data["disqualified_by"] == [] and data["warnings"] == []


def test_a_leaders_json_shows_the_unit_component() -> None:
    data = score(DECREE, person(tasks=ONE_DONE, leader=True, unit=UnitPart(3, F(200, 3), True)),
                 MONTH_END).to_json()
    assert data["unit"] == {"subordinates": 3, "mean_task_points": "66.66", "any_not_completed": True,
                            "factor": "0.50", "own_share": "0.50", "unit_share": "0.50", "points": "16.66"}
    assert data["tasks"]["own_points"] == "70.00" and data["tasks"]["points"] == "51.66"


def test_every_grade_warning_and_reason_has_both_languages() -> None:
    assert set(GRADE_LABELS) == {"excellent", "good", "completed", "not_completed"}
    assert GRADE_LABELS["excellent"][0] == "Hoàn thành xuất sắc nhiệm vụ"
    for labels in (GRADE_LABELS, WARNING_LABELS, REASON_LABELS):
        assert all(vi and en and vi != en for vi, en in labels.values())


# -- the cap -----------------------------------------------------------------------------------------------------


def rows(excellent: Sequence[tuple[str, F | int]], good: int, others: int = 0) -> list[tuple[str, F, str]]:
    listed = [(staff_id, F(total), "excellent") for staff_id, total in excellent]
    listed += [(f"g{index}", F(80), "good") for index in range(good)]
    listed += [(f"c{index}", F(60), "completed") for index in range(others)]
    return listed


@pytest.mark.parametrize(("excellent", "good", "limit", "binds", "keep", "demote", "tied", "slots"), [
    # nobody excellent
    ([], 10, 1, False, (), (), (), 0),
    # one excellent: 20% of 5 good allows 1; of 4 good, 0.8: none
    ([("a", 95)], 5, 1, False, ("a",), (), (), 0),
    ([("a", 95)], 4, 0, True, (), ("a",), (), 0),
    # several: the highest stay
    ([("a", 91), ("b", 97), ("c", 93)], 10, 2, True, ("b", "c"), ("a",), (), 0),
    ([("a", 91), ("b", 97), ("c", 93)], 12, 2, True, ("b", "c"), ("a",), (), 0),
    ([("a", 91), ("b", 97), ("c", 93)], 15, 3, False, ("b", "c", "a"), (), (), 0),
    # ties at the boundary are shown as ties, never broken
    ([("a", 95), ("b", 92), ("c", 92)], 10, 2, True, ("a",), (), ("b", "c"), 1),
    ([("a", 92), ("b", 92), ("c", 92)], 10, 2, True, (), (), ("a", "b", "c"), 2),
    ([("a", 95), ("b", 92), ("c", 92), ("d", 90)], 10, 2, True, ("a",), ("d",), ("b", "c"), 1),
    # a tie that does not cross the boundary is no tie
    ([("a", 95), ("b", 95), ("c", 91)], 10, 2, True, ("a", "b"), ("c",), (), 0),
    # a tie of exact fractions: 90 + 1/3 twice, 90.333 once
    ([("a", F(271, 3)), ("b", F(271, 3)), ("c", F(90333, 1000))], 10, 2, True, ("a", "b"), ("c",), (), 0),
    # a unit with nobody good
    ([("a", 95)], 0, 0, True, (), ("a",), (), 0),
    ([("a", 95), ("b", 94), ("c", 93)], 0, 0, True, (), ("a", "b", "c"), (), 0),
    ([(f"x{index}", 90 + index) for index in range(6)], 0, 1, True, ("x5",), ("x4", "x3", "x2", "x1", "x0"), (), 0),
])
def test_the_cap_keeps_the_highest_and_shows_ties(excellent: list[tuple[str, int]], good: int, limit: int,
                                                  binds: bool, keep: tuple[str, ...], demote: tuple[str, ...],
                                                  tied: tuple[str, ...], slots: int) -> None:
    proposal = propose_cap(DECREE, rows(excellent, good, others=3))
    assert (proposal.limit, proposal.binds) == (limit, binds)
    assert (proposal.keep, proposal.demote, proposal.tied, proposal.slots) == (keep, demote, tied, slots)
    assert (proposal.candidates, proposal.of_grade) == (len(excellent), good)


@pytest.mark.parametrize("ratio", [F(1, 5), F(3, 20), F(1, 2), F(1), F(0)])
def test_the_limit_is_the_most_who_may_stay_once_the_others_are_good(ratio: F) -> None:
    for candidates in range(0, 30):
        for good in range(0, 60):
            limit = cap_limit(ratio, candidates, good)
            kept = min(limit, candidates)
            assert kept <= ratio * (good + candidates - kept)
            if limit < candidates:
                assert limit + 1 > ratio * (good + candidates - limit - 1)


def test_the_provincial_cap_ratio_applies() -> None:
    excellent = [(f"x{index}", 90 + index) for index in range(4)]
    assert propose_cap(PROVINCE, rows(excellent[:3], 20)).binds is False  # 3 ≤ 15% of 20
    proposal = propose_cap(PROVINCE, rows(excellent, 20))
    assert (proposal.limit, proposal.keep, proposal.demote) == (3, ("x3", "x2", "x1"), ("x0",))


def test_a_disqualified_person_is_no_candidate() -> None:
    proposal = propose_cap(DECREE, [("a", F(99), "not_completed"), ("b", F(95), "excellent"),
                                    *[(f"g{index}", F(80), "good") for index in range(5)]])
    assert (proposal.candidates, proposal.binds, proposal.keep) == (1, False, ("b",))


TIED = propose_cap(DECREE, rows([("a", 95), ("b", 92), ("c", 92), ("d", 90)], 10))
NO_TIE = propose_cap(DECREE, rows([("a", 91), ("b", 97), ("c", 93)], 10))


@pytest.mark.parametrize(("proposal", "chosen", "final"), [
    (TIED, ["c"], {"a": "excellent", "c": "excellent", "b": "good", "d": "good"}),
    (TIED, ["b"], {"a": "excellent", "b": "excellent", "c": "good", "d": "good"}),
    (NO_TIE, [], {"b": "excellent", "c": "excellent", "a": "good"}),
    (propose_cap(DECREE, rows([("a", 95)], 5)), [], {"a": "excellent"}),
])
def test_the_head_of_unit_settles_the_tie(proposal: CapProposal, chosen: list[str], final: dict[str, str]) -> None:
    assert decide_cap(proposal, chosen) == final


@pytest.mark.parametrize(("proposal", "chosen"), [
    (TIED, []),  # one must be chosen
    (TIED, ["b", "c"]),  # only one may stay
    (TIED, ["a"]),  # a is sure, not tied
    (TIED, ["d"]),  # d is below the boundary
    (TIED, ["z"]),  # nobody of the unit
    (TIED, ["b", "b"]),
    (NO_TIE, ["a"]),  # no tie: nothing to choose
])
def test_a_choice_outside_the_tie_is_refused(proposal: CapProposal, chosen: list[str]) -> None:
    assert decide_cap(proposal, chosen) == Refusal("evaluation_cap_choice_invalid")


# -- quarter and year --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("months", "mean", "grade", "disqualified"), [
    ([("2026-01", 90, "excellent"), ("2026-02", 80, "good"), ("2026-03", 70, "good")], 80, "good", []),
    ([("2026-03", 95, "excellent"), ("2026-01", 90, "excellent"), ("2026-02", 85, "good")], 90, "excellent", []),
    # a month under 50 by its points is no disqualification: the mean decides
    ([("2026-01", 40, "not_completed"), ("2026-02", 95, "excellent"), ("2026-03", 95, "excellent")],
     F(230, 3), "good", []),
    # a month disqualified (not_completed whatever its points) makes the period not_completed
    ([("2026-01", 95, "excellent"), ("2026-02", 85, "not_completed"), ("2026-03", 95, "excellent")],
     F(275, 3), "not_completed", ["2026-02"]),
    # a month capped to good still counts by its points
    ([("2026-01", 95, "good"), ("2026-02", 95, "good"), ("2026-03", 95, "good")], 95, "excellent", []),
])
def test_a_quarter_rolls_up_from_its_months(months: list[tuple[str, int, str]], mean: F, grade: str,
                                            disqualified: list[str]) -> None:
    result = roll_up([(month, F(total), grade) for month, total, grade in months], DECREE)
    assert (result["mean"], result["grade"], result["disqualified_months"]) == (mean, grade, disqualified)
    assert [one["month"] for one in result["months"]] == sorted(month for month, _, _ in months)


def test_an_empty_period_has_no_result_and_the_default_bands_apply_without_a_rule_set() -> None:
    assert roll_up([]) == {"months": [], "mean": None, "grade": None, "disqualified_months": []}
    assert roll_up([("2026-01", F(70), "good")])["grade"] == "good"
