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
