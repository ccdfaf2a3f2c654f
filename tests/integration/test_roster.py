"""The work-from-home roster through the HTTP API: a leader names who stays home, the cap refuses too many,
oversight approves an exception, and the day rules read the roster (leave or a trip the same day wins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.harness import Product

THURSDAY = "2026-11-19"  # the clock stands at Friday 20 November 07:40: Thursday's windows have closed
WEDNESDAY = "2026-11-18"
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Văn Em")


@dataclass
class Office:
    product: Product
    unit: str
    sibling: str
    people: dict[str, str]  # full name → staff id
    stranger: str  # a person of the sibling unit
    leader: str  # token of the unit's leader
    sibling_leader: str
    oversight: str

    def ids(self, *names: str) -> list[str]:
        return [self.people[name] for name in names]

    def put(self, staff: list[str], *, day: str = THURSDAY, token: str | None = None, unit: str | None = None,
            note: str | None = None, lang: str = "vi") -> Any:
        body: dict[str, Any] = {"staff_ids": staff}
        if note is not None:
            body["note"] = note
        return self.product.request("PUT", f"/v1/units/{unit or self.unit}/roster/{day}", body,
                                    token=token or self.leader, headers={"Accept-Language": lang})

    def roster(self, day: str = THURSDAY) -> dict[str, Any]:
        reply = self.product.get(f"/v1/units/{self.unit}/roster/{day}", token=self.leader)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def at_home(self, day: str = THURSDAY) -> list[str]:
        return [person["full_name"] for person in self.roster(day)["staff"]]

    def days(self, day: str = THURSDAY) -> dict[str, str]:
        reply = self.product.get(f"/v1/attendance/days?unit_id={self.unit}&date={day}", token=self.leader)
        assert reply.status == 200, reply.body
        return {row["full_name"]: row["status"] for row in reply.body["days"]}

    def audited(self) -> int:
        reply = self.product.get("/v1/audit?from=2026-11-01&to=2026-11-30&action=roster.set")
        assert reply.status == 200, reply.body
        return len(reply.body["entries"])


@pytest.fixture
def office(product: Product) -> Office:
    district = product.unit("UBND huyện Đà Bắc")
    unit = product.unit("Phòng Tài chính - Kế hoạch", district)
    sibling = product.unit("Phòng Nội vụ", district)
    people = {name: product.staff(name, unit) for name in NAMES}
    stranger = product.staff("Đỗ Thị Giang", sibling)
    return Office(product, unit, sibling, people, stranger,
                  leader=product.account("truongphong-tckh", unit, grants=[{"role": "unit_leader", "unit_id": unit}]),
                  sibling_leader=product.account("truongphong-nv", sibling,
                                                 grants=[{"role": "unit_leader", "unit_id": sibling}]),
                  oversight=product.account("noivu-huyen", district,
                                            grants=[{"role": "oversight", "unit_id": district}]))


def test_a_roster_within_the_cap_is_kept_and_read_back(office: Office) -> None:
    # GIVEN a unit of five (at most two may stay home)
    # WHEN its leader names two for Thursday
    reply = office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình"), note="Luân phiên tuần 47")
    # THEN the roster is kept, with the allowance the editor shows
    assert reply.status == 200, reply.body
    assert reply.body["allowance"] == {"employed": 5, "allowed": 2, "cap": 0.5, "exception_id": None}
    assert office.at_home() == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert office.roster()["note"] == "Luân phiên tuần 47"
    assert office.roster()["updated_by"] == "truongphong-tckh"
    # AND the month lists that day only
    month = office.product.get(f"/v1/units/{office.unit}/roster?month=2026-11", token=office.leader).body
    assert [day["date"] for day in month["days"]] == [THURSDAY]
    # AND a day without a roster reads as empty, with its allowance
    empty = office.roster(WEDNESDAY)
    assert empty["staff"] == [] and empty["updated_by"] is None and empty["allowance"]["allowed"] == 2


def test_a_roster_over_the_cap_is_refused_whole_and_says_how_many_may_stay_home(office: Office) -> None:
    assert office.put(office.ids("Nguyễn Văn An")).status == 200
    # WHEN the leader names three of five
    reply = office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"))
    # THEN 422 wfh_cap_exceeded, saying at most 2 may stay home
    assert reply.status == 422 and reply.body["code"] == "wfh_cap_exceeded"
    assert "tối đa 2 người làm việc tại nhà" in reply.body["message"] and "19/11/2026" in reply.body["message"]
    assert reply.body["details"] == {"date": THURSDAY, "allowed": 2, "employed": 5, "requested": 3}
    english = office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường"), lang="en")
    assert "at most 2 of the unit's 5 staff may work from home" in english.body["message"]
    # AND nothing of it was written: the earlier roster stands
    assert office.at_home() == ["Nguyễn Văn An"]
    assert office.audited() == 1


def test_an_exception_approved_by_oversight_lets_a_larger_roster_through(office: Office) -> None:
    three = office.ids("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường")
    # GIVEN the unit leader may not approve exceptions
    body = {"from": THURSDAY, "to": "2026-11-20", "max_people": 3, "reason": "Dịch bệnh tại địa phương"}
    refused = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", body, token=office.leader)
    assert refused.status == 403
    # WHEN oversight approves three people for Thursday and Friday
    approved = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", body, token=office.oversight)
    assert approved.status == 201, approved.body
    assert approved.body["max_people"] == 3 and approved.body["approved_by"] == "noivu-huyen"
    # THEN three may stay home those days, and the roster says which exception allowed it
    reply = office.put(three)
    assert reply.status == 200, reply.body
    assert reply.body["allowance"]["allowed"] == 3
    assert reply.body["allowance"]["exception_id"] == approved.body["exception_id"]
    # AND not on Wednesday, outside its period
    assert office.put(three, day=WEDNESDAY).body["code"] == "wfh_cap_exceeded"
    # AND the exception is listed, and audited
    listed = office.product.get(f"/v1/units/{office.unit}/roster-exceptions", token=office.leader).body
    assert [one["exception_id"] for one in listed["exceptions"]] == [approved.body["exception_id"]]
    assert listed["exceptions"][0]["from"] == THURSDAY and listed["exceptions"][0]["to"] == "2026-11-20"
    audit = office.product.get("/v1/audit?from=2026-11-01&to=2026-11-30&action=roster.exception").body
    assert [entry["actor"] for entry in audit["entries"]] == ["noivu-huyen"]


@pytest.mark.parametrize("body", [
    {"from": THURSDAY, "to": THURSDAY, "reason": "Không nêu giới hạn"},
    {"from": THURSDAY, "to": THURSDAY, "max_people": 2, "max_share": 0.6, "reason": "Cả hai giới hạn"},
    {"from": THURSDAY, "to": THURSDAY, "max_share": 1.5, "reason": "Quá một"},
])
def test_an_exception_names_one_limit(office: Office, body: dict[str, Any]) -> None:
    reply = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", body, token=office.oversight)
    assert reply.status == 400 and reply.body["code"] == "validation_error"


def test_an_exception_that_ends_before_it_starts_is_refused(office: Office) -> None:
    reply = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", {
        "from": THURSDAY, "to": WEDNESDAY, "max_share": 0.8, "reason": "Nhầm ngày"}, token=office.oversight)
    assert reply.status == 422 and reply.body["code"] == "roster_exception_invalid"
    assert office.product.get(f"/v1/units/{office.unit}/roster-exceptions",
                              token=office.oversight).body["exceptions"] == []


def test_the_unit_cap_is_set_per_unit(office: Office) -> None:
    # GIVEN the unit admin's setting of 20% for this unit (a site admin here)
    patched = office.product.request("PATCH", f"/v1/units/{office.unit}", {"wfh_cap_percent": 20})
    assert patched.status == 200 and patched.body["wfh_cap_percent"] == 20
    # THEN one of five may stay home, not two
    assert office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình")).body["details"]["allowed"] == 1
    assert office.put(office.ids("Nguyễn Văn An")).status == 200
    # AND back to the default
    assert office.product.request("PATCH", f"/v1/units/{office.unit}",
                                  {"wfh_cap_percent": None}).body["wfh_cap_percent"] == 50


def test_the_day_rules_read_the_roster(office: Office) -> None:
    # GIVEN two on Thursday's roster, and nobody seen by the camera
    assert office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình")).status == 200
    # THEN they are working from home that day and the others are absent
    assert office.days() == {"Nguyễn Văn An": "work_from_home", "Trần Thị Bình": "work_from_home",
                             "Lê Hoàng Cường": "absent", "Phạm Thu Dung": "absent", "Hoàng Văn Em": "absent"}
    # AND the person's month says the same, only on that day
    month = office.product.get(f"/v1/staff/{office.people['Nguyễn Văn An']}/days?month=2026-11",
                               token=office.leader).body
    statuses = {day["date"]: day["status"] for day in month["days"]}
    assert statuses[THURSDAY] == "work_from_home" and statuses[WEDNESDAY] == "absent"
    # WHEN the roster is changed THEN the days follow at once (nothing was copied)
    assert office.put(office.ids("Lê Hoàng Cường")).status == 200
    assert office.days()["Nguyễn Văn An"] == "absent" and office.days()["Lê Hoàng Cường"] == "work_from_home"


def test_leave_the_same_day_wins_and_the_roster_shows_the_conflict(office: Office) -> None:
    bình = office.people["Trần Thị Bình"]
    assert office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình")).status == 200
    # WHEN Bình's leader records leave for Thursday
    leave = office.product.post("/v1/absences", {"staff_id": bình, "kind": "leave", "first_day": THURSDAY,
                                                 "last_day": THURSDAY, "reason": "Nghỉ phép năm"}, token=office.leader)
    assert leave.status == 201, leave.body
    # THEN the day is leave, not work from home
    assert office.days()["Trần Thị Bình"] == "on_leave"
    assert office.days()["Nguyễn Văn An"] == "work_from_home"
    # AND the roster keeps the name and shows the conflict
    staff = {person["full_name"]: person["conflict"] for person in office.roster()["staff"]}
    assert staff == {"Nguyễn Văn An": None,
                     "Trần Thị Bình": {"kind": "leave", "absence_id": leave.body["absence_id"]}}


def test_a_leader_of_another_unit_is_refused(office: Office) -> None:
    for method, body in (("PUT", {"staff_ids": []}), ("GET", None)):
        reply = office.product.request(method, f"/v1/units/{office.unit}/roster/{THURSDAY}", body,
                                       token=office.sibling_leader)
        assert reply.status == 403 and reply.body["code"] == "forbidden"
    assert office.roster()["staff"] == [] and office.audited() == 0


def test_only_the_units_own_staff_employed_that_day_may_be_named(office: Office) -> None:
    # a person of another unit
    reply = office.put([office.people["Nguyễn Văn An"], office.stranger])
    assert reply.status == 422 and reply.body["code"] == "roster_staff_not_in_unit"
    assert reply.body["details"] == {"indexes": [1]}
    # someone who starts next month
    newcomer = office.product.post("/v1/staff", {"full_name": "Vũ Minh Hải", "unit_id": office.unit,
                                                 "employed_from": "2026-12-01"}).body["staff_id"]
    reply = office.put([newcomer])
    assert reply.status == 422 and reply.body["code"] == "roster_staff_not_employed"
    # (and the newcomer does not count towards the cap before starting: still 2 of 5)
    assert office.roster()["allowance"]["employed"] == 5
    # the same person twice
    assert office.put(office.ids("Nguyễn Văn An", "Nguyễn Văn An")).status == 400
    assert office.roster()["staff"] == [] and office.audited() == 0


def test_sending_the_same_roster_again_changes_nothing(office: Office) -> None:
    two = office.ids("Nguyễn Văn An", "Trần Thị Bình")
    first = office.put(two, note="Luân phiên")
    again = office.put(two, note="Luân phiên")
    assert first.status == again.status == 200 and again.body == first.body
    assert office.audited() == 1
    # an empty list clears the day (and that is a change)
    assert office.put([], note="Luân phiên").status == 200
    assert office.at_home() == [] and office.audited() == 2
    # AND clearing a day that never had a roster writes nothing
    assert office.put([], day=WEDNESDAY).status == 200
    assert office.audited() == 2
    assert [day["date"] for day in office.product.get(f"/v1/units/{office.unit}/roster?month=2026-11",
                                                      token=office.leader).body["days"]] == [THURSDAY]


def test_an_impossible_date_is_not_found(office: Office) -> None:
    reply = office.product.get(f"/v1/units/{office.unit}/roster/2026-02-30", token=office.leader)
    assert reply.status == 404 and reply.body["code"] == "not_found"


def test_a_roster_on_a_day_off_is_refused_but_may_be_cleared(office: Office) -> None:
    # WHEN the leader names someone for a Saturday THEN refused: nobody is expected at work that day
    reply = office.put(office.ids("Nguyễn Văn An"), day="2026-11-21")
    assert reply.status == 422 and reply.body["code"] == "roster_day_off"
    assert office.roster("2026-11-21")["staff"] == []
    # AND an empty roster (clearing the day) is accepted
    assert office.put([], day="2026-11-21").status == 200


def test_approving_the_same_exception_again_keeps_one(office: Office) -> None:
    body = {"from": THURSDAY, "to": THURSDAY, "max_share": 0.6, "reason": "Dịch bệnh tại địa phương"}
    first = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", body, token=office.oversight)
    again = office.product.post(f"/v1/units/{office.unit}/roster-exceptions", body, token=office.oversight)
    assert first.status == 201 and again.body == first.body
    assert first.body["max_share"] == 0.6 and first.body["max_people"] is None
    listed = office.product.get(f"/v1/units/{office.unit}/roster-exceptions", token=office.oversight).body
    assert len(listed["exceptions"]) == 1
    # 60% of five is three
    assert office.put(office.ids("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường")).status == 200


def test_the_editor_reads_who_may_be_named_and_which_days_are_working_days(office: Office) -> None:
    # GIVEN Bình on leave on Thursday, and a newcomer who starts next month
    bình = office.people["Trần Thị Bình"]
    leave = office.product.post("/v1/absences", {"staff_id": bình, "kind": "leave", "first_day": THURSDAY,
                                                 "last_day": THURSDAY, "reason": "Nghỉ phép năm"}, token=office.leader)
    assert leave.status == 201, leave.body
    office.product.post("/v1/staff", {"full_name": "Vũ Minh Hải", "unit_id": office.unit,
                                      "employed_from": "2026-12-01"})
    # WHEN the leader opens Thursday in the editor
    day = office.roster()
    # THEN every person employed that day is offered, in Vietnamese name order, Bình marked as on leave
    assert day["working"] is True
    assert [(person["full_name"], person["conflict"]) for person in day["candidates"]] == [
        ("Hoàng Văn Em", None), ("Lê Hoàng Cường", None), ("Nguyễn Văn An", None), ("Phạm Thu Dung", None),
        ("Trần Thị Bình", {"kind": "leave", "absence_id": leave.body["absence_id"]})]
    # AND a Saturday is not a working day: nobody is offered
    saturday = office.roster("2026-11-21")
    assert saturday["working"] is False and saturday["candidates"] == []
    # AND the month lists each working day with its allowance (weekends left out), Thursday among them
    month = office.product.get(f"/v1/units/{office.unit}/roster?month=2026-11", token=office.leader).body
    working = {entry["date"]: entry["allowance"]["allowed"] for entry in month["working_days"]}
    assert len(working) == 21 and working[THURSDAY] == 2
    assert "2026-11-21" not in working and "2026-11-22" not in working
    # AND saving answers the same detail the editor redraws from
    saved = office.put(office.ids("Nguyễn Văn An"))
    assert saved.status == 200
    assert [person["full_name"] for person in saved.body["candidates"]][:2] == ["Hoàng Văn Em", "Lê Hoàng Cường"]
