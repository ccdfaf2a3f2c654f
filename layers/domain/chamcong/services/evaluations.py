"""The monthly evaluation (Decree 335/2025) as the offices run it: computed after the month ends, self-assessed by
the person, reviewed by the direct leader, approved by the head of the unit (the cap decided per duty group),
locked; reopened only by oversight, with a reason.

Every transition is decided by `rules.evaluation_workflow.decide` from what the caller may do here (their grants
over the person's unit) and whether the evaluation is their own; the scores by `rules.evaluation.score`. Every
write is conditional on the `revision` read (a lost race answers 409 `evaluation_changed`) and audited. A locked
evaluation is never recomputed: it keeps its rule-set version for ever.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import Any

from pynamodb.attributes import JSONAttribute
from pynamodb.exceptions import PynamoDBException

from chamcong.access import SYSTEM, Access, Target
from chamcong.container import Container
from chamcong.errors import Conflict, DomainError, Forbidden, NotFound, Unprocessable
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.evaluation import Evaluation, propose_cap, roll_up, shown
from chamcong.rules.evaluation_workflow import Actor, Refusal, deadlines, decide
from chamcong.rules.rulesets import RuleSet, frac
from chamcong.rules.tasks import period_bounds
from chamcong.schemas.evaluations import OtherUnitInput, Reopen, Return, Review, SelfAssessment
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.evaluation_inputs import (
    MonthFrame,
    UnitMonth,
    find_ruleset,
    in_force,
    stored_of_unit,
)
from chamcong.services.staff import duty_group_of, get_staff
from chamcong.services.transfers import unit_of_month, units_of_month
from chamcong.services.units import get_unit
from chamcong.store.models.base import lost_condition
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.staff import StaffModel

GRADES = ("excellent", "good", "completed", "not_completed")
STATES = ("draft", "self_assessed", "reviewed", "locked")
MAX_PER_TRANSACTION = 99  # DynamoDB takes 100 items in a transaction; one is the audit entry


# --- who the caller is for this evaluation -----------------------------------------------------------------

def actor_of(access: Access, unit_id: str, staff_id: str) -> Actor:
    """What the caller may do to this person's evaluation, from their grants over its unit."""
    person = Target(unit_id, staff_id)
    capabilities = {name for name, permission in (("self", "evaluations:self"), ("review", "evaluations:review"),
                                                  ("reopen", "evaluations:reopen"))
                    if access.allows(permission, person)}
    if access.allows("evaluations:approve", Target(unit_id)):
        capabilities.add("approve")
    if access.username == SYSTEM:
        capabilities.add("system")
    return Actor(frozenset(capabilities))


def is_own(access: Access, staff_id: str) -> bool:
    return access.principal.staff_id is not None and access.principal.staff_id == staff_id


def transition(state: str | None, action: str, actor: Actor, *, own: bool, past_deadline: bool = False,
               has_reason: bool = False) -> str:
    """The state the action leads to, or the refusal raised with its catalogue code."""
    verdict = decide(state, action, actor, own=own, past_deadline=past_deadline, has_reason=has_reason)
    if isinstance(verdict, Refusal):
        raise DomainError(verdict.code)
    return verdict.to_state


# --- reading ---------------------------------------------------------------------------------------------

def _find(staff_id: str, month: str) -> EvaluationModel | None:
    try:
        return EvaluationModel.get(staff_id, month, consistent_read=True)
    except EvaluationModel.DoesNotExist:
        return None


def _in_scope(access: Access, permission: str, staff_id: str, month: str) -> tuple[StaffModel, EvaluationModel]:
    """The person's evaluation, if the caller may act on it (403 before 404: a stranger learns nothing)."""
    person = get_staff(staff_id)
    record = _find(staff_id, month)
    unit_id = record.unit_id if record is not None else unit_of_month(person, month)
    access.require_person(permission, staff_id, unit_id)
    if record is None:
        raise NotFound("evaluation_not_found")
    return person, record


def ruleset_of(record: EvaluationModel) -> RuleSet:
    return find_ruleset(record.ruleset_id, int(record.ruleset_version)).ruleset


