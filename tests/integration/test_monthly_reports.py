"""The monthly evaluation report on the local stack, end to end: October's stored evaluations of two units, the run
(inline) through the API, the e-mails and their recipients, the XLSX downloaded, a re-run that sends nothing twice,
a failed send retried, the reminders once a day, the daily job on the first working day; then the province's
fan-out through the queue (moto SQS) with a duplicate delivery, the summary sent once with every unit in it.

The clock stands at Friday 20 November 2026 (October ended; its deadlines, 3/5/7 November, have passed).
"""

from __future__ import annotations

import email
import email.policy
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import scheduled  # functions/api/scheduled.py
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from openpyxl import load_workbook

from chamcong.access import Access
from chamcong.reports.xlsx import CONTENT_TYPE as XLSX
from chamcong.services import monthly_reports
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.staff import StaffModel
from tests.fakes import LambdaContext
from tests.integration.harness import Product, running_product

HOME_AFFAIRS = "phong-noi-vu@dabac.example.gov.vn"
MONTH = "2026-10"
UNITS = {  # unit → (leaders' address, [(name, state, total, grade, final grade, demoted)])
    "Phòng Nội vụ": ("lanhdao-nv@dabac.example.gov.vn", [
        ("Nguyễn Văn An", "locked", "95.50", "excellent", "excellent", False),
        ("Trần Thị Bình", "locked", "92.00", "excellent", "good", True),
        ("Lê Văn Cường", "locked", "80.00", "good", "good", False),
        ("Phạm Thu Dung", "draft", "60.00", "completed", None, False)]),
    "Phòng Y tế": ("lanhdao-yt@dabac.example.gov.vn", [
        ("Bùi Văn Khoa", "reviewed", "75.00", "good", None, False),
        ("Ngô Thị Mai", None, None, None, None, False)]),  # a member never computed: the run computes her draft
}


@dataclass
class District:
    product: Product
    units: dict[str, str]   # name → unit id
    people: dict[str, str]  # name → staff id

    def sent(self) -> list[EmailMessage]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [email.message_from_bytes(m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data,
                                         policy=email.policy.default)
                for m in backend.sent_messages]

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in self.sent()]


def _seed(product: Product, district: str, month: str, units: dict[str, Any],
          suffix: str = "") -> tuple[dict[str, str], dict[str, str]]:
    unit_ids, people = {}, {}
    for unit_name, (leaders, members) in units.items():
        reply = product.post("/v1/units", {"name": unit_name + suffix, "parent_id": district,
                                           "report_recipients": [leaders]})
        assert reply.status == 201, reply.body
        unit_ids[unit_name] = unit_id = reply.body["unit_id"]
        for name, state, total, grade, final, demoted in members:
            staff_id = product.staff(name, unit_id)
            people[name] = staff_id
            StaffModel(staff_id).update(actions=[StaffModel.email.set(f"{staff_id}@dabac.example.gov.vn")])
            if state is None:
                continue
            EvaluationModel(staff_id, month, unit_id=unit_id, unit_month=EvaluationModel.unit_month_of(unit_id, month),
                            full_name=name, state=state, ruleset_id="nd335-2025", ruleset_version=1,
                            computed={"general": {"points": "25.00", "criteria": []},
                                      "tasks": {"quantity_percent": "100.00", "quality_percent": "100.00",
                                                "timeliness_percent": "90.00", "points": "60.00"},
                                      "unit": None, "disqualified_by": []},
                            total=total, grade=grade, final_grade=final,
                            cap={"demoted": True, "reason": "cap", "decided_by": "truongphong"} if demoted else None
                            ).save()
    return unit_ids, people


