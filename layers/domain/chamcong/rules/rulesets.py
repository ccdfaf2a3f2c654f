"""Evaluation rule sets: the monthly evaluation's criteria, points, weights, deductions, grades and cap, as data.

A rule set is a JSON document (`chamcong/data/rulesets/*.json` for the built-in ones, POST /v1/rulesets for a
province's own) identified by (ruleset_id, version). An evaluation records the version it used, so a new version
never changes an evaluation already locked. `parse` checks a document completely and names the field at fault;
`in_force` picks, for a month, the newest version whose `effective_from` is not after it.

Numbers are decimals with at most two places (0.5, 0.15, 6); they are read exactly (`Decimal`, and `frac()` gives
the `Fraction` the scoring works with), so 0.1 is a tenth, never 0.1000000000000000055.

What is checked beyond each field's shape (docs/EVALUATION_RULES.md):
- the general criteria's maximums add up to `general.max_points`, and general + tasks maximums to 100;
- criterion codes and disqualifying codes are unique; attendance deductions name day statuses;
- the four grades, each once, from the best down, with strictly descending minimums ending at 0;
- the cap limits a grade by the grade just below it (where its demoted people go), with a ratio in [0, 1];
- task weights ≥ 0 with a positive sum; deductions and shares in [0, 1]; a leader's two shares add up to 1;
- deadlines in step order (self-assessment ≤ review ≤ approval).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chamcong.rules.attendance import DayStatus

DEFAULT_RULESET_ID = "nd335-2025"
RULESETS_PACKAGE = "chamcong.data"
RULESETS_FOLDER = "rulesets"

GRADES = ("excellent", "good", "completed", "not_completed")
Grade = Literal["excellent", "good", "completed", "not_completed"]
CODE_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
RULESET_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
MONTH_PATTERN = r"^20\d\d-(0[1-9]|1[0-2])$"


def _two_places(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise PydanticCustomError("decimal_places", "must be a finite number")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise PydanticCustomError("decimal_places", "at most 2 decimal places")
    return value


def _as_json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# A number of the rule set: exact, at most two decimals, written back to JSON as a number (6, 0.5).
Number = Annotated[Decimal, Field(ge=0, allow_inf_nan=False), AfterValidator(_two_places),
                   PlainSerializer(_as_json_number)]
Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False), AfterValidator(_two_places),
                  PlainSerializer(_as_json_number)]
Label = Annotated[str, Field(min_length=1, max_length=300)]
Code = Annotated[str, Field(pattern=CODE_PATTERN)]


def frac(value: Decimal | int) -> Fraction:
    """A rule set's number as the exact fraction the scoring uses."""
    return Fraction(value)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Criterion(_Model):
    """A general criterion: entered by the leader (`entry`) or computed from the month's days (`attendance`)."""

    code: Code
    label_vi: Label
    label_en: Label
    max_points: Number
    source: Literal["entry", "attendance"] = "entry"


class General(_Model):
    max_points: Number
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Weights(_Model):
    quantity: Number
    quality: Number
    timeliness: Number


class Tasks(_Model):
    max_points: Number
    weights: Weights
    major_error_deduction: Share
    late_deduction: Share


class Leader(_Model):
    own_share: Share
    unit_share: Share
    unit_factor_when_any_not_completed: Share


class GradeBand(_Model):
    grade: Grade
    min_points: Number


class Cap(_Model):
    grade: Grade
    max_ratio_of: Grade
    ratio: Share


class Disqualifying(_Model):
    code: Code
    label_vi: Label
    label_en: Label
    leaders_only: bool = False


class Deadlines(_Model):
    self_assess: int = Field(ge=0, le=60)
    review: int = Field(ge=0, le=60)
    approve: int = Field(ge=0, le=60)


def _rule(path: str, problem: str) -> PydanticCustomError:
    return PydanticCustomError("ruleset_rule", "{path}: {problem}", {"path": path, "problem": problem})


