"""The daily report e-mails as officials receive them: GIVEN a unit's day, WHEN composed, THEN this message."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import UTC, date, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from openpyxl import load_workbook

from chamcong.reports.daily import UnitDay, district_report, unit_report
from chamcong.reports.xlsx import CONTENT_TYPE as XLSX

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


def sheet_rows(message: Message) -> list[dict[str, Any]]:
    """The attachment's people as a reader sees them: header (row 9, under the groups of row 8) → cell."""
    found = next(p for p in message.walk() if p.get_content_type() == XLSX)
    sheet = load_workbook(io.BytesIO(found.get_payload(decode=True))).active
    headings = [low.value or high.value for high, low in zip(sheet[8], sheet[9], strict=True)]
    return [dict(zip(headings, row, strict=True)) for row in sheet.iter_rows(min_row=10, values_only=True)
            if isinstance(row[0], int)]


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


def test_names_that_a_spreadsheet_would_run_as_a_formula_are_shown_as_text() -> None:
    # GIVEN people whose names a spreadsheet would read as formulas, in a unit named like one
    names_stored = ['=HYPERLINK("http://x","y")', "+84 912 345 678", "-1+1", "@SUM(A1)", "\tTab", "\rCR",
                    "Nguyễn Văn An"]
    unit = UnitDay("unit_x", "=cmd|' /C calc'!A0", [row(name, "on_time") for name in names_stored])
    # WHEN the report's spreadsheet is opened
    for message in (received(unit_report(unit, FRIDAY, "evening", SENDER, LEADERS, AT)),
                    received(district_report([unit], FRIDAY, "evening", SENDER, LEADERS, AT))):
        found = next(p for p in message.walk() if p.get_content_type() == XLSX)
        sheet = load_workbook(io.BytesIO(found.get_payload(decode=True))).active
        # THEN every name is a text cell showing exactly what was stored, none a formula
        names = [sheet.cell(row=row, column=2) for row in range(1, sheet.max_row + 1)
                 if isinstance(sheet.cell(row=row, column=1).value, int)]
        # (a carriage return may read back as a line break, as XML parsers without lxml normalise line ends)
        assert sorted(str(cell.value).replace("\r", "\n") for cell in names) == sorted(
            name.replace("\r", "\n") for name in names_stored)
        assert {cell.data_type for cell in names} == {"s"}
        assert {r["Trạng thái"] for r in sheet_rows(message)} == {"Đúng giờ"}
        # and the unit's name in the title block (or the summary's unit row) is text too
        texts = [cell for row in sheet.iter_rows() for cell in row if "calc" in str(cell.value).lower()]
        assert texts and {cell.data_type for cell in texts} == {"s"}


def test_a_control_character_in_a_stored_name_becomes_a_space_in_the_headers() -> None:
    # GIVEN a unit whose stored name holds a line break, a carriage return and a tab
    unit = UnitDay("unit_x", "Phòng Nội vụ\r\nBcc: ai-do@example.com\tx", [row("Nguyễn Văn An", "on_time")])
    # WHEN its report is composed
    message = received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT))
    # THEN the subject is one line with spaces in their place, and no header was added
    assert message["Subject"] == ("[Chấm công] Phòng Nội vụ  Bcc: ai-do@example.com x — báo cáo buổi sáng "
                                  "ngày 20/11/2026")
    assert message["Bcc"] is None and message["To"] == LEADERS[0]


def test_the_message_is_dated_and_its_spreadsheet_is_named_after_the_unit() -> None:
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
        # and carries one attachment: the spreadsheet, and no CSV any more
        attached = [p.get_content_type() for p in message.iter_attachments()]
        assert attached == [XLSX]
    # and the files are named after the unit, in plain letters, not after an internal id
    assert [next(p for p in m.walk() if p.get_content_type() == XLSX).get_filename()
            for m in (morning, evening, summary)] == [
        "cham-cong-2026-11-20-sang-phong-noi-vu.xlsx", "cham-cong-2026-11-20-chieu-doi-quan-ly-trat-tu-do-thi.xlsx",
        "cham-cong-2026-11-20-sang-tong-hop.xlsx"]


SITE = "https://d111111abcdef8.cloudfront.net"


