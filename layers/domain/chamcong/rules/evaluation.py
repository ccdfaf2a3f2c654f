"""The monthly evaluation's score (Decree 335/2025 by default; any rule set as data), the cap and the roll-up.

Pure: a rule set and a person's month in, an `Evaluation` out, every number exact (`Fraction`) and traced to
its sources (which days, which tasks, who entered what). Shown numbers are rounded DOWN to 2 decimals
(`shown`): 89.999 is shown "89.99" and graded good, never shown "90.00". docs/EVALUATION_RULES.md is the
prose of what follows, with a worked example.

- General criteria: an `attendance` criterion is max − Σ the day deductions (not below 0); an `entry` criterion
  is the value in force (review over self-assessment, chosen by the service) clipped to [0, max]; missing: 0
  and the warning `criterion_not_entered`.
- Task results (cancelled tasks excluded), W = Σ weight: quantity = weight done / W; quality = Σ over done
  tasks of weight × q / weight done, q = 0 when the task does not meet requirements, else
  max(0, 1 − major_error_deduction × major errors) unless the errors had an objective cause; timeliness =
  Σ weight × t / W, t = 1 − late_deduction when late (done after its deadline, or open past it at month end)
  unless the delay had an objective cause, else 1. points = max × (wq·quantity + wl·quality + wt·timeliness)
  / (wq + wl + wt). No tasks: 0 and `no_tasks`.
- A leader: own_share × own points + unit_share × the subordinates' mean task points × (the factor when any
  of them is not completed, else 1); no subordinates: own points alone and `no_subordinates`.
- total = general + tasks; the grade by the bands on the exact total; a disqualifying case recorded forces
  not_completed (a leaders-only case counts only for a leader).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from chamcong.rules.evaluation_workflow import Refusal
from chamcong.rules.rulesets import DEFAULT_RULESET_ID, GRADES, RuleSet, builtin, frac, in_force
from chamcong.rules.tasks import is_late

GRADE_LABELS: dict[str, tuple[str, str]] = {
    "excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent"),
    "good": ("Hoàn thành tốt nhiệm vụ", "Good"),
    "completed": ("Hoàn thành nhiệm vụ", "Completed"),
    "not_completed": ("Không hoàn thành nhiệm vụ", "Not completed"),
}
WARNING_LABELS: dict[str, tuple[str, str]] = {
    "criterion_not_entered": ("Có tiêu chí chung chưa được chấm điểm (tính 0 điểm)",
                              "A general criterion has not been entered (counted as 0)"),
    "no_tasks": ("Không có nhiệm vụ nào trong tháng (kết quả nhiệm vụ 0 điểm)",
                 "No tasks in the month (task results 0 points)"),
    "no_subordinates": ("Đơn vị không có cán bộ cấp dưới: chỉ tính kết quả của riêng người đứng đầu",
                        "The unit has no subordinates: the leader's own results alone"),
    "disqualification_not_applicable": ("Có trường hợp chỉ áp dụng với người đứng đầu được ghi nhận cho người "
                                        "không phải người đứng đầu (không tính)",
                                        "A leaders-only case was recorded for someone who is not a leader "
                                        "(not applied)"),
    "disqualification_unknown": ("Có trường hợp không có trong bộ quy tắc đang áp dụng (không tính)",
                                 "A case that the rule set in force does not list (not applied)"),
}
# Why a task got the credit it got (the trace of each task row).
REASON_LABELS: dict[str, tuple[str, str]] = {
    "cancelled": ("Đã huỷ, không tính", "Cancelled, not counted"),
    "not_done": ("Chưa hoàn thành", "Not done"),
    "done": ("Đã hoàn thành", "Done"),
    "meets_requirements": ("Đạt yêu cầu", "Meets the requirements"),
    "not_meeting_requirements": ("Không đạt yêu cầu", "Does not meet the requirements"),
    "major_errors": ("Có sai sót lớn, mỗi sai sót bị trừ theo quy định", "Major errors, each deducted"),
    "major_errors_objective_cause": ("Có sai sót lớn do nguyên nhân khách quan, không bị trừ",
                                     "Major errors with an objective cause, not deducted"),
    "on_time": ("Đúng hạn hoặc trước hạn", "On time or early"),
    "no_deadline": ("Không có hạn xử lý", "No deadline"),
    "not_yet_due": ("Chưa đến hạn", "Not yet due"),
    "late": ("Trễ hạn, bị trừ theo quy định", "Late, deducted"),
    "late_objective_cause": ("Trễ hạn do nguyên nhân khách quan, không bị trừ",
                             "Late with an objective cause, not deducted"),
}

ZERO = Fraction(0)
ONE = Fraction(1)


def shown(value: Fraction | Decimal | int) -> str:
    """A number as shown everywhere: 2 decimals, rounded DOWN (89.999 → "89.99", never "90.00")."""
    hundredths = math.floor(Fraction(value) * 100)
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{cents:02d}"


# -- inputs ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskInput:
    """One task of the month (e-office, imported or manual)."""

    key: str  # "{client_id}/{external_id}"
    title: str
    status: str  # assigned | in_progress | done | cancelled
    weight: Fraction  # units of work after conversion
    due_at: datetime | None
    completed_at: datetime | None
    late_objective_cause: bool = False
    meets_requirements: bool | None = None  # None: not stated → meets
    major_errors: int = 0
    error_objective_cause: bool = False


@dataclass(frozen=True)
class DayInput:
    day: date
    status: str  # a rules.attendance.DayStatus value


@dataclass(frozen=True)
class Entry:
    """A general criterion's value someone entered."""

    points: Fraction
    by: str  # username
    role: str  # "self" | "review" | "other_unit" (a split month's other leader)
    reason: str | None = None


