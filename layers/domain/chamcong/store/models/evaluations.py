"""Monthly evaluations (Decree 335/2025) and the rule-set versions added as data (one table).

Keys, chosen for the ways the table is read:

- An evaluation: staff_id + month ("YYYY-MM"). A person's month is one GetItem; their quarter or year one query
  (month BETWEEN "2026-01" AND "2026-03").
- GSI by_unit: unit_month = "{unit_id}#{YYYY-MM}" + staff_id: a unit's month is one query. The unit is the one
  the person is evaluated in (the rule set's `split_month`, by default the unit at month end).
- A rule-set version added by a system admin: staff_id = "#ruleset#{ruleset_id}", month = "v{version:04d}"
  (`RuleSetModel`). The built-in versions live in `chamcong/data/rulesets` and have no item. Rule-set items carry
  no unit_month, so the by_unit index never sees them. Which rule sets have added versions: one item per
  ruleset_id under staff_id = "#rulesets" (`RuleSetModel.INDEX`), written with its first version, so listing them
  is one query, never a scan of the evaluations.

Every write of an evaluation is conditional on the `revision` read, so two reviewers never overwrite each other.
A locked evaluation keeps the (ruleset_id, ruleset_version) it was computed with; a new version never touches it.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow

RULESET_PREFIX = "#ruleset#"


class EvaluationsByUnitIndex(GlobalSecondaryIndex["EvaluationModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_month = UnicodeAttribute(hash_key=True)
    staff_id = UnicodeAttribute(range_key=True)


class EvaluationModel(Model):
    class Meta:
        table_name = "evaluations"

    staff_id = UnicodeAttribute(hash_key=True)
    month = UnicodeAttribute(range_key=True)  # "YYYY-MM"
    unit_id = UnicodeAttribute()
    unit_month = UnicodeAttribute()  # "{unit_id}#{month}"
    full_name = UnicodeAttribute()
    duty_group = UnicodeAttribute(default="chung")
    is_leader = BooleanAttribute(default=False)
    state = UnicodeAttribute(default="draft")  # draft | self_assessed | reviewed | locked
    ruleset_id = UnicodeAttribute()
    ruleset_version = NumberAttribute()
    computed = JSONAttribute(default=dict)  # rules.evaluation.Evaluation.to_json(): every number with its sources
    total = UnicodeAttribute(default="0.00")  # shown with 2 decimals, rounded down
    grade = UnicodeAttribute(default="not_completed")  # by the score and the disqualifying cases
    final_grade = UnicodeAttribute(null=True)  # after the cap, set at approval
    cap = JSONAttribute(null=True)  # {"demoted": bool, "reason", "decided_by", "at"}
    self_entry = JSONAttribute(null=True)  # {"general": {code: "pts"}, "comment", "by", "at"}
    review_entry = JSONAttribute(null=True)  # {"general": {code: {"points", "reason"}}, "disqualifications", ...}
    other_units = JSONAttribute(default=list)  # a split month: the other unit(s) and their leader's input
    history = JSONAttribute(default=list)  # [{"action", "from", "to", "by", "at", "reason"}]
    revision = NumberAttribute(default=1)
    computed_at = UTCDateTimeAttribute(default=utcnow)
    locked_at = UTCDateTimeAttribute(null=True)
    by_unit = EvaluationsByUnitIndex()

    @staticmethod
    def unit_month_of(unit_id: str, month: str) -> str:
        return f"{unit_id}#{month}"


class RuleSetModel(Model):
    """A rule-set version added as data by a system admin (the built-in ones are files of the package)."""

    class Meta:
        table_name = "evaluations"

    INDEX = "#rulesets"  # staff_id of the items naming each ruleset_id that has added versions (month = the id)

    staff_id = UnicodeAttribute(hash_key=True)  # key_of(ruleset_id)
    month = UnicodeAttribute(range_key=True)  # version_key(version)
    body = JSONAttribute()  # the rule set as validated (rules.rulesets.RuleSet)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def key_of(ruleset_id: str) -> str:
        return f"{RULESET_PREFIX}{ruleset_id}"

    @staticmethod
    def version_key(version: int) -> str:
        return f"v{version:04d}"
