"""The work-from-home roster page in Chromium: the leader of Phòng Nội vụ (six people, so at most three at home)
ticks names and watches the counter, is refused over the cap with the server's Vietnamese message, saves a roster
within it; Home Affairs approves an exception after a confirmation. Both work on days two months ahead, which no
other page of the seeded district looks at; the roster, the leave and the exception are removed or left there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, District
from tests.browser.district import sign_in as api_sign_in


@dataclass
class Days:
    month: str
    leader_day: date  # the leader's roster, with Bình on leave
    oversight_day: date  # the exception


def _label(day: date) -> str:
    return f"{day:%d/%m/%Y}"


@pytest.fixture(scope="module")
def days(district: District) -> Iterator[Days]:
    admin = api_sign_in(district.url, "admin", district.admin_password)
    unit = district.units[UNIT_A]
    ahead = (district.day.replace(day=1) + timedelta(days=62)).replace(day=1)
    month = f"{ahead:%Y-%m}"
    working = admin.call("GET", f"/v1/units/{unit}/roster?month={month}")["working_days"]
    first, second = (date.fromisoformat(entry["date"]) for entry in working[1:3])  # type: ignore[index]
    chosen = Days(month, first, second)
    leave = admin.call("POST", "/v1/absences", 201, json={
        "staff_id": district.person("clerk").staff_id, "kind": "leave", "first_day": chosen.leader_day.isoformat(),
        "last_day": chosen.leader_day.isoformat(), "reason": "Nghỉ phép năm"})
    yield chosen
    admin.call("PUT", f"/v1/units/{unit}/roster/{chosen.leader_day.isoformat()}", json={"staff_ids": []})
    admin.call("DELETE", f"/v1/staff/{district.person('clerk').staff_id}/absences/{leave['absence_id']}")


def test_the_leader_sees_the_cap_as_they_tick_is_refused_over_it_and_saves_within_it(page, district: District,
                                                                                   days: Days) -> None:
    day = days.leader_day
    # GIVEN the leader of Phòng Nội vụ on the month's roster
    sign_in(page, "lanhdao", PASSWORD, f"/#/roster?month={days.month}")
    row = page.locator(f"tr[data-date='{day.isoformat()}']")
    assert "Không có ai" in row.inner_text() and "0 / tối đa 3" in row.inner_text()
    # WHEN they open the day
    row.get_by_role("link", name=f"Lập danh sách ngày {_label(day)}").click()
    editor = page.locator("section.roster-day")
    counter = editor.get_by_role("status")
    counter.filter(has_text="Ở nhà 0 / tối đa 3 người").wait_for()
    # THEN each of the six is offered, Bình marked as on leave (the leave wins)
    assert editor.get_by_role("checkbox").count() == 6
    assert "Nghỉ phép cả ngày" in editor.locator("li").filter(has_text="Trần Thị Bình").inner_text()
    # WHEN they tick two (one with the keyboard) THEN the counter follows
    editor.get_by_label("Nguyễn Văn An").check()
    editor.get_by_label("Lê Hoàng Cường").focus()
    page.keyboard.press("Space")
    counter.filter(has_text="Ở nhà 2 / tối đa 3 người").wait_for()
    assert counter.get_attribute("data-over") == "false"
    # WHEN they tick two more THEN it turns into a warning
    editor.get_by_label("Phạm Thu Dung").check()
    editor.get_by_label("Hoàng Minh Đức").check()
    counter.filter(has_text="Ở nhà 4 / tối đa 3 người — vượt giới hạn 1 người").wait_for()
    assert counter.get_attribute("data-over") == "true" and "warning" in (counter.get_attribute("class") or "")
    # WHEN they save anyway THEN the server's message is shown and nothing is saved
    editor.get_by_role("button", name="Lưu danh sách").click()
    alert = editor.get_by_role("alert")
    alert.wait_for()
    assert f"ngày {_label(day)} đơn vị chỉ được tối đa 3 người làm việc tại nhà" in alert.inner_text()
    assert "Danh sách chưa được lưu" in alert.inner_text()
    assert "Không có ai" in row.inner_text()
    # WHEN they untick one, write a note and save THEN it is saved and the month shows the three at home
    editor.get_by_label("Hoàng Minh Đức").uncheck()
    counter.filter(has_text="Ở nhà 3 / tối đa 3 người").wait_for()
    editor.get_by_label("Ghi chú").fill("Luân phiên theo tuần")
    editor.get_by_role("button", name="Lưu danh sách").click()
    page.get_by_role("status").filter(has_text=f"Đã lưu danh sách ngày {_label(day)}: 3 người").wait_for()
    row.filter(has_text="3 / tối đa 3").wait_for()
    assert [name for name in ("Nguyễn Văn An", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức")
            if name in row.inner_text()] == ["Nguyễn Văn An", "Lê Hoàng Cường", "Phạm Thu Dung"]
    assert "Cập nhật lần cuối bởi lanhdao" in editor.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "roster")
    # AND the page fits a phone
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_home_affairs_approves_an_exception_after_confirming(page, district: District, days: Days) -> None:
    day = days.oversight_day
    # GIVEN Home Affairs on Phòng Nội vụ's day, which it may read but not edit
    sign_in(page, "noivu", PASSWORD, f"/#/roster?unit_id={district.units[UNIT_A]}&date={day.isoformat()}")
    page.get_by_role("heading", name="Danh sách làm việc tại nhà ngày").wait_for()
    assert page.get_by_label("Đơn vị", exact=True).input_value() == district.units[UNIT_A]
    assert page.get_by_role("button", name="Lưu danh sách").count() == 0
    assert page.get_by_text("Chưa có ngoại lệ nào được duyệt cho đơn vị.").is_visible()
    # WHEN it approves four people for that day, with a reason, and confirms
    page.get_by_text("Duyệt ngoại lệ về giới hạn").click()
    page.get_by_label("Từ ngày").fill(day.isoformat())
    page.get_by_label("Đến hết ngày").fill(day.isoformat())
    page.get_by_label("Giá trị giới hạn").fill("4")
    page.get_by_label("Lý do").fill("Sửa chữa trụ sở")
    page.get_by_role("button", name="Duyệt ngoại lệ", exact=True).click()
    dialog = page.get_by_role("dialog")
    assert "Phòng Nội vụ" in dialog.inner_text() and "Tối đa 4 người" in dialog.inner_text()
    dialog.get_by_role("button", name="Đồng ý duyệt").click()
    # THEN it is listed with its reason and approver, and the day allows four
    page.get_by_role("status").filter(has_text="Đã duyệt ngoại lệ: Tối đa 4 người").wait_for()
    listed = page.locator("tr[data-exception]")
    assert "Sửa chữa trụ sở" in listed.inner_text() and "noivu" in listed.inner_text()
    page.locator(f"tr[data-date='{day.isoformat()}']").filter(has_text="0 / tối đa 4").wait_for()
    assert page.get_by_text("Đang áp dụng ngoại lệ").is_visible()