@dataclass(frozen=True)
class UnitPart:
    """For a leader: the unit's subordinates (people of the unit, not leaders)."""

    subordinates: int
    mean_task_points: Fraction  # the mean of their task-result points (0..tasks.max_points)
    any_not_completed: bool


@dataclass(frozen=True)
class PersonInput:
    staff_id: str
    days: tuple[DayInput, ...]
    tasks: tuple[TaskInput, ...]
    entries: Mapping[str, Entry]  # criterion code → the value in force (review over self)
    disqualifications: tuple[str, ...]  # codes from the rule set
    is_leader: bool = False
    unit: UnitPart | None = None


def unit_part(subordinates: Iterable[tuple[Fraction, str]]) -> UnitPart:
    """A leader's `UnitPart` from each subordinate's (task points, grade); nobody: 0 subordinates."""
    rows = list(subordinates)
    if not rows:
        return UnitPart(0, ZERO, False)
    mean = sum((Fraction(points) for points, _ in rows), ZERO) / len(rows)
    return UnitPart(len(rows), mean, any(grade == "not_completed" for _, grade in rows))


# -- results -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    day: date
    status: str
    deduction: Fraction


@dataclass(frozen=True)
class CriterionResult:
    code: str
    label_vi: str
    label_en: str
    source: str  # entry | attendance
    max_points: Fraction
    points: Fraction
    entry: Entry | None = None  # source entry: the value in force (None: not entered)
    clipped: bool = False  # the entry was outside [0, max] and was clipped
    deductions: Fraction = ZERO  # source attendance: Σ of the days' deductions
    days: tuple[DayRow, ...] = ()  # source attendance: the days that took points off
    statuses: Mapping[str, int] | None = None  # source attendance: how many days of each status

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "label_vi": self.label_vi, "label_en": self.label_en,
                                "source": self.source, "max_points": shown(self.max_points),
                                "points": shown(self.points)}
        if self.source == "attendance":
            data["deductions"] = shown(self.deductions)
            data["days"] = [{"day": row.day.isoformat(), "status": row.status, "deduction": shown(row.deduction)}
                            for row in self.days]
            data["statuses"] = dict(sorted((self.statuses or {}).items()))
        else:
            data["entry"] = None if self.entry is None else {
                "points": shown(self.entry.points), "by": self.entry.by, "role": self.entry.role,
                "reason": self.entry.reason}
            data["clipped"] = self.clipped
        return data


