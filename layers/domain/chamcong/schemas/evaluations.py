"""The monthly evaluation (Decree 335/2025) and its rule sets: bodies, query strings, responses."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from chamcong.schemas.common import Body, Day, Id, Query, Text, View

# Points as people enter them: 0 … a criterion's maximum, at most 2 decimals (checked against the rule set).
Points = Annotated[float, Field(ge=0, le=100, description="Points, at most 2 decimals, within the criterion's "
                                                          "maximum")]
CriterionCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Comment = Annotated[str, Field(max_length=2000)]


# --- bodies ---------------------------------------------------------------------------------------------

class SelfAssessment(Body):
    general: dict[CriterionCode, Points] = Field(
        max_length=50, description="criterion code → points, for the criteria the rule set has people enter")
    comment: Comment | None = None


class ReviewedPoints(Body):
    points: Points
    reason: Text | None = Field(default=None, description="Required when it changes what the person entered")


class Disqualification(Body):
    code: CriterionCode = Field(description="A disqualifying case of the rule set (a leaders-only one only for a "
                                            "leader)")
    reason: Text


class Review(Body):
    general: dict[CriterionCode, ReviewedPoints] = Field(default_factory=dict, max_length=50)
    disqualifications: list[Disqualification] = Field(default_factory=list, max_length=20)
    comment: Comment | None = None


class OtherUnitInput(Body):
    unit_id: Id = Field(description="The other unit the person spent part of the month in (the caller leads it)")
    general: dict[CriterionCode, Points] = Field(
        default_factory=dict, max_length=50, description="The points this leader would give, for the reviewer")
    comment: Text = Field(description="What the person did in this unit during their days here")


class Return(Body):
    to: Literal["person", "review"] = Field(description="person: back to draft (the leader); review: back to the "
                                                        "leader (the head of the unit)")
    reason: Text


class Reopen(Body):
    reason: Text


class Approve(Body):
    excellent: list[Id] = Field(default_factory=list, max_length=1000,
                                description="Those who stay excellent, chosen among the tied at the cap's boundary "
                                            "(exactly as many as the proposal's slots)")


class NewRuleSet(Body):
    """A rule set version as JSON (see GET /v1/rulesets/{ruleset_id}/{version}); validated whole by the rules."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    ruleset_id: Id
    version: int = Field(ge=1, le=9999)


class RollUpQuery(Query):
    period: Literal["quarter", "year"] = "quarter"
    date: Day = Field(description="Any day of the quarter or year")


# --- responses ------------------------------------------------------------------------------------------

class RuleSetRef(View):
    ruleset_id: str
    version: int
    name_vi: str
    name_en: str


class Criterion(View):
    code: str
    label_vi: str
    label_en: str
    max_points: str
    source: str


class DisqualifyingCase(View):
    code: str
    label_vi: str
    label_en: str
    leaders_only: bool


class Deadlines(View):
    self_assess: str
    review: str
    approve: str


class EvaluationRecord(View):
    staff_id: str
    month: str
    unit_id: str
    full_name: str
    duty_group: str
    is_leader: bool
    state: Literal["draft", "self_assessed", "reviewed", "locked"]
    ruleset: RuleSetRef
    criteria: list[Criterion]
    disqualifying: list[DisqualifyingCase]
    computed: dict[str, Any] = Field(description="The score with its sources: every day, task and entry it counts")
    total: str = Field(description="0 … 100, 2 decimals rounded down")
    grade: str = Field(description="By the score and the disqualifying cases")
    final_grade: str | None = Field(description="After the cap, set at approval")
    cap: dict[str, Any] | None
    self_entry: dict[str, Any] | None
    review_entry: dict[str, Any] | None
    other_units: list[dict[str, Any]]
    history: list[dict[str, Any]]
    revision: int
    computed_at: str
    locked_at: str | None
    deadlines: Deadlines


class EvaluationRow(View):
    staff_id: str
    full_name: str
    duty_group: str
    is_leader: bool
    state: str
    general: str = Field(description="General criteria points (of 30 by default)")
    tasks: str = Field(description="Task-result points (of 70 by default; a leader's include the unit component)")
    unit: str | None = Field(description="A leader's unit component (its points); null for the others")
    total: str
    grade: str
    final_grade: str | None
    cap: dict[str, Any] | None
    ruleset_id: str
    ruleset_version: int
    revision: int


class CapGroup(View):
    duty_group: str
    limit: int = Field(description="How many may stay excellent")
    binds: bool
    keep: list[str]
    demote: list[str]
    tied: list[str] = Field(description="Tied at the boundary: the head chooses `slots` of them")
    slots: int


class Pending(View):
    self_assess: list[str]
    review: list[str]
    approve: list[str]


class UnitEvaluations(View):
    unit_id: str
    month: str
    ruleset: RuleSetRef
    deadlines: Deadlines
    rows: list[EvaluationRow]
    counts: dict[str, int] = Field(description="Per grade (the final one once locked)")
    states: dict[str, int]
    cap: list[CapGroup] = Field(description="Per duty group, over the evaluations not yet locked")
    pending: Pending


class MonthResult(View):
    month: str
    state: str
    total: str
    grade: str
    final_grade: str | None


class RollUp(View):
    staff_id: str
    period: str
    first_month: str
    last_month: str
    months: list[MonthResult]
    counted: int = Field(description="Locked months counted")
    mean: str | None
    grade: str | None


class RuleSetSummary(View):
    ruleset_id: str
    version: int
    name_vi: str
    name_en: str
    effective_from: str
    builtin: bool
    created_by: str | None
    created_at: str | None
    in_force: bool


class RuleSetList(View):
    setting: str = Field(description="The rule set configured (evaluation_ruleset)")
    month: str
    rulesets: list[RuleSetSummary]


class RuleSetDetail(RuleSetSummary):
    body: dict[str, Any]