@pytest.fixture(scope="module")
def district(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
        with running_product(models_dir, tmp_path_factory.getbasetemp() / "model-cache", monkeypatch) as product:
            top = product.unit("UBND huyện Đà Bắc")
            units, people = _seed(product, top, MONTH, UNITS)
            yield District(product, units, people)


def test_the_month_s_reports_go_to_each_unit_s_leaders_and_home_affairs(district: District) -> None:
    # WHEN a system admin runs October
    reply = district.product.post("/v1/reports/monthly/run", {"month": MONTH})
    # THEN each unit's leaders and Home Affairs get one report each
    assert reply.status == 200, reply.body
    assert reply.body["mode"] == "inline"
    assert sorted((r["audience"], r["status"]) for r in reply.body["reports"]) == sorted(
        [(district.units["Phòng Nội vụ"], "sent"), (district.units["Phòng Y tế"], "sent"), ("district", "sent")])
    sent = {str(m["Subject"]): m for m in district.sent()}
    unit_mail = sent["[Chấm công] Phòng Nội vụ — kết quả đánh giá, xếp loại tháng 10/2026"]
    assert unit_mail["To"] == "lanhdao-nv@dabac.example.gov.vn"
    summary = sent["[Chấm công] Tổng hợp toàn huyện — kết quả đánh giá, xếp loại tháng 10/2026"]
    assert summary["To"] == HOME_AFFAIRS
    body = summary.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    # AND the summary gives the distribution, the cap's effect and who is behind, per unit
    assert "2 đơn vị, 6 người được đánh giá" in text  # Ngô Thị Mai's draft computed by the run
    assert "- Hoàn thành xuất sắc nhiệm vụ: 2 theo điểm, 1 sau giới hạn tỷ lệ" in text
    assert "1 người chuyển từ Hoàn thành xuất sắc sang Hoàn thành tốt nhiệm vụ" in text
    assert "Phòng Y tế: 2 người;" in text and "chưa hoàn thành bước 2 (2 quá hạn)" in text
    # AND the member who had no evaluation now has a draft, computed from her month; the approved ones are untouched
    assert EvaluationModel.get(district.people["Ngô Thị Mai"], MONTH).state == "draft"
    assert EvaluationModel.get(district.people["Trần Thị Bình"], MONTH).total == "92.00"


def test_a_re_run_sends_nothing_twice_and_a_month_not_ended_is_refused(district: District) -> None:
    before = len(district.sent())
    reply = district.product.post("/v1/reports/monthly/run", {"month": MONTH})
    assert reply.status == 200, reply.body
    assert {r["status"] for r in reply.body["reports"]} == {"already_sent"}
    assert len(district.sent()) == before
    refused = district.product.post("/v1/reports/monthly/run", {"month": "2026-11"})
    assert refused.status == 409 and refused.body["code"] == "report_month_not_ended"
    # AND a month no rule set covers (before Decree 335 took effect, no provincial set added) is refused whole
    uncovered = district.product.post("/v1/reports/monthly/run", {"month": "2025-06"})
    assert uncovered.status == 404 and uncovered.body["code"] == "ruleset_not_found", uncovered.body
    assert len(district.sent()) == before


def test_the_archived_report_lists_and_its_xlsx_downloads(district: District) -> None:
    listed = district.product.get(f"/v1/reports/monthly?month={MONTH}")
    assert listed.status == 200, listed.body
    audiences = [r["audience"] for r in listed.body["reports"]]
    assert audiences == [district.units["Phòng Nội vụ"], district.units["Phòng Y tế"], "district"]
    entry = listed.body["reports"][0]
    assert entry["download"] == f"/v1/reports/monthly/{MONTH}/{district.units['Phòng Nội vụ']}"
    reply = district.product.request("GET", entry["attachment"], headers={"Accept": XLSX})
    assert reply.status == 200, reply.body
    sheet = load_workbook(io.BytesIO(reply.raw)).worksheets[0]
    assert sheet["A5"].value == "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC THÁNG 10/2026"
    # the people in Vietnamese name order, with their grades by the score and after the cap
    assert [sheet.cell(row, 2).value for row in range(10, 14)] == [
        "Lê Văn Cường", "Nguyễn Văn An", "Phạm Thu Dung", "Trần Thị Bình"]
    assert [sheet.cell(13, c).value for c in (11, 12, 13)] == [
        "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hạ từ Hoàn thành xuất sắc do giới hạn tỷ lệ"]
    eml = district.product.request("GET", entry["download"], headers={"Accept": "message/rfc822"})
    assert eml.status == 200
    archived = email.message_from_bytes(eml.raw, policy=email.policy.default)
    assert str(archived["Subject"]) == "[Chấm công] Phòng Nội vụ — kết quả đánh giá, xếp loại tháng 10/2026"
    missing = district.product.request("GET", f"/v1/reports/monthly/2026-09/{district.units['Phòng Y tế']}",
                                       headers={"Accept": "message/rfc822"})
    assert missing.status == 404


def test_a_failed_send_is_tried_again_on_the_next_run(district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN September, whose summary cannot be sent the first time (SES down)
    from chamcong.services import reports

    real = reports.send

    def failing(container: Any, message: Any, recipients: Any) -> str:
        if "Tổng hợp" in str(message["Subject"]):
            raise ConnectionError("SES unreachable")
        return real(container, message, recipients)

    monkeypatch.setattr(reports, "send", failing)
    reply = district.product.post("/v1/reports/monthly/run", {"month": "2026-09"})
    assert reply.status == 502 and reply.body["code"] == "reports_failed"
    monkeypatch.setattr(reports, "send", real)
    before = len(district.sent())
    # WHEN it is run again THEN only the summary goes out
    again = district.product.post("/v1/reports/monthly/run", {"month": "2026-09"})
    assert again.status == 200, again.body
    assert sorted(r["status"] for r in again.body["reports"]) == ["already_sent", "already_sent", "sent"]
    assert len(district.sent()) == before + 1


def test_a_unit_whose_drafts_could_not_be_computed_holds_back_its_report_and_the_summary(
        district: District, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN July, where Phòng Y tế's drafts cannot be computed the first time (a reviewer saved meanwhile)
    from chamcong.errors import Conflict

    health = district.units["Phòng Y tế"]

    def compute(container: Any, unit_id: str, month: str) -> None:
        if unit_id == health:
            raise Conflict("evaluation_changed")

    monkeypatch.setattr(monthly_reports, "compute_drafts", compute)
    before = len(district.sent())
    reply = district.product.post("/v1/reports/monthly/run", {"month": "2026-07"})
    # THEN the other unit's report goes out, Phòng Y tế's and the summary wait, and the run asks to be retried
    assert reply.status == 502 and reply.body["code"] == "reports_failed"
    assert [str(m["Subject"]) for m in district.sent()[before:]] == [
        "[Chấm công] Phòng Nội vụ — kết quả đánh giá, xếp loại tháng 07/2026"]
    # WHEN the compute works again THEN the retry sends exactly what was missing
    monkeypatch.setattr(monthly_reports, "compute_drafts", lambda container, unit_id, month: None)
    again = district.product.post("/v1/reports/monthly/run", {"month": "2026-07"})
    assert again.status == 200, again.body
    assert sorted(r["status"] for r in again.body["reports"]) == ["already_sent", "sent", "sent"]


def test_reminders_go_once_a_day_to_the_person_the_reviewers_and_the_heads(district: District) -> None:
    # GIVEN 4 November: October's self-assessment is overdue (3rd), the review due tomorrow (5th)
    product = district.product
    before = len(district.sent())
    result = monthly_reports.send_reminders(product.container, Access.system(), _day("2026-11-04"))
    sent = district.sent()[before:]
    subjects = sorted(str(m["Subject"]) for m in sent)
    # THEN Phạm Thu Dung and Ngô Thị Mai (drafts, Mai's computed by the run) are each reminded at their own
    # address; Bùi Văn Khoa is reviewed, and his approval (due the 7th) is not within a day yet
    drafts = sorted(f"{district.people[name]}@dabac.example.gov.vn" for name in ("Phạm Thu Dung", "Ngô Thị Mai"))
    assert sorted(str(m["To"]) for m in sent if "tự đánh giá" in str(m["Subject"])) == drafts
    assert all("tháng 10/2026" in subject for subject in subjects)
    assert not any("phê duyệt" in subject for subject in subjects)
    assert {r["status"] for r in result["reminders"]} == {"sent"}
    # AND the same day again sends nothing
    again = monthly_reports.send_reminders(product.container, Access.system(), _day("2026-11-04"))
    assert {r["status"] for r in again["reminders"]} == {"already_sent"}
    assert len(district.sent()) == before + len(sent)
    # AND on the 6th the approval (due the 7th) goes to the unit's leaders (no head has an account with an e-mail)
    later = monthly_reports.send_reminders(product.container, Access.system(), _day("2026-11-06"))
    approvals = [m for m in district.sent() if "phê duyệt" in str(m["Subject"])]
    assert [str(m["To"]) for m in approvals] == ["lanhdao-yt@dabac.example.gov.vn"]
    assert any(r["status"] == "sent" for r in later["reminders"])


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


def test_the_daily_job_reports_the_previous_month_on_the_first_working_day_only(district: District) -> None:
    # Sunday 1 November is not a working day; Monday 2 November is the first: October is reported (already sent)
    sunday = scheduled.monthly_evaluation({"date": "2026-11-01"}, LambdaContext())
    assert sunday["working_day"] is False and sunday["report"] is None
    monday = scheduled.monthly_evaluation({"date": "2026-11-02"}, LambdaContext())
    assert monday["report"]["month"] == MONTH
    assert {r["status"] for r in monday["report"]["reports"]} == {"already_sent"}
    tuesday = scheduled.monthly_evaluation({"date": "2026-11-03"}, LambdaContext())
    assert tuesday["working_day"] is True and tuesday["report"] is None and tuesday["reminders"] is not None


def test_a_province_fans_out_per_unit_and_the_summary_is_sent_once_with_every_unit(district: District) -> None:
    # GIVEN August's evaluations of three more units, and the queue mode
    product = district.product
    top = product.unit("UBND huyện Tân Lạc")
    august = {"Phòng Văn hóa": ("lanhdao-vh@tanlac.example.gov.vn", [("Đỗ Văn Hùng", "locked", "91.00", "excellent",
                                                                       "excellent", False)]),
              "Phòng Giáo dục": ("lanhdao-gd@tanlac.example.gov.vn", [("Hồ Thị Lan", "locked", "72.00", "good",
                                                                        "good", False)]),
              "Phòng Tư pháp": ("lanhdao-tp@tanlac.example.gov.vn", [("Vũ Văn Minh", "draft", "45.00",
                                                                       "not_completed", None, False)])}
    _seed(product, top, "2026-08", august)
    queue = product.container.sqs.create_queue(QueueName="chamcong-evaluations")["QueueUrl"]
    product.container.settings.evaluation_queue_url = queue
    before = len(district.sent())
    # WHEN the month is run in the queue mode
    run = monthly_reports.run_month(product.container, Access.system(), "2026-08", mode="queue")
    assert run["mode"] == "queue" and run["reports"] == []
    units = run["queued"]
    assert units == 5  # every unit with members: the district's two and the three new ones
    assert len(district.sent()) == before  # nothing sent yet
    # AND the queue is drained by the worker, one message at a time, the first one delivered twice
    messages = []
    while True:
        received = product.container.sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not received:
            break
        messages += received
        for message in received:
            product.container.sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    assert len(messages) == units
    deliveries = [messages[0], *messages, messages[0]]
    answers = [scheduled.evaluation_worker({"Records": [{"messageId": m["MessageId"], "body": m["Body"]}]},
                                           LambdaContext()) for m in deliveries]
    # THEN no message failed, each unit's report went out once and the summary once, with every unit in it
    assert all(answer == {"batchItemFailures": []} for answer in answers)
    sent = district.sent()[before:]
    summaries = [m for m in sent if "Tổng hợp toàn huyện" in str(m["Subject"])]
    assert len(summaries) == 1
    assert len(sent) == units + 1
    body = summaries[0].get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "5 đơn vị" in text
    # (a province's summary: the units' table and who is behind; each unit's people are in the unit's own report)
    part = next(p for p in summaries[0].walk() if p.get_filename())
    assert load_workbook(io.BytesIO(part.get_payload(decode=True))).sheetnames == [
        "tong-hop-2026-08", "Chưa hoàn thành bước"]
    for name in ("Phòng Nội vụ", "Phòng Y tế", *august):
        assert name in text
    # AND a re-run of the month sends nothing and queues nothing
    again = monthly_reports.run_month(product.container, Access.system(), "2026-08", mode="queue")
    assert again["queued"] == 0 and {r["status"] for r in again["reports"]} == {"already_sent"}
    assert json.loads(messages[0]["Body"])["month"] == "2026-08"


def test_a_month_split_by_a_transfer_shows_in_both_units_reports(district: District) -> None:
    # GIVEN Đinh Thị Hoa moved from Phòng Kinh tế to Phòng Lao động on 16 May, evaluated (month end) in the latter
    product = district.product
    top = product.unit("UBND huyện Lạc Sơn")
    units, _ = _seed(product, top, "2026-05", {
        "Phòng Kinh tế": ("lanhdao-kt@lacson.example.gov.vn", [("Lý Văn Quang", "locked", "70.00", "good", "good",
                                                                False)]),
        "Phòng Lao động": ("lanhdao-ld@lacson.example.gov.vn", [("Mai Văn Sơn", "locked", "66.00", "completed",
                                                                  "completed", False)])})
    hoa = product.staff("Đinh Thị Hoa", units["Phòng Kinh tế"])
    moved = product.post(f"/v1/staff/{hoa}/transfers", {"to_unit_id": units["Phòng Lao động"],
                                                         "effective": "2026-05-16", "reason": "Điều động"})
    assert moved.status in (200, 201), moved.body
    EvaluationModel(hoa, "2026-05", unit_id=units["Phòng Lao động"],
                    unit_month=EvaluationModel.unit_month_of(units["Phòng Lao động"], "2026-05"),
                    full_name="Đinh Thị Hoa", state="reviewed", ruleset_id="nd335-2025", ruleset_version=1,
                    computed={}, total="81.00", grade="good").save()
    before = len(district.sent())
    # WHEN May is reported
    reply = product.post("/v1/reports/monthly/run", {"month": "2026-05"})
    assert reply.status == 200, reply.body
    sent = {str(m["Subject"]): m for m in district.sent()[before:]}

    def sheet_of(unit: str) -> Any:
        message = sent[f"[Chấm công] {unit} — kết quả đánh giá, xếp loại tháng 05/2026"]
        part = next(p for p in message.walk() if p.get_filename())
        return load_workbook(io.BytesIO(part.get_payload(decode=True))).worksheets[0]

    # THEN Phòng Lao động shows her row, noting her days in Phòng Kinh tế
    labour = sheet_of("Phòng Lao động")
    names = {labour.cell(row, 2).value: row for row in range(10, 13)}
    assert labour.cell(names["Đinh Thị Hoa"], 13).value.startswith(
        "Tháng có chuyển đơn vị: Phòng Kinh tế 01/05–15/05")
    # AND Phòng Kinh tế lists her apart: her days there and where she is evaluated, not among its people
    economy = sheet_of("Phòng Kinh tế")
    assert [economy.cell(10, 2).value, economy.cell(11, 1).value] == ["Lý Văn Quang", "Chuyển sang đơn vị khác "
                                                                      "trong tháng (được đánh giá tại đơn vị mới, "
                                                                      "không tính ở đây)"]
    assert [economy.cell(12, c).value for c in (2, 10, 11, 13)] == [
        "Đinh Thị Hoa", 81.0, "Hoàn thành tốt nhiệm vụ", "Thuộc đơn vị 01/05–15/05; đánh giá tại Phòng Lao động"]
