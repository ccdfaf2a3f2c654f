"""Working days through the HTTP API: derived from what the camera recorded, with the evidence of late and early.

Real models and photos: the events come from recognitions, not from rows written by the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.integration.harness import ADMIN_PASSWORD, Product, running_product
from tests.integration.photos import face_crop, photos_of

PEOPLE = {"obama": "Nguyễn Văn An", "biden": "Trần Thị Bình", "person01": "Lê Hoàng Cường"}


@dataclass
class Unit:
    product: Product
    unit_id: str
    device_id: str
    staff: dict[str, str]
    faces_dir: Path

    def now(self, moment: datetime) -> None:
        """Move the clock (and sign in again: a session lasts 8 hours)."""
        self.product.clock.now = moment
        login = self.product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
        assert login.status == 200, login.body
        self.product.token = login.body["token"]

    def seen(self, person: str, at: str, capture_id: str) -> None:
        crop = face_crop(self.product.container.engine(), photos_of(self.faces_dir, person)[1])
        reply = self.product.recognise(self.device_id, capture_id, crop, at)
        assert reply.status == 200 and reply.body["recorded"], reply.body

    def days(self, day: str) -> dict[str, dict[str, object]]:
        reply = self.product.get(f"/v1/attendance/days?unit_id={self.unit_id}&date={day}")
        assert reply.status == 200, reply.body
        return {row["staff_id"]: row for row in reply.body["days"]}


@pytest.fixture(scope="module")
def unit(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Unit]:
    with pytest.MonkeyPatch.context() as monkeypatch, running_product(
            models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
        unit_id = product.unit("Phòng Tài chính - Kế hoạch")
        staff = {}
        for person, name in PEOPLE.items():
            staff[person] = product.staff(name, unit_id)
            assert product.enrol(staff[person], photos_of(faces_dir, person)[0]).status == 201
        device_id, _ = product.device(unit_id)
        yield Unit(product, unit_id, device_id, staff, faces_dir)


def test_a_unit_day_after_the_evening_window(unit: Unit) -> None:
    # GIVEN Friday 20 November 2026: one on time, one late who also leaves early, one never seen
    unit.now(datetime(2026, 11, 20, 0, 50, tzinfo=UTC))  # 07:50 local
    unit.seen("obama", "2026-11-20T07:12:00+07:00", "fri-obama-in")
    unit.seen("biden", "2026-11-20T07:41:30+07:00", "fri-biden-in")
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))  # 18:30 local: the day is over
    unit.seen("obama", "2026-11-20T17:05:00+07:00", "fri-obama-out")
    unit.seen("biden", "2026-11-20T16:45:00+07:00", "fri-biden-out")
    # WHEN the unit's day is read
    days = unit.days("2026-11-20")
    # THEN each person has the status the rules give, with times and minutes
    on_time, late, absent = days[unit.staff["obama"]], days[unit.staff["biden"]], days[unit.staff["person01"]]
    assert (on_time["status"], on_time["check_in"], on_time["check_out"]) == ("on_time", "07:12:00", "17:05:00")
    assert (late["status"], late["flags"], late["late_minutes"], late["early_minutes"]) == (
        "late", ["late", "left_early"], 12, 15)
    assert (absent["status"], absent["check_in"], absent["check_out"]) == ("absent", None, None)
    # and the late day carries the check-in that decided it, with a link to its snapshot
    evidence = late["evidence"]
    assert isinstance(evidence, dict)
    assert (evidence["event"], evidence["capture_id"]) == ("check_in", "fri-biden-in")
    assert "snapshots/2026-11-20/" in str(evidence["snapshot_url"])
    assert on_time["evidence"] is None
    # and rows come in name order, with their names
    assert [row["full_name"] for row in days.values()] == sorted(PEOPLE.values())


def test_an_event_uploaded_late_changes_the_day_when_it_arrives(unit: Unit) -> None:
    # GIVEN Thursday 19 November: person01 checked in, but the check-out camera was offline
    unit.now(datetime(2026, 11, 19, 0, 20, tzinfo=UTC))
    unit.seen("person01", "2026-11-19T07:20:00+07:00", "thu-p01-in")
    unit.now(datetime(2026, 11, 19, 12, 0, tzinfo=UTC))  # 19:00 local
    assert unit.days("2026-11-19")[unit.staff["person01"]]["status"] == "missing_check_out"
    # WHEN the device comes back the next morning and uploads the check-out it queued
    unit.now(datetime(2026, 11, 20, 1, 0, tzinfo=UTC))
    unit.seen("person01", "2026-11-19T17:10:00+07:00", "thu-p01-out")
    # THEN the day reads complete, with nothing to re-run
    day = unit.days("2026-11-19")[unit.staff["person01"]]
    assert (day["status"], day["check_out"]) == ("on_time", "17:10:00")


def test_a_month_for_one_person(unit: Unit) -> None:
    # GIVEN Tuesday 17 November seen in and out on time, and no other event that week but Friday's
    unit.now(datetime(2026, 11, 17, 11, 30, tzinfo=UTC))
    unit.seen("obama", "2026-11-17T07:05:00+07:00", "tue-obama-in")
    unit.seen("obama", "2026-11-17T17:02:00+07:00", "tue-obama-out")
    # WHEN the month is read on Friday evening
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    reply = unit.product.get(f"/v1/staff/{unit.staff['obama']}/days?month=2026-11")
    # THEN every day of November is there, each with its status
    assert reply.status == 200, reply.body
    days = {row["date"]: row for row in reply.body["days"]}
    assert len(days) == 30
    assert (days["2026-11-17"]["status"], days["2026-11-17"]["check_in"]) == ("on_time", "07:05:00")
    assert days["2026-11-21"]["status"] == "weekend"
    assert days["2026-11-18"]["status"] == "absent"  # a working day nobody saw them
    assert days["2026-11-23"]["status"] == "pending"  # Monday has not come yet


def test_public_holidays_and_bad_input(unit: Unit) -> None:
    unit.now(datetime(2026, 9, 3, 0, 0, tzinfo=UTC))
    days = unit.days("2026-09-02")
    assert {row["status"] for row in days.values()} == {"holiday"}
    assert {row["holiday"] for row in days.values()} == {"Quốc khánh"}
    assert unit.product.get(f"/v1/staff/{unit.staff['obama']}/days?month=2026-13").status == 400
    assert unit.product.get("/v1/attendance/days?date=2026-11-20").status == 400  # which unit?
    assert unit.product.get("/v1/attendance/days?unit_id=unit_nope&date=2026-11-20").status == 404
    assert unit.product.get(f"/v1/attendance/days?unit_id={unit.unit_id}", token="").status == 401


def test_leave_and_trips_override_the_camera_and_cancelling_keeps_the_record(unit: Unit) -> None:
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    person01, biden = unit.staff["person01"], unit.staff["biden"]
    # GIVEN person01 on leave on Monday 16th, and biden off on Tuesday 17th morning (seen leaving at 17:05)
    leave = unit.product.post("/v1/absences", {"staff_id": person01, "kind": "leave", "first_day": "2026-11-16",
                                               "last_day": "2026-11-16", "reason": "Nghỉ phép năm"})
    assert leave.status == 201, leave.body
    half = unit.product.post("/v1/absences", {"staff_id": biden, "kind": "business_trip", "first_day": "2026-11-17",
                                              "last_day": "2026-11-17", "part": "morning",
                                              "reason": "Họp tại Sở Nội vụ buổi sáng"})
    assert half.status == 201, half.body
    unit.seen("biden", "2026-11-17T17:05:00+07:00", "tue-biden-out")
    # WHEN the days are read
    monday, tuesday = unit.days("2026-11-16")[person01], unit.days("2026-11-17")[biden]
    # THEN leave replaces "absent", and the half-day trip excuses the missing check-in
    assert (monday["status"], monday["absence_id"]) == ("on_leave", leave.body["absence_id"])
    assert (tuesday["status"], tuesday["check_out"], tuesday["absence_id"]) == (
        "on_time", "17:05:00", half.body["absence_id"])
    # and an overlapping absence, or one that ends before it starts, is refused by name
    again = unit.product.post("/v1/absences", {"staff_id": person01, "kind": "business_trip",
                                               "first_day": "2026-11-15", "last_day": "2026-11-17",
                                               "reason": "Công tác"})
    assert (again.status, again.body["code"]) == (409, "absence_overlaps")
    backwards = unit.product.post("/v1/absences", {"staff_id": person01, "kind": "leave", "first_day": "2026-11-18",
                                                   "last_day": "2026-11-17", "reason": "Nghỉ ốm"})
    assert (backwards.status, backwards.body["code"]) == (422, "absence_dates_invalid")
    # WHEN the leave is cancelled, THEN the day is absent again and the cancelled record stays listed
    cancelled = unit.product.delete(f"/v1/staff/{person01}/absences/{leave.body['absence_id']}")
    assert cancelled.status == 200 and cancelled.body["cancelled_by"] == "admin", cancelled.body
    assert unit.days("2026-11-16")[person01]["status"] == "absent"
    listed = unit.product.get(f"/v1/absences?unit_id={unit.unit_id}&from=2026-11-16&to=2026-11-17")
    assert {a["absence_id"]: a["cancelled_at"] is not None for a in listed.body["absences"]} == {
        leave.body["absence_id"]: True, half.body["absence_id"]: False}
    # and Home Affairs sees every unit's absences at once
    everywhere = unit.product.get("/v1/absences?from=2026-11-17&to=2026-11-17")
    assert [a["absence_id"] for a in everywhere.body["absences"]] == [half.body["absence_id"]]


def test_a_correction_overrides_the_day_and_every_correction_stays(unit: Unit) -> None:
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    person01 = unit.staff["person01"]
    assert unit.days("2026-11-18")[person01]["status"] == "absent"
    # WHEN a leader corrects the day (the camera was down), then corrects it again
    first = unit.product.post("/v1/corrections", {"staff_id": person01, "date": "2026-11-18",
                                                  "status": "missing_check_out", "reason": "Camera hỏng buổi sáng"})
    assert first.status == 201, first.body
    unit.product.clock.now = datetime(2026, 11, 20, 11, 45, tzinfo=UTC)
    second = unit.product.post("/v1/corrections", {"staff_id": person01, "date": "2026-11-18",
                                                   "status": "on_time", "reason": "Đã xác minh với trưởng phòng"})
    assert second.status == 201, second.body
    # THEN the newest applies, and the day still says what the rules said
    day = unit.days("2026-11-18")[person01]
    assert (day["status"], day["status_before_correction"], day["correction_id"]) == (
        "on_time", "absent", second.body["correction_id"])
    # and both corrections stay, with who made them and when (the audit trail of that day)
    history = unit.product.get(f"/v1/corrections?staff_id={person01}&date=2026-11-18").body["corrections"]
    assert [(c["status"], c["created_by"]) for c in history] == [("missing_check_out", "admin"), ("on_time", "admin")]
    assert history[0]["created_at"] < history[1]["created_at"]
    assert unit.product.get(f"/v1/corrections?unit_id={unit.unit_id}&date=2026-11-18").body["corrections"] == history
    # and a period (the site's list of a unit's month) holds them; one that ends before the day does not
    month = f"/v1/corrections?unit_id={unit.unit_id}&from=2026-11-01&to=2026-11-30"
    assert unit.product.get(month).body["corrections"] == history
    assert unit.product.get(f"/v1/corrections?staff_id={person01}&from=2026-11-18&to=2026-11-18").body[
        "corrections"] == history
    assert unit.product.get(f"/v1/corrections?unit_id={unit.unit_id}&from=2026-11-01&to=2026-11-17").body[
        "corrections"] == []
    half = unit.product.get(f"/v1/corrections?unit_id={unit.unit_id}&from=2026-11-01")
    assert (half.status, half.body["code"]) == (400, "validation_error")
    # and a day that has not come cannot be corrected
    future = unit.product.post("/v1/corrections", {"staff_id": person01, "date": "2026-11-23", "status": "on_time",
                                                   "reason": "Trước"})
    assert (future.status, future.body["code"]) == (422, "correction_in_future")


def test_nobody_records_an_absence_or_a_correction_for_themselves(unit: Unit) -> None:
    # GIVEN the unit's leader, who is also a member of the unit
    obama = unit.staff["obama"]
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    token = unit.product.account("truong-phong", unit.unit_id, staff_id=obama,
                                 grants=[{"role": "unit_leader", "unit_id": unit.unit_id},
                                         {"role": "staff", "unit_id": unit.unit_id}])
    # WHEN they try it for themselves, THEN it is refused; for someone else it is accepted
    own = unit.product.request("POST", "/v1/absences", {"staff_id": obama, "kind": "leave", "first_day": "2026-11-24",
                                                        "last_day": "2026-11-24", "reason": "Việc riêng"}, token=token)
    assert (own.status, own.body["code"]) == (403, "own_absence")
    fix = unit.product.request("POST", "/v1/corrections", {"staff_id": obama, "date": "2026-11-18",
                                                           "status": "on_time", "reason": "Tự sửa"}, token=token)
    assert (fix.status, fix.body["code"]) == (403, "own_correction")
    other = unit.product.request("POST", "/v1/absences", {"staff_id": unit.staff["person01"], "kind": "leave",
                                                          "first_day": "2026-11-24", "last_day": "2026-11-24",
                                                          "reason": "Việc riêng"}, token=token)
    assert other.status == 201 and other.body["created_by"] == "truong-phong"


def test_calendars_are_edited_per_site_and_unit_and_units_inherit(unit: Unit) -> None:
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    # GIVEN nothing edited: the product's defaults and the shipped 2026 holidays
    site = unit.product.get("/v1/calendars/site").body
    assert (site["schedules_from"], site["holidays_from"]) == ("defaults", "defaults")
    assert {"date": "2026-09-02", "name": "Quốc khánh", "working": False} in site["holidays"]
    # WHEN the site declares Saturday 28 November a make-up working day (keeping the shipped holidays)
    holidays = [*site["holidays"], {"date": "2026-11-28", "name": "Làm bù ngày 2/1/2026", "working": True}]
    saved = unit.product.request("PUT", "/v1/calendars/site", {"holidays": holidays})
    assert saved.status == 200, saved.body
    # and this unit gets its own hours: work from 08:00 is impossible (the check-in window closes then) …
    late_start = {"schedules": [{"valid_from": "2026-01-01", "work_start": "08:00"}]}
    refused = unit.product.request("PUT", f"/v1/units/{unit.unit_id}/calendar", late_start)
    assert (refused.status, refused.body["code"]) == (422, "calendar_invalid")
    # … but 07:45 with a 10-minute grace is fine
    own = unit.product.request("PUT", f"/v1/units/{unit.unit_id}/calendar", {"schedules": [
        {"valid_from": "2026-01-01", "work_start": "07:45", "late_grace_minutes": 10}]})
    assert own.status == 200, own.body
    assert (own.body["schedules_from"], own.body["holidays_from"]) == (unit.unit_id, "site")
    # THEN the unit's days follow its own hours and the site's holidays
    unit.seen("obama", "2026-11-16T07:50:00+07:00", "mon-obama-in")  # late under 07:30, on time under 07:45+10
    unit.seen("obama", "2026-11-16T17:01:00+07:00", "mon-obama-out")
    monday = unit.days("2026-11-16")[unit.staff["obama"]]
    assert (monday["status"], monday["late_minutes"]) == ("on_time", 0)
    unit.now(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    assert {row["status"] for row in unit.days("2026-11-28").values()} == {"absent"}  # a worked Saturday
    # and putting null back inherits the site's hours again
    reset = unit.product.request("PUT", f"/v1/units/{unit.unit_id}/calendar", {"schedules": None})
    assert reset.body["schedules_from"] == "defaults"
    assert unit.days("2026-11-16")[unit.staff["obama"]]["status"] == "late"


def test_days_before_someone_joined_are_not_counted_against_them(unit: Unit) -> None:
    unit.now(datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    other_unit = unit.product.unit("Phòng Văn hoá - Thông tin")
    joined = unit.product.post("/v1/staff", {"full_name": "Hà Thị Uyên", "unit_id": other_unit,
                                             "employed_from": "2026-11-19"})
    assert joined.status == 201 and joined.body["employed_from"] == "2026-11-19"
    days = {row["date"]: row["status"] for row in unit.product.get(
        f"/v1/staff/{joined.body['staff_id']}/days?month=2026-11").body["days"]}
    assert (days["2026-11-18"], days["2026-11-19"], days["2026-11-20"]) == ("not_employed", "absent", "absent")
