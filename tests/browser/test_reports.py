"""The reports page in Chromium: the daily and the afternoon (work-from-home) reports run again by a system admin,
read as the e-mail's text, the XLSX downloaded."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.browser.conftest import ADMIN_PASSWORD, screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, UNIT_B, District, last_working_day
from tests.browser.district import sign_in as api_sign_in


def test_an_admin_reruns_a_days_reports_and_reads_and_downloads_them(page, district: District) -> None:
    day = district.day.isoformat()
    # GIVEN the system admin on the reports page of the test day
    sign_in(page, "admin", ADMIN_PASSWORD, f"/#/reports?date={day}")
    page.get_by_role("heading", name="Báo cáo", exact=True).wait_for()
    # WHEN they run the morning reports again, after confirming
    page.get_by_text("Chạy lại báo cáo của ngày này").click()
    page.get_by_label("Báo cáo", exact=True).select_option("morning")
    page.get_by_role("button", name="Chạy lại", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Chạy lại").click()
    # THEN the result is shown and the day's reports are listed: each unit's and the district's
    page.get_by_role("status").filter(has_text="Đã chạy xong").wait_for(timeout=120_000)
    listed = page.get_by_role("table").filter(has_text="Báo cáo hằng ngày")
    listed.get_by_role("row").filter(has_text=UNIT_A).filter(has_text="Buổi sáng").wait_for()
    assert "Tổng hợp" in listed.inner_text() and UNIT_B in listed.inner_text()
    # WHEN they open Phòng Nội vụ's morning report THEN its text is shown as the e-mail says it (never as HTML)
    page.get_by_role("button", name=f"Xem e-mail buổi sáng của {UNIT_A}").click()
    mail = page.locator("article.mail")
    mail.wait_for()
    assert "[Chấm công]" in mail.get_by_role("heading").inner_text()
    text = mail.locator("pre").inner_text()
    assert district.person("late1").full_name in text and district.person("missing").full_name in text
    screenshot(page, "reports")
    # AND the other unit's report, naming a person called "<script>…", shows the name as text and runs nothing
    page.get_by_role("button", name=f"Xem e-mail buổi sáng của {UNIT_B}").click()
    page.locator("article.mail pre").filter(has_text="<script>").wait_for()
    assert page.evaluate("window.__pwned") is None
    # WHEN they download the unit's attachment THEN it is the spreadsheet under the e-mail's name: the office's
    # form, with the late person on a numbered row with their minutes
    with page.expect_download() as downloaded:
        page.get_by_role("button", name=f"Tải tệp đính kèm buổi sáng của {UNIT_A}").first.click()
    download = downloaded.value
    assert download.suggested_filename == f"cham-cong-{day}-sang-phong-noi-vu.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet["A5"].value == "BÁO CÁO CHẤM CÔNG BUỔI SÁNG"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=10, values_only=True) if isinstance(row[0], int)}
    late = rows[district.person("late1").full_name]
    assert (late[2], late[5]) == ("Đi muộn", 17)


def test_a_leader_reads_only_their_units_reports_and_cannot_run_them(page, district: District) -> None:
    # GIVEN a day whose morning reports exist (the admin's run above, or this one)
    admin = api_sign_in(district.url, "admin", ADMIN_PASSWORD)
    admin.call("POST", "/v1/reports/daily/run", json={"date": district.day.isoformat(), "kind": "morning"})
    # WHEN the leader of Phòng Nội vụ opens the reports of that day
    sign_in(page, "lanhdao", PASSWORD, f"/#/reports?date={district.day.isoformat()}")
    page.get_by_role("row").filter(has_text=UNIT_A).first.wait_for()
    # THEN only their unit's reports are there, and no way to run them again
    text = page.locator("main").inner_text()
    assert UNIT_B not in text and "Tổng hợp toàn huyện" not in text
    assert page.get_by_text("Chạy lại báo cáo của ngày này").count() == 0


def test_an_admin_runs_the_afternoon_report_of_a_day_with_someone_at_home_and_reads_and_downloads_it(
        page, district: District) -> None:
    # GIVEN the working day before the test day, when one person of Phòng Nội vụ worked from home by roster
    # (another day than the test day's, which the other pages count)
    day = last_working_day(district.day)
    person = district.person("late2")
    admin = api_sign_in(district.url, "admin", ADMIN_PASSWORD)
    admin.call("PUT", f"/v1/units/{district.units[UNIT_A]}/roster/{day.isoformat()}",
               json={"staff_ids": [person.staff_id]})
    sign_in(page, "admin", ADMIN_PASSWORD, f"/#/reports?date={day.isoformat()}")
    page.get_by_role("heading", name="Báo cáo làm việc tại nhà (16:00, 17:00)").wait_for()
    # WHEN the admin runs that day's 16:00 report, after confirming
    page.get_by_text("Chạy lại báo cáo làm việc tại nhà của ngày này").click()
    page.get_by_label("Báo cáo làm việc tại nhà", exact=True).select_option("units")
    page.get_by_role("button", name="Chạy lại báo cáo tại nhà", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Chạy lại báo cáo tại nhà").click()
    page.get_by_role("status").filter(has_text="Đã chạy xong").wait_for(timeout=120_000)
    # THEN the unit's report and Home Affairs' are listed under the afternoon reports
    listed = page.get_by_role("table").filter(has_text="Báo cáo làm việc tại nhà, ngày")
    listed.get_by_role("row").filter(has_text=UNIT_A).filter(has_text="16:00").first.wait_for()
    assert "Tổng hợp các đơn vị (gửi Phòng Nội vụ)" in listed.inner_text() and UNIT_B not in listed.inner_text()
    # WHEN they open the unit's report THEN its text names the person at home with their tasks
    page.get_by_role("button", name=f"Xem e-mail 16:00 — các đơn vị của {UNIT_A}", exact=True).click()
    text = page.locator("article.mail pre").inner_text()
    assert f"1. {person.full_name}: 0 nhiệm vụ" in text
    # AND its attachment is Appendix 2's form with the person on row 1
    with page.expect_download() as downloaded:
        page.get_by_role("button", name=f"Tải tệp đính kèm 16:00 — các đơn vị của {UNIT_A}", exact=True).first.click()
    download = downloaded.value
    assert download.suggested_filename == f"lam-viec-tai-nha-{day.isoformat()}-16h-phong-noi-vu.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    assert sheet["D8"].value == "Đã xử lý trên hệ thống"
    assert [sheet.cell(10, column).value for column in (1, 2, 3)] == [1, person.full_name, 0]