class RuleSet(_Model):
    """One version of a rule set (docs/EVALUATION_RULES.md describes every field)."""

    ruleset_id: Annotated[str, Field(pattern=RULESET_ID_PATTERN)]
    version: int = Field(ge=1, le=9999)
    name_vi: Label
    name_en: Label
    effective_from: Annotated[str, Field(pattern=MONTH_PATTERN)]
    notes_vi: Annotated[str, Field(max_length=4000)] = ""
    notes_en: Annotated[str, Field(max_length=4000)] = ""
    general: General
    attendance: dict[str, Number]
    tasks: Tasks
    leader: Leader
    grades: tuple[GradeBand, ...]
    cap: Cap
    disqualifying: tuple[Disqualifying, ...] = ()
    split_month: Literal["unit_at_month_end"] = "unit_at_month_end"
    deadlines_days_after_month_end: Deadlines

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        for problem in _problems(self):
            raise problem
        return self

    # -- what the scoring and the services read --------------------------------------------------------------

    def __hash__(self) -> int:  # usable as a dict key or a cache argument (the attendance mapping is a dict)
        return hash(self.key)

    @property
    def key(self) -> tuple[str, int]:
        return self.ruleset_id, self.version

    def criterion(self, code: str) -> Criterion | None:
        return next((one for one in self.general.criteria if one.code == code), None)

    @property
    def entry_criteria(self) -> tuple[Criterion, ...]:
        """The criteria someone enters (self-assessment, review); the others are computed."""
        return tuple(one for one in self.general.criteria if one.source == "entry")

    def disqualification(self, code: str) -> Disqualifying | None:
        return next((one for one in self.disqualifying if one.code == code), None)

    def deduction(self, status: str) -> Fraction:
        """Points one day with this status takes off an attendance criterion (0 when the rule set names none)."""
        value = self.attendance.get(str(status))
        return Fraction(0) if value is None else frac(value)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _problems(ruleset: RuleSet) -> Iterable[PydanticCustomError]:
    criteria = ruleset.general.criteria
    codes = [one.code for one in criteria]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            yield _rule(f"general.criteria.{index}.code", f"criterion {code} is listed twice")
    if sum(one.max_points for one in criteria) != ruleset.general.max_points:
        yield _rule("general.max_points", "must equal the sum of the criteria's max_points")
    if ruleset.general.max_points + ruleset.tasks.max_points != 100:
        yield _rule("tasks.max_points", "general.max_points + tasks.max_points must be 100")
    statuses = {one.value for one in DayStatus}
    for status in ruleset.attendance:
        if status not in statuses:
            yield _rule(f"attendance.{status}", f"not a day status (one of {', '.join(sorted(statuses))})")
    weights = ruleset.tasks.weights
    if weights.quantity + weights.quality + weights.timeliness <= 0:
        yield _rule("tasks.weights", "the weights must not all be 0")
    leader = ruleset.leader
    if leader.own_share + leader.unit_share != 1:
        yield _rule("leader.unit_share", "own_share + unit_share must be 1")
    bands = ruleset.grades
    if tuple(band.grade for band in bands) != GRADES:
        yield _rule("grades", f"the grades {', '.join(GRADES)}, each once, in this order")
    for index in range(1, len(bands)):
        if bands[index].min_points >= bands[index - 1].min_points:
            yield _rule(f"grades.{index}.min_points", "the minimums must descend strictly")
    if bands and bands[-1].min_points != 0:
        yield _rule(f"grades.{len(bands) - 1}.min_points", "the last grade starts at 0")
    for index, band in enumerate(bands):
        if band.min_points > 100:
            yield _rule(f"grades.{index}.min_points", "at most 100")
    cap = ruleset.cap
    if cap.grade == "not_completed":
        yield _rule("cap.grade", "the lowest grade cannot be capped")
    elif GRADES.index(cap.max_ratio_of) != GRADES.index(cap.grade) + 1:
        yield _rule("cap.max_ratio_of", "must be the grade just below cap.grade (where the demoted go)")
    dq_codes = [one.code for one in ruleset.disqualifying]
    for index, code in enumerate(dq_codes):
        if code in dq_codes[:index]:
            yield _rule(f"disqualifying.{index}.code", f"case {code} is listed twice")
    days = ruleset.deadlines_days_after_month_end
    if not days.self_assess <= days.review <= days.approve:
        yield _rule("deadlines_days_after_month_end", "self_assess ≤ review ≤ approve")


class RuleSetInvalid(ValueError):
    """A rule set document that cannot be used: `errors` lists (field path, problem), `path` is the first."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        self.path = errors[0][0] if errors else ""
        self.problem = errors[0][1] if errors else ""
        super().__init__("; ".join(f"{path or '(document)'}: {problem}" for path, problem in errors))


class RuleSetNotFound(LookupError):
    """No version of the rule set is in force for the month (or the rule set does not exist)."""


def parse(obj: Mapping[str, Any] | str | bytes) -> RuleSet:
    """A rule set from its JSON (a dict, or the text); raises `RuleSetInvalid` naming the fields at fault."""
    try:
        if isinstance(obj, str | bytes):
            return RuleSet.model_validate_json(obj)
        return RuleSet.model_validate(obj)
    except ValidationError as error:
        raise RuleSetInvalid([_explain(one) for one in error.errors(include_url=False)]) from None


def _explain(error: Any) -> tuple[str, str]:
    context = error.get("ctx") or {}
    if error.get("type") == "ruleset_rule":
        return str(context.get("path", "")), str(context.get("problem", ""))
    path = ".".join(str(part) for part in error.get("loc", ()))
    return path, str(error.get("msg", "invalid"))


@lru_cache(maxsize=1)
def _builtin() -> tuple[RuleSet, ...]:
    folder = resources.files(RULESETS_PACKAGE) / RULESETS_FOLDER
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            found.append(parse(json.loads(entry.read_text(encoding="utf-8"))))
    return tuple(sorted(found, key=lambda one: one.key))


def builtin() -> list[RuleSet]:
    """The rule sets shipped with the product (chamcong/data/rulesets), by (ruleset_id, version)."""
    return list(_builtin())


def in_force(rulesets: Iterable[RuleSet], ruleset_id: str, month: str) -> RuleSet:
    """The newest version of `ruleset_id` whose effective_from ≤ month ("YYYY-MM"); `RuleSetNotFound` if none."""
    candidates = [one for one in rulesets if one.ruleset_id == ruleset_id and one.effective_from <= month]
    if not candidates:
        raise RuleSetNotFound(f"no version of {ruleset_id} in force in {month}")
    return max(candidates, key=lambda one: one.version)
