"""What a unit's month is evaluated from: the rule set in force, the members, their days, tasks and entries.

Read here, scored by the pure `rules.evaluation.score`, stored by `services.evaluations`. Nothing here checks
scope: the callers do, before calling.

- The unit of a person's month is `services.transfers.unit_of_month` (the rule sets' `split_month`: the unit at
  month end). A unit's month evaluates those whose month ends there, among everyone who belonged to it.
- Days: `services.attendance.judge_unit` over the month (the same judged days as every page and report); for a
  person who moved during the month, each stay's days judged in the unit of that stay.
- Tasks: every task assigned in the month (`tasks_of_month`: the unit's in one query, a mover's by person),
  whatever its source: an e-office client, an
  imported file (`import:<unit>`), or entered by hand (`manual:<unit>`).
- Entries: the general criteria someone entered, the review's value over the self-assessment's; the
  disqualifying cases the review recorded.
- A leader's unit component is made of the unit's other members (not leaders), scored first.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from chamcong.container import Container
from chamcong.errors import NotFound
from chamcong.rules.evaluation import DayInput, Entry, Evaluation, PersonInput, TaskInput, UnitPart, score, unit_part
from chamcong.rules.rulesets import RuleSet, RuleSetNotFound, builtin, parse
from chamcong.rules.rulesets import in_force as newest_in_force
from chamcong.services.attendance import judge_unit
from chamcong.services.transfers import members_of_month, unit_of_month, units_of_month
from chamcong.store.models.evaluations import EvaluationModel, RuleSetModel
from chamcong.store.models.staff import StaffModel
from chamcong.store.models.tasks import TaskModel


@dataclass(frozen=True)
class MonthFrame:
    month: str  # YYYY-MM
    first: date
    last: date
    end: datetime  # the instant the month ended (the next month's first local midnight), UTC

    @classmethod
    def of(cls, container: Container, month: str) -> MonthFrame:
        first = date.fromisoformat(f"{month}-01")
        last = first.replace(day=months.monthrange(first.year, first.month)[1])
        end = datetime.combine(last + timedelta(days=1), time.min, container.work_calendar.timezone).astimezone(UTC)
        return cls(month, first, last, end)

    def ended(self, now: datetime) -> bool:
        return now >= self.end


# --- rule sets: the built-in files and the versions added as data ------------------------------------------

@dataclass(frozen=True)
class RuleSetVersion:
    ruleset: RuleSet
    builtin: bool
    created_by: str | None = None
    created_at: datetime | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.ruleset.ruleset_id, int(self.ruleset.version)


def stored_ruleset_ids() -> list[str]:
    return [item.month for item in RuleSetModel.query(RuleSetModel.INDEX)]


def versions_of(ruleset_id: str) -> list[RuleSetVersion]:
    """Every version of a rule set, oldest first: the built-in ones and those a system admin added."""
    found = [RuleSetVersion(ruleset, True) for ruleset in builtin() if ruleset.ruleset_id == ruleset_id]
    for item in RuleSetModel.query(RuleSetModel.key_of(ruleset_id)):
        found.append(RuleSetVersion(parse(item.body), False, item.created_by, item.created_at))
    return sorted(found, key=lambda version: int(version.ruleset.version))


def every_version() -> list[RuleSetVersion]:
    ids = sorted({ruleset.ruleset_id for ruleset in builtin()} | set(stored_ruleset_ids()))
    return [version for ruleset_id in ids for version in versions_of(ruleset_id)]


def find_ruleset(ruleset_id: str, version: int) -> RuleSetVersion:
    for candidate in builtin():
        if candidate.ruleset_id == ruleset_id and int(candidate.version) == version:
            return RuleSetVersion(candidate, True)
    try:
        item = RuleSetModel.get(RuleSetModel.key_of(ruleset_id), RuleSetModel.version_key(version))
    except RuleSetModel.DoesNotExist:
        raise NotFound("ruleset_not_found") from None
    return RuleSetVersion(parse(item.body), False, item.created_by, item.created_at)


def in_force(container: Container, month: str) -> RuleSet:
    """The configured rule set's newest version effective in the month."""
    ruleset_id = container.settings.evaluation_ruleset
    try:
        return newest_in_force([version.ruleset for version in versions_of(ruleset_id)], ruleset_id, month)
    except RuleSetNotFound:
        raise NotFound("ruleset_not_found") from None


# --- one unit's month --------------------------------------------------------------------------------------

def task_input(task: TaskModel) -> TaskInput:
    quality = task.quality or {}
    return TaskInput(key=f"{task.client_id}/{task.external_id}", title=task.title, status=task.status,
                     weight=Fraction(str(task.weight)), due_at=task.due_at, completed_at=task.completed_at,
                     late_objective_cause=bool(task.late_objective_cause),
                     meets_requirements=quality.get("meets_requirements"),
                     major_errors=int(quality.get("major_errors") or 0),
                     error_objective_cause=bool(quality.get("objective_cause")))