def ruleset_ref(ruleset: RuleSet) -> dict[str, Any]:
    return {"ruleset_id": ruleset.ruleset_id, "version": int(ruleset.version), "name_vi": ruleset.name_vi,
            "name_en": ruleset.name_en}


def _deadlines(month: str, ruleset: RuleSet) -> dict[str, str]:
    return {step: day.isoformat() for step, day in deadlines(ruleset, month).items()}


def evaluation_view(container: Container, record: EvaluationModel, ruleset: RuleSet | None = None) -> dict[str, Any]:
    ruleset = ruleset or ruleset_of(record)
    return {"staff_id": record.staff_id, "month": record.month, "unit_id": record.unit_id,
            "full_name": record.full_name, "duty_group": record.duty_group, "is_leader": bool(record.is_leader),
            "state": record.state, "ruleset": ruleset_ref(ruleset),
            "criteria": [{"code": c.code, "label_vi": c.label_vi, "label_en": c.label_en,
                          "max_points": shown(frac(c.max_points)), "source": c.source}
                         for c in ruleset.general.criteria],
            "disqualifying": [{"code": d.code, "label_vi": d.label_vi, "label_en": d.label_en,
                               "leaders_only": bool(d.leaders_only)} for d in ruleset.disqualifying],
            "computed": record.computed, "total": record.total, "grade": record.grade,
            "final_grade": record.final_grade, "cap": record.cap, "self_entry": record.self_entry,
            "review_entry": record.review_entry, "other_units": record.other_units or [],
            "history": record.history or [], "revision": int(record.revision),
            "computed_at": iso(record.computed_at), "locked_at": iso(record.locked_at) if record.locked_at else None,
            "deadlines": _deadlines(record.month, ruleset)}


def read_evaluation(container: Container, access: Access, staff_id: str, month: str) -> dict[str, Any]:
    _, record = _in_scope(access, "evaluations:read", staff_id, month)
    return evaluation_view(container, record)


def _row(record: EvaluationModel) -> dict[str, Any]:
    computed = record.computed or {}
    unit = computed.get("unit")
    return {"staff_id": record.staff_id, "full_name": record.full_name, "duty_group": record.duty_group,
            "is_leader": bool(record.is_leader), "state": record.state,
            "general": (computed.get("general") or {}).get("points", "0.00"),
            "tasks": (computed.get("tasks") or {}).get("points", "0.00"),
            "unit": unit.get("points") if unit else None, "total": record.total,
            "grade": record.grade, "final_grade": record.final_grade, "cap": record.cap,
            "ruleset_id": record.ruleset_id, "ruleset_version": int(record.ruleset_version),
            "revision": int(record.revision)}


def _exact(record: EvaluationModel) -> Fraction:
    """The exact total (the cap ranks and ties on it, never on the rounded one shown)."""
    exact = (record.computed or {}).get("total_exact")
    return Fraction(exact) if exact else Fraction(record.total)


def cap_groups(ruleset: RuleSet, records: Iterable[EvaluationModel]) -> dict[str, Any]:
    """duty group → the cap's proposal over the group's evaluations not yet locked."""
    groups: dict[str, list[EvaluationModel]] = {}
    for record in records:
        groups.setdefault(record.duty_group, []).append(record)
    return {group: propose_cap(ruleset, [(r.staff_id, _exact(r), r.grade) for r in members])
            for group, members in sorted(groups.items())}


def _proposal_view(group: str, proposal: Any) -> dict[str, Any]:
    return {"duty_group": group, "limit": int(proposal.limit), "binds": bool(proposal.binds),
            "keep": sorted(proposal.keep), "demote": sorted(proposal.demote), "tied": sorted(proposal.tied),
            "slots": int(proposal.slots)}


def unit_table(container: Container, access: Access, unit_id: str, month: str) -> dict[str, Any]:
    """The unit's month: a row per person, the counts per grade and state, the cap per duty group, who is at
    which step, the deadlines."""
    get_unit(unit_id)
    access.require_unit("evaluations:read", unit_id)
    return _table(container, unit_id, month, stored_of_unit(unit_id, month))