def _exceptions_day() -> UnitDay:
    return UnitDay("unit_x", "Phòng Nội vụ", [
        {**row("Nguyễn Văn An", "late", ("late",), check_in="07:44:00", late_minutes=14), "staff_id": "stf_an"},
        {**row("Trần Thị Bình", "absent"), "staff_id": "stf_binh"},
        {**row("Lê Văn Cường", "missing_check_in"), "staff_id": "stf_cuong"},
        {**row("Phạm Thị Dung", "left_early", ("left_early",), check_in="07:20:00", check_out="16:10:00",
               early_minutes=50), "staff_id": "stf_dung"},
        {**row("Hoàng Văn Em", "on_leave"), "staff_id": "stf_em"},
        {**row("Vũ Thị Giang", "on_time", check_in="07:25:00"), "staff_id": "stf_giang"},
    ])


def _day_url(staff_id: str) -> str:
    return f"{SITE}/#/people/{staff_id}/month?month=2026-11&date=2026-11-20"


def test_with_the_site_each_late_early_absent_or_missing_person_links_to_their_day() -> None:
    # GIVEN a unit's day with a late, an absent, a missing, an early, someone on leave and someone on time
    unit = _exceptions_day()
    # WHEN the reports are composed for a deployment whose site is SITE
    for message in (received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT, site_url=SITE)),
                    received(district_report([unit], FRIDAY, "morning", SENDER, LEADERS, AT, site_url=SITE))):
        html, text = part(message, "text/html"), part(message, "text/plain")
        # THEN each exception's name in the HTML is a link to that person's month, opened at the day
        for staff_id, name in (("stf_an", "Nguyễn Văn An"), ("stf_binh", "Trần Thị Bình"),
                               ("stf_cuong", "Lê Văn Cường"), ("stf_dung", "Phạm Thị Dung")):
            assert f'<a href="{_day_url(staff_id).replace("&", "&amp;")}">{name}</a>' in html
            # and the plain text gives the same address on the line under the name
            lines = text.splitlines()
            at = next(i for i, line in enumerate(lines) if name in line)
            assert lines[at + 1].strip() == _day_url(staff_id)
        # and leave or an on-time day is not an exception to look into: no link
        assert "stf_em" not in html + text and "stf_giang" not in html + text
        # and the mail tells the reader to open the link rather than look "on the system"
        assert "trên hệ thống chấm công." not in html + text
        assert "trên trang chấm công" in html and "Mở đường dẫn dưới tên một người" in text


def test_without_the_site_the_mail_has_no_links_and_says_the_evidence_is_on_the_system() -> None:
    # GIVEN the same day, and a deployment without SITE_URL
    unit = _exceptions_day()
    message = received(unit_report(unit, FRIDAY, "morning", SENDER, LEADERS, AT))
    summary = received(district_report([unit], FRIDAY, "morning", SENDER, LEADERS, AT, site_url=""))
    # THEN no name is a link and no address appears
    for composed in (message, summary):
        html, text = part(composed, "text/html"), part(composed, "text/plain")
        assert "<a " not in html and "#/people/" not in html + text and "http" not in text
        assert "Nguyễn Văn An" in html and "Nguyễn Văn An" in text
    # and the unit report still says where the evidence is, as before
    assert "Ảnh bằng chứng xem trên hệ thống chấm công." in part(message, "text/html")
    assert "Ảnh bằng chứng xem trên hệ thống chấm công." in part(message, "text/plain")


def test_site_url_is_read_from_the_environment_without_its_trailing_slash_and_a_bad_one_is_refused(
        monkeypatch: Any) -> None:
    import pytest
    from pydantic import ValidationError

    from chamcong.settings import Settings

    # GIVEN no SITE_URL: no links
    monkeypatch.delenv("SITE_URL", raising=False)
    assert Settings().site_url == ""
    # GIVEN the distribution's address with a trailing slash: links are built without a double slash
    monkeypatch.setenv("SITE_URL", f"{SITE}/")
    assert Settings().site_url == SITE
    # GIVEN something that is not a web address: the function refuses to start rather than mail broken links
    for bad in ("d111111abcdef8.cloudfront.net", "javascript:alert(1)", f"{SITE}/?x=1", f"{SITE}/#/"):
        monkeypatch.setenv("SITE_URL", bad)
        with pytest.raises(ValidationError):
            Settings()
