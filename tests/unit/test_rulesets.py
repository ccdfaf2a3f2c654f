"""Evaluation rule sets as data: GIVEN a rule set document, THEN it is accepted as written or refused naming the
field at fault; GIVEN several versions, THEN the one in force for a month is the newest already effective."""

from __future__ import annotations

import copy
import json
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from chamcong.rules.rulesets import (
    DEFAULT_RULESET_ID,
    RuleSet,
    RuleSetInvalid,
    RuleSetNotFound,
    builtin,
    in_force,
    parse,
)


def document(ruleset_id: str = DEFAULT_RULESET_ID) -> dict[str, Any]:
    return copy.deepcopy(next(one for one in builtin() if one.ruleset_id == ruleset_id).to_json())


def test_the_shipped_rule_sets_are_the_decree_and_a_provincial_example() -> None:
    assert [one.key for one in builtin()] == [("nd335-2025", 1), ("province-example", 1)]
    decree = in_force(builtin(), DEFAULT_RULESET_ID, "2026-01")
    assert decree.name_vi == "Nghị định 335/2025/NĐ-CP"
    assert decree.general.max_points == 30 and decree.tasks.max_points == 70
    assert [(one.code, one.max_points, one.source) for one in decree.general.criteria] == [
        ("politics_ethics", 6, "entry"), ("discipline", 6, "attendance"), ("competence", 6, "entry"),
        ("attitude", 6, "entry"), ("innovation", 6, "entry")]
    assert [one.label_vi for one in decree.general.criteria] == [
        "Phẩm chất chính trị, đạo đức, lối sống", "Văn hoá công vụ, ý thức tổ chức kỷ luật",
        "Năng lực chuyên môn, nghiệp vụ", "Tinh thần trách nhiệm, thái độ phục vụ nhân dân, doanh nghiệp",
        "Đổi mới sáng tạo"]
    assert [(band.grade, band.min_points) for band in decree.grades] == [
        ("excellent", 90), ("good", 70), ("completed", 50), ("not_completed", 0)]
    assert (decree.cap.grade, decree.cap.max_ratio_of, decree.cap.ratio) == ("excellent", "good", Decimal("0.2"))
    assert [(one.code, one.leaders_only) for one in decree.disqualifying] == [
        ("discipline_reprimand", False), ("moral_degradation", False), ("corruption_in_unit", True)]
    assert decree.deduction("late") == Fraction(1, 2) and decree.deduction("absent") == 2
    assert decree.deduction("on_time") == 0


def test_the_provincial_example_weighs_differently() -> None:
    province = in_force(builtin(), "province-example", "2026-01")
    assert (province.general.max_points, province.tasks.max_points) == (40, 60)
    weights = province.tasks.weights
    assert (weights.quantity, weights.quality, weights.timeliness) == (2, 1, 1)
    assert province.cap.ratio == Decimal("0.15")


@pytest.mark.parametrize("ruleset", builtin(), ids=lambda one: one.ruleset_id)
def test_every_text_an_official_reads_is_vietnamese_in_nfc(ruleset: RuleSet) -> None:
    texts = [ruleset.name_vi, ruleset.notes_vi, *(one.label_vi for one in ruleset.general.criteria),
             *(one.label_vi for one in ruleset.disqualifying)]
    for text in texts:
        assert text and unicodedata.normalize("NFC", text) == text
    assert any(ch in ruleset.notes_vi for ch in "ểạđố")


def test_a_rule_set_written_back_to_json_reads_the_same_with_numbers_as_numbers() -> None:
    decree = in_force(builtin(), DEFAULT_RULESET_ID, "2026-01")
    written = decree.to_json()
    assert written["general"]["criteria"][0]["max_points"] == 6
    assert written["cap"]["ratio"] == 0.2
    assert parse(written) == decree
    assert parse(json.dumps(written)) == decree
    assert {decree: "in force"}[parse(written)] == "in force"


def test_a_decimal_reads_exactly() -> None:
    doc = document("province-example")
    ruleset = parse(doc)
    assert Fraction(ruleset.cap.ratio) == Fraction(3, 20)


def test_the_version_in_force_is_the_newest_already_effective() -> None:
    v2 = parse({**document(), "version": 2, "effective_from": "2026-06"})
    v3 = parse({**document(), "version": 3, "effective_from": "2027-01"})
    sets = [*builtin(), v3, v2]
    assert in_force(sets, DEFAULT_RULESET_ID, "2026-01").version == 1
    assert in_force(sets, DEFAULT_RULESET_ID, "2026-05").version == 1
    assert in_force(sets, DEFAULT_RULESET_ID, "2026-06").version == 2
    assert in_force(sets, DEFAULT_RULESET_ID, "2026-12").version == 2
    assert in_force(sets, DEFAULT_RULESET_ID, "2027-03").version == 3
    assert in_force(sets, "province-example", "2025-01").version == 1