@dataclass(frozen=True)
class TaskRow:
    """One task's part: its credit per criterion (in units of work) and why."""

    key: str
    title: str
    status: str
    weight: Fraction
    counted: bool  # cancelled: False
    quantity_credit: Fraction  # weight when done
    quality_credit: Fraction | None  # weight × q for a done task, None otherwise
    timeliness_credit: Fraction  # weight × t
    quantity_reason: str
    quality_reason: str | None
    timeliness_reason: str
    major_errors: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "status": self.status, "weight": shown(self.weight),
                "counted": self.counted, "quantity_credit": shown(self.quantity_credit),
                "quality_credit": None if self.quality_credit is None else shown(self.quality_credit),
                "timeliness_credit": shown(self.timeliness_credit), "quantity_reason": self.quantity_reason,
                "quality_reason": self.quality_reason, "timeliness_reason": self.timeliness_reason,
                "major_errors": self.major_errors}


@dataclass(frozen=True)
class TaskResult:
    max_points: Fraction
    weights: tuple[Fraction, Fraction, Fraction]  # quantity, quality, timeliness as written in the rule set
    weight_total: Fraction  # W: every task but the cancelled
    weight_done: Fraction
    quantity: Fraction  # 0..1
    quality: Fraction  # 0..1
    timeliness: Fraction  # 0..1
    own_points: Fraction  # the person's own task points (before a leader's unit component)
    points: Fraction  # the task component of the total
    rows: tuple[TaskRow, ...]

    def part_points(self) -> tuple[Fraction, Fraction, Fraction]:
        """The own points each of quantity, quality and timeliness gives."""
        wq, wl, wt = self.weights
        total = wq + wl + wt
        return (self.max_points * wq / total * self.quantity, self.max_points * wl / total * self.quality,
                self.max_points * wt / total * self.timeliness)

    def to_json(self) -> dict[str, Any]:
        quantity_points, quality_points, timeliness_points = self.part_points()
        return {"max_points": shown(self.max_points),
                "weights": {"quantity": shown(self.weights[0]), "quality": shown(self.weights[1]),
                            "timeliness": shown(self.weights[2])},
                "weight_total": shown(self.weight_total), "weight_done": shown(self.weight_done),
                "quantity_percent": shown(self.quantity * 100), "quality_percent": shown(self.quality * 100),
                "timeliness_percent": shown(self.timeliness * 100),
                "quantity_points": shown(quantity_points), "quality_points": shown(quality_points),
                "timeliness_points": shown(timeliness_points),
                "own_points": shown(self.own_points), "points": shown(self.points),
                "points_exact": str(self.points), "own_points_exact": str(self.own_points),
                "rows": [row.to_json() for row in self.rows]}


@dataclass(frozen=True)
class UnitResult:
    """A leader's unit component: own_share × own + unit_share × mean × factor."""

    subordinates: int
    mean_task_points: Fraction
    any_not_completed: bool
    factor: Fraction  # 1, or the rule set's factor when any subordinate is not completed
    own_share: Fraction
    unit_share: Fraction
    points: Fraction  # unit_share × mean × factor (0 without subordinates: own points count in full)

    def to_json(self) -> dict[str, Any]:
        return {"subordinates": self.subordinates, "mean_task_points": shown(self.mean_task_points),
                "any_not_completed": self.any_not_completed, "factor": shown(self.factor),
                "own_share": shown(self.own_share), "unit_share": shown(self.unit_share),
                "points": shown(self.points)}


