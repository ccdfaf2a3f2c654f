"""Absences and corrections in Chromium: a leader enters a business trip and a correction through the page, they
appear in the list and in the person's month, the trip is cancelled after a confirmation; Home Affairs reads
every unit's list without the forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import HOSTILE_NAME, PASSWORD, UNIT_A, District, last_working_day
from tests.browser.district import sign_in as api_sign_in


@dataclass
class Newcomer:
    staff_id: str
    full_name: str


@pytest.fixture(scope="module")
def newcomer(district: District) -> Iterator[Newcomer]:
    """A person of their own, in a team of their own under Phòng Nội vụ: the seeded people stay as they are, and
    both are removed afterwards so that other pages' counts of the seeded morning are untouched."""
    admin = api_sign_in(district.url, "admin", district.admin_password)
    team = admin.call("POST", "/v1/units", 201, json={"name": "Tổ một cửa (thử trang vắng mặt)",
                                                       "parent_id": district.units[UNIT_A]})
    person = admin.call("POST", "/v1/staff", 201, json={"full_name": "Ngô Thị Giang", "unit_id": team["unit_id"]})
    yield Newcomer(str(person["staff_id"]), "Ngô Thị Giang")
    admin.call("DELETE", f"/v1/staff/{person['staff_id']}", 204)
    admin.call("DELETE", f"/v1/units/{team['unit_id']}", 204)


def test_a_trip_entered_by_the_leader_appears_in_the_list_and_the_persons_month(page, district: District,
                                                                                newcomer: Newcomer) -> None:
    day = district.day.isoformat()
    # GIVEN the leader of Phòng Nội vụ on the page, for the period holding the test day
    sign_in(page, "lanhdao", PASSWORD, f"/#/absences?unit_id=all&from={district.day:%Y-%m}-01&to={day}")
    page.get_by_role("heading", name="Nghỉ phép và điều chỉnh").wait_for()
    page.get_by_role("heading", name="Nghỉ phép, công tác, làm việc tại nhà").wait_for()
    # WHEN they enter a business trip for the newcomer on the test day
    page.get_by_text("Nhập nghỉ phép, công tác, làm việc tại nhà").click()
    form = page.locator("details.entry").first
    form.get_by_label("Cán bộ").select_option(label=newcomer.full_name)
    form.get_by_label("Loại").select_option(label="Đi công tác")
    form.get_by_label("Từ ngày").fill(day)
    form.get_by_label("Đến hết ngày").fill(day)
    form.get_by_label("Lý do").fill("Họp tại Sở Nội vụ tỉnh")
    form.get_by_role("button", name="Lưu đăng ký").click()
    # THEN it is confirmed and in the list right away
    form.get_by_role("status").filter(has_text="Đã lưu: Đi công tác của Ngô Thị Giang").wait_for()
    row = page.locator("#absence-list ~ .table-wrap tbody tr").filter(has_text=newcomer.full_name)
    row.filter(has_text="Họp tại Sở Nội vụ tỉnh").wait_for()
    assert "Đi công tác" in row.inner_text() and "lanhdao" in row.inner_text()
    form.locator("summary").click()  # folded again: the picture shows the filter, the forms and the list
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "absences")
    # WHEN they open the person's month from the list THEN the day reads "Đi công tác" with the reason
    row.get_by_role("link", name=newcomer.full_name).click()
    page.get_by_role("heading", name=newcomer.full_name).wait_for()
    cell = page.locator(f"td[data-date='{day}']")
    assert "Đi công tác" in cell.inner_text() and "Họp tại Sở Nội vụ tỉnh" in cell.inner_text()
    totals = page.locator("[data-total='month.total_business_trip']").inner_text()
    assert totals.startswith("1"), totals
    # WHEN they come back and cancel it, confirming in the dialog
    page.go_back()
    row = page.locator("#absence-list ~ .table-wrap tbody tr").filter(has_text="Họp tại Sở Nội vụ tỉnh")
    row.get_by_role("button", name="Huỷ đăng ký").click()
    dialog = page.get_by_role("dialog")
    assert "Ngô Thị Giang" in dialog.inner_text() and "Bản ghi vẫn được lưu" in dialog.inner_text()
    dialog.get_by_role("button", name="Đồng ý huỷ").click()
    # THEN the list says who cancelled it, and the month no longer counts the trip
    row.filter(has_text="Đã huỷ bởi lanhdao").wait_for()
    page.goto(f"/#/people/{newcomer.staff_id}/month?month={district.day:%Y-%m}")
    page.get_by_role("heading", name=newcomer.full_name).wait_for()
    assert "Đi công tác" not in page.locator(f"td[data-date='{day}']").inner_text()


