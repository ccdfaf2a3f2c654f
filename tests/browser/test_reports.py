"""The daily reports page in Chromium: run again by a system admin, read as the e-mail's text, the XLSX downloaded."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from tests.browser.conftest import ADMIN_PASSWORD, screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, UNIT_B, District
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
