"""Administration in Chromium: accounts with their temporary password shown once, a unit admin's scope, devices
with their secret shown once, the audit trail, the unit tree and a unit's own calendar."""

from __future__ import annotations

import re
import uuid

from tests.browser.conftest import ADMIN_PASSWORD, screenshot, sign_in
from tests.browser.district import DISTRICT, PASSWORD, UNIT_A, UNIT_B, District
from tests.browser.district import sign_in as api_sign_in


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def test_a_new_accounts_temporary_password_is_shown_once_and_leads_to_the_forced_change(
        page, browser, district: District) -> None:
    username = unique("web")
    # GIVEN the system admin on the accounts page
    sign_in(page, "admin", ADMIN_PASSWORD, "/#/admin/accounts")
    page.get_by_role("heading", name="Tài khoản", exact=True).wait_for()
    # WHEN they create a personal account in Phòng Nội vụ
    page.get_by_text("Tạo tài khoản mới", exact=True).click()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Tên hiển thị").fill("Người dùng thử")
    page.get_by_label("Đơn vị", exact=True).first.select_option(district.units[UNIT_A])
    page.get_by_label("Cán bộ (tài khoản cá nhân)").select_option(label=district.person("missing").full_name)
    page.get_by_role("button", name="Tạo tài khoản", exact=True).click()
    # THEN the temporary password is shown once, with its deadline and what happens after it
    box = page.locator(".secret-box")
    box.wait_for()
    temporary = page.locator("[data-secret]").inner_text().strip()
    assert len(temporary) >= 10
    text = box.inner_text()
    assert "Chỉ hiển thị một lần" in text and "trong vòng 5 ngày" in text and "tài khoản bị khoá" in text
    assert re.search(r"trước \d{2}:\d{2},? \d{2}/\d{2}/\d{4}", text), text
    page.get_by_role("cell", name=username, exact=True).wait_for()
    # WHEN they go elsewhere and come back THEN it is gone for good, and kept nowhere in the browser
    page.get_by_role("link", name="Thiết bị").click()
    page.get_by_role("heading", name="Thiết bị", exact=True).wait_for()
    page.get_by_role("link", name="Tài khoản").click()
    page.get_by_role("cell", name=username, exact=True).wait_for()
    assert temporary not in page.content()
    assert page.locator(".secret-box").count() == 0
    assert temporary not in page.evaluate("JSON.stringify(sessionStorage) + JSON.stringify(localStorage)")
    screenshot(page, "admin-accounts")
    # AND the new account's holder, signing in with it elsewhere, must change it first
    other = browser.new_context(base_url=district.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        tab = other.new_page()
        sign_in(tab, username, temporary)
        tab.get_by_role("heading", name="Đổi mật khẩu").wait_for()
        assert "#/password" in tab.url
    finally:
        other.close()


def test_a_unit_admin_sees_only_their_subtrees_accounts_and_the_refusal_for_another_unit(
        page, district: District) -> None:
    # GIVEN the unit admin of Phòng Nội vụ on the accounts page
    sign_in(page, "quantri", PASSWORD, "/#/admin/accounts")
    page.get_by_role("cell", name="lanhdao", exact=True).wait_for()
    # THEN their unit's accounts are listed, and no other unit's
    names = page.locator("tbody td:first-child").all_inner_texts()
    assert {"quantri", "lanhdao", "canbo", "moi"} <= set(names)
    assert "canbo-b" not in names and "noivu" not in names and "admin" not in names
    # AND the sub-navigation offers what a unit admin may do (the evaluation rule sets to read), not the audit trail
    subnav = page.get_by_role("navigation", name="Các trang quản trị")
    assert subnav.get_by_role("link").all_inner_texts() == ["Đơn vị", "Tài khoản", "Thiết bị", "Kết nối hệ thống",
                                                            "Lịch làm việc", "Bộ tiêu chí đánh giá"]
    # WHEN they edit the address to ask for another unit's accounts THEN the API's refusal is shown
    page.goto(f"/#/admin/accounts?unit_id={district.units[UNIT_B]}")
    page.get_by_role("alert").filter(has_text="Bạn không có quyền thực hiện thao tác này.").wait_for()
    assert page.get_by_role("cell", name="canbo-b", exact=True).count() == 0
    # AND the audit trail is not theirs to open
    page.goto("/#/admin/audit")
    page.get_by_role("heading", name="Không có quyền truy cập").wait_for()


def test_registering_a_device_shows_its_secret_once_with_its_id(page, district: District) -> None:
    name = unique("Camera cổng")
    # GIVEN the unit admin on the devices page WHEN they register a device in their unit
    sign_in(page, "quantri", PASSWORD, "/#/admin/devices")
    # (the navigation shows which section the sub-page belongs to)
    assert page.locator("#site-header").get_by_role("link", name="Quản trị").get_attribute("aria-current") == "page"
    page.get_by_text("Đăng ký thiết bị", exact=True).click()
    page.get_by_label("Tên thiết bị").fill(name)
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    # THEN the secret and the device id are shown once, for the edge uploader's configuration
    box = page.locator(".secret-box")
    box.wait_for()
    secret = page.locator("[data-secret]").inner_text().strip()
    device_id = box.locator(".device-id").inner_text().strip()
    assert secret and device_id and "Chỉ hiển thị một lần" in box.inner_text()
    assert "device_secret_file" in box.inner_text()
    row = page.get_by_role("row").filter(has_text=name)
    row.filter(has_text="Đang hoạt động").wait_for()
    assert device_id in row.inner_text() and secret not in row.inner_text()
    # WHEN the page is opened again THEN the secret is not shown any more
    page.reload()
    page.get_by_role("row").filter(has_text=name).wait_for()
    assert secret not in page.content()
    screenshot(page, "admin-devices")
    # WHEN the device is revoked (after confirming) THEN the list says so
    page.get_by_role("button", name=f"Thu hồi thiết bị {name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Thu hồi").click()
    page.get_by_role("row").filter(has_text=name).filter(has_text="Đã thu hồi").wait_for()


def test_the_audit_trail_lists_an_account_creation_in_words(page, district: District) -> None:
    # GIVEN an account created by the admin in Phòng Nội vụ
    username = unique("audit")
    admin = api_sign_in(district.url, "admin", ADMIN_PASSWORD)
    admin.call("POST", "/v1/accounts", 201, json={"username": username, "unit_id": district.units[UNIT_A]})
    # WHEN Home Affairs (oversight) opens the audit trail filtered on account creations
    sign_in(page, "noivu", PASSWORD, "/#/admin/audit")
    page.get_by_label("Hành động").select_option("account.create")
    page.get_by_role("button", name="Lọc").click()
    # THEN the creation is there, newest first, with a readable action and the unit's name
    row = page.get_by_role("row").filter(has_text=username)
    row.wait_for()
    text = row.inner_text()
    assert "Tạo tài khoản" in text and "admin" in text and UNIT_A in text and "Thành công" in text
    first = page.locator("tbody tr").first.inner_text()
    assert username in first, first
    screenshot(page, "admin-audit")


def test_a_unit_created_in_the_tree_can_be_renamed_and_removed(page, district: District) -> None:
    name, renamed = unique("Tổ Thử nghiệm"), unique("Tổ Đã đổi tên")
    # GIVEN the system admin on the unit tree WHEN they add a unit under the district
    sign_in(page, "admin", ADMIN_PASSWORD, "/#/admin/units")
    page.get_by_text("Thêm đơn vị", exact=True).click()
    page.get_by_label("Tên đơn vị").fill(name)
    page.get_by_label("Trực thuộc").select_option(district.units[DISTRICT])
    page.get_by_role("button", name="Tạo đơn vị").click()
    page.get_by_role("status").filter(has_text=f"Đã tạo đơn vị “{name}”").wait_for()
    # WHEN they rename it THEN the tree shows the new name
    page.get_by_role("button", name=f"Sửa đơn vị {name}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Tên đơn vị").fill(renamed)
    dialog.get_by_role("button", name="Lưu").click()
    page.get_by_role("cell", name=renamed, exact=True).wait_for()
    assert page.get_by_role("cell", name=name, exact=True).count() == 0
    screenshot(page, "admin-units")
    # WHEN they remove it, after confirming THEN it is gone
    page.get_by_role("button", name=f"Xoá đơn vị {renamed}").click()
    page.get_by_role("dialog").get_by_role("button", name="Xoá").click()
    page.get_by_role("status").filter(has_text=f"Đã xoá đơn vị “{renamed}”").wait_for()
    assert page.get_by_role("cell", name=renamed, exact=True).count() == 0
    # AND a unit that still has people cannot be removed: the API says why
    page.get_by_role("button", name=f"Xoá đơn vị {UNIT_A}").click()
    page.get_by_role("dialog").get_by_role("button", name="Xoá").click()
    page.get_by_role("alert").filter(has_text="chưa thể xoá").wait_for()


def test_a_unit_gets_its_own_hours_and_shows_where_its_holidays_come_from(page, district: District) -> None:
    # GIVEN a unit of its own under the district, inheriting everything
    admin = api_sign_in(district.url, "admin", ADMIN_PASSWORD)
    unit = admin.call("POST", "/v1/units", 201, json={"name": unique("Tổ Lịch"),
                                                        "parent_id": district.units[DISTRICT]})
    sign_in(page, "admin", ADMIN_PASSWORD, f"/#/admin/calendar?unit_id={unit['unit_id']}")
    hours = page.locator("section.calendar-part").nth(0)
    hours.get_by_text("Kế thừa từ").wait_for()
    # WHEN the admin gives it its own hours with work starting after the check-in window
    hours.get_by_label(re.compile("^Đặt riêng cho")).check()
    hours.get_by_label("Giờ bắt đầu làm việc").fill("08:30")
    page.get_by_role("button", name="Lưu lịch").click()
    # THEN the API's refusal is shown and nothing is saved
    page.get_by_role("alert").filter(has_text="Lịch làm việc không hợp lệ").wait_for()
    # WHEN work starts at 07:45, with 5 minutes' grace, Saturdays too, and it is saved
    hours.get_by_label("Giờ bắt đầu làm việc").fill("07:45")
    hours.get_by_label("Số phút cho phép đến muộn").fill("5")
    hours.get_by_label("Thứ Bảy").check()
    page.get_by_role("button", name="Lưu lịch").click()
    page.get_by_role("status").filter(has_text="Đã lưu lịch").wait_for()
    # THEN the hours are the unit's own and the holidays still inherited, as the API keeps them
    page.locator("section.calendar-part").nth(0).get_by_text("Lịch riêng của").wait_for()
    page.locator("section.calendar-part").nth(1).get_by_text("Kế thừa từ").wait_for()
    calendar = admin.call("GET", f"/v1/units/{unit['unit_id']}/calendar")
    assert calendar["schedules_from"] == unit["unit_id"] and calendar["holidays_from"] != unit["unit_id"]
    schedule = calendar["schedules"][0]  # type: ignore[index]
    assert (schedule["work_start"], schedule["late_grace_minutes"], schedule["weekdays"]) == ("07:45", 5,
                                                                                                [0, 1, 2, 3, 4, 5])
    screenshot(page, "admin-calendar")


def test_an_account_is_locked_unlocked_reset_and_given_roles_from_its_dialog(page, district: District) -> None:
    # GIVEN an account of Phòng Nội vụ with the leader's role
    username = unique("quanly")
    admin = api_sign_in(district.url, "admin", ADMIN_PASSWORD)
    admin.call("POST", "/v1/accounts", 201, json={"username": username, "unit_id": district.units[UNIT_A],
                                                  "grants": [{"role": "unit_leader",
                                                              "unit_id": district.units[UNIT_A]}]})
    sign_in(page, "quantri", PASSWORD, f"/#/admin/accounts?unit_id={district.units[UNIT_A]}")
    page.get_by_role("button", name=f"Quản lý tài khoản {username}").click()
    dialog = page.get_by_role("dialog")
    # WHEN the unit admin locks it with a reason (kept in the audit trail) THEN the status says so
    dialog.get_by_label("Lý do khoá").fill("Nghỉ hưu")
    dialog.get_by_role("button", name="Khoá tài khoản").click()
    dialog.get_by_text("Bị khoá bởi quản trị viên").wait_for()
    # WHEN they unlock it THEN it is active again (its temporary password still to change)
    dialog.get_by_role("button", name="Mở khoá").click()
    dialog.get_by_role("status").filter(has_text="Đã mở khoá tài khoản.").wait_for()
    # WHEN they grant the unit admin's role and revoke the leader's THEN the roles follow
    dialog.get_by_label("Vai trò", exact=True).select_option("unit_admin")
    dialog.get_by_role("button", name="Cấp vai trò").click()
    dialog.get_by_role("button", name=f"Thu hồi vai trò Quản trị đơn vị · {UNIT_A}").wait_for()
    dialog.get_by_role("button", name=f"Thu hồi vai trò Lãnh đạo đơn vị · {UNIT_A}").click()
    page.locator("dialog[open]").last.get_by_role("button", name="Thu hồi").click()
    dialog.get_by_role("status").filter(has_text="Đã thu hồi vai trò.").wait_for()
    assert dialog.get_by_role("button", name=f"Thu hồi vai trò Lãnh đạo đơn vị · {UNIT_A}").count() == 0
    # WHEN they issue a new temporary password THEN it is shown once, in the dialog
    dialog.get_by_role("button", name="Cấp lại mật khẩu tạm thời").click()
    page.locator("dialog[open]").last.get_by_role("button", name="Cấp lại mật khẩu tạm thời").click()
    secret = dialog.locator("[data-secret]")
    secret.wait_for()
    temporary = secret.inner_text().strip()
    # AND after closing the dialog the list shows the new roles, and the password is nowhere
    dialog.get_by_role("button", name="Đóng").click()
    row = page.get_by_role("row").filter(has_text=username)
    row.filter(has_text="Quản trị đơn vị").wait_for()
    assert "Lãnh đạo đơn vị" not in row.inner_text() and temporary not in page.content()
    assert api_sign_in(district.url, username, temporary).call("GET", "/v1/auth/me")["username"] == username
