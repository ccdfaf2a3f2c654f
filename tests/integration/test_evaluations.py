"""The monthly evaluation through the HTTP API: October 2026 of a unit, from its days and tasks to the head's
approval with the cap, locked, and reopened by oversight.

The clock stands at 2026-11-20 07:40 in Hà Nội (tests.integration.harness.DEFAULT_NOW): October has ended and
its self-assessment deadline (3 days after) has passed; November has not ended.

The unit: a leader and six staff. Everyone is on a business trip all October (no deduction) except Đức, absent
without leave on Friday 30 October. Every task is done on time and meets its requirements (70 points). So the
totals are the general criteria entered + 70: An and Bình 92 (tied), Cường 90.50 (excellent), Đức 78, Em and
Giang 80 (good). In the general duty group 3 are excellent and 3 good: at most floor(0.2 × 6 / 1.2) = 1 may stay
excellent, and An and Bình are tied at that boundary, so the head of the unit chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.harness import Product, Reply

OCTOBER = "2026-10"
NAMES = {"an": "Nguyễn Văn An", "binh": "Trần Thị Bình", "cuong": "Lê Hoàng Cường", "duc": "Phạm Minh Đức",
         "em": "Hoàng Văn Em", "giang": "Đỗ Thị Giang"}
ENTRIES = {"an": (4, 4, 4, 4), "binh": (4, 4, 4, 4), "cuong": (4, 4, 4, 2.5), "duc": (1, 1, 1, 1),
           "em": (1, 1, 1, 1), "giang": (1, 1, 1, 1), "leader": (3, 3, 3, 3)}
ENTERED = ("politics_ethics", "competence", "attitude", "innovation")


@dataclass
class Office:
    product: Product
    district: str
    unit: str
    people: dict[str, str]  # key → staff id (the six, "leader", "head")
    leader: str  # tokens
    head: str
    oversight: str
    an: str  # An's own account (staff)

    def url(self, who: str, tail: str = "") -> str:
        return f"/v1/staff/{self.people[who]}/evaluations/{OCTOBER}{tail}"

    def table(self, token: str | None = None) -> dict[str, Any]:
        reply = self.product.get(f"/v1/units/{self.unit}/evaluations/{OCTOBER}", token=token or self.leader)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def rows(self, token: str | None = None) -> dict[str, dict[str, Any]]:
        names = {staff_id: key for key, staff_id in self.people.items()}
        return {names[row["staff_id"]]: row for row in self.table(token)["rows"]}

    def review(self, who: str, general: dict[str, Any] | None = None, *, token: str | None = None,
               disqualifications: list[dict[str, str]] | None = None) -> Reply:
        body: dict[str, Any] = {"general": general if general is not None else _review_points(who),
                                "comment": "Hoàn thành tốt các nhiệm vụ được giao"}
        if disqualifications is not None:
            body["disqualifications"] = disqualifications
        return self.product.request("PUT", self.url(who, "/review"), body, token=token or self.leader)


def _points(who: str) -> dict[str, float]:
    return dict(zip(ENTERED, ENTRIES[who], strict=True))


def _review_points(who: str) -> dict[str, dict[str, Any]]:
    return {code: {"points": points} for code, points in _points(who).items()}


def _person(product: Product, key: str, name: str, unit: str, **extra: Any) -> str:
    reply = product.post("/v1/staff", {"full_name": name, "unit_id": unit, "employee_code": key.upper(), **extra})
    assert reply.status == 201, reply.body
    return str(reply.body["staff_id"])


def _task(number: int, assignee: str) -> dict[str, Any]:
    return {"external_id": f"VB-10-{number}", "assignee": assignee, "title": f"Xử lý văn bản số {number}/UBND",
            "assigned_at": "2026-10-05T08:00:00+07:00", "due_at": "2026-10-20T17:00:00+07:00", "status": "done",
            "completed_at": "2026-10-15T10:00:00+07:00", "weight": 1,
            "quality": {"meets_requirements": True, "major_errors": 0}}


@pytest.fixture
def office(product: Product) -> Office:
    district = product.unit("UBND huyện Đà Bắc")
    unit = product.unit("Phòng Tài chính - Kế hoạch", district)
    people = {key: _person(product, key, name, unit) for key, name in NAMES.items()}
    people["leader"] = _person(product, "leader", "Bùi Thị Hạnh", unit, is_leader=True, duty_group="lanh-dao")
    people["head"] = _person(product, "head", "Vũ Đình Khang", district, is_leader=True, duty_group="lanh-dao")
    # October: on a business trip every day, but Đức absent without leave on Friday 30 October
    for key, staff_id in people.items():
        spans = [("2026-10-01", "2026-10-29"), ("2026-10-31", "2026-10-31")] if key == "duc" else [
            ("2026-10-01", "2026-10-31")]
        for first, last in spans:
            reply = product.post("/v1/absences", {"staff_id": staff_id, "kind": "business_trip", "first_day": first,
                                                  "last_day": last, "reason": "Công tác tại các xã"})
            assert reply.status == 201, reply.body
    # The e-office system's tasks of October (Giang's work is not in it: her leader enters it by hand)
    client = product.post("/v1/integrations", {"name": "Văn phòng điện tử", "unit_id": district}).body
    tasks = [_task(n, key.upper()) for n, key in enumerate(("an", "binh", "cuong", "duc", "em", "leader"), 1)]
    posted = product.post("/v1/tasks/batch", {"tasks": tasks}, headers={"Authorization": f"ApiKey {client['key']}"},
                          token="")
    assert posted.status == 200 and posted.body["created"] == 6, posted.body
    return Office(
        product, district, unit, people,
        leader=product.account("truongphong-tckh", unit, staff_id=people["leader"],
                               grants=[{"role": "unit_leader", "unit_id": unit}, {"role": "staff", "unit_id": unit}]),
        head=product.account("chutich-huyen", district, staff_id=people["head"],
                             grants=[{"role": "unit_head", "unit_id": district},
                                     {"role": "staff", "unit_id": district}]),
        oversight=product.account("noivu-huyen", district, grants=[{"role": "oversight", "unit_id": district}]),
        an=product.account("canbo-an", unit, staff_id=people["an"]))


def _manual_task(office: Office) -> Reply:
    return office.product.post(f"/v1/staff/{office.people['giang']}/tasks", {
        "title": "Tiếp nhận hồ sơ tại bộ phận một cửa", "weight": 2, "assigned_at": "2026-10-01T08:00:00+07:00",
        "due_at": "2026-10-31T17:00:00+07:00", "status": "done", "completed_at": "2026-10-30T16:00:00+07:00",
        "quality": {"meets_requirements": True}}, token=office.leader)


def test_a_month_is_computed_self_assessed_reviewed_approved_with_the_cap_locked_and_reopened(office: Office) -> None:
    product = office.product
    # GIVEN the leader enters Giang's work by hand
    manual = _manual_task(office)
    assert manual.status == 201, manual.body
    assert manual.body["client_id"] == f"manual:{office.unit}" and manual.body["entered_by"] == "truongphong-tckh"

    # WHEN the leader computes November, which has not ended THEN 409
    early = product.post(f"/v1/units/{office.unit}/evaluations/2026-11/compute", token=office.leader)
    assert early.status == 409 and early.body["code"] == "evaluation_month_not_ended"

    # WHEN the leader computes October THEN everyone of the unit has a draft
    computed = product.post(f"/v1/units/{office.unit}/evaluations/{OCTOBER}/compute", token=office.leader)
    assert computed.status == 200, computed.body
    assert {row["state"] for row in computed.body["rows"]} == {"draft"} and len(computed.body["rows"]) == 7
    assert computed.body["deadlines"] == {"self_assess": "2026-11-03", "review": "2026-11-05",
                                          "approve": "2026-11-07"}

    # AND An sees her own evaluation with its sources: her task, her days, no entry yet
    mine = product.get(office.url("an"), token=office.an)
    assert mine.status == 200, mine.body
    assert (mine.body["state"], mine.body["ruleset"]["ruleset_id"], mine.body["ruleset"]["version"]) == (
        "draft", "nd335-2025", 1)
    task_rows = mine.body["computed"]["tasks"]["rows"]
    assert [row["key"] for row in task_rows] == [f"{_client_of(product)}/VB-10-1"]
    assert mine.body["computed"]["tasks"]["points"] == "70.00"
    discipline = _criterion(mine.body, "discipline")
    assert discipline["points"] == "6.00" and discipline["days"] == []
    # AND Đức's unexcused day is named with what it cost
    duc = product.get(office.url("duc"), token=office.leader).body
    assert _criterion(duc, "discipline")["days"] == [{"day": "2026-10-30", "status": "absent", "deduction": "2.00"}]
    # AND Giang's work entered by hand counts, with its source
    giang = product.get(office.url("giang"), token=office.leader).body
    assert [row["key"] for row in giang["computed"]["tasks"]["rows"]] == [
        f"manual:{office.unit}/{manual.body['external_id']}"]
    # AND a staff member does not read another's evaluation
    assert product.get(office.url("binh"), token=office.an).status == 403

    # WHEN An assesses herself THEN her entries count, by her
    refused = product.request("PUT", office.url("an", "/self-assessment"), {"general": {"competence": 7}},
                              token=office.an)
    assert refused.status == 422 and refused.body["code"] == "evaluation_points_out_of_range"
    attendance = product.request("PUT", office.url("an", "/self-assessment"), {"general": {"discipline": 6}},
                                 token=office.an)
    assert attendance.status == 422 and attendance.body["code"] == "evaluation_criterion_unknown"
    assessed = product.request("PUT", office.url("an", "/self-assessment"),
                               {"general": _points("an"), "comment": "Hoàn thành đầy đủ nhiệm vụ"}, token=office.an)
    assert assessed.status == 200, assessed.body
    assert (assessed.body["state"], assessed.body["total"], assessed.body["grade"]) == ("self_assessed", "92.00",
                                                                                      "excellent")
    assert _criterion(assessed.body, "competence")["entry"] == {"points": "4.00", "by": "canbo-an", "role": "self",
                                                                "reason": None}

    # WHEN the leader changes An's value without a reason THEN refused; with one THEN it counts, by the leader
    lowered = {**_review_points("an"), "competence": {"points": 3}}
    no_reason = office.review("an", lowered)
    assert no_reason.status == 422 and no_reason.body["code"] == "evaluation_reason_required"
    # AND the leader may not review their own evaluation
    own = office.review("leader")
    assert own.status == 403 and own.body["code"] == "evaluation_own"
    # AND a leaders-only disqualifying case cannot be recorded for a staff member
    leaders_only = office.review("binh", disqualifications=[{"code": "corruption_in_unit",
                                                             "reason": "Không áp dụng"}])
    assert leaders_only.status == 422 and leaders_only.body["code"] == "evaluation_disqualification_unknown"
    reviewed = office.review("an")
    assert reviewed.status == 200 and reviewed.body["state"] == "reviewed", reviewed.body
    for who in ("binh", "cuong", "duc", "em"):  # past the self-assessment deadline: reviewed from their drafts
        assert office.review(who).status == 200
    # AND once reviewed, An may no longer change her self-assessment
    late = product.request("PUT", office.url("an", "/self-assessment"), {"general": _points("an")}, token=office.an)
    assert late.status == 409 and late.body["code"] == "evaluation_wrong_state"

    # WHEN the head approves while Giang and the leader are not reviewed THEN 409, naming them
    early_approval = product.post(f"/v1/units/{office.unit}/evaluations/{OCTOBER}/approve", {"excellent": []},
                                  token=office.head)
    assert early_approval.status == 409 and early_approval.body["code"] == "evaluation_unit_not_ready"
    assert set(early_approval.body["details"]["not_reviewed"]) == {office.people["giang"], office.people["leader"]}
    assert office.review("giang").status == 200
    assert office.review("leader", token=office.head).status == 200  # the head reviews the leader

    # THEN the unit's table shows the scores and the cap: one may stay excellent, An and Bình tied for it
    rows = office.rows()
    assert {key: (row["total"], row["grade"]) for key, row in rows.items()} == {
        "an": ("92.00", "excellent"), "binh": ("92.00", "excellent"), "cuong": ("90.50", "excellent"),
        "duc": ("78.00", "good"), "em": ("80.00", "good"), "giang": ("80.00", "good"), "leader": ("88.00", "good")}
    [general] = [group for group in office.table()["cap"] if group["duty_group"] == "chung"]
    assert (general["limit"], general["binds"], general["slots"]) == (1, True, 1)
    assert set(general["tied"]) == {office.people["an"], office.people["binh"]}
    assert general["demote"] == [office.people["cuong"]]

    # WHEN the leader tries to approve THEN 403; the head must choose among the tied
    approve = f"/v1/units/{office.unit}/evaluations/{OCTOBER}/approve"
    assert product.post(approve, {"excellent": [office.people["an"]]}, token=office.leader).status == 403
    unchosen = product.post(approve, {"excellent": []}, token=office.head)
    assert unchosen.status == 422 and unchosen.body["code"] == "evaluation_cap_choice_invalid"
    both = product.post(approve, {"excellent": [office.people["an"], office.people["binh"]]}, token=office.head)
    assert both.status == 422 and both.body["code"] == "evaluation_cap_choice_invalid"
    # WHEN the head keeps An THEN everything is locked, An excellent, Bình and Cường good by the cap
    approved = product.post(approve, {"excellent": [office.people["an"]]}, token=office.head)
    assert approved.status == 200, approved.body
    rows = office.rows()
    assert {row["state"] for row in rows.values()} == {"locked"}
    assert {key: row["final_grade"] for key, row in rows.items()} == {
        "an": "excellent", "binh": "good", "cuong": "good", "duc": "good", "em": "good", "giang": "good",
        "leader": "good"}
    assert rows["binh"]["cap"]["demoted"] is True and rows["binh"]["cap"]["reason"] == "cap"
    assert rows["binh"]["cap"]["decided_by"] == "chutich-huyen" and rows["binh"]["cap"]["tied"] is True
    assert rows["an"]["cap"]["demoted"] is False and rows["duc"]["cap"] is None
    assert approved.body["counts"] == {"excellent": 1, "good": 6, "completed": 0, "not_completed": 0}

    # AND a locked evaluation is changed by nobody
    locked = office.review("an")
    assert locked.status == 409 and locked.body["code"] == "evaluation_locked"
    # AND the quarter rolls up from the locked month
    quarter = product.get(f"/v1/staff/{office.people['an']}/evaluations?period=quarter&date=2026-11-20",
                          token=office.an)
    assert quarter.status == 200, quarter.body
    assert (quarter.body["counted"], quarter.body["mean"], quarter.body["grade"]) == (1, "92.00", "excellent")

    # WHEN a system admin adds a new version of the rule set (other weights), in force since January
    ruleset = product.get("/v1/rulesets/nd335-2025/1", token=office.oversight)
    assert ruleset.status == 200, ruleset.body
    body = {**ruleset.body["body"], "version": 2}
    body["tasks"] = {**body["tasks"], "weights": {"quantity": 2, "quality": 1, "timeliness": 1}}
    added = product.post("/v1/rulesets", body)
    assert added.status == 201, added.body
    assert product.post("/v1/rulesets", body).body["code"] == "ruleset_version_exists"
    listed = product.get("/v1/rulesets", token=office.leader).body["rulesets"]
    assert [(r["ruleset_id"], r["version"]) for r in listed if r["in_force"]] == [("nd335-2025", 2)]
    # THEN recomputing the month changes no locked evaluation: each keeps version 1 and its score
    assert product.post(f"/v1/units/{office.unit}/evaluations/{OCTOBER}/compute", token=office.leader).status == 200
    again = product.get(office.url("an"), token=office.an).body
    assert (again["state"], again["ruleset"]["version"], again["total"], again["final_grade"]) == (
        "locked", 1, "92.00", "excellent")

    # WHEN oversight reopens An's evaluation with a reason THEN it is back to reviewed, its final grade undone
    reopened = product.post(office.url("an", "/reopen"), {"reason": "Đơn khiếu nại về kết quả xếp loại"},
                            token=office.oversight)
    assert reopened.status == 200, reopened.body
    assert (reopened.body["state"], reopened.body["final_grade"]) == ("reviewed", None)
    assert reopened.body["history"][-1]["reason"] == "Đơn khiếu nại về kết quả xếp loại"
    # AND the audit trail says who reopened it and why
    trail = product.get("/v1/audit?from=2026-11-20&to=2026-11-20&action=evaluations.reopen").body["entries"]
    assert [(e["actor"], e["details"]["reason"]) for e in trail] == [
        ("noivu-huyen", "Đơn khiếu nại về kết quả xếp loại")]
    # AND the head may not reopen, the leader neither
    assert product.post(office.url("binh", "/reopen"), {"reason": "Xem lại"}, token=office.head).status == 403


def test_the_head_never_approves_their_own_evaluation_and_returns_need_the_right_state(office: Office) -> None:
    product = office.product
    for unit in (office.unit, office.district):
        assert product.post(f"/v1/units/{unit}/evaluations/{OCTOBER}/compute").status == 200
    # GIVEN the head's own evaluation in the district, reviewed
    head_url = f"/v1/staff/{office.people['head']}/evaluations/{OCTOBER}"
    assert product.request("PUT", f"{head_url}/review", {"general": {}}).status == 200
    # WHEN the head reviews their own THEN 403 evaluation_own
    own = product.request("PUT", f"{head_url}/review", {"general": {}}, token=office.head)
    assert own.status == 403 and own.body["code"] == "evaluation_own"
    # WHEN the head approves the district's month THEN their own evaluation is left for someone above them
    approved = product.post(f"/v1/units/{office.district}/evaluations/{OCTOBER}/approve", {"excellent": []},
                            token=office.head)
    assert approved.status == 200, approved.body
    assert [(row["staff_id"], row["state"]) for row in approved.body["rows"]] == [(office.people["head"], "reviewed")]
    # AND sending a draft back to review is refused for its state, and a return needs a reason
    back = product.post(office.url("an", "/return"), {"to": "review", "reason": "Cần xem lại điểm"},
                        token=office.head)
    assert back.status == 409 and back.body["code"] == "evaluation_wrong_state"
    wordless = product.post(office.url("an", "/return"), {"to": "person"}, token=office.leader)
    assert wordless.status == 400
    # AND the leader may not send anything to review (the head's step)
    assert product.post(office.url("an", "/return"), {"to": "review", "reason": "Cần xem lại"},
                        token=office.leader).status == 403
    # WHEN reviewed and returned to the person THEN it is a draft again, the reason kept
    assert office.review("an").status == 200
    returned = product.post(office.url("an", "/return"), {"to": "person", "reason": "Bổ sung minh chứng"},
                            token=office.leader)
    assert returned.status == 200 and returned.body["state"] == "draft"
    assert returned.body["history"][-1] == {**returned.body["history"][-1], "action": "return_to_person",
                                            "from": "reviewed", "to": "draft", "reason": "Bổ sung minh chứng"}


def test_a_manual_task_is_refused_when_impossible_and_only_a_leader_enters_one(office: Office) -> None:
    product = office.product
    impossible = product.post(f"/v1/staff/{office.people['giang']}/tasks", {
        "title": "Tiếp nhận hồ sơ", "assigned_at": "2026-10-10T08:00:00+07:00", "status": "done",
        "completed_at": "2026-10-01T08:00:00+07:00"}, token=office.leader)
    assert impossible.status == 422 and impossible.body["code"] == "manual_task_invalid"
    assert _manual_task(office).status == 201
    by_staff = product.post(f"/v1/staff/{office.people['an']}/tasks", {
        "title": "Tự ghi nhiệm vụ", "assigned_at": "2026-10-10T08:00:00+07:00", "status": "assigned"},
        token=office.an)
    assert by_staff.status == 403
    month = product.get(f"/v1/staff/{office.people['giang']}/tasks?period=month&date=2026-10-01",
                        token=office.leader).body
    assert [(t["title"], t["weight"], t["entered_by"]) for t in month["tasks"]] == [
        ("Tiếp nhận hồ sơ tại bộ phận một cửa", 2.0, "truongphong-tckh")]


def _criterion(evaluation: dict[str, Any], code: str) -> dict[str, Any]:
    [found] = [c for c in evaluation["computed"]["general"]["criteria"] if c["code"] == code]
    return dict(found)


def _client_of(product: Product) -> str:
    reply = product.get("/v1/integrations")
    assert reply.status == 200, reply.body
    return str(reply.body["integrations"][0]["client_id"])


def test_a_rule_set_that_does_not_add_up_is_refused_naming_the_field(product: Product) -> None:
    ruleset = product.get("/v1/rulesets/province-example/1").body["body"]
    # WHEN a system admin adds a version whose criteria do not sum to the general maximum
    broken = {**ruleset, "version": 2, "general": {**ruleset["general"], "max_points": 31}}
    reply = product.post("/v1/rulesets", broken)
    # THEN 422 ruleset_invalid, saying where; nothing is added
    assert reply.status == 422 and reply.body["code"] == "ruleset_invalid", reply.body
    assert reply.body["details"]["field"].startswith("general")
    versions = [(r["ruleset_id"], r["version"]) for r in product.get("/v1/rulesets").body["rulesets"]]
    assert versions == [("nd335-2025", 1), ("province-example", 1)]


def test_two_reviewers_never_overwrite_each_other(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    from chamcong.services import evaluations
    from chamcong.store.models.evaluations import EvaluationModel

    product = office.product
    assert product.post(f"/v1/units/{office.unit}/evaluations/{OCTOBER}/compute", token=office.leader).status == 200
    # GIVEN the head read Em's evaluation, and the leader reviewed it meanwhile
    as_read = EvaluationModel.get(office.people["em"], OCTOBER)
    assert office.review("em").status == 200
    # WHEN the head's review is written over what they read
    monkeypatch.setattr(evaluations, "_find", lambda staff_id, month: as_read)
    late = office.review("em", {"competence": {"points": 2, "reason": "Chưa chủ động"}}, token=office.head)
    # THEN 409 evaluation_changed, and the leader's review stands
    assert late.status == 409 and late.body["code"] == "evaluation_changed"
    monkeypatch.undo()
    stored = product.get(office.url("em"), token=office.leader).body
    assert stored["review_entry"]["by"] == "truongphong-tckh" and stored["revision"] == as_read.revision + 1


def test_a_person_who_moved_during_the_month_is_evaluated_where_the_month_ended(office: Office) -> None:
    product = office.product
    sibling = product.unit("Phòng Nội vụ", office.district)
    # GIVEN Em moved to the sibling unit from Friday 16 October
    moved = product.post(f"/v1/staff/{office.people['em']}/transfers", {
        "to_unit_id": sibling, "effective": "2026-10-16", "reason": "Quyết định điều động số 12/QĐ-UBND"})
    assert moved.status == 201, moved.body
    # WHEN both units' months are computed
    for unit in (office.unit, sibling):
        assert product.post(f"/v1/units/{unit}/evaluations/{OCTOBER}/compute").status == 200
    # THEN Em is evaluated in the unit she ended the month in, not in the one she left
    ids = {unit: {row["staff_id"] for row in product.get(f"/v1/units/{unit}/evaluations/{OCTOBER}").body["rows"]}
           for unit in (office.unit, sibling)}
    assert office.people["em"] in ids[sibling] and office.people["em"] not in ids[office.unit]
    # AND her month counts every one of its 31 days, those spent in either unit
    em = product.get(office.url("em")).body
    assert em["unit_id"] == sibling
    assert sum(_criterion(em, "discipline")["statuses"].values()) == 31
    # AND her task assigned on 5 October, in the unit she left (stored under it), is one of her month's tasks
    assert [row["title"] for row in em["computed"]["tasks"]["rows"]] == ["Xử lý văn bản số 5/UBND"]
    # AND the leader of the unit she left records what she did there; her evaluation keeps it beside the score
    stay = em["other_units"]
    assert [(one["unit_id"], one["first_day"], one["last_day"], one["input"]) for one in stay] == [
        (office.unit, "2026-10-01", "2026-10-15", None)]
    given = product.request("PUT", office.url("em", "/other-unit"), {
        "unit_id": office.unit, "general": {"competence": 5},
        "comment": "Hoàn thành tốt việc thẩm định hồ sơ nửa đầu tháng"}, token=office.leader)
    assert given.status == 200, given.body
    recorded = given.body["other_units"][0]["input"]
    assert recorded["comment"].startswith("Hoàn thành tốt") and recorded["general"] == {"competence": "5.00"}
    assert recorded["by"] == "truongphong-tckh" and given.body["total"] == em["total"]
    assert product.get(office.url("em")).body["other_units"][0]["input"] == recorded  # kept by a recompute too
    product.post(f"/v1/units/{sibling}/evaluations/{OCTOBER}/compute")
    assert product.get(office.url("em")).body["other_units"][0]["input"] == recorded
    # AND the unit that evaluates her is not "another unit" of her month
    refused = product.request("PUT", office.url("em", "/other-unit"), {"unit_id": sibling, "comment": "Tốt"})
    assert refused.status == 422 and refused.body["code"] == "evaluation_not_other_unit"


def test_a_recompute_that_changes_nothing_writes_nothing_and_one_that_changes_a_draft_writes_it(
        office: Office) -> None:
    product = office.product
    url = f"/v1/units/{office.unit}/evaluations/{OCTOBER}/compute"
    # GIVEN the unit's October computed once: every draft at its first revision
    first = product.post(url, token=office.leader)
    assert first.status == 200, first.body
    revisions = {row["staff_id"]: row["revision"] for row in first.body["rows"]}
    assert set(revisions.values()) == {1} and len(revisions) == 7
    # WHEN it is computed again with nothing changed THEN no draft is written again
    again = product.post(url, token=office.leader)
    assert again.status == 200, again.body
    assert {row["staff_id"]: row["revision"] for row in again.body["rows"]} == revisions
    assert [entry["action"] for entry in product.get(office.url("an")).body["history"]] == ["compute"]
    # WHEN Giang's leader enters her work by hand and the unit is computed again
    assert _manual_task(office).status == 201
    third = product.post(url, token=office.leader)
    # THEN only Giang's draft and the leader's (whose unit part counts her tasks) are written, with the new score
    changed = {row["staff_id"] for row in third.body["rows"] if row["revision"] != revisions[row["staff_id"]]}
    assert changed == {office.people["giang"], office.people["leader"]}
    giang = product.get(office.url("giang")).body
    assert (giang["revision"], giang["computed"]["tasks"]["points"]) == (2, "70.00")
