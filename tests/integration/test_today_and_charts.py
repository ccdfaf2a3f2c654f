"""The Today page and the Charts page through the HTTP API, each reader seeing the units they oversee.

Real models and photos: check-ins come from recognitions, the spoof from a phone held up to the camera.
The district "Đà Bắc" has two units: "Phòng Tài chính" (three people, a camera) and "Phòng Văn hoá" (Thành,
whose photo a colleague shows at the Tài chính camera). Friday 20 November 2026.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.liveness import SAMPLES_DIR
from chamcong.rules.attendance import DayStatus
from tests.integration.harness import Product, running_product
from tests.integration.photos import face_crop, passage, photos_of

PEOPLE = {"obama": "Nguyễn Văn An", "biden": "Trần Thị Bình", "person01": "Lê Hoàng Cường"}


@dataclass
class District:
    product: Product
    district: str
    finance: str
    culture: str
    device_id: str
    staff: dict[str, str]
    thanh: str
    tokens: dict[str, str]

    def get(self, path: str, role: str) -> tuple[int, dict]:
        reply = self.product.get(path, token=self.tokens[role])
        return reply.status, reply.body



@pytest.fixture(scope="module")
def district(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    with pytest.MonkeyPatch.context() as monkeypatch, running_product(
            models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
        product.clock.now = datetime(2026, 11, 20, 0, 50, tzinfo=UTC)  # 07:50 local, the window still open
        login = product.post("/v1/auth/login", {"username": "admin", "password": "Quản-trị-2026!"}, token="")
        product.token = login.body["token"]
        district_id = product.unit("UBND huyện Đà Bắc")
        finance = product.unit("Phòng Tài chính - Kế hoạch", district_id)
        culture = product.unit("Phòng Văn hoá - Thông tin", district_id)
        staff = {}
        for person, name in PEOPLE.items():
            staff[person] = product.staff(name, finance)
            assert product.enrol(staff[person], photos_of(faces_dir, person)[0]).status == 201
        thanh = product.staff("Lê Văn Thành", culture)
        assert product.enrol(thanh, SAMPLES_DIR / "phone-live-3.png").status == 201
        device_id, _ = product.device(finance, "Camera sảnh Tài chính")
        leader = product.staff("Trưởng phòng Tài chính", finance)
        tokens = {
            "admin": product.token,
            "leader": product.account("truongphong-tc", finance, staff_id=leader,
                                      grants=[{"role": "unit_leader", "unit_id": finance}]),
            "oversight": product.account("noivu-huyen", district_id,
                                         grants=[{"role": "oversight", "unit_id": district_id}]),
            "staff": product.account("canbo-an", finance, staff_id=staff["obama"]),
        }
        # The morning: An on time, Bình 12 minutes late, Cường not yet in; someone shows Thành's photo at 07:45
        for person, at in (("obama", "07:12:00"), ("biden", "07:41:30")):
            crop = face_crop(product.container.engine(), photos_of(faces_dir, person)[1])
            reply = product.recognise(device_id, f"in-{person}", crop, f"2026-11-20T{at}+07:00")
            assert reply.status == 200 and reply.body["recorded"], reply.body
        spoof = product.recognise(device_id, "spoof-thanh", passage(product.container.engine(), "phone-spoof-2.jpg", 1),
                                  "2026-11-20T07:45:00+07:00")
        assert spoof.body["result"] == "spoof_suspected", spoof.body
        yield District(product, district_id, finance, culture, device_id, staff, thanh, tokens)


def test_a_leader_sees_their_unit_counted_as_the_days_read_during_the_window(district: District) -> None:
    # WHEN the leader of Tài chính opens Today at 07:50
    status, today = district.get("/v1/attendance/overview", "leader")
    # THEN only their unit is there, with what the camera saw and the spoof at their camera
    assert status == 200, today
    assert (today["date"], today["in_check_in_window"]) == ("2026-11-20", True)
    assert [row["unit_id"] for row in today["units"]] == [district.finance]
    row = today["units"][0]
    # 4 people: the three, and the leader (not seen either)
    assert (row["name"], row["parent_id"], row["staff"], row["late_minutes"], row["spoofs"]) == (
        "Phòng Tài chính - Kế hoạch", district.district, 4, 12, 1)
    assert {k: v for k, v in row["counts"].items() if v} == {"on_time": 1, "late": 1, "pending": 2}
    assert set(row["counts"]) == {status.value for status in DayStatus}
    assert today["totals"] == {"staff": 4, "counts": row["counts"], "late": 1, "late_minutes": 12, "spoofs": 1}
    assert row["late"] == 1


def test_oversight_sees_every_unit_and_the_counts_match_each_units_day(district: District) -> None:
    # GIVEN the window has closed (09:00): the ones not seen are now missing their check-in
    district.product.clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    status, today = district.get("/v1/attendance/overview?date=2026-11-20", "oversight")
    assert status == 200, today
    assert today["in_check_in_window"] is False
    rows = {row["unit_id"]: row for row in today["units"]}
    # THEN Home Affairs sees the district and both its units, in Vietnamese name order
    assert [row["name"] for row in today["units"]] == [
        "Phòng Tài chính - Kế hoạch", "Phòng Văn hoá - Thông tin", "UBND huyện Đà Bắc"]
    assert (rows[district.district]["staff"], rows[district.culture]["staff"]) == (0, 1)
    # AND each unit's counts are exactly what its day says, person by person
    for unit_id, row in rows.items():
        status, days = district.get(f"/v1/attendance/days?unit_id={unit_id}&date=2026-11-20", "oversight")
        assert status == 200
        by_status = Counter(day["status"] for day in days["days"])
        assert {k: v for k, v in row["counts"].items() if v} == dict(by_status), unit_id
        assert row["late_minutes"] == sum(day["late_minutes"] for day in days["days"])
        assert row["late"] == sum("late" in day["flags"] for day in days["days"])
    assert rows[district.finance]["counts"]["missing_check_in"] == 2
    assert today["totals"]["staff"] == 5 and today["totals"]["spoofs"] == 1
    assert today["totals"]["counts"]["missing_check_in"] == 3
    # AND another day is never "in the window", and is counted on its own
    status, thursday = district.get("/v1/attendance/overview?date=2026-11-19", "oversight")
    assert thursday["in_check_in_window"] is False and thursday["totals"]["spoofs"] == 0
    assert thursday["totals"]["counts"]["absent"] == 5


def test_the_spoof_is_listed_with_its_frames_and_names_whom_it_resembles_only_to_who_may_see_him(
        district: District) -> None:
    status, seen_by_oversight = district.get("/v1/attendance/spoofs?date=2026-11-20", "oversight")
    assert status == 200, seen_by_oversight
    [attempt] = seen_by_oversight["attempts"]
    assert (attempt["unit_id"], attempt["device_id"], attempt["device_name"], attempt["frames"]) == (
        district.finance, district.device_id, "Camera sảnh Tài chính", 3)
    assert attempt["captured_at_local"].startswith("2026-11-20T07:45:00")
    assert (attempt["resembles_staff_id"], attempt["resembles_name"]) == (district.thanh, "Lê Văn Thành")
    assert attempt["similarity"] is not None and attempt["liveness"] < 0
    assert len(attempt["snapshot_urls"]) == 3
    assert all("spoofs/2026-11-20/" in url and "X-Amz-Expires=300" in url for url in attempt["snapshot_urls"])
    # The frames open (the link works against the bucket)
    frame = district.product.container.s3.get_object(
        Bucket=district.product.container.settings.data_bucket,
        Key=attempt["snapshot_urls"][0].split(f"{district.product.container.settings.data_bucket}/")[1].split("?")[0])
    assert frame["Body"].read()[:3] == b"\xff\xd8\xff"
    # The leader of Tài chính sees the attempt at their camera, but not whose face (Thành is in another unit)
    status, seen_by_leader = district.get(f"/v1/attendance/spoofs?date=2026-11-20&unit_id={district.finance}",
                                          "leader")
    assert status == 200
    [theirs] = seen_by_leader["attempts"]
    assert (theirs["attempt_key"], theirs["resembles_staff_id"], theirs["resembles_name"], theirs["similarity"]) == (
        attempt["attempt_key"], None, None, None)
    assert "Lê Văn Thành" not in str(seen_by_leader)
    # Văn hoá's own list has no attempt, and the leader cannot read it
    assert district.get(f"/v1/attendance/spoofs?date=2026-11-20&unit_id={district.culture}",
                        "oversight")[1]["attempts"] == []
    assert district.get(f"/v1/attendance/spoofs?date=2026-11-20&unit_id={district.culture}", "leader")[0] == 403


def test_the_month_charts(district: District) -> None:
    district.product.clock.now = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Friday 09:00
    status, month = district.get("/v1/attendance/stats?month=2026-11", "oversight")
    assert status == 200, month
    # Units with staff only; days up to today
    assert [unit["unit_id"] for unit in month["units"]] == [district.finance, district.culture]
    finance = {day["date"]: day for day in month["units"][0]["days"]}
    assert list(finance) == [f"2026-11-{n:02d}" for n in range(1, 21)]
    assert finance["2026-11-20"] == {"date": "2026-11-20", "expected": 4, "present": 2, "rate": 0.5}
    assert finance["2026-11-19"] == {"date": "2026-11-19", "expected": 4, "present": 0, "rate": 0.0}
    assert finance["2026-11-15"] == {"date": "2026-11-15", "expected": 0, "present": 0, "rate": None}  # Sunday
    working_days = sum(1 for day in finance.values() if day["expected"])
    assert working_days == 15
    assert month["units"][0]["rate"] == round(2 / (4 * working_days), 4)
    assert month["units"][1]["rate"] == 0.0
    # Lateness falls on Friday; arrivals in their quarter-hours of the 05:30–08:00 window
    assert month["lateness_by_weekday"][4] == {"weekday": 4, "late_days": 1, "late_minutes": 12}
    assert sum(w["late_days"] for w in month["lateness_by_weekday"]) == 1
    assert [b["from"] for b in month["arrivals"]][:2] == ["05:30", "05:45"] and month["arrivals"][-1]["to"] == "08:00"
    assert {b["from"]: b["count"] for b in month["arrivals"] if b["count"]} == {"07:00": 1, "07:30": 1}
    # A leader's charts show their unit only
    status, theirs = district.get("/v1/attendance/stats?month=2026-11", "leader")
    assert [unit["unit_id"] for unit in theirs["units"]] == [district.finance]
    assert district.get(f"/v1/attendance/stats?month=2026-11&unit_id={district.culture}", "leader")[0] == 403
    # A month that has not begun has no days, but keeps its axis
    status, december = district.get("/v1/attendance/stats?month=2026-12", "oversight")
    assert (december["units"], len(december["arrivals"])) == ([], 10)


def test_a_staff_account_is_refused_and_bad_input_is_a_400(district: District) -> None:
    for path in ("/v1/attendance/overview", "/v1/attendance/spoofs", "/v1/attendance/stats",
                 f"/v1/attendance/stats?unit_id={district.finance}"):
        status, body = district.get(path, "staff")
        assert (status, body["code"]) == (403, "forbidden"), path
        assert "Nguyễn" not in str(body)
    for path in ("/v1/attendance/overview?date=2026-11-31", "/v1/attendance/overview?date=20-11-2026",
                 "/v1/attendance/spoofs?date=yesterday", "/v1/attendance/stats?month=2026-13",
                 "/v1/attendance/stats?month=2026-11-01", "/v1/attendance/overview?unit_id=x",
                 "/v1/attendance/spoofs?unit_id=%3Cscript%3E"):
        status, body = district.get(path, "oversight")
        assert (status, body["code"]) == (400, "validation_error"), path
    status, body = district.get("/v1/attendance/stats?unit_id=unit_nope", "oversight")
    assert (status, body["code"]) == (404, "unit_not_found")
    assert district.product.get("/v1/attendance/overview", token="").status == 401
