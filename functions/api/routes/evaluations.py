"""The monthly evaluation (Decree 335/2025): a unit's month, a person's evaluation, its workflow, the rule sets,
and the tasks a leader enters by hand."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.evaluations import (
    Approve,
    EvaluationRecord,
    NewRuleSet,
    Reopen,
    Return,
    Review,
    RollUp,
    RollUpQuery,
    RuleSetDetail,
    RuleSetList,
    SelfAssessment,
    UnitEvaluations,
)
from chamcong.schemas.tasks import ManualTask, Task
from chamcong.services import evaluation_approval, evaluations, manual_tasks, rulesets

routes = Routes("evaluations", "Đánh giá, xếp loại hằng tháng — the monthly evaluation (Decree 335/2025)")

_PERSON = ("staff_not_found", "evaluation_not_found", "ruleset_not_found")
_WRITE = (*_PERSON, "evaluation_locked", "evaluation_wrong_state", "evaluation_own", "evaluation_changed")


@routes.route("/v1/rulesets", "GET", summary="Every rule-set version (built in and added) and which is in force",
              auth="user", permission="rulesets:read", response=RuleSetList)
def list_rulesets(ctx: RequestContext) -> dict[str, Any]:
    return rulesets.list_rulesets(ctx.container, ctx.access)


@routes.route("/v1/rulesets/{ruleset_id}/{version}", "GET", summary="One rule-set version in full", auth="user",
              permission="rulesets:read", response=RuleSetDetail, errors=("ruleset_not_found",))
def read_ruleset(ctx: RequestContext, ruleset_id: str, version: str) -> dict[str, Any]:
    return rulesets.read_ruleset(ctx.container, ctx.access, ruleset_id, version)


@routes.route("/v1/rulesets", "POST", summary="Add a rule-set version as data (a province's own rules)", auth="user",
              permission="rulesets:write", body=NewRuleSet, response=RuleSetDetail, status=201,
              errors=("ruleset_invalid", "ruleset_version_exists"))
def add_ruleset(ctx: RequestContext) -> dict[str, Any]:
    return rulesets.add_ruleset(ctx.container, ctx.access, ctx.body.model_dump(), ctx.source)


@routes.route("/v1/units/{unit_id}/evaluations/{month}/compute", "POST", summary="Compute or refresh the drafts of "
              "the unit's month (entries kept; reviewed and locked evaluations left as they are)", auth="user",
              permission="evaluations:review", response=UnitEvaluations,
              errors=("unit_not_found", "ruleset_not_found", "evaluation_month_not_ended", "evaluation_changed"))
def compute_unit(ctx: RequestContext, unit_id: str, month: str) -> dict[str, Any]:
    return evaluations.compute_unit(ctx.container, ctx.access, unit_id, month, ctx.source)


@routes.route("/v1/units/{unit_id}/evaluations/{month}", "GET", summary="The unit's month: each person's score and "
              "step, the counts per grade, the cap per duty group, the deadlines", auth="user",
              permission="evaluations:read", response=UnitEvaluations, errors=("unit_not_found", "ruleset_not_found"))
def unit_evaluations(ctx: RequestContext, unit_id: str, month: str) -> dict[str, Any]:
    return evaluations.unit_table(ctx.container, ctx.access, unit_id, month)


@routes.route("/v1/units/{unit_id}/evaluations/{month}/approve", "POST", summary="Approve the unit's month: lock "
              "every reviewed evaluation but the approver's own, the cap applied (the head chooses among the tied)",
              auth="user", permission="evaluations:approve", body=Approve, response=UnitEvaluations,
              errors=("unit_not_found", "ruleset_not_found", "evaluation_unit_not_ready",
                      "evaluation_cap_choice_invalid", "evaluation_locked", "evaluation_wrong_state",
                      "evaluation_own", "evaluation_changed"))
def approve_unit(ctx: RequestContext, unit_id: str, month: str) -> dict[str, Any]:
    return evaluation_approval.approve_unit(ctx.container, ctx.access, unit_id, month, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/evaluations/{month}", "GET", summary="A person's evaluation with its sources",
              auth="user", permission="evaluations:read", response=EvaluationRecord, errors=_PERSON)
def read_evaluation(ctx: RequestContext, staff_id: str, month: str) -> dict[str, Any]:
    return evaluations.read_evaluation(ctx.container, ctx.access, staff_id, month)


@routes.route("/v1/staff/{staff_id}/evaluations/{month}/self-assessment", "PUT", summary="The person's own "
              "assessment of the general criteria, with a comment", auth="user", permission="evaluations:self",
              body=SelfAssessment, response=EvaluationRecord,
              errors=(*_WRITE, "evaluation_points_out_of_range", "evaluation_criterion_unknown"))
def self_assess(ctx: RequestContext, staff_id: str, month: str) -> dict[str, Any]:
    return evaluations.self_assess(ctx.container, ctx.access, staff_id, month, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/evaluations/{month}/review", "PUT", summary="The leader's review: points within "
              "the rules (a change of the person's value with its reason), disqualifying cases", auth="user",
              permission="evaluations:review", body=Review, response=EvaluationRecord,
              errors=(*_WRITE, "evaluation_points_out_of_range", "evaluation_criterion_unknown",
                      "evaluation_reason_required", "evaluation_disqualification_unknown"))
def review(ctx: RequestContext, staff_id: str, month: str) -> dict[str, Any]:
    return evaluations.review(ctx.container, ctx.access, staff_id, month, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/evaluations/{month}/return", "POST", summary="Send back to the person (leader) "
              "or to review (head of the unit), with a reason", auth="user", permission="evaluations:review",
              body=Return, response=EvaluationRecord, errors=(*_WRITE, "evaluation_reason_required"))
def return_evaluation(ctx: RequestContext, staff_id: str, month: str) -> dict[str, Any]:
    return evaluations.return_evaluation(ctx.container, ctx.access, staff_id, month, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/evaluations/{month}/reopen", "POST", summary="Reopen a locked evaluation "
              "(oversight), with a reason", auth="user", permission="evaluations:reopen", body=Reopen,
              response=EvaluationRecord, errors=(*_WRITE, "evaluation_reason_required"))
def reopen(ctx: RequestContext, staff_id: str, month: str) -> dict[str, Any]:
    return evaluations.reopen(ctx.container, ctx.access, staff_id, month, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/evaluations", "GET", summary="A person's quarter or year, rolled up from the "
              "locked months", auth="user", permission="evaluations:read", query=RollUpQuery, response=RollUp,
              errors=("staff_not_found",))
def roll_up(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return evaluations.roll_up_person(ctx.container, ctx.access, staff_id, ctx.query.period, ctx.query.date)


@routes.route("/v1/staff/{staff_id}/tasks", "POST", summary="A task entered by hand for a person whose work is not "
              "in the e-office system (source manual:<unit_id>)", auth="user", permission="tasks:write",
              body=ManualTask, response=Task, status=201, errors=("staff_not_found", "manual_task_invalid", "conflict"))
def add_manual_task(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return manual_tasks.add_manual_task(ctx.container, ctx.access, staff_id, ctx.body, ctx.source, ctx.lang)