def entries_in_force(record: EvaluationModel | None) -> dict[str, Entry]:
    """Criterion code → the value in force: the review's where it gave one, else the self-assessment's."""
    entries: dict[str, Entry] = {}
    if record is None:
        return entries
    if record.self_entry:
        for code, points in (record.self_entry.get("general") or {}).items():
            entries[code] = Entry(Fraction(str(points)), str(record.self_entry.get("by")), "self")
    if record.review_entry:
        for code, given in (record.review_entry.get("general") or {}).items():
            entries[code] = Entry(Fraction(str(given["points"])), str(record.review_entry.get("by")), "review",
                                  given.get("reason"))
    return entries


def disqualifications(record: EvaluationModel | None) -> tuple[str, ...]:
    if record is None or not record.review_entry:
        return ()
    return tuple(case["code"] for case in record.review_entry.get("disqualifications") or [])


@dataclass
class UnitMonth:
    """A unit's month as read: who is evaluated there, their days and tasks, the evaluations stored so far."""

    unit_id: str
    frame: MonthFrame
    ruleset: RuleSet
    people: list[StaffModel]
    stored: dict[str, EvaluationModel]
    days: dict[str, list[DayInput]] = field(default_factory=dict)
    tasks: dict[str, list[TaskInput]] = field(default_factory=dict)

    @classmethod
    def load(cls, container: Container, unit_id: str, month: str, ruleset: RuleSet | None = None) -> UnitMonth:
        frame = MonthFrame.of(container, month)
        ruleset = ruleset or in_force(container, month)
        members = members_of_month(unit_id, month)
        belonged = {person.staff_id: person for person, _, _ in members}
        people = [person for person in belonged.values()
                  if unit_of_month(person, month) == unit_id
                  and (not person.employed_from or date.fromisoformat(person.employed_from) <= frame.last)]
        stored = {record.staff_id: record for record in stored_of_unit(unit_id, month)}
        unit = cls(unit_id, frame, ruleset, people, stored)
        if not people:
            return unit
        wanted = {person.staff_id for person in people}
        days: dict[str, list[DayInput]] = defaultdict(list)
        judged = list(judge_unit(container, unit_id, frame.first, frame.last, members=members))
        for person in people:  # the days a person who moved in spent in another unit, judged there
            for other, since, until in units_of_month(person, month):
                if other != unit_id:
                    judged += [one for one in judge_unit(container, other, since, until)
                               if one.person.staff_id == person.staff_id]
        for one in sorted(judged, key=lambda one: one.summary.day):
            if one.person.staff_id in wanted:
                days[one.person.staff_id].append(DayInput(one.summary.day, one.summary.status.value))
        unit.days = dict(days)
        unit.tasks = tasks_of_month(unit_id, people, frame)
        return unit

    def person_input(self, person: StaffModel, unit_part: UnitPart | None = None) -> PersonInput:
        record = self.stored.get(person.staff_id)
        return PersonInput(staff_id=person.staff_id, days=tuple(self.days.get(person.staff_id, ())),
                           tasks=tuple(self.tasks.get(person.staff_id, ())), entries=entries_in_force(record),
                           disqualifications=disqualifications(record), is_leader=bool(person.is_leader),
                           unit=unit_part if person.is_leader else None)

    def score_all(self, overrides: Mapping[str, EvaluationModel] | None = None) -> dict[str, Evaluation]:
        """Everyone's evaluation as the inputs stand: the members first, then the leaders with the unit part.

        `overrides`: records with entries not yet stored (a self-assessment or review being written), read
        instead of the stored ones."""
        if overrides:
            self.stored = {**self.stored, **overrides}
        members = [person for person in self.people if not person.is_leader]
        leaders = [person for person in self.people if person.is_leader]
        results = {person.staff_id: score(self.ruleset, self.person_input(person), self.frame.end)
                   for person in members}
        part = unit_part((results[p.staff_id].tasks.points, results[p.staff_id].grade) for p in members)
        for person in leaders:
            results[person.staff_id] = score(self.ruleset, self.person_input(person, part), self.frame.end)
        return results


def tasks_of_month(unit_id: str, people: list[StaffModel], frame: MonthFrame) -> dict[str, list[TaskInput]]:
    """Each person's tasks assigned in the month, in assigned order. A task is stored under the unit its assignee
    was in on the day it was assigned (`services.tasks`): the people who never moved have all theirs in the unit's
    one `by_unit` query; each mover's are read by person (`by_staff`), whatever unit they were stored under."""
    bounds = TaskModel.assigned_key.between(*TaskModel.period_range(frame.first, frame.last))
    moving = {person.staff_id for person in people if person.transfers}
    found: dict[str, list[TaskInput]] = {person.staff_id: [] for person in people}
    if len(moving) < len(people):
        for task in TaskModel.by_unit.query(unit_id, bounds):
            if task.staff_id in found and task.staff_id not in moving:
                found[task.staff_id].append(task_input(task))
    for staff_id in sorted(moving):
        found[staff_id] = [task_input(task) for task in TaskModel.by_staff.query(staff_id, bounds)]
    return found


def stored_of_unit(unit_id: str, month: str) -> list[EvaluationModel]:
    return list(EvaluationModel.by_unit.query(EvaluationModel.unit_month_of(unit_id, month)))
