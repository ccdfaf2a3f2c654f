"""Bulk enrolment (#/staff/bulk): a spreadsheet of staff and a ZIP of photos named by employee code."""

from __future__ import annotations

import base64
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, District
from tests.browser.district import sign_in as api_sign_in

SUB_UNIT = "Tổ tiếp nhận hồ sơ (thử đăng ký hàng loạt)"


@pytest.fixture(scope="module")
def roll_out(district: District, faces_dir: Path) -> Iterator[dict[str, object]]:
    """A new team under Phòng Nội vụ and a faces-dev photo nobody has enrolled; the people made are removed after."""
    admin = api_sign_in(district.url, "admin", district.admin_password)
    team = admin.call("POST", "/v1/units", 201, json={"name": SUB_UNIT, "parent_id": district.units[UNIT_A]})
    taken = {person.folder for person in district.people.values()}
    trial = admin.call("POST", "/v1/staff", 201, json={"full_name": "Thử ảnh", "unit_id": team["unit_id"]})
    free = None
    for folder in sorted(p for p in faces_dir.iterdir() if p.is_dir() and p.name not in taken):
        photo = sorted(folder.glob("*.jpg"))[0]
        reply = admin.session.post(f"{district.url}/v1/staff/{trial['staff_id']}/faces", timeout=120,
                                   json={"image_b64": base64.b64encode(photo.read_bytes()).decode()})
        if reply.status_code == 201:
            free = photo
            break
    admin.call("DELETE", f"/v1/staff/{trial['staff_id']}", 204)
    assert free is not None, "no faces-dev photo is free to enrol"
    yield {"unit_id": team["unit_id"], "photo": free}
    for code in ("BULK-001", "BULK-002"):
        for person in admin.call("GET", "/v1/staff", params={"employee_code": code})["staff"]:  # type: ignore[union-attr]
            admin.call("DELETE", f"/v1/staff/{person['staff_id']}", 204)
    admin.call("DELETE", f"/v1/units/{team['unit_id']}", 204)


def files(tmp_path: Path, photo: Path) -> tuple[Path, Path]:
    sheet = tmp_path / "danh-sach-can-bo.csv"
    sheet.write_text("Họ và tên,Đơn vị,Mã cán bộ,Email\n"
                     f"Lương Thị Thu,{SUB_UNIT},BULK-001,\n"
                     f"Kiều Văn Bảo,{SUB_UNIT},BULK-002,bao@example.gov.vn\n"
                     "Đào Minh Khang,Đơn vị không có thật,BULK-003,\n", encoding="utf-8")
    ok, blank = cv2.imencode(".png", np.full((480, 640, 3), 170, np.uint8))
    assert ok
    archive = tmp_path / "anh-can-bo.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("anh/BULK-001.jpg", photo.read_bytes())
        bundle.writestr("anh/BULK-002_1.png", bytes(blank))
        bundle.writestr("anh/KHONG-CO-MA.jpg", photo.read_bytes())
        bundle.writestr("__MACOSX/anh/._BULK-001.jpg", b"resource fork")
    return sheet, archive


def test_a_unit_admin_rolls_out_a_team_from_a_spreadsheet_and_a_zip(page, district: District, roll_out,
                                                                      tmp_path: Path) -> None:
    sheet, archive = files(tmp_path, roll_out["photo"])
    admin = api_sign_in(district.url, "admin", district.admin_password)
    # GIVEN the unit admin on the staff list WHEN they follow the bulk enrolment link
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, "quantri", PASSWORD, "/#/staff")
    page.get_by_role("link", name="Đăng ký hàng loạt").click()
    page.get_by_role("heading", name="Đăng ký hàng loạt", level=1).wait_for()
    screenshot(page, "bulk")
    page.get_by_label("Bảng tính (XLSX, CSV)").set_input_files(str(sheet))
    page.get_by_label("Tệp ZIP hoặc các tệp ảnh").set_input_files(str(archive))
    # WHEN they check the spreadsheet THEN each row's fate is told and nothing is written
    page.get_by_role("button", name="Kiểm tra bảng tính").click()
    page.get_by_text("Kiểm tra xong (chưa ghi gì): 2 sẽ thêm mới, 0 sẽ cập nhật, 0 không đổi, 1 dòng lỗi.").wait_for()
    assert admin.call("GET", "/v1/staff", params={"employee_code": "BULK-001"})["staff"] == []
    # WHEN they import THEN the people are created and each photo judged, row by row; the ZIP is opened in the
    # browser by JSZip, which only this step loads
    assert not any(url.endswith("/vendor/jszip.min.js") for url in requested)
    page.get_by_role("button", name="Nhập danh sách và ảnh").click()
    page.get_by_text(re.compile(r"Xong: 2 người trong danh sách, 3 ảnh đã xử lý")).wait_for()
    rows = {row.locator("td").nth(1).inner_text(): row.inner_text()
            for row in page.locator("table tbody tr").all()}
    assert "Thêm mới" in rows["BULK-001"] and "BULK-001.jpg: đã đăng ký" in rows["BULK-001"]
    assert "Thêm mới" in rows["BULK-002"] and "BULK-002_1.png:" in rows["BULK-002"]
    assert "đã đăng ký" not in rows["BULK-002"]  # a grey picture has no face: the API's reason is shown instead
    assert re.search(r"đơn vị", rows["BULK-003"], re.IGNORECASE)
    assert any(url.endswith("/vendor/jszip.min.js") for url in requested)
    page.get_by_text(re.compile(r"Ảnh không khớp mã cán bộ nào trong bảng tính: anh/KHONG-CO-MA\.jpg")).wait_for()
    [thu] = admin.call("GET", "/v1/staff", params={"employee_code": "bulk-001"})["staff"]  # type: ignore[misc]
    assert thu["full_name"] == "Lương Thị Thu" and thu["unit_id"] == roll_out["unit_id"]
    assert len(admin.call("GET", f"/v1/staff/{thu['staff_id']}")["faces"]) == 1  # type: ignore[arg-type]
    # WHEN the same files are imported again THEN nobody and no photo is added twice
    page.get_by_role("button", name="Nhập danh sách và ảnh").click()
    page.get_by_text("Đã nhập danh sách: 0 thêm mới, 0 cập nhật, 2 không đổi, 1 dòng lỗi.").wait_for()
    page.get_by_text(re.compile(r"Xong: 2 người")).wait_for()
    assert "Đã có 1 ảnh đăng ký, bỏ qua" in page.locator("table tbody").inner_text()
    assert len(admin.call("GET", f"/v1/staff/{thu['staff_id']}")["faces"]) == 1  # type: ignore[arg-type]
    # AND the report downloads as a spreadsheet-friendly CSV
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải kết quả (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "BULK-001" in text and "Lương Thị Thu" in text


def test_a_staff_account_may_not_open_bulk_enrolment(page, district: District) -> None:
    sign_in(page, "canbo", PASSWORD, "/#/staff/bulk")
    page.get_by_role("heading", name="Không có quyền truy cập").wait_for()
