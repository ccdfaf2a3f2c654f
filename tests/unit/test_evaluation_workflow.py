"""The evaluation's workflow by table: GIVEN a state, an action and who acts (their capability, whether it is
their own evaluation, past the self-assessment deadline or not, with a reason or not), THEN the state it moves to
or the refusal they read. Every combination is generated and compared with the table written out below."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from chamcong.messages import CATALOGUE
from chamcong.rules.evaluation_workflow import (
    ACTIONS,
    OWNER_LABELS,
    STATE_LABELS,
    STATES,
    STEP_LABELS,
    Actor,
    Refusal,
    Transition,
    deadlines,
    decide,
    overdue,
    pending_step,
    step_owner,
)
from chamcong.rules.rulesets import RuleSet, builtin, in_force

DECREE = in_force(builtin(), "nd335-2025", "2026-01")
PROVINCE = in_force(builtin(), "province-example", "2026-01")

# Every allowed move: (state, action, capability, own, past the self-assessment deadline) → the state it goes to.
# Written out by hand from SPEC.md's table; anything not here is refused.
ALLOWED: dict[tuple[str | None, str, str, bool, bool], str] = {}
for _own, _past in itertools.product((False, True), (False, True)):
    for _capability in ("review", "system"):
        ALLOWED[(None, "compute", _capability, _own, _past)] = "draft"
        ALLOWED[("draft", "compute", _capability, _own, _past)] = "draft"
        ALLOWED[("self_assessed", "compute", _capability, _own, _past)] = "self_assessed"
    ALLOWED[("draft", "self_assess", "self", True, _past)] = "self_assessed"
    ALLOWED[("self_assessed", "self_assess", "self", True, _past)] = "self_assessed"
    ALLOWED[("self_assessed", "review", "review", False, _past)] = "reviewed"
    ALLOWED[("reviewed", "review", "review", False, _past)] = "reviewed"
    ALLOWED[("self_assessed", "return_to_person", "review", False, _past)] = "draft"
    ALLOWED[("reviewed", "return_to_person", "review", False, _past)] = "draft"
    ALLOWED[("reviewed", "approve", "approve", False, _past)] = "locked"
    ALLOWED[("reviewed", "return_to_review", "approve", False, _past)] = "self_assessed"
    ALLOWED[("locked", "reopen", "reopen", False, _past)] = "reviewed"
ALLOWED[("draft", "review", "review", False, True)] = "reviewed"  # the person let the deadline pass

NEEDS_REASON = {"return_to_person", "return_to_review", "reopen"}
NOT_OWN = {"review", "return_to_person", "approve", "return_to_review", "reopen"}
NEEDED = {"compute": {"review", "system"}, "self_assess": {"self"}, "review": {"review"},
          "return_to_person": {"review"}, "approve": {"approve"}, "return_to_review": {"approve"},
          "reopen": {"reopen"}}
CAPABILITY_SETS = [frozenset(), *(frozenset({one}) for one in ("self", "review", "approve", "reopen", "system")),
                   frozenset({"self", "review", "approve"})]  # a head of unit who is also staff


def expected(state: str | None, action: str, capabilities: frozenset[str], own: bool, past: bool,
             reason: bool) -> Transition | Refusal:
    """The answer the table gives: the first refusal that applies, in the documented order."""
    if state is None and action != "compute":
        return Refusal("evaluation_not_found")
    if state == "locked" and action != "reopen":
        return Refusal("evaluation_locked")
    usable = capabilities & NEEDED[action]
    if not usable:
        return Refusal("forbidden")
    if own and action in NOT_OWN:
        return Refusal("evaluation_own")
    if action == "self_assess" and not own:
        return Refusal("forbidden")
    targets = {ALLOWED[key] for key in ((state, action, one, own, past) for one in usable) if key in ALLOWED}
    if not targets:
        return Refusal("evaluation_wrong_state")
    if action in NEEDS_REASON and not reason:
        return Refusal("evaluation_reason_required")
    (target,) = targets
    return Transition(target)


CASES = list(itertools.product((None, *STATES), ACTIONS, CAPABILITY_SETS, (False, True), (False, True),
                               (False, True)))


def test_every_state_action_and_actor_is_answered_as_the_table_says() -> None:
    answers = {}
    for state, action, capabilities, own, past, reason in CASES:
        answer = decide(state, action, Actor(capabilities), own=own, past_deadline=past, has_reason=reason)
        assert answer == expected(state, action, capabilities, own, past, reason), (state, action, capabilities,
                                                                                    own, past, reason)
        answers[(state, action, capabilities, own, past, reason)] = answer
    # and the table is not empty on either side
    moves = [answer for answer in answers.values() if isinstance(answer, Transition)]
    refusals = {answer.code for answer in answers.values() if isinstance(answer, Refusal)}
    assert len(moves) > 100
    assert refusals == {"evaluation_not_found", "evaluation_locked", "forbidden", "evaluation_own",
                        "evaluation_wrong_state", "evaluation_reason_required"}


def test_every_allowed_move_of_the_table_is_taken() -> None:
    for (state, action, capability, own, past), target in ALLOWED.items():
        answer = decide(state, action, Actor.of(capability), own=own, past_deadline=past, has_reason=True)
        assert answer == Transition(target), (state, action, capability, own, past)


@pytest.mark.parametrize(("state", "action", "capability", "own", "past", "reason", "answer"), [
    # the month's path
    (None, "compute", "system", False, False, False, Transition("draft")),
    ("draft", "self_assess", "self", True, False, False, Transition("self_assessed")),
    ("self_assessed", "review", "review", False, False, False, Transition("reviewed")),
    ("reviewed", "approve", "approve", False, False, False, Transition("locked")),
    ("locked", "reopen", "reopen", False, False, True, Transition("reviewed")),
    # recomputing keeps the state; a reviewed one is not recomputed
    ("self_assessed", "compute", "review", False, False, False, Transition("self_assessed")),
    ("reviewed", "compute", "system", False, False, False, Refusal("evaluation_wrong_state")),
    # self-assessment: one's own, until reviewed
    ("self_assessed", "self_assess", "self", True, True, False, Transition("self_assessed")),
    ("reviewed", "self_assess", "self", True, False, False, Refusal("evaluation_wrong_state")),
    ("draft", "self_assess", "self", False, False, False, Refusal("forbidden")),
    ("draft", "self_assess", "review", True, False, False, Refusal("forbidden")),
    # the leader reviews a draft only once the person's deadline passed
    ("draft", "review", "review", False, False, False, Refusal("evaluation_wrong_state")),
    ("draft", "review", "review", False, True, False, Transition("reviewed")),
    # never one's own, whatever the grants
    ("self_assessed", "review", "review", True, False, False, Refusal("evaluation_own")),
    ("reviewed", "approve", "approve", True, False, False, Refusal("evaluation_own")),
    ("locked", "reopen", "reopen", True, False, True, Refusal("evaluation_own")),
    ("reviewed", "return_to_review", "approve", True, False, True, Refusal("evaluation_own")),
    # returns and reopening need a reason
    ("reviewed", "return_to_person", "review", False, False, False, Refusal("evaluation_reason_required")),
    ("reviewed", "return_to_person", "review", False, False, True, Transition("draft")),
    ("reviewed", "return_to_review", "approve", False, False, False, Refusal("evaluation_reason_required")),
    ("reviewed", "return_to_review", "approve", False, False, True, Transition("self_assessed")),
    ("locked", "reopen", "reopen", False, False, False, Refusal("evaluation_reason_required")),
    # approval waits for the review; a locked evaluation moves only by reopening
    ("self_assessed", "approve", "approve", False, False, False, Refusal("evaluation_wrong_state")),
    ("locked", "approve", "approve", False, False, False, Refusal("evaluation_locked")),
    ("locked", "review", "review", False, False, True, Refusal("evaluation_locked")),
    ("locked", "compute", "system", False, False, False, Refusal("evaluation_locked")),
    ("reviewed", "reopen", "reopen", False, False, True, Refusal("evaluation_wrong_state")),
    # nothing to act on before the draft exists
    (None, "self_assess", "self", True, False, False, Refusal("evaluation_not_found")),
    # a capability the actor lacks
    ("self_assessed", "review", "self", False, False, False, Refusal("forbidden")),
    ("reviewed", "approve", "review", False, False, False, Refusal("forbidden")),
    ("locked", "reopen", "approve", False, False, True, Refusal("forbidden")),
    (None, "compute", "self", False, False, False, Refusal("forbidden")),
])
def test_the_table_row_by_row(state: str | None, action: str, capability: str, own: bool, past: bool,
                              reason: bool, answer: Transition | Refusal) -> None:
    assert decide(state, action, Actor.of(capability), own=own, past_deadline=past, has_reason=reason) == answer


def test_every_refusal_is_in_the_catalogue_in_both_languages() -> None:
    codes = {answer.code for answer in (decide(*case[:2], Actor(case[2]), own=case[3], past_deadline=case[4],
                                               has_reason=case[5]) for case in CASES)
             if isinstance(answer, Refusal)}
    codes |= {"evaluation_not_found", "evaluation_locked", "evaluation_wrong_state", "evaluation_own",
              "evaluation_reason_required", "evaluation_points_out_of_range", "evaluation_criterion_unknown",
              "evaluation_disqualification_unknown", "evaluation_cap_choice_invalid", "evaluation_unit_not_ready",
              "ruleset_invalid", "ruleset_not_found", "ruleset_version_exists", "evaluation_month_not_ended",
              "manual_task_invalid", "evaluation_changed"}
    for code in codes:
        message = CATALOGUE[code]
        assert message.vi and message.en and message.vi != message.en
    statuses = {code: CATALOGUE[code].status for code in codes}
    assert statuses["evaluation_not_found"] == statuses["ruleset_not_found"] == 404
    assert statuses["evaluation_own"] == 403
    assert {statuses[code] for code in ("evaluation_locked", "evaluation_wrong_state", "evaluation_unit_not_ready",
                                        "ruleset_version_exists", "evaluation_month_not_ended",
                                        "evaluation_changed")} == {409}
    assert {statuses[code] for code in ("evaluation_reason_required", "evaluation_points_out_of_range",
                                        "evaluation_criterion_unknown", "evaluation_disqualification_unknown",
                                        "evaluation_cap_choice_invalid", "ruleset_invalid",
                                        "manual_task_invalid")} == {422}


def test_unknown_states_actions_and_capabilities_are_programming_errors() -> None:
    with pytest.raises(ValueError):
        decide("archived", "compute", Actor.of("system"), own=False, past_deadline=False, has_reason=False)
    with pytest.raises(ValueError):
        decide("draft", "delete", Actor.of("system"), own=False, past_deadline=False, has_reason=False)
    with pytest.raises(ValueError):
        Actor.of("root")


# -- deadlines and who acts next ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("ruleset", "month", "self_assess", "review", "approve"), [
    (DECREE, "2026-01", date(2026, 2, 3), date(2026, 2, 5), date(2026, 2, 7)),
    (DECREE, "2026-02", date(2026, 3, 3), date(2026, 3, 5), date(2026, 3, 7)),
    (DECREE, "2028-02", date(2028, 3, 3), date(2028, 3, 5), date(2028, 3, 7)),  # after 29 February 2028
    (DECREE, "2026-12", date(2027, 1, 3), date(2027, 1, 5), date(2027, 1, 7)),
    (PROVINCE, "2026-04", date(2026, 5, 2), date(2026, 5, 4), date(2026, 5, 6)),
])
def test_each_step_has_its_last_day_after_the_month(ruleset: RuleSet, month: str, self_assess: date, review: date,
                                                    approve: date) -> None:
    assert deadlines(ruleset, month) == {"self_assess": self_assess, "review": review, "approve": approve}


@pytest.mark.parametrize(("state", "step", "owner", "on_the_day", "day_after"), [
    (None, "self_assess", "reviewer", date(2026, 2, 3), date(2026, 2, 4)),
    ("draft", "self_assess", "person", date(2026, 2, 3), date(2026, 2, 4)),
    ("self_assessed", "review", "reviewer", date(2026, 2, 5), date(2026, 2, 6)),
    ("reviewed", "approve", "head", date(2026, 2, 7), date(2026, 2, 8)),
    ("locked", None, None, date(2026, 2, 7), date(2027, 1, 1)),
])
def test_who_acts_next_and_whether_they_are_late(state: str | None, step: str | None, owner: str | None,
                                                 on_the_day: date, day_after: date) -> None:
    last_days = deadlines(DECREE, "2026-01")
    assert pending_step(state) == step and step_owner(state) == owner
    assert overdue(state, last_days, on_the_day) is False
    assert overdue(state, last_days, day_after) is (state != "locked")


def test_states_steps_and_owners_have_labels_in_both_languages() -> None:
    for labels, keys in ((STATE_LABELS, STATES), (STEP_LABELS, ("self_assess", "review", "approve")),
                         (OWNER_LABELS, ("person", "reviewer", "head"))):
        assert set(labels) == set(keys)
        assert all(vi and en and vi != en for vi, en in labels.values())
