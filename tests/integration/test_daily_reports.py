"""Daily reports: rendered in Vietnamese, sent through SES to the right people, archived, never sent twice."""

from __future__ import annotations

import email
import email.policy
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from pathlib import Path

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from openpyxl import load_workbook

from chamcong.reports.xlsx import CONTENT_TYPE as XLSX
from chamcong.store.models import ReportModel
from tests.fakes import LambdaContext
from tests.integration.harness import ADMIN_PASSWORD, Product, running_product
from tests.integration.photos import face_crop, photos_of

LEADERS = ["truong-phong@dabac.example.gov.vn", "pho-phong@dabac.example.gov.vn"]
HOME_AFFAIRS = "phong-noi-vu@dabac.example.gov.vn"
SITE = "https://d111111abcdef8.cloudfront.net"


def html_of(message: Message) -> str:
    payload = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def parse(data: bytes) -> Message:
    """As a mail program reads it: headers decoded."""
    return email.message_from_bytes(data, policy=email.policy.default)


@dataclass
class District:
    product: Product
    unit_id: str
    staff: dict[str, str]
    mail_dir: Path

    def sent(self) -> list[Message]:
        backend = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"]
        return [parse(m.raw_data.encode() if isinstance(m.raw_data, str) else m.raw_data)
                for m in backend.sent_messages]

    def run(self, day: str, kind: str) -> dict[str, object]:
        reply = self.product.post("/v1/reports/daily/run", {"date": day, "kind": kind})
        assert reply.status == 200, reply.body
        return dict(reply.body)


