"""Daily report runs against stored data the API would refuse today: one unit's trouble never stops the others.

The data is stored directly (events through the model, as a device's upload leaves them), so these tests
need no face photos.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chamcong.store.models import EventModel, ReportModel, UnitModel
from tests.integration.harness import ADMIN_PASSWORD, Product, running_product

HOME_AFFAIRS = "phong-noi-vu@dabac.example.gov.vn"
EVENING = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # 20:00 in Ha Noi, after both reports were due


@dataclass
class Offices:
    product: Product
    units: dict[str, str]  # name → unit id
    people: dict[str, str]  # full name → staff id

    def sent(self) -> list[Message]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [email.message_from_bytes(m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data,
                                         policy=email.policy.default) for m in backend.sent_messages]

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.sent()]

    def seen(self, name: str, event: str, hhmmss: str) -> None:
        staff_id = self.people[name]
        unit_id = next(unit for unit, people in UNITS.items() for person in people if person == name)
        local = datetime.fromisoformat(f"2026-11-20T{hhmmss}+07:00")
        EventModel(staff_id, f"2026-11-20T{hhmmss}#dev_x#cap_{staff_id}_{event}", unit_id=self.units[unit_id],
                   event_type=event, local_date="2026-11-20", captured_at=local.astimezone(UTC),
                   captured_at_local=local.isoformat(), device_id="dev_x", capture_id=f"cap_{staff_id}_{event}",
                   similarity=0.8, snapshot_key=f"snapshots/2026-11-20/{staff_id}-{event}.jpg").save()


UNITS = {
    "Phòng Nội vụ": ["Nguyễn Văn An", "Trần Thị Bình"],
    "Phòng Tài chính - Kế hoạch": ["Lê Văn Cường"],
    "Văn phòng HĐND và UBND": ["Phạm Thu Dung"],
}


@pytest.fixture
def offices(models_dir: Path, tmp_path_factory: pytest.TempPathFactory,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Offices]:
    monkeypatch.setenv("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
    with running_product(models_dir, tmp_path_factory.getbasetemp() / "model-cache", monkeypatch) as product:
        district = product.unit("UBND huyện Đà Bắc")
        units: dict[str, str] = {}
        people: dict[str, str] = {}
        for name, members in UNITS.items():
            reply = product.post("/v1/units", {"name": name, "parent_id": district,
                                               "report_recipients": [f"lanhdao{len(units)}@dabac.example.gov.vn"]})
            assert reply.status == 201, reply.body
            units[name] = reply.body["unit_id"]
            for person in members:
                people[person] = product.staff(person, units[name])
        product.clock.now = EVENING
        login = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
        product.token = login.body["token"]
        yield Offices(product, units, people)


def test_a_unit_whose_stored_name_holds_a_line_break_gets_its_report(offices: Offices) -> None:
    # GIVEN a unit whose name, stored before names were checked, holds a line break
    bad = offices.units["Phòng Tài chính - Kế hoạch"]
    UnitModel.get(bad).update(actions=[UnitModel.name.set("Phòng Tài chính\nKế hoạch")])
    # WHEN the morning reports run
    reply = offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "morning"})
    # THEN every report went out, that unit's with the line break read as a space
    assert reply.status == 200, reply.body
    assert sorted(offices.subjects()) == [
        "[Chấm công] Phòng Nội vụ — báo cáo buổi sáng ngày 20/11/2026",
        "[Chấm công] Phòng Tài chính Kế hoạch — báo cáo buổi sáng ngày 20/11/2026",
        "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng ngày 20/11/2026",
        "[Chấm công] Văn phòng HĐND và UBND — báo cáo buổi sáng ngày 20/11/2026"]


def test_a_report_that_cannot_be_archived_does_not_stop_the_others_and_goes_on_the_retry(
        offices: Offices, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN the archive refuses one unit's report
    bad = offices.units["Phòng Tài chính - Kế hoạch"]
    blobs = offices.product.container.blobs
    put = blobs.put

    def refuse_one(key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        if bad in key:
            raise RuntimeError("S3 refused Phòng Tài chính - Kế hoạch")
        put(key, data, content_type)

    monkeypatch.setattr(blobs, "put", refuse_one)
    # WHEN the morning reports run
    reply = offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "morning"})
    # THEN the run fails, naming that unit's report only
    assert (reply.status, reply.body["code"]) == (502, "reports_failed"), reply.body
    assert reply.body["details"] == {"failed": [f"2026-11-20#morning#{bad}"]}
    # and every other unit's report and the district summary went out
    assert sorted(offices.subjects()) == [
        "[Chấm công] Phòng Nội vụ — báo cáo buổi sáng ngày 20/11/2026",
        "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng ngày 20/11/2026",
        "[Chấm công] Văn phòng HĐND và UBND — báo cáo buổi sáng ngày 20/11/2026"]
    # and the failed report is not left claimed: it is marked failed, for the retry
    assert ReportModel.get(f"2026-11-20#morning#{bad}").status == "failed"
    # and the log names the report, not the unit's name or anyone's
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert f"2026-11-20#morning#{bad}" in logged and "Tài chính" not in logged
    # WHEN the archive is back and the run retried
    monkeypatch.undo()
    again = offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "morning"})
    # THEN the report that failed is sent, and nothing else is sent twice
    assert again.status == 200, again.body
    assert {r["audience"]: r["status"] for r in again.body["reports"]}[bad] == "sent"
    assert len(offices.sent()) == 4
    assert "[Chấm công] Phòng Tài chính - Kế hoạch — báo cáo buổi sáng ngày 20/11/2026" in offices.subjects()
