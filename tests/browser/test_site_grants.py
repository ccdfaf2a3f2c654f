"""Galleries per site in Chromium: a unit admin lets a person of another unit be recognised at their site."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import HOSTILE_NAME, PASSWORD, UNIT_A, District


def test_a_unit_admin_lets_a_visitor_in_and_takes_the_access_away(page, district: District) -> None:
    visitor = district.person("other")  # Đặng Quốc Hùng, of Phòng Tài chính - Kế hoạch
    # GIVEN the unit admin of Phòng Nội vụ on the devices page of their unit
    sign_in(page, "quantri", PASSWORD, f"/#/admin/devices?unit_id={district.units[UNIT_A]}")
    section = page.locator("section.site-grants")
    section.get_by_role("heading", name=f"Người đơn vị khác được nhận diện tại {UNIT_A}").wait_for()
    # WHEN they let the Finance officer in until a day, with a reason
    section.get_by_text("Cho phép thêm một người", exact=True).click()
    section.get_by_label("Mã hồ sơ của người được cho phép").fill(visitor.staff_id)
    section.get_by_label("Đến hết ngày").fill("2099-12-31")
    section.get_by_label("Lý do").fill("Kiểm tra công vụ")
    section.get_by_role("button", name="Cho phép", exact=True).click()
    # THEN the list names him, the unit he works in, the last day and the reason, in force
    row = section.get_by_role("row").filter(has_text=visitor.full_name)
    row.filter(has_text="Còn hiệu lực").wait_for()
    assert "2099-12-31" in row.inner_text() and "Kiểm tra công vụ" in row.inner_text()
    section.get_by_text(f"Đã cho phép {visitor.full_name}.").wait_for()
    # AND a name that looks like HTML is shown as text, never run
    hostile = district.person("hostile")
    section.get_by_text("Cho phép thêm một người", exact=True).click()
    section.get_by_label("Mã hồ sơ của người được cho phép").fill(hostile.staff_id)
    section.get_by_label("Lý do").fill("Biệt phái")
    section.get_by_role("button", name="Cho phép", exact=True).click()
    section.get_by_role("row").filter(has_text="Đến khi thu hồi").wait_for()
    assert HOSTILE_NAME in section.inner_text() and page.evaluate("window.__pwned") is None
    screenshot(page, "admin-site-grants")
    # WHEN an unknown id is entered THEN the API's message says so and nothing is added
    section.get_by_text("Cho phép thêm một người", exact=True).click()
    section.get_by_label("Mã hồ sơ của người được cho phép").fill("stf_nobody")
    section.get_by_label("Lý do").fill("Nhầm mã")
    section.get_by_role("button", name="Cho phép", exact=True).click()
    section.get_by_role("alert").wait_for()
    assert section.get_by_role("row").count() == 3  # the header and two people
    # WHEN they revoke the Finance officer's access (after confirming) THEN he leaves the list
    section.get_by_role("button", name=f"Thu hồi quyền của {visitor.full_name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Thu hồi").click()
    section.get_by_text(f"Đã thu hồi quyền của {visitor.full_name}.").wait_for()
    assert section.get_by_role("row").filter(has_text=visitor.full_name).count() == 0
    section.get_by_role("button", name="Thu hồi quyền của " + HOSTILE_NAME).click()
    page.get_by_role("dialog").get_by_role("button", name="Thu hồi").click()
    section.get_by_text("Chưa cho phép thêm ai.").wait_for()