@pytest.fixture(scope="module")
def district(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[District]:
    mail_dir = tmp_path_factory.mktemp("mail")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("HOME_AFFAIRS_RECIPIENTS", HOME_AFFAIRS)
        monkeypatch.setenv("MAIL_COPY_DIR", str(mail_dir))
        # As deployed: the API function finds the site's address in the stack's SSM parameter
        monkeypatch.setenv("SITE_URL_PARAMETER", "/chamcong/site-url")
        with running_product(models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
            boto3.client("ssm", region_name="ap-southeast-1").put_parameter(
                Name="/chamcong/site-url", Value=f"{SITE}/", Type="String")
            top = product.unit("UBND huyện Đà Bắc")
            reply = product.post("/v1/units", {"name": "Phòng Tài chính - Kế hoạch", "parent_id": top,
                                               "report_recipients": LEADERS})
            unit_id = reply.body["unit_id"]
            staff = {}
            for person, name in (("obama", "Nguyễn Văn An"), ("biden", "Trần Thị Bình"), ("person01", "Lê Văn Cường")):
                staff[person] = product.staff(name, unit_id)
                assert product.enrol(staff[person], photos_of(faces_dir, person)[0]).status == 201
            device_id, _ = product.device(unit_id)
            # Friday 20 November 2026: An on time, Bình late (07:44), Cường not seen; uploaded at 08:10
            product.clock.now = datetime(2026, 11, 20, 1, 10, tzinfo=UTC)
            for person, at in (("obama", "07:12:00"), ("biden", "07:44:00")):
                crop = face_crop(product.container.engine(), photos_of(faces_dir, person)[1])
                answer = product.recognise(device_id, f"{person}-in", crop, f"2026-11-20T{at}+07:00")
                assert answer.status == 200 and answer.body["recorded"], answer.body
            product.clock.now = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)  # 08:15: the morning report
            login = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
            product.token = login.body["token"]
            yield District(product, unit_id, staff, mail_dir)


def test_the_morning_report_goes_to_the_unit_leaders_and_the_district_summary_to_home_affairs(
        district: District) -> None:
    # WHEN the morning reports run at 08:15
    before = len(district.sent())
    result = district.run("2026-11-20", "morning")
    # THEN one report per unit with staff (not the district itself) and one district summary were sent
    assert [(r["audience"], r["status"]) for r in result["reports"]] == [  # type: ignore[index, union-attr]
        (district.unit_id, "sent"), ("district", "sent")]
    sent = district.sent()[before:]
    unit_mail, summary = sent
    assert unit_mail["To"] == ", ".join(LEADERS) and summary["To"] == HOME_AFFAIRS
    assert unit_mail["Subject"] == "[Chấm công] Phòng Tài chính - Kế hoạch — báo cáo buổi sáng ngày 20/11/2026"
    assert summary["Subject"] == "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng ngày 20/11/2026"
    # and the text reads well in Vietnamese: who is late (by how much) and who has not checked in
    text = next(p for p in unit_mail.walk() if p.get_content_type() == "text/plain").get_payload(decode=True)
    body = text.decode("utf-8")
    assert "Đi muộn (1):\n  - Trần Thị Bình, đến 07:44:00, muộn 14 phút" in body
    assert "Thiếu giờ đến (1):\n  - Lê Văn Cường" in body
    # and each of them links to their day on the site, to see the evidence
    for person, name in (("biden", "Trần Thị Bình"), ("person01", "Lê Văn Cường")):
        link = f"{SITE}/#/people/{district.staff[person]}/month?month=2026-11&date=2026-11-20"
        assert link in body
        assert f'<a href="{link.replace("&", "&amp;")}">{name}</a>' in html_of(unit_mail)
    assert district.staff["obama"] not in body  # on time: nothing to look into
    assert "Đúng giờ: 1" in body
    html = next(p for p in unit_mail.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert "Trần Thị Bình" in html.decode("utf-8") and "<table" in html.decode("utf-8")
    # and the XLSX attachment opens as the office's form: the district over the unit, one numbered row per
    # person with the status in Vietnamese, Bình's 14 minutes, and the totals
    attachment = next(p for p in unit_mail.walk() if p.get_content_type() == XLSX)
    assert attachment.get_filename() == "cham-cong-2026-11-20-sang-phong-tai-chinh-ke-hoach.xlsx"
    sheet = load_workbook(io.BytesIO(attachment.get_payload(decode=True))).active
    assert (sheet["A1"].value, sheet["A2"].value) == ("UBND HUYỆN ĐÀ BẮC", "PHÒNG TÀI CHÍNH - KẾ HOẠCH")
    table = {row[1]: row for row in sheet.iter_rows(min_row=10, values_only=True) if isinstance(row[0], int)}
    assert {name: row[2] for name, row in table.items()} == {
        "Nguyễn Văn An": "Đúng giờ", "Trần Thị Bình": "Đi muộn", "Lê Văn Cường": "Thiếu giờ đến"}
    assert table["Trần Thị Bình"][3:7] == ("07:44:00", None, 14, None)
    assert sorted(row[0] for row in table.values()) == [1, 2, 3]
    assert [cell.value for cell in sheet[sheet.max_row]][:7] == ["Tổng cộng (3 người)", None, None, 2, 0, 14, 0]
    # and the district summary counts the unit's people
    summary_text = next(p for p in summary.walk() if p.get_content_type() == "text/plain")
    assert "Phòng Tài chính - Kế hoạch: 3 người" in summary_text.get_payload(decode=True).decode("utf-8")


def test_a_re_run_does_not_mail_twice_and_everything_is_archived(district: District) -> None:
    # GIVEN Thursday's morning reports were sent
    first = district.run("2026-11-19", "morning")
    assert {r["status"] for r in first["reports"]} == {"sent"}  # type: ignore[index, union-attr]
    before = len(district.sent())
    # WHEN the same day's reports are run again
    again = district.run("2026-11-19", "morning")
    # THEN nothing more is sent, and each report says it already went
    assert len(district.sent()) == before
    assert {r["status"] for r in again["reports"]} == {"already_sent"}  # type: ignore[index, union-attr]
    # and each is archived in S3 as the complete message
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    bucket = district.product.container.settings.data_bucket
    for report in again["reports"]:  # type: ignore[union-attr]
        archived = s3.get_object(Bucket=bucket, Key=report["archive_key"])["Body"].read()  # type: ignore[index]
        assert parse(archived)["Subject"].startswith("[Chấm công]")
    # and, on the local stack, as .eml files a person can open
    names = sorted(p.name for p in district.mail_dir.glob("*.eml"))
    assert any("Phòng Tài chính - Kế hoạch" in name for name in names) and any("toàn huyện" in name for name in names)


def test_a_report_that_fails_to_send_is_archived_and_sent_on_the_retry(district: District,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN SES refuses to send (the evening of the same day)
    district.product.clock.now = datetime(2026, 11, 20, 11, 15, tzinfo=UTC)  # 18:15
    login = district.product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD}, token="")
    district.product.token = login.body["token"]
    ses = district.product.container.ses

    def refuse(**kwargs: object) -> dict[str, str]:
        raise RuntimeError("SES is down")

    monkeypatch.setattr(ses, "send_raw_email", refuse)
    before = len(district.sent())
    # WHEN the evening reports run, THEN the run fails loudly, but the reports are archived
    failed = district.product.post("/v1/reports/daily/run", {"date": "2026-11-20", "kind": "evening"})
    assert (failed.status, failed.body["code"]) == (502, "reports_failed")
    assert len(failed.body["details"]["failed"]) == 2
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=district.product.container.settings.data_bucket,
                                                  Prefix="reports/daily/2026-11-20/evening/")["Contents"]]
    assert len(keys) == 2
    # WHEN SES is back and the run is retried, THEN both go out, once
    monkeypatch.undo()
    retried = district.run("2026-11-20", "evening")
    assert {r["status"] for r in retried["reports"]} == {"sent"}  # type: ignore[index, union-attr]
    assert len(district.sent()) == before + 2
    assert {r["status"] for r in district.run("2026-11-20", "evening")["reports"]} == {  # type: ignore[index]
        "already_sent"}


