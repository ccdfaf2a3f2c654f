"""Approving a unit's month: every reviewed evaluation locked but the approver's own, the cap on "excellent"
decided per duty group (`rules.evaluation.propose_cap` / `decide_cap`: the head chooses among those tied at its
boundary, never the system silently), the demoted ones `good` with the reason recorded. Written in transactions
with the audit entry, each evaluation conditional on the revision read."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PynamoDBException

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, Unprocessable
from chamcong.rules.evaluation import decide_cap
from chamcong.rules.rulesets import RuleSet
from chamcong.schemas.evaluations import Approve
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.evaluation_inputs import stored_of_unit
from chamcong.services.evaluations import (
    MAX_PER_TRANSACTION,
    actor_of,
    cap_groups,
    copy_record,
    is_own,
    ruleset_of,
    transition,
    unit_table,
    with_history,
)
from chamcong.services.units import get_unit
from chamcong.store.models.base import lost_condition
from chamcong.store.models.evaluations import EvaluationModel


def approve_unit(container: Container, access: Access, unit_id: str, month: str, body: Approve,
                 source: Source) -> dict[str, Any]:
    """Lock every reviewed evaluation of the unit's month but the approver's own, the cap decided per duty group
    (the head chooses among those tied at its boundary). Refused while any of them is not reviewed."""
    get_unit(unit_id)
    access.require_unit("evaluations:approve", unit_id)
    records = stored_of_unit(unit_id, month)
    candidates = [r for r in records if r.state != "locked" and not is_own(access, r.staff_id)]
    waiting = sorted(r.staff_id for r in candidates if r.state != "reviewed")
    if waiting:
        raise Conflict("evaluation_unit_not_ready", details={"not_reviewed": waiting})
    if not candidates:
        if body.excellent:
            raise Unprocessable("evaluation_cap_choice_invalid")
        return unit_table(container, access, unit_id, month)
    for record in candidates:
        transition(record.state, "approve", actor_of(access, unit_id, record.staff_id), own=False)
    ruleset = ruleset_of(candidates[0])
    chosen = set(body.excellent)
    final: dict[str, str] = {}
    proposals = cap_groups(ruleset, candidates)
    for proposal in proposals.values():
        decided = decide_cap(proposal, sorted(chosen & set(proposal.tied)))
        if not isinstance(decided, dict):
            raise Unprocessable("evaluation_cap_choice_invalid")
        final.update(decided)
    if chosen - {staff_id for proposal in proposals.values() for staff_id in proposal.tied}:
        raise Unprocessable("evaluation_cap_choice_invalid")
    now = container.clock()
    at = iso(now)
    changes: list[tuple[str, Any, dict[str, Any]]] = []
    demoted: list[str] = []
    for record in candidates:
        proposal = proposals[record.duty_group]
        fresh = copy_record(record)
        fresh.state = "locked"
        fresh.final_grade = final.get(record.staff_id, record.grade)
        fresh.locked_at = now
        fresh.revision = int(record.revision) + 1
        fresh.history = with_history(record, "approve", record.state, "locked", access.username, at)
        if proposal.binds and record.grade == proposal_grade(ruleset):
            lowered = fresh.final_grade != record.grade
            fresh.cap = {"demoted": lowered, "reason": "cap" if lowered else None, "decided_by": access.username,
                         "at": at, "limit": int(proposal.limit), "tied": record.staff_id in proposal.tied}
            if lowered:
                demoted.append(record.staff_id)
        changes.append(("save", fresh, {"condition": EvaluationModel.revision == int(record.revision)}))
    details = {"month": month, "locked": len(changes), "demoted": sorted(demoted), "chosen": sorted(chosen)}
    for start in range(0, len(changes), MAX_PER_TRANSACTION):
        try:
            audit.write(container, audit.entry(now, access.username, "evaluations.approve", unit_id=unit_id,
                                               subject=f"{unit_id}/{month}", details=details, source=source),
                        *changes[start:start + MAX_PER_TRANSACTION])
        except PynamoDBException as exc:
            if not lost_condition(exc):
                raise
            raise Conflict("evaluation_changed") from None
    return unit_table(container, access, unit_id, month)


def proposal_grade(ruleset: RuleSet) -> str:
    """The grade the cap limits (excellent in Decree 335)."""
    return str(ruleset.cap.grade)
