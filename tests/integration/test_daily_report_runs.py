"""Daily report runs against stored data the API would refuse today: one unit's trouble never stops the others.

The data is stored directly (events through the model, as a device's upload leaves them), so these tests
need no face photos.
"""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from openpyxl import load_workbook

from chamcong.reports.xlsx import CONTENT_TYPE as XLSX
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
    "Văn phòng HĐND và UBND": ["Phạm Thu Dung", "Đặng Văn Hải", "Dương Thị Lan"],
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


def _body(message: Message, content_type: str) -> str:
    found = next(p for p in message.walk() if p.get_content_type() == content_type)
    payload = found.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def _mail(offices: Offices, subject_start: str) -> Message:
    return next(m for m in offices.sent() if str(m["Subject"]).startswith(subject_start))


def test_a_morning_report_made_in_the_evening_tells_the_morning_and_counts_every_flag(offices: Offices) -> None:
    # GIVEN An on time, and Bình late in the morning (07:44) who then left early (16:38)
    for name, event, at in (("Nguyễn Văn An", "check_in", "07:10:00"), ("Nguyễn Văn An", "check_out", "17:05:00"),
                            ("Trần Thị Bình", "check_in", "07:44:00"), ("Trần Thị Bình", "check_out", "16:38:00")):
        offices.seen(name, event, at)
    # WHEN the morning report is made at 20:00 (a re-run)
    assert offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "morning"}).status == 200
    # THEN it shows Bình late, and nobody leaving early: that had not happened by 08:15
    morning = _mail(offices, "[Chấm công] Phòng Nội vụ — báo cáo buổi sáng")
    text = _body(morning, "text/plain")
    assert "Đi muộn (1):\n  - Trần Thị Bình, đến 07:44:00, muộn 14 phút\n" in text
    assert "Về sớm" not in text and "16:38" not in text and "17:05" not in text
    assert "Về sớm" not in _body(_mail(offices, "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng"), "text/plain")
    # WHEN the evening report is made
    assert offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "evening"}).status == 200
    # THEN Bình counts both as late and as left early, in the unit's report and in the district's totals
    evening = _body(_mail(offices, "[Chấm công] Phòng Nội vụ — báo cáo buổi chiều"), "text/plain")
    assert "- Đi muộn: 1\n" in evening and "- Về sớm: 1\n" in evening and "- Đúng giờ: 1\n" in evening
    assert "Về sớm (1):\n  - Trần Thị Bình, đến 07:44:00, về 16:38:00, muộn 14 phút, sớm 22 phút" in evening
    summary = _mail(offices, "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi chiều")
    summary_text = _body(summary, "text/plain")
    assert "- Đi muộn: 1\n" in summary_text and "- Về sớm: 1\n" in summary_text
    assert "Phòng Nội vụ: 2 người, đúng giờ 1, đi muộn 1, về sớm 1." in summary_text
    html = _body(summary, "text/html")
    row = html[html.index("<td style=\"border: 1px solid #ccc;\">Phòng Nội vụ</td>"):]
    row = row[:row.index("</tr>")]
    cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
    # Đơn vị, Số người, Đúng giờ, then the exceptions in their order: absent, missing in, missing out, late, early…
    assert cells[:8] == ["Phòng Nội vụ", "2", "1", "", "", "", "1", "1"]


def test_people_are_listed_in_vietnamese_alphabetical_order(offices: Offices) -> None:
    # GIVEN a unit with Phạm Thu Dung, Đặng Văn Hải and Dương Thị Lan, none seen by 08:15
    # WHEN the morning report is made
    assert offices.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "morning"}).status == 200
    mail = _mail(offices, "[Chấm công] Văn phòng HĐND và UBND")
    # THEN the report and its spreadsheet list them as a Vietnamese reader expects: D, then Đ, then P
    assert "Thiếu giờ đến (3):\n  - Dương Thị Lan\n  - Đặng Văn Hải\n  - Phạm Thu Dung\n" in _body(mail, "text/plain")
    attached = next(p for p in mail.walk() if p.get_content_type() == XLSX).get_payload(decode=True)
    sheet = load_workbook(io.BytesIO(attached)).active
    assert [(row[0], row[1]) for row in sheet.iter_rows(min_row=10, values_only=True) if isinstance(row[0], int)] == [
        (1, "Dương Thị Lan"), (2, "Đặng Văn Hải"), (3, "Phạm Thu Dung")]
