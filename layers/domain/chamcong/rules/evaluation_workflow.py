"""The monthly evaluation's workflow: draft → self_assessed → reviewed → locked, who may move it, and its deadlines.

Pure: a state, an action and who acts in, a `Transition` or a `Refusal` (a catalogue code) out. The service
turns its `Access` checks into the actor's capabilities (`self`, `review`, `approve`, `reopen`, `system`), says
whether the evaluation is the actor's own, whether the self-assessment deadline has passed and whether a reason
was given. The table (docs/EVALUATION_RULES.md):

| from                                   | action           | who                              | to            |
|----------------------------------------|------------------|----------------------------------|---------------|
| (none), draft, self_assessed           | compute          | review or system                 | same (none → draft) |
| draft, self_assessed                   | self_assess      | self, own                        | self_assessed |
| self_assessed; draft past the deadline | review           | review, not own                  | reviewed      |
| reviewed                               | review           | review, not own                  | reviewed      |
| self_assessed, reviewed                | return_to_person | review, not own, with a reason   | draft         |
| reviewed                               | approve          | approve, not own                 | locked        |
| reviewed                               | return_to_review | approve, not own, with a reason  | self_assessed |
| locked                                 | reopen           | reopen, not own, with a reason   | reviewed      |

Refusals are checked in this order, the first that applies answers: an evaluation that does not exist yet
(`evaluation_not_found`, except compute), a locked one (`evaluation_locked`, except reopen), a capability the
actor lacks (`forbidden`), one's own evaluation (`evaluation_own` for review, return, approve and reopen;
`forbidden` for self-assessing someone else's), the state (`evaluation_wrong_state`), then the reason
(`evaluation_reason_required`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chamcong.rules.rulesets import RuleSet

STATES = ("draft", "self_assessed", "reviewed", "locked")
ACTIONS = ("compute", "self_assess", "review", "return_to_person", "approve", "return_to_review", "reopen")
CAPABILITIES = ("self", "review", "approve", "reopen", "system")
STEPS = ("self_assess", "review", "approve")

STATE_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("Chờ tự đánh giá", "Awaiting self-assessment"),
    "self_assessed": ("Đã tự đánh giá, chờ lãnh đạo trực tiếp đánh giá", "Self-assessed, awaiting review"),
    "reviewed": ("Đã được đánh giá, chờ thủ trưởng phê duyệt", "Reviewed, awaiting approval"),
    "locked": ("Đã phê duyệt (khoá)", "Approved (locked)"),
}
STEP_LABELS: dict[str, tuple[str, str]] = {
    "self_assess": ("Tự đánh giá", "Self-assessment"),
    "review": ("Lãnh đạo trực tiếp đánh giá", "Review by the direct leader"),
    "approve": ("Thủ trưởng đơn vị phê duyệt", "Approval by the head of unit"),
}
OWNER_LABELS: dict[str, tuple[str, str]] = {
    "person": ("Người được đánh giá", "The person evaluated"),
    "reviewer": ("Lãnh đạo trực tiếp", "The direct leader"),
    "head": ("Thủ trưởng đơn vị", "The head of unit"),
}

# Which capability each action needs (compute: either).
_NEEDS: dict[str, frozenset[str]] = {
    "compute": frozenset({"review", "system"}),
    "self_assess": frozenset({"self"}),
    "review": frozenset({"review"}),
    "return_to_person": frozenset({"review"}),
    "approve": frozenset({"approve"}),
    "return_to_review": frozenset({"approve"}),
    "reopen": frozenset({"reopen"}),
}
_NOT_OWN = frozenset({"review", "return_to_person", "approve", "return_to_review", "reopen"})
_NEEDS_REASON = frozenset({"return_to_person", "return_to_review", "reopen"})


@dataclass(frozen=True)
class Actor:
    """Who acts, as what the service's access checks allowed them (a subset of CAPABILITIES)."""

    capabilities: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *capabilities: str) -> Actor:
        unknown = set(capabilities) - set(CAPABILITIES)
        if unknown:
            raise ValueError(f"unknown capabilities {sorted(unknown)}")
        return cls(frozenset(capabilities))


@dataclass(frozen=True)
class Transition:
    to_state: str


@dataclass(frozen=True)
class Refusal:
    code: str


def decide(state: str | None, action: str, actor: Actor, *, own: bool, past_deadline: bool,
           has_reason: bool) -> Transition | Refusal:
    """May `actor` do `action` on an evaluation in `state` (None: not computed yet), and where does it go?"""
    if state is not None and state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if state is None and action != "compute":
        return Refusal("evaluation_not_found")
    if state == "locked" and action != "reopen":
        return Refusal("evaluation_locked")
    if not actor.capabilities & _NEEDS[action]:
        return Refusal("forbidden")
    if action in _NOT_OWN and own:
        return Refusal("evaluation_own")
    if action == "self_assess" and not own:
        return Refusal("forbidden")
    to_state = _target(state, action, past_deadline)
    if to_state is None:
        return Refusal("evaluation_wrong_state")
    if action in _NEEDS_REASON and not has_reason:
        return Refusal("evaluation_reason_required")
    return Transition(to_state)


def _target(state: str | None, action: str, past_deadline: bool) -> str | None:
    if action == "compute":
        return {None: "draft", "draft": "draft", "self_assessed": "self_assessed"}.get(state)
    if action == "self_assess":
        return "self_assessed" if state in ("draft", "self_assessed") else None
    if action == "review":
        if state in ("self_assessed", "reviewed") or (state == "draft" and past_deadline):
            return "reviewed"
        return None
    if action == "return_to_person":
        return "draft" if state in ("self_assessed", "reviewed") else None
    if action == "approve":
        return "locked" if state == "reviewed" else None
    if action == "return_to_review":
        return "self_assessed" if state == "reviewed" else None
    return "reviewed" if state == "locked" else None  # reopen


def month_end(month: str) -> date:
    """The last day of a month "YYYY-MM"."""
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


def deadlines(ruleset: RuleSet, month: str) -> dict[str, date]:
    """Each step's last day: the month's last day + the rule set's calendar days (self_assess, review, approve)."""
    last = month_end(month)
    days = ruleset.deadlines_days_after_month_end
    return {"self_assess": last + timedelta(days=days.self_assess), "review": last + timedelta(days=days.review),
            "approve": last + timedelta(days=days.approve)}


# The step pending in each state (not computed yet: the person cannot self-assess before the draft exists, and
# the self-assessment deadline is the one that runs).
_PENDING_STEP: dict[str | None, str | None] = {None: "self_assess", "draft": "self_assess",
                                               "self_assessed": "review", "reviewed": "approve", "locked": None}
_OWNER: dict[str | None, str | None] = {None: "reviewer", "draft": "person", "self_assessed": "reviewer",
                                        "reviewed": "head", "locked": None}


def pending_step(state: str | None) -> str | None:
    """The step an evaluation in `state` waits for: self_assess, review, approve, or None when locked."""
    return _PENDING_STEP[state]


def step_owner(state: str | None) -> str | None:
    """Who must act next: "person" (self-assess), "reviewer" (compute the draft, review), "head" (approve), or
    None once locked."""
    return _OWNER[state]


def overdue(state: str | None, deadlines: dict[str, date], today: date) -> bool:
    """Is the pending step past its last day? (A step is on time on its last day itself.)"""
    step = _PENDING_STEP[state]
    return step is not None and today > deadlines[step]