def test_a_correction_with_its_reason_shows_in_the_list_and_the_month(page, district: District,
                                                                      newcomer: Newcomer) -> None:
    day = last_working_day(district.day)  # a day no other test looks at
    sign_in(page, "lanhdao", PASSWORD, f"/#/absences?unit_id=all&from={day:%Y-%m}-01&to={district.day.isoformat()}")
    page.get_by_role("heading", name="Nghỉ phép và điều chỉnh").wait_for()
    # WHEN the leader corrects the newcomer's day (the camera was down) to "Đúng giờ"
    page.get_by_text("Điều chỉnh một ngày công").click()
    form = page.locator("details.entry").nth(1)
    form.get_by_label("Cán bộ").select_option(label=newcomer.full_name)
    form.get_by_label("Ngày").fill(day.isoformat())
    form.get_by_label("Trạng thái mới").select_option(label="Đúng giờ")
    form.get_by_label("Lý do").fill("Camera sảnh hỏng buổi sáng")
    form.get_by_role("button", name="Lưu điều chỉnh").click()
    form.get_by_role("status").filter(has_text="Đúng giờ").wait_for()
    # THEN it is listed with its reason and author
    row = page.locator("#correction-list ~ .table-wrap tbody tr").filter(has_text="Camera sảnh hỏng buổi sáng")
    row.wait_for()
    assert newcomer.full_name in row.inner_text() and "lanhdao" in row.inner_text()
    # and the person's day says what it was before
    row.get_by_role("link", name=newcomer.full_name).click()
    page.wait_for_url(re.compile(rf"date={day.isoformat()}"))
    cell = page.locator(f"td[data-date='{day.isoformat()}']")
    cell.get_by_text("Đúng giờ").wait_for()
    assert "sửa từ" in cell.inner_text() and "Camera sảnh hỏng buổi sáng" in cell.inner_text()
    # and the day, opened from the list, says who corrected it and why
    details = page.locator("#day-details").inner_text()
    assert "Đã điều chỉnh từ" in details and "Camera sảnh hỏng buổi sáng" in details and "lanhdao" in details


def test_home_affairs_reads_every_units_list_without_the_forms(page, district: District) -> None:
    # GIVEN the oversight account of the district
    sign_in(page, "noivu", PASSWORD, f"/#/absences?from={district.day.isoformat()}&to={district.day.isoformat()}")
    # WHEN it opens the page THEN the seeded leave of Vũ Thị Hà is listed, read only
    row = page.locator("#absence-list ~ .table-wrap tbody tr").filter(has_text="Vũ Thị Hà")
    row.wait_for()
    assert "Nghỉ phép năm" in row.inner_text() and "Đang áp dụng" in row.inner_text()
    assert page.get_by_text("Nhập nghỉ phép, công tác, làm việc tại nhà").count() == 0
    assert page.get_by_role("button", name="Huỷ đăng ký").count() == 0
    assert page.get_by_label("Đơn vị", exact=True).input_value() == ""  # every unit
    # and a name written like HTML is shown as text, in the person's month too
    page.goto(f"/#/people/{district.person('hostile').staff_id}/month?month={district.day:%Y-%m}")
    page.get_by_role("heading", name=HOSTILE_NAME).wait_for()
    assert page.evaluate("window.__pwned === undefined")
    page.go_back()
    page.get_by_role("heading", name="Nghỉ phép và điều chỉnh").wait_for()
    # and the lists fit a phone
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_civil_servant_is_not_offered_the_page(page, district: District) -> None:
    sign_in(page, "canbo", PASSWORD, "/#/absences")
    page.get_by_role("alert").filter(has_text="không có quyền xem trang này").wait_for()
