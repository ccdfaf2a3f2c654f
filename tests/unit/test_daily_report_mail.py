"""The daily report e-mails as officials receive them: GIVEN a unit's day, WHEN composed, THEN this message."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from datetime import UTC, date, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from chamcong.reports.daily import UnitDay, district_report, unit_report

FRIDAY = date(2026, 11, 20)
SENDER = "chamcong@dabac.example.gov.vn"
LEADERS = ["truong-phong@dabac.example.gov.vn"]
AT = datetime(2026, 11, 20, 1, 15, tzinfo=UTC)  # 08:15 in Ha Noi


def row(name: str, status: str, flags: tuple[str, ...] = (), **times: Any) -> dict[str, Any]:
    return {"staff_id": f"stf_{abs(hash(name))}", "full_name": name, "date": FRIDAY.isoformat(), "status": status,
            "flags": list(flags), "check_in": times.get("check_in"), "check_out": times.get("check_out"),
            "late_minutes": times.get("late_minutes", 0), "early_minutes": times.get("early_minutes", 0),
            "holiday": None, "evidence": None}


def received(message: Message) -> Message:
    """As a mail program reads it: parsed from the bytes SES sends."""
    return email.message_from_bytes(bytes(message), policy=email.policy.default)  # type: ignore[call-overload]


def part(message: Message, content_type: str) -> str:
    found = next(p for p in message.walk() if p.get_content_type() == content_type)
    payload = found.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8-sig")


def csv_rows(message: Message) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(part(message, "text/csv"))))


def test_names_are_shown_as_text_in_the_html_part_never_as_markup() -> None:
    # GIVEN a unit and a person whose stored names are HTML
    unit = UnitDay("unit_x", "<img src=x onerror=alert(1)>",
                   [row("<script>alert('chấm công')</script>", "late", ("late",), check_in="07:44:00",
                        late_minutes=14)])
    # WHEN the unit report and the district summary are composed
    for message in (received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT)),
                    received(district_report([unit], FRIDAY, "morning", SENDER, LEADERS, AT))):
        html = part(message, "text/html")
        # THEN a mail program shows the names as written, and runs nothing
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "<img" not in html and "<script" not in html
        assert "&lt;script&gt;alert(&#39;chấm công&#39;)&lt;/script&gt;" in html
        # and the plain-text part still reads the names as they are
        assert "<script>alert('chấm công')</script>" in part(message, "text/plain")


def test_csv_cells_that_a_spreadsheet_would_run_as_a_formula_are_neutralised() -> None:
    # GIVEN people whose names a spreadsheet would read as formulas, in a unit named like one
    names = ['=HYPERLINK("http://x","y")', "+84 912 345 678", "-1+1", "@SUM(A1)", "\tTab", "\rCR", "Nguyễn Văn An"]
    unit = UnitDay("unit_x", "=cmd|' /C calc'!A0", [row(name, "on_time") for name in names])
    # WHEN the report's CSV is opened
    for message in (received(unit_report(unit, FRIDAY, "evening", SENDER, LEADERS, AT)),
                    received(district_report([unit], FRIDAY, "evening", SENDER, LEADERS, AT))):
        rows = csv_rows(message)
        # THEN each such cell starts with a quote, so it is shown as text; an ordinary name is untouched
        assert sorted(r["Họ và tên"] for r in rows) == sorted(
            ['\'=HYPERLINK("http://x","y")', "'+84 912 345 678", "'-1+1", "'@SUM(A1)", "'\tTab", "'\rCR",
             "Nguyễn Văn An"])
        assert {r["Đơn vị"] for r in rows} == {"'=cmd|' /C calc'!A0"}
        assert {r["Trạng thái"] for r in rows} == {"Đúng giờ"}


def test_a_control_character_in_a_stored_name_becomes_a_space_in_the_headers() -> None:
    # GIVEN a unit whose stored name holds a line break, a carriage return and a tab
    unit = UnitDay("unit_x", "Phòng Nội vụ\r\nBcc: ai-do@example.com\tx", [row("Nguyễn Văn An", "on_time")])
    # WHEN its report is composed
    message = received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT))
    # THEN the subject is one line with spaces in their place, and no header was added
    assert message["Subject"] == ("[Chấm công] Phòng Nội vụ  Bcc: ai-do@example.com x — báo cáo buổi sáng "
                                  "ngày 20/11/2026")
    assert message["Bcc"] is None and message["To"] == LEADERS[0]


def test_the_message_is_dated_its_csv_declares_utf8_and_is_named_after_the_unit() -> None:
    # GIVEN Phòng Nội vụ's day, and the district's
    unit = UnitDay("unit_x", "Phòng Nội vụ", [row("Nguyễn Văn An", "on_time")])
    other = UnitDay("unit_y", "Đội Quản lý trật tự đô thị", [row("Trần Thị Bình", "on_time")])
    # WHEN the reports are composed at 08:15
    morning = received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT))
    evening = received(unit_report(other, FRIDAY, "evening", SENDER, LEADERS, AT))
    summary = received(district_report([unit, other], FRIDAY, "morning", SENDER, LEADERS, AT))
    for message in (morning, evening, summary):
        # THEN each carries the time it was sent, as mail programs read it
        assert parsedate_to_datetime(message["Date"]) == AT
        # and its CSV says it is UTF-8
        attachment = next(p for p in message.walk() if p.get_content_type() == "text/csv")
        assert attachment.get_content_charset() == "utf-8"
    # and the files are named after the unit, in plain letters, not after an internal id
    assert [next(p for p in m.walk() if p.get_content_type() == "text/csv").get_filename()
            for m in (morning, evening, summary)] == [
        "cham-cong-2026-11-20-sang-phong-noi-vu.csv", "cham-cong-2026-11-20-chieu-doi-quan-ly-trat-tu-do-thi.csv",
        "cham-cong-2026-11-20-sang-tong-hop.csv"]