def test_no_report_on_a_day_off(district: District) -> None:
    result = district.run("2026-11-21", "morning")  # a Saturday
    assert (result["working_day"], result["reports"]) == (False, [])


def test_the_scheduled_function_sends_the_day_and_refuses_a_wrong_event(district: District) -> None:
    import scheduled  # functions/api/scheduled.py: the ReportsFunction's handler

    district.product.clock.now = datetime(2026, 11, 18, 1, 15, tzinfo=UTC)  # Wednesday 08:15
    before = len(district.sent())
    result = scheduled.daily_report({"kind": "morning"}, LambdaContext())  # the schedule's input; the date is today's
    assert result["date"] == "2026-11-18" and {r["status"] for r in result["reports"]} == {"sent"}
    assert len(district.sent()) == before + 2
    again = scheduled.daily_report({"kind": "morning"}, LambdaContext())
    assert {r["status"] for r in again["reports"]} == {"already_sent"}
    with pytest.raises(ValueError):
        scheduled.daily_report({"kind": "noon"}, LambdaContext())


def test_archived_reports_are_listed_and_downloaded_by_those_who_may_read_them(district: District) -> None:
    product = district.product
    product.clock.now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 19:00
    product.token = product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                                 token="").body["token"]
    # GIVEN Tuesday's morning reports were sent
    assert {r["status"] for r in district.run("2026-11-17", "morning")["reports"]} == {"sent"}  # type: ignore[index]
    # WHEN an admin lists the day's reports
    listed = product.get("/v1/reports/daily?date=2026-11-17")
    # THEN each report is there with whom it went to and where to download it
    assert listed.status == 200, listed.body
    assert [(r["kind"], r["audience_name"], r["status"], r["recipients"], r["download"])
            for r in listed.body["reports"]] == [
        ("morning", "Phòng Tài chính - Kế hoạch", "sent", LEADERS,
         f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}"),
        ("morning", "Tổng hợp toàn huyện", "sent", [HOME_AFFAIRS], "/v1/reports/daily/2026-11-17/morning/district")]
    # WHEN the unit's report is downloaded
    eml = product.get(f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}")
    # THEN it is the e-mail as sent, an .eml file a mail program opens, in Vietnamese
    assert eml.status == 200 and eml.headers["Content-Type"] == "message/rfc822"
    assert eml.headers["Content-Disposition"] == (
        'attachment; filename="cham-cong-2026-11-17-sang-phong-tai-chinh-ke-hoach.eml"')
    opened = parse(eml.body.encode("utf-8"))
    assert opened["Subject"] == "[Chấm công] Phòng Tài chính - Kế hoạch — báo cáo buổi sáng ngày 17/11/2026"
    # and its spreadsheet downloads on its own, under the name the e-mail gives it, as the bytes attached
    attachment = product.get(f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}/attachment",
                             headers={"Accept": XLSX})
    assert attachment.status == 200 and attachment.headers["Content-Type"] == XLSX
    assert attachment.headers["Content-Disposition"] == (
        'attachment; filename="cham-cong-2026-11-17-sang-phong-tai-chinh-ke-hoach.xlsx"')
    attached = next(p for p in opened.walk() if p.get_content_type() == XLSX).get_payload(decode=True)
    assert attachment.raw == attached
    # and a client that does not name the type (API Gateway would send it as base64 text) is told so, in words
    for accept in (None, "*/*", "text/csv"):
        refused = product.get(f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}/attachment",
                              headers={"Accept": accept} if accept else None)
        assert (refused.status, refused.body["code"]) == (406, "not_acceptable"), accept
        assert refused.body["details"] == {"accept": XLSX} and "Accept" in refused.body["message"]
    sheet = load_workbook(io.BytesIO(attachment.raw)).active
    assert {row[1] for row in sheet.iter_rows(min_row=10, values_only=True) if isinstance(row[0], int)} == {
        "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"}
    # GIVEN the leader of another unit of the district, and the district's Home Affairs (oversight)
    top = next(u["unit_id"] for u in product.get("/v1/units").body["units"] if u["name"] == "UBND huyện Đà Bắc")
    other = product.unit("Phòng Văn hoá và Thông tin", top)
    leader = product.account("truongphong-vhtt", other, grants=[{"role": "unit_leader", "unit_id": other}])
    oversight = product.account("noivu-dabac", top, grants=[{"role": "oversight", "unit_id": top}])
    # THEN the other unit's leader sees none of it, and may download neither report
    assert product.get("/v1/reports/daily?date=2026-11-17", token=leader).body["reports"] == []
    for path in (f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}",
                 f"/v1/reports/daily/2026-11-17/morning/{district.unit_id}/attachment",
                 "/v1/reports/daily/2026-11-17/morning/district"):
        refused = product.get(path, token=leader)
        assert (refused.status, refused.body["code"]) == (403, "forbidden"), path
        assert "Nguyễn" not in json.dumps(refused.body, ensure_ascii=False)
    # and Home Affairs reads the district summary
    summary = product.get("/v1/reports/daily/2026-11-17/morning/district", token=oversight)
    assert summary.status == 200, summary.body
    assert parse(summary.body.encode("utf-8"))["Subject"] == (
        "[Chấm công] Tổng hợp toàn huyện — báo cáo buổi sáng ngày 17/11/2026")
    # and a report that does not exist is not found
    missing = product.get("/v1/reports/daily/2026-11-16/evening/district")
    assert (missing.status, missing.body["code"]) == (404, "report_not_found")