@pytest.mark.parametrize(("ruleset_id", "month"), [
    (DEFAULT_RULESET_ID, "2025-12"),  # before the decree's rule set takes effect
    ("hoa-binh-2775", "2026-01"),  # no such rule set
])
def test_no_version_in_force_is_said_so(ruleset_id: str, month: str) -> None:
    with pytest.raises(RuleSetNotFound):
        in_force(builtin(), ruleset_id, month)


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is DELETE:
        del target[last]
    else:
        target[last] = value


DELETE = object()


@pytest.mark.parametrize(("changes", "field"), [
    # the maximums add up
    ({"general.criteria.0.max_points": 7}, "general.max_points"),
    ({"general.max_points": 40, "general.criteria.0.max_points": 16}, "tasks.max_points"),
    # grades: all four, best first, strictly descending to 0
    ({"grades.2.min_points": 70}, "grades.2.min_points"),
    ({"grades.3.min_points": 10}, "grades.3.min_points"),
    ({"grades.1.grade": "completed"}, "grades"),
    ({"grades.0.grade": "outstanding"}, "grades.0.grade"),
    ({"grades.0.min_points": 101}, "grades.0.min_points"),
    # weights and shares
    ({"tasks.weights.quality": -1}, "tasks.weights.quality"),
    ({"tasks.weights": {"quantity": 0, "quality": 0, "timeliness": 0}}, "tasks.weights"),
    ({"tasks.major_error_deduction": 1.25}, "tasks.major_error_deduction"),
    ({"tasks.late_deduction": -0.25}, "tasks.late_deduction"),
    ({"leader.own_share": 1.5}, "leader.own_share"),
    ({"leader.own_share": 0.6}, "leader.unit_share"),
    ({"leader.unit_factor_when_any_not_completed": 2}, "leader.unit_factor_when_any_not_completed"),
    # at most two decimals
    ({"cap.ratio": 0.125}, "cap.ratio"),
    ({"attendance.late": 0.333}, "attendance.late"),
    # attendance deductions name day statuses
    ({"attendance.sleeping": 1}, "attendance.sleeping"),
    ({"attendance.absent": -2}, "attendance.absent"),
    # codes
    ({"general.criteria.1.code": "politics_ethics"}, "general.criteria.1.code"),
    ({"general.criteria.0.source": "camera"}, "general.criteria.0.source"),
    ({"disqualifying.1.code": "discipline_reprimand"}, "disqualifying.1.code"),
    ({"disqualifying.0.code": "Kỷ luật"}, "disqualifying.0.code"),
    # the cap goes down one grade
    ({"cap.max_ratio_of": "completed"}, "cap.max_ratio_of"),
    ({"cap.grade": "not_completed", "cap.max_ratio_of": "not_completed"}, "cap.grade"),
    ({"cap.ratio": 1.5}, "cap.ratio"),
    # deadlines in step order
    ({"deadlines_days_after_month_end.review": 2}, "deadlines_days_after_month_end"),
    ({"deadlines_days_after_month_end.approve": -1}, "deadlines_days_after_month_end.approve"),
    # identity
    ({"effective_from": "2026-13"}, "effective_from"),
    ({"version": 0}, "version"),
    ({"ruleset_id": "Nghị định"}, "ruleset_id"),
    ({"split_month": "unit_with_most_days"}, "split_month"),
    # nothing unknown, nothing missing
    ({"bonus_points": 5}, "bonus_points"),
    ({"cap": DELETE}, "cap"),
    ({"general.criteria": []}, "general.criteria"),
])
def test_a_rule_set_that_cannot_work_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    doc = document()
    for path, value in changes.items():
        _set(doc, path, value)
    with pytest.raises(RuleSetInvalid) as refused:
        parse(doc)
    assert refused.value.path == field
    assert isinstance(refused.value, ValueError)


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(RuleSetInvalid):
        parse("{not json")


def test_a_province_adds_its_own_rule_set_as_data() -> None:
    doc = document("province-example")
    doc.update({"ruleset_id": "hoa-binh-2775", "version": 1, "name_vi": "Quyết định 2775/QĐ-UBND tỉnh Hòa Bình",
                "name_en": "Hoa Binh Decision 2775/QD-UBND", "effective_from": "2024-01"})
    added = parse(doc)
    assert in_force([*builtin(), added], "hoa-binh-2775", "2025-07") == added


def test_the_example_in_the_documentation_is_a_rule_set_that_works() -> None:
    text = (Path(__file__).parents[2] / "docs" / "EVALUATION_RULES.md").read_text(encoding="utf-8")
    example = text.split("POST /v1/rulesets\n", 1)[1].split("```", 1)[0]
    assert parse(json.loads(example)).key == ("hoa-binh-2775", 1)