@dataclass(frozen=True)
class Evaluation:
    staff_id: str
    ruleset_id: str
    ruleset_version: int
    total: Fraction
    grade: str  # after any disqualification (before the cap: the service keeps final_grade)
    grade_by_points: str  # the bands alone
    general: list[CriterionResult]
    general_points: Fraction
    tasks: TaskResult
    unit: UnitResult | None
    disqualified_by: tuple[str, ...]
    warnings: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-able: every number a 2-decimal string rounded down, plus `total_exact` (a fraction "a/b") so a
        stored evaluation can be ranked and rolled up exactly."""
        return {"staff_id": self.staff_id, "ruleset_id": self.ruleset_id, "ruleset_version": self.ruleset_version,
                "total": shown(self.total), "total_exact": str(self.total), "grade": self.grade,
                "grade_by_points": self.grade_by_points,
                "general": {"points": shown(self.general_points),
                            "criteria": [one.to_json() for one in self.general]},
                "tasks": self.tasks.to_json(), "unit": None if self.unit is None else self.unit.to_json(),
                "disqualified_by": list(self.disqualified_by), "warnings": list(self.warnings)}


# -- scoring -----------------------------------------------------------------------------------------------------


def grade_of(ruleset: RuleSet, total: Fraction) -> str:
    """The grade whose band holds `total` (exact: 89.999… is good)."""
    for band in ruleset.grades:
        if total >= frac(band.min_points):
            return band.grade
    return ruleset.grades[-1].grade


def _attendance(ruleset: RuleSet, criterion: Any, days: Sequence[DayInput]) -> CriterionResult:
    rows = []
    for one in sorted(days, key=lambda day: day.day):
        deduction = ruleset.deduction(one.status)
        if deduction:
            rows.append(DayRow(one.day, str(one.status), deduction))
    deductions = sum((row.deduction for row in rows), ZERO)
    maximum = frac(criterion.max_points)
    return CriterionResult(criterion.code, criterion.label_vi, criterion.label_en, "attendance", maximum,
                           max(ZERO, maximum - deductions), deductions=deductions, days=tuple(rows),
                           statuses=dict(Counter(str(one.status) for one in days)))


def _entered(criterion: Any, entry: Entry | None) -> CriterionResult:
    maximum = frac(criterion.max_points)
    if entry is None:
        return CriterionResult(criterion.code, criterion.label_vi, criterion.label_en, "entry", maximum, ZERO)
    points = min(maximum, max(ZERO, Fraction(entry.points)))
    return CriterionResult(criterion.code, criterion.label_vi, criterion.label_en, "entry", maximum, points,
                           entry=entry, clipped=points != entry.points)


def _task_row(ruleset: RuleSet, task: TaskInput, month_end: datetime) -> TaskRow:
    weight = Fraction(task.weight)
    if task.status == "cancelled":
        return TaskRow(task.key, task.title, task.status, weight, False, ZERO, None, ZERO, "cancelled", None,
                       "cancelled", task.major_errors)
    done = task.status == "done"
    quality_credit: Fraction | None = None
    quality_reason: str | None = None
    if done:
        if task.meets_requirements is False:
            q, quality_reason = ZERO, "not_meeting_requirements"
        elif task.major_errors > 0 and task.error_objective_cause:
            q, quality_reason = ONE, "major_errors_objective_cause"
        elif task.major_errors > 0:
            q = max(ZERO, ONE - frac(ruleset.tasks.major_error_deduction) * task.major_errors)
            quality_reason = "major_errors"
        else:
            q, quality_reason = ONE, "meets_requirements"
        quality_credit = weight * q
    if is_late(task.status, task.due_at, task.completed_at, month_end):
        if task.late_objective_cause:
            t, timeliness_reason = ONE, "late_objective_cause"
        else:
            t, timeliness_reason = ONE - frac(ruleset.tasks.late_deduction), "late"
    elif task.due_at is None:
        t, timeliness_reason = ONE, "no_deadline"
    else:
        t, timeliness_reason = ONE, "on_time" if done else "not_yet_due"
    return TaskRow(task.key, task.title, task.status, weight, True, weight if done else ZERO, quality_credit,
                   weight * t, "done" if done else "not_done", quality_reason, timeliness_reason, task.major_errors)


def _tasks(ruleset: RuleSet, tasks: Sequence[TaskInput], month_end: datetime) -> TaskResult:
    rows = tuple(_task_row(ruleset, task, month_end) for task in tasks)
    counted = [row for row in rows if row.counted]
    total = sum((row.weight for row in counted), ZERO)
    done = sum((row.quantity_credit for row in counted), ZERO)
    weights = ruleset.tasks.weights
    wq, wl, wt = frac(weights.quantity), frac(weights.quality), frac(weights.timeliness)
    maximum = frac(ruleset.tasks.max_points)
    if total == 0:
        quantity = quality = timeliness = ZERO
    else:
        quantity = done / total
        quality = (sum((row.quality_credit or ZERO for row in counted), ZERO) / done) if done else ZERO
        timeliness = sum((row.timeliness_credit for row in counted), ZERO) / total
    points = maximum * (wq * quantity + wl * quality + wt * timeliness) / (wq + wl + wt)
    return TaskResult(maximum, (wq, wl, wt), total, done, quantity, quality, timeliness, points, points, rows)


def score(ruleset: RuleSet, person: PersonInput, month_end: datetime) -> Evaluation:
    """A person's month under `ruleset`; `month_end` is the instant the month ended (open tasks past due then are
    late)."""
    warnings: list[str] = []

    def warn(code: str) -> None:
        if code not in warnings:
            warnings.append(code)

    general = []
    for criterion in ruleset.general.criteria:
        if criterion.source == "attendance":
            general.append(_attendance(ruleset, criterion, person.days))
        else:
            entry = person.entries.get(criterion.code)
            if entry is None:
                warn("criterion_not_entered")
            general.append(_entered(criterion, entry))
    general_points = sum((one.points for one in general), ZERO)

    tasks = _tasks(ruleset, person.tasks, month_end)
    if tasks.weight_total == 0:
        warn("no_tasks")
    unit: UnitResult | None = None
    if person.is_leader:
        leader = ruleset.leader
        own_share, unit_share = frac(leader.own_share), frac(leader.unit_share)
        part = person.unit or UnitPart(0, ZERO, False)
        if part.subordinates <= 0:
            warn("no_subordinates")
            unit = UnitResult(0, ZERO, False, ONE, ONE, ZERO, ZERO)
        else:
            factor = frac(leader.unit_factor_when_any_not_completed) if part.any_not_completed else ONE
            unit_points = unit_share * Fraction(part.mean_task_points) * factor
            unit = UnitResult(part.subordinates, Fraction(part.mean_task_points), part.any_not_completed, factor,
                              own_share, unit_share, unit_points)
            tasks = replace(tasks, points=own_share * tasks.own_points + unit_points)

    disqualified: list[str] = []
    for code in person.disqualifications:
        case = ruleset.disqualification(code)
        if case is None:
            warn("disqualification_unknown")
        elif case.leaders_only and not person.is_leader:
            warn("disqualification_not_applicable")
        elif code not in disqualified:
            disqualified.append(code)

    total = general_points + tasks.points
    by_points = grade_of(ruleset, total)
    return Evaluation(person.staff_id, ruleset.ruleset_id, ruleset.version, total,
                      GRADES[-1] if disqualified else by_points, by_points, general, general_points, tasks, unit,
                      tuple(disqualified), tuple(warnings))


# -- the cap -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapProposal:
    """Who stays in the capped grade in one unit and duty group. `keep` and `demote` are sure; of `tied` (equal
    scores across the limit) exactly `slots` may stay, chosen by the head of unit (`decide_cap`)."""

    grade: str  # the capped grade (excellent)
    demoted_to: str  # where the demoted go (good)
    ratio: Fraction
    candidates: int  # E: rated in the capped grade by their scores
    of_grade: int  # G: rated in the grade below
    limit: int  # floor(ratio × (E + G) / (1 + ratio))
    binds: bool  # E > limit
    keep: tuple[str, ...]
    demote: tuple[str, ...]
    tied: tuple[str, ...] = ()
    slots: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"grade": self.grade, "demoted_to": self.demoted_to, "ratio": shown(self.ratio),
                "candidates": self.candidates, "of_grade": self.of_grade, "limit": self.limit, "binds": self.binds,
                "keep": list(self.keep), "demote": list(self.demote), "tied": list(self.tied), "slots": self.slots}


def cap_limit(ratio: Fraction, candidates: int, of_grade: int) -> int:
    """How many may keep the capped grade: the largest K with K ≤ ratio × (of_grade + candidates − K)."""
    return math.floor(ratio * (candidates + of_grade) / (1 + ratio))


def propose_cap(ruleset: RuleSet, rows: Iterable[tuple[str, Fraction, str]]) -> CapProposal:
    """The cap over one unit and duty group; rows are (staff_id, total, grade) with the grade after any
    disqualification (a disqualified person is not a candidate)."""
    cap = ruleset.cap
    ratio = frac(cap.ratio)
    listed = list(rows)
    candidates = sorted(((Fraction(total), staff_id) for staff_id, total, grade in listed if grade == cap.grade),
                        key=lambda one: (-one[0], one[1]))
    of_grade = sum(1 for _, _, grade in listed if grade == cap.max_ratio_of)
    limit = cap_limit(ratio, len(candidates), of_grade)
    ids = tuple(staff_id for _, staff_id in candidates)
    proposal = CapProposal(cap.grade, cap.max_ratio_of, ratio, len(candidates), of_grade, limit, binds=False,
                           keep=ids, demote=())
    if len(candidates) <= limit:
        return proposal
    if limit == 0:
        return replace(proposal, binds=True, keep=(), demote=ids)
    boundary = candidates[limit - 1][0]
    above = tuple(staff_id for total, staff_id in candidates if total > boundary)
    at = tuple(staff_id for total, staff_id in candidates if total == boundary)
    below = tuple(staff_id for total, staff_id in candidates if total < boundary)
    if len(above) + len(at) == limit:
        return replace(proposal, binds=True, keep=above + at, demote=below)
    return replace(proposal, binds=True, keep=above, demote=below, tied=at, slots=limit - len(above))


def decide_cap(proposal: CapProposal, chosen: Iterable[str]) -> dict[str, str] | Refusal:
    """The final grade of every candidate once the head of unit chose `chosen` among the tied (exactly `slots`
    of them; none when nobody is tied). Refusal `evaluation_cap_choice_invalid` otherwise."""
    picked = list(chosen)
    if len(set(picked)) != len(picked) or not set(picked) <= set(proposal.tied) or len(picked) != proposal.slots:
        return Refusal("evaluation_cap_choice_invalid")
    final = {staff_id: proposal.grade for staff_id in (*proposal.keep, *picked)}
    final.update({staff_id: proposal.demoted_to for staff_id in (*proposal.demote, *proposal.tied)
                  if staff_id not in final})
    return final


# -- quarter and year --------------------------------------------------------------------------------------------


def roll_up(months: list[tuple[str, Fraction, str]], ruleset: RuleSet | None = None) -> dict[str, Any]:
    """A quarter's or year's result from its months (month, total, grade): the mean of the monthly totals graded
    by the bands (of `ruleset`, by default the built-in default in force in the last month); a month whose grade
    is not_completed although its total reaches a better band was disqualified, and makes the period
    not_completed. The cap is not applied to a period. No months: mean and grade None."""
    ordered = sorted(months, key=lambda one: one[0])
    if not ordered:
        return {"months": [], "mean": None, "grade": None, "disqualified_months": []}
    bands = ruleset or in_force(builtin(), DEFAULT_RULESET_ID, max(ordered[-1][0], "2026-01"))
    mean = sum((Fraction(total) for _, total, _ in ordered), ZERO) / len(ordered)
    disqualified = [month for month, total, grade in ordered
                    if grade == GRADES[-1] and grade_of(bands, Fraction(total)) != GRADES[-1]]
    return {"months": [{"month": month, "total": Fraction(total), "grade": grade} for month, total, grade in ordered],
            "mean": mean, "grade": GRADES[-1] if disqualified else grade_of(bands, mean),
            "disqualified_months": disqualified}