def _table(container: Container, unit_id: str, month: str, stored: Iterable[EvaluationModel]) -> dict[str, Any]:
    records = sorted(stored, key=lambda r: (vietnamese_key(r.full_name), r.staff_id))
    ruleset = ruleset_of(records[0]) if records else in_force(container, month)
    open_records = [record for record in records if record.state != "locked"]
    counts = {grade: 0 for grade in GRADES}
    for record in records:
        counts[record.final_grade or record.grade] = counts.get(record.final_grade or record.grade, 0) + 1
    return {"unit_id": unit_id, "month": month, "ruleset": ruleset_ref(ruleset),
            "deadlines": _deadlines(month, ruleset), "rows": [_row(record) for record in records],
            "counts": counts, "states": {state: sum(1 for r in records if r.state == state) for state in STATES},
            "cap": [_proposal_view(group, proposal)
                    for group, proposal in cap_groups(ruleset, open_records).items()],
            "pending": {"self_assess": [r.staff_id for r in records if r.state == "draft"],
                        "review": [r.staff_id for r in records if r.state in ("draft", "self_assessed")],
                        "approve": [r.staff_id for r in records if r.state == "reviewed"]}}


# --- computing -------------------------------------------------------------------------------------------

def with_history(record: EvaluationModel | None, action: str, before: str | None, after: str, by: str, at: str,
                 reason: str | None = None) -> list[dict[str, Any]]:
    earlier = list(record.history or []) if record is not None else []
    return [*earlier, {"action": action, "from": before, "to": after, "by": by, "at": at, "reason": reason}]


def _record(container: Container, person: StaffModel, unit_id: str, month: str, ruleset: RuleSet,
            evaluation: Evaluation, existing: EvaluationModel | None, state: str) -> EvaluationModel:
    """The evaluation as it will be stored: the new score, what was entered and decided so far kept."""
    now = container.clock()
    return EvaluationModel(
        person.staff_id, month, unit_id=unit_id, unit_month=EvaluationModel.unit_month_of(unit_id, month),
        full_name=person.full_name, duty_group=duty_group_of(person), is_leader=bool(person.is_leader),
        state=state, ruleset_id=ruleset.ruleset_id, ruleset_version=int(ruleset.version),
        computed=evaluation.to_json(), total=shown(evaluation.total), grade=evaluation.grade,
        final_grade=existing.final_grade if existing else None, cap=existing.cap if existing else None,
        self_entry=existing.self_entry if existing else None,
        review_entry=existing.review_entry if existing else None,
        other_units=_other_units(person, unit_id, month, existing),
        history=list(existing.history or []) if existing else [],
        revision=int(existing.revision) + 1 if existing else 1, computed_at=now,
        locked_at=existing.locked_at if existing else None)


def _other_units(person: StaffModel, unit_id: str, month: str,
                 existing: EvaluationModel | None) -> list[dict[str, Any]]:
    """A split month: the other units the person spent days in, each with its leader's input once given."""
    given = {stay["unit_id"]: stay.get("input") for stay in (existing.other_units or [])} if existing else {}
    return [{"unit_id": other, "first_day": since.isoformat(), "last_day": until.isoformat(),
             "input": given.get(other)}
            for other, since, until in units_of_month(person, month) if other != unit_id]


def _condition(existing: EvaluationModel | None) -> Any:
    return (EvaluationModel.staff_id.does_not_exist() if existing is None
            else EvaluationModel.revision == int(existing.revision))


def _month_ended(container: Container, month: str) -> MonthFrame:
    frame = MonthFrame.of(container, month)
    if not frame.ended(container.clock()):
        raise Conflict("evaluation_month_not_ended")
    return frame


def _unchanged(record: EvaluationModel, existing: EvaluationModel | None) -> bool:
    """Whether the recomputed evaluation is the one stored, all but when it was computed (then nothing is written)."""
    if existing is None:
        return False
    for name, attribute in EvaluationModel.get_attributes().items():
        if name in ("revision", "computed_at"):
            continue
        mine, theirs = getattr(record, name), getattr(existing, name)
        if isinstance(attribute, JSONAttribute):
            mine, theirs = json.dumps(mine, sort_keys=True), json.dumps(theirs, sort_keys=True)
        if mine != theirs:
            return False
    return True