def test_a_report_archived_with_a_csv_before_the_xlsx_still_downloads_its_csv(district: District) -> None:
    # GIVEN Monday's morning report of the unit, archived as reports were before the XLSX: with a CSV attached
    assert {r["status"] for r in district.run("2026-11-16", "morning")["reports"]} == {"sent"}  # type: ignore[index]
    record = ReportModel.get(ReportModel.key(datetime(2026, 11, 16).date(), "morning", district.unit_id))
    old = EmailMessage()
    old["Subject"] = "[Chấm công] Phòng Tài chính - Kế hoạch — báo cáo buổi sáng ngày 16/11/2026"
    old.set_content("Báo cáo chấm công")
    csv_bytes = "\ufeffHọ và tên,Trạng thái\r\nNguyễn Văn An,Đúng giờ\r\n".encode()
    old.add_attachment(csv_bytes, maintype="text", subtype="csv",
                       filename="cham-cong-2026-11-16-sang-phong-tai-chinh-ke-hoach.csv", params={"charset": "utf-8"})
    district.product.container.blobs.put(str(record.archive_key), bytes(old), "message/rfc822")
    # WHEN its attachment and its e-mail are downloaded
    attachment = district.product.get(f"/v1/reports/daily/2026-11-16/morning/{district.unit_id}/attachment")
    eml = district.product.get(f"/v1/reports/daily/2026-11-16/morning/{district.unit_id}")
    # THEN the CSV comes back as it was attached, as text, under its own name; the e-mail is named after it
    assert attachment.status == 200 and attachment.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert attachment.headers["Content-Disposition"] == (
        'attachment; filename="cham-cong-2026-11-16-sang-phong-tai-chinh-ke-hoach.csv"')
    assert attachment.raw == csv_bytes
    assert eml.headers["Content-Disposition"] == (
        'attachment; filename="cham-cong-2026-11-16-sang-phong-tai-chinh-ke-hoach.eml"')
