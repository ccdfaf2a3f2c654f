"""Tasks from the e-office system in the browser: a unit's tasks with the counts (#/tasks), the import page for an
office without an API (#/tasks/import), and the integration clients in Administration (#/admin/integrations)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, District
from tests.browser.district import sign_in as api_sign_in

CODES = {"leader": "NV-LEAD", "clerk": "NV-CLERK"}


@pytest.fixture(scope="module")
def posted(district: District) -> Iterator[dict[str, str]]:
    """Two people of Phòng Nội vụ given employee codes, and three tasks of the test day posted by a client."""
    admin = api_sign_in(district.url, "admin", district.admin_password)
    for key, code in CODES.items():
        admin.call("PATCH", f"/v1/staff/{district.person(key).staff_id}", json={"employee_code": code})
    client = admin.call("POST", "/v1/integrations", 201, json={"name": "QLVB thử trình duyệt",
                                                               "unit_id": district.units[UNIT_A]})
    day = district.day.isoformat()
    reply = admin.session.post(f"{district.url}/v1/tasks/batch", timeout=60, headers={
        "Authorization": f"ApiKey {client['key']}"}, json={"tasks": [
            {"external_id": "BT-1", "assignee": "NV-LEAD", "title": "Trả lời kiến nghị cử tri",
             "assigned_at": f"{day}T08:00:00+07:00", "due_at": f"{day}T10:00:00+07:00",
             "completed_at": f"{day}T11:00:00+07:00", "status": "done"},
            {"external_id": "BT-2", "assignee": "NV-LEAD", "title": "Báo cáo tuần",
             "assigned_at": f"{day}T08:30:00+07:00", "status": "in_progress"},
            {"external_id": "BT-3", "assignee": "NV-CLERK", "title": "Tờ trình",
             "assigned_at": f"{day}T09:00:00+07:00", "completed_at": f"{day}T09:30:00+07:00", "status": "done"}]})
    assert reply.status_code == 200 and reply.json()["created"] == 3, reply.text
    yield {"client_id": str(client["client_id"])}
    admin.call("POST", f"/v1/integrations/{client['client_id']}/revoke")
    for key in CODES:
        admin.call("PATCH", f"/v1/staff/{district.person(key).staff_id}", json={"employee_code": None})


def test_a_leader_sees_the_units_tasks_with_the_counts_and_one_persons_list(page, browser, site: str,
                                                                             district: District, posted) -> None:
    # GIVEN the unit leader WHEN they open Tasks from the navigation and choose the test day
    sign_in(page, "lanhdao", PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Nhiệm vụ").click()
    # (the Today page the sign-in lands on has a date field too: wait until Tasks is the page shown)
    page.get_by_role("heading", name="Nhiệm vụ", exact=True).wait_for()
    page.get_by_label("Ngày").fill(district.day.isoformat())
    page.get_by_role("button", name="Xem").click()
    # THEN the counts the reports use are shown: 3 assigned, 2 done, 1 open, 1 late
    counts = page.locator(".task-counts")
    counts.get_by_text("Số liệu từ").wait_for()
    assert [counts.locator("dd").nth(i).inner_text() for i in range(4)] == ["3", "2", "1", "1"]
    rows = page.get_by_role("table", name="Nhiệm vụ trong kỳ").locator("tbody tr")
    assert rows.count() == 3
    assert "Trả lời kiến nghị cử tri" in rows.nth(0).inner_text() and "Có" in rows.nth(0).inner_text()
    screenshot(page, "tasks")
    # AND the page fits a 360-pixel phone (the tables scroll inside their frame)
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})
    # WHEN they follow a person THEN that person's own list and counts are shown
    page.get_by_role("table", name="Theo cán bộ").get_by_role("link", name="Trần Thị Bình").click()
    page.get_by_role("heading", name="Nhiệm vụ của Trần Thị Bình").wait_for()
    assert page.get_by_role("table", name="Nhiệm vụ trong kỳ").locator("tbody tr").count() == 1
    # AND the civil servant herself finds the same list under "Nhiệm vụ của tôi" (and has no unit list)
    context = browser.new_context(base_url=site, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        own = context.new_page()
        sign_in(own, "canbo", PASSWORD)
        navigation = own.get_by_role("navigation", name="Điều hướng chính")
        assert navigation.get_by_role("link", name="Nhiệm vụ", exact=True).count() == 0
        navigation.get_by_role("link", name="Nhiệm vụ của tôi").click()
        own.get_by_label("Ngày").fill(district.day.isoformat())
        own.get_by_role("button", name="Xem").click()
        own.get_by_role("table", name="Nhiệm vụ trong kỳ").get_by_text("Tờ trình").wait_for()
    finally:
        context.close()


def test_a_unit_admin_checks_and_imports_a_task_file_and_sees_the_refused_rows(page, district: District, posted,
                                                                                tmp_path: Path) -> None:
    earlier = district.day - timedelta(days=1)  # not the day the leader's test counts
    sheet = tmp_path / "nhiem-vu.csv"
    sheet.write_text("Mã nhiệm vụ,Mã cán bộ,Tên nhiệm vụ,Ngày giao,Trạng thái\n"
                     f"NK-1,NV-CLERK,Giấy mời họp,{earlier:%d/%m/%Y} 08:00,Đã giao\n"
                     f"NK-2,KHONG-CO,Công văn đến,{earlier:%d/%m/%Y} 08:00,Đã giao\n"
                     f"NK-3,NV-CLERK,Quyết định,ngày mai,Đã giao\n", encoding="utf-8")
    # GIVEN the unit admin, who has the import as a navigation entry
    sign_in(page, "quantri", PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Nhập nhiệm vụ từ tệp").click()
    page.get_by_label("Tệp nhiệm vụ (XLSX, CSV)").set_input_files(str(sheet))
    # WHEN they check the file THEN the refused rows are listed with the reason, and nothing is written
    page.get_by_role("button", name="Kiểm tra tệp").click()
    page.get_by_text("Kiểm tra xong (chưa ghi gì): 1 sẽ thêm mới, 0 sẽ cập nhật, 0 không đổi, 2 dòng bị từ chối.")\
        .wait_for()
    refused = page.get_by_role("table", name="Các dòng bị từ chối và lý do").locator("tbody tr")
    assert refused.count() == 2
    assert "Không có cán bộ nào mang mã cán bộ này." in refused.nth(0).inner_text()
    assert "assigned_at" in refused.nth(1).inner_text()
    screenshot(page, "tasks-import")
    # WHEN they import THEN the good row is stored, and the report can be downloaded
    page.get_by_role("button", name="Nhập nhiệm vụ").click()
    page.get_by_text("Đã nhập: 1 thêm mới, 0 cập nhật, 0 không đổi, 2 dòng bị từ chối.").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải kết quả (CSV)").click()
    assert "task_assignee_unknown" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    leader = api_sign_in(district.url, "lanhdao", PASSWORD)
    stored = leader.call("GET", f"/v1/staff/{district.person('clerk').staff_id}/tasks",
                         params={"period": "day", "date": earlier.isoformat()})
    assert [task["external_id"] for task in stored["tasks"]] == ["NK-1"]  # type: ignore[index]


def test_an_admin_creates_an_integration_client_and_sees_its_key_once(page, district: District) -> None:
    sign_in(page, "admin", district.admin_password, "/#/admin/integrations")
    page.get_by_role("heading", name="Kết nối hệ thống", level=1).wait_for()
    # WHEN they create a client for Phòng Nội vụ
    page.get_by_text("Tạo kết nối").click()
    page.get_by_label("Tên hệ thống kết nối").fill("Hệ thống QLVB thử")
    page.get_by_label("Đơn vị", exact=True).first.select_option(district.units[UNIT_A])
    page.get_by_role("button", name="Tạo", exact=True).click()
    # THEN its key is shown once, with the warning and a copy button, and it is listed as active
    box = page.locator(".secret-box")
    box.get_by_text("Chỉ hiển thị một lần").wait_for()
    key = box.locator(".secret").inner_text()
    assert key.startswith("int_") and "." in key
    assert box.get_by_role("button", name="Sao chép khoá").is_visible()
    row = page.get_by_role("row").filter(has_text="Hệ thống QLVB thử")
    assert "Đang hoạt động" in row.inner_text()
    # AND after a reload the key is nowhere on the page
    page.reload()
    page.get_by_role("table", name="Kết nối hệ thống").wait_for()
    assert key not in page.content()
    # WHEN they revoke it, confirming THEN it is listed as revoked
    page.get_by_role("button", name="Thu hồi kết nối Hệ thống QLVB thử").click()
    page.get_by_role("dialog").get_by_role("button", name="Thu hồi").click()
    page.get_by_text("Đã thu hồi “Hệ thống QLVB thử”.").wait_for()