def compute_unit(container: Container, access: Access, unit_id: str, month: str,
                 source: Source | None = None) -> dict[str, Any]:
    """Compute or refresh the drafts of the unit's month (entries kept); reviewed and locked ones are left."""
    return _table(container, unit_id, month, compute_records(container, access, unit_id, month, source))


def compute_records(container: Container, access: Access, unit_id: str, month: str,
                    source: Source | None = None) -> list[EvaluationModel]:
    """`compute_unit`'s work; returns the unit's evaluations of the month as they stand after it (those written,
    those unchanged, those left), so the monthly report need not read them again.

    A draft whose score and inputs did not change is not written again (a re-run that changes nothing writes
    nothing); every write is conditional on the revision read."""
    get_unit(unit_id)
    access.require_unit("evaluations:review", unit_id)
    _month_ended(container, month)
    unit = UnitMonth.load(container, unit_id, month)
    scored = unit.score_all()
    at = iso(container.clock())
    written, unchanged, left = 0, 0, []
    after = dict(unit.stored)
    for person in unit.people:
        existing = unit.stored.get(person.staff_id)
        state = existing.state if existing else None
        verdict = decide(state, "compute", actor_of(access, unit_id, person.staff_id), own=False,
                         past_deadline=False, has_reason=False)
        if isinstance(verdict, Refusal):
            left.append(person.staff_id)  # reviewed or locked: not recomputed
            continue
        record = _record(container, person, unit_id, month, unit.ruleset, scored[person.staff_id], existing,
                         existing.state if existing else "draft")
        if existing is None:
            record.history = with_history(None, "compute", None, "draft", access.username, at)
        if _unchanged(record, existing):
            unchanged += 1
            continue
        try:
            record.save(condition=_condition(existing))
        except PynamoDBException as exc:
            if not lost_condition(exc):
                raise
            raise Conflict("evaluation_changed") from None
        after[person.staff_id] = record
        written += 1
    audit.record_only(audit.entry(container.clock(), access.username, "evaluations.compute", unit_id=unit_id,
                                  subject=f"{unit_id}/{month}", source=source,
                                  details={"month": month, "computed": written, "unchanged": unchanged,
                                           "left": len(left),
                                           "ruleset": f"{unit.ruleset.ruleset_id}@{unit.ruleset.version}"}))
    return list(after.values())


def _rescored(container: Container, person: StaffModel, record: EvaluationModel, changed: EvaluationModel,
              state: str) -> EvaluationModel:
    """The person's evaluation recomputed with the entries of `changed` (the unit read again: a leader's unit
    component depends on the others)."""
    unit = UnitMonth.load(container, record.unit_id, record.month)
    if person.staff_id not in {p.staff_id for p in unit.people}:
        unit.people.append(person)
    evaluation = unit.score_all({person.staff_id: changed})[person.staff_id]
    fresh = _record(container, person, record.unit_id, record.month, unit.ruleset, evaluation, changed, state)
    fresh.revision = int(record.revision) + 1
    return fresh


def _write(container: Container, access: Access, record: EvaluationModel, fresh: EvaluationModel, action: str,
           source: Source, details: dict[str, Any]) -> None:
    try:
        audit.write(container, audit.entry(container.clock(), access.username, f"evaluations.{action}",
                                           unit_id=record.unit_id, subject=f"{record.staff_id}/{record.month}",
                                           details=details, source=source),
                    ("save", fresh, {"condition": EvaluationModel.revision == int(record.revision)}))
    except PynamoDBException as exc:
        if not lost_condition(exc):
            raise
        raise Conflict("evaluation_changed") from None


def _past(container: Container, record: EvaluationModel, ruleset: RuleSet, step: str) -> bool:
    return container.today() > deadlines(ruleset, record.month)[step]


def _check_points(ruleset: RuleSet, general: dict[str, Any]) -> dict[str, str]:
    """code → points as stored ("4.50"): each an entered criterion of the rule set, within 0 … its maximum."""
    criteria = {c.code: c for c in ruleset.general.criteria}
    checked: dict[str, str] = {}
    for code, points in general.items():
        criterion = criteria.get(code)
        if criterion is None or criterion.source != "entry":
            raise Unprocessable("evaluation_criterion_unknown", details={"criterion": code})
        value, most = Fraction(str(points)), frac(criterion.max_points)
        if not 0 <= value <= most or value * 100 != int(value * 100):
            raise Unprocessable("evaluation_points_out_of_range",
                                details={"criterion": code, "max_points": shown(most)})
        checked[code] = shown(value)
    return checked


def self_assess(container: Container, access: Access, staff_id: str, month: str, body: SelfAssessment,
                source: Source) -> dict[str, Any]:
    person, record = _in_scope(access, "evaluations:self", staff_id, month)
    ruleset = ruleset_of(record)
    state = transition(record.state, "self_assess", actor_of(access, record.unit_id, staff_id),
                       own=is_own(access, staff_id), past_deadline=_past(container, record, ruleset, "self_assess"))
    general = _check_points(ruleset, body.general)
    at = iso(container.clock())
    changed = copy_record(record)
    changed.self_entry = {"general": general, "comment": body.comment, "by": access.username, "at": at}
    fresh = _rescored(container, person, record, changed, state)
    fresh.history = with_history(record, "self_assess", record.state, state, access.username, at)
    _write(container, access, record, fresh, "self_assess", source, {"general": general, "to": state})
    return evaluation_view(container, fresh)


def review(container: Container, access: Access, staff_id: str, month: str, body: Review,
           source: Source) -> dict[str, Any]:
    person, record = _in_scope(access, "evaluations:review", staff_id, month)
    ruleset = ruleset_of(record)
    state = transition(record.state, "review", actor_of(access, record.unit_id, staff_id),
                       own=is_own(access, staff_id), past_deadline=_past(container, record, ruleset, "self_assess"),
                        has_reason=bool(body.comment))
    points = _check_points(ruleset, {code: given.points for code, given in body.general.items()})
    self_values = (record.self_entry or {}).get("general") or {}
    general: dict[str, dict[str, Any]] = {}
    for code, given in body.general.items():
        # An adjustment of what the person entered needs its reason.
        if code in self_values and Fraction(str(self_values[code])) != Fraction(points[code]) and not given.reason:
            raise Unprocessable("evaluation_reason_required", details={"criterion": code})
        general[code] = {"points": points[code], "reason": given.reason}
    cases = {case.code: case for case in ruleset.disqualifying}
    recorded: list[dict[str, Any]] = []
    for given_case in body.disqualifications:
        case = cases.get(given_case.code)
        if case is None or (case.leaders_only and not person.is_leader):
            raise Unprocessable("evaluation_disqualification_unknown", details={"code": given_case.code})
        recorded.append({"code": given_case.code, "reason": given_case.reason})
    at = iso(container.clock())
    changed = copy_record(record)
    changed.review_entry = {"general": general, "disqualifications": recorded, "comment": body.comment,
                            "by": access.username, "at": at}
    fresh = _rescored(container, person, record, changed, state)
    fresh.history = with_history(record, "review", record.state, state, access.username, at, body.comment)
    _write(container, access, record, fresh, "review", source,
           {"general": general, "disqualifications": recorded, "to": state})
    return evaluation_view(container, fresh)


def other_unit_input(container: Container, access: Access, staff_id: str, month: str, body: OtherUnitInput,
                     source: Source) -> dict[str, Any]:
    """A split month's other unit: its leader's input (a comment, the points they would give) recorded beside the
    evaluation for the reviewer to see. The evaluating unit's reviewer decides; the score does not change."""
    get_unit(body.unit_id)
    access.require_unit("evaluations:review", body.unit_id)
    person = get_staff(staff_id)
    record = _find(staff_id, month)
    if record is None:
        raise NotFound("evaluation_not_found")
    if is_own(access, staff_id):
        raise Forbidden("evaluation_own")
    if record.state == "locked":
        raise Conflict("evaluation_locked")
    stays = _other_units(person, record.unit_id, month, record)
    if body.unit_id not in {stay["unit_id"] for stay in stays}:
        raise Unprocessable("evaluation_not_other_unit")
    general = _check_points(ruleset_of(record), body.general)
    at = iso(container.clock())
    given = {"general": general, "comment": body.comment, "by": access.username, "at": at}
    fresh = copy_record(record)
    fresh.other_units = [{**stay, "input": given} if stay["unit_id"] == body.unit_id else stay for stay in stays]
    fresh.revision = int(record.revision) + 1
    fresh.history = with_history(record, "other_unit_input", record.state, record.state, access.username, at,
                                 body.comment)
    _write(container, access, record, fresh, "other_unit_input", source,
           {"unit_id": body.unit_id, "general": general})
    return evaluation_view(container, fresh)


def return_evaluation(container: Container, access: Access, staff_id: str, month: str, body: Return,
                      source: Source) -> dict[str, Any]:
    """Back to the person (from the leader) or back to review (from the head), with a reason."""
    action, permission = (("return_to_person", "evaluations:review") if body.to == "person"
                          else ("return_to_review", "evaluations:approve"))
    _, record = _in_scope(access, permission, staff_id, month)
    state = transition(record.state, action, actor_of(access, record.unit_id, staff_id),
                       own=is_own(access, staff_id), has_reason=bool(body.reason))
    return _move(container, access, record, action, state, body.reason, source)


def reopen(container: Container, access: Access, staff_id: str, month: str, body: Reopen,
           source: Source) -> dict[str, Any]:
    """Oversight reopens a locked evaluation, with a reason: back to reviewed, its final grade and cap undone."""
    _, record = _in_scope(access, "evaluations:reopen", staff_id, month)
    state = transition(record.state, "reopen", actor_of(access, record.unit_id, staff_id),
                       own=is_own(access, staff_id), has_reason=bool(body.reason))
    return _move(container, access, record, "reopen", state, body.reason, source)


def _move(container: Container, access: Access, record: EvaluationModel, action: str, state: str, reason: str | None,
          source: Source) -> dict[str, Any]:
    at = iso(container.clock())
    fresh = copy_record(record)
    fresh.state = state
    fresh.revision = int(record.revision) + 1
    fresh.history = with_history(record, action, record.state, state, access.username, at, reason)
    if action == "reopen":
        fresh.final_grade, fresh.cap, fresh.locked_at = None, None, None
    _write(container, access, record, fresh, action, source,
           {"from": record.state, "to": state, "reason": reason, "final_grade": record.final_grade})
    return evaluation_view(container, fresh)


def copy_record(record: EvaluationModel) -> EvaluationModel:
    return EvaluationModel(record.staff_id, record.month, **{
        name: getattr(record, name) for name in EvaluationModel.get_attributes()
        if name not in ("staff_id", "month")})


# --- quarter and year -------------------------------------------------------------------------------------

def roll_up_person(container: Container, access: Access, staff_id: str, period: str, day: date) -> dict[str, Any]:
    """A quarter's or a year's result from the locked months (approved results only)."""
    person = get_staff(staff_id)
    access.require_person("evaluations:read", staff_id, person.unit_id)
    if period == "year":
        first, last = date(day.year, 1, 1), date(day.year, 12, 31)
    else:
        first, last = period_bounds("quarter", day)
    records = list(EvaluationModel.query(staff_id, EvaluationModel.month.between(f"{first:%Y-%m}", f"{last:%Y-%m}")))
    locked = [r for r in records if r.state == "locked"]
    result = roll_up([(r.month, _exact(r), r.final_grade or r.grade) for r in locked], ruleset_of(locked[-1])) \
        if locked else None
    return {"staff_id": staff_id, "period": period, "first_month": f"{first:%Y-%m}", "last_month": f"{last:%Y-%m}",
            "months": [{"month": r.month, "state": r.state, "total": r.total, "grade": r.grade,
                        "final_grade": r.final_grade} for r in records],
            "counted": len(locked), "mean": _shown_mean(result), "grade": result["grade"] if result else None}


def _shown_mean(result: dict[str, Any] | None) -> str | None:
    return shown(result["mean"]) if result is not None and result["mean"] is not None else None

