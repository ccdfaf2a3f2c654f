"""Staff and enrolment (#/staff, #/staff/:id) in Chromium: adding a person, enrolling photos from files and from
the camera with the server's verdict for each, finding them without accents, removing a photo and the person,
and who may see what."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import DISTRICT, HOSTILE_NAME, PASSWORD, UNIT_A, UNIT_B, District
from tests.browser.district import sign_in as api_sign_in

NEW_NAME = "Đoàn Thị Ngọc Ánh"


@pytest.fixture(scope="module")
def unused_face(district: District, faces_dir: Path) -> Path:
    """A faces-dev photo the server takes and that is nobody's face yet (tried on a throwaway record first)."""
    admin = api_sign_in(district.url, "admin", district.admin_password)
    taken = {person.folder for person in district.people.values()}
    trial = admin.call("POST", "/v1/staff", 201, json={"full_name": "Thử ảnh", "unit_id": district.units[UNIT_A]})
    try:
        for folder in sorted((p for p in faces_dir.iterdir() if p.is_dir() and p.name not in taken), reverse=True):
            photo = sorted(folder.glob("*.jpg"))[0]
            reply = admin.session.post(f"{district.url}/v1/staff/{trial['staff_id']}/faces", timeout=120,
                                       json={"image_b64": base64.b64encode(photo.read_bytes()).decode()})
            if reply.status_code == 201:
                return photo
        raise AssertionError("no faces-dev photo is free to enrol")
    finally:
        admin.call("DELETE", f"/v1/staff/{trial['staff_id']}", 204)


def blank_photo(tmp_path: Path) -> Path:
    """A grey picture with no face in it."""
    path = tmp_path / "anh-trong.png"
    cv2.imwrite(str(path), np.full((480, 640, 3), 170, np.uint8))
    return path


def test_a_unit_admin_adds_a_person_enrols_them_finds_them_and_removes_them(
        page, district: District, unused_face: Path, tmp_path: Path) -> None:
    # GIVEN the unit admin of Phòng Nội vụ on the staff list
    sign_in(page, "quantri", PASSWORD, "/#/staff")
    page.get_by_role("heading", name="Cán bộ", exact=True).wait_for()
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    # WHEN they add a person through the form
    page.get_by_text("Thêm cán bộ").click()
    page.get_by_label("Họ và tên").fill(NEW_NAME)
    page.get_by_label("Đơn vị", exact=True).nth(0).select_option(district.units[UNIT_A])
    page.get_by_label("Thư điện tử").fill("ngocanh@example.gov.vn")
    page.get_by_label("Ngày bắt đầu công tác").fill("2026-01-05")
    page.get_by_role("button", name="Lưu cán bộ mới").click()
    # THEN they land on the person's page, told what comes next, with no photo yet
    page.wait_for_url(re.compile(r"#/staff/stf_"))
    staff_id = page.url.rsplit("/", 1)[1]
    page.get_by_role("heading", name=NEW_NAME).wait_for()
    page.get_by_text(f"Đã thêm cán bộ {NEW_NAME}.").wait_for()
    page.get_by_text("Chưa có ảnh khuôn mặt nào").wait_for()
    assert "05/01/2026" in page.locator("dl.record").inner_text()
    screenshot(page, "staff-enrolment")  # the upload form before any photo: no face on it

    # WHEN a good photo is uploaded THEN its preview (the local file) shows beside the server's verdict
    page.get_by_label(re.compile("Chọn ảnh từ máy")).set_input_files(unused_face)
    page.get_by_role("button", name="Tải ảnh lên").click()
    result = page.locator(".enrol-result").first
    result.get_by_text("Đã đăng ký", exact=True).wait_for()
    assert result.get_by_role("img").get_attribute("src").startswith("blob:")
    page.get_by_text("Đã đăng ký 1 / 1 ảnh.").wait_for()
    faces = page.locator("section.faces tbody tr")
    faces.first.wait_for()
    assert faces.count() == 1

    # WHEN a photo without a face is uploaded THEN the API's refusal is shown in Vietnamese, with what to do
    page.get_by_label(re.compile("Chọn ảnh từ máy")).set_input_files(blank_photo(tmp_path))
    page.get_by_role("button", name="Tải ảnh lên").click()
    refused = page.locator(".enrol-result").first
    refused.get_by_text("Không tìm thấy khuôn mặt trong ảnh: hãy chụp chính diện").wait_for()
    refused.get_by_text("Không nhận", exact=True).wait_for()
    assert refused.locator("[data-code=no_face]").count() == 1
    assert faces.count() == 1

    # WHEN the enrolled photo is removed THEN the page asks first, warning it is the last one
    face_id = faces.first.locator("code").inner_text()
    page.get_by_role("button", name=f"Xoá ảnh {face_id}").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("ảnh cuối cùng").wait_for()
    dialog.get_by_role("button", name="Xoá").click()
    page.get_by_text(f"Đã xoá ảnh {face_id}.").wait_for()
    page.get_by_text("Chưa có ảnh khuôn mặt nào").wait_for()
    # and the same photo can be enrolled again
    page.get_by_label(re.compile("Chọn ảnh từ máy")).set_input_files(unused_face)
    page.get_by_role("button", name="Tải ảnh lên").click()
    page.locator(".enrol-result").first.get_by_text("Đã đăng ký", exact=True).wait_for()
    faces.first.wait_for()

    # WHEN they search the list without accents THEN the new person is found, and only matching people
    page.get_by_role("link", name="Danh sách cán bộ").click()
    search = page.get_by_label("Tìm theo tên")
    search.wait_for()
    page.get_by_role("link", name=NEW_NAME, exact=True).wait_for()
    screenshot(page, "staff-list")
    search.fill("doan thi ngoc anh")
    page.get_by_text(re.compile(r"^1 / \d+ cán bộ$")).wait_for()
    assert page.get_by_role("link", name=NEW_NAME, exact=True).is_visible()
    assert page.get_by_role("link", name=district.person("late1").full_name, exact=True).count() == 0
    search.fill("không có ai tên này")
    page.get_by_text("Không có cán bộ nào có tên khớp").wait_for()
    search.fill("NGỌC ánh")
    page.get_by_role("link", name=NEW_NAME, exact=True).click()

    # WHEN they remove the person THEN a dialog says exactly what goes and what stays; cancelling keeps them
    page.get_by_role("button", name="Xoá cán bộ này").click()
    dialog = page.get_by_role("dialog", name=f"Xoá cán bộ {NEW_NAME}?")
    text = dialog.inner_text()
    assert "1 ảnh khuôn mặt cùng dữ liệu nhận diện" in text and "hồ sơ cán bộ" in text
    assert "các lần chấm công" in text and "Không thể hoàn tác" in text
    dialog.get_by_role("button", name="Huỷ").click()
    assert page.get_by_role("dialog").count() == 0
    page.get_by_role("button", name="Xoá cán bộ này").click()
    page.get_by_role("dialog").get_by_role("button", name="Xoá cán bộ").click()
    # THEN the list says so and no longer has them, and the API agrees
    page.wait_for_url(re.compile(r"#/staff\?unit="))
    page.get_by_text(f"Đã xoá cán bộ {NEW_NAME} cùng 1 ảnh khuôn mặt.").wait_for()
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    expect(page.get_by_role("link", name=NEW_NAME, exact=True)).to_have_count(0)
    admin = api_sign_in(district.url, "admin", district.admin_password)
    admin.call("GET", f"/v1/staff/{staff_id}", 404)


def test_the_camera_takes_a_photo_that_is_previewed_and_judged_and_stops_when_leaving(
        page, district: District) -> None:
    admin = api_sign_in(district.url, "admin", district.admin_password)
    person = admin.call("POST", "/v1/staff", 201, json={"full_name": "Người chụp máy ảnh",
                                                         "unit_id": district.units[UNIT_A]})
    try:
        # GIVEN the unit admin on a person's page WHEN they turn the (fake) camera on and take a photo
        sign_in(page, "quantri", PASSWORD, f"/#/staff/{person['staff_id']}")
        page.get_by_role("button", name="Bật máy ảnh").click()
        page.get_by_role("button", name="Chụp ảnh").click()
        # THEN the frame is previewed beside the server's verdict (Chromium's synthetic picture has no face)
        result = page.locator(".enrol-result").first
        assert result.get_by_role("img").get_attribute("src").startswith("blob:")
        result.get_by_text("Ảnh chụp lúc").wait_for()
        result.get_by_text("Không tìm thấy khuôn mặt trong ảnh").wait_for()
        # WHEN they leave the page THEN the camera is turned off
        page.evaluate("window.__stream = document.querySelector('video.camera-view').srcObject")
        assert page.evaluate("window.__stream.getVideoTracks()[0].readyState") == "live"
        page.get_by_role("link", name="Danh sách cán bộ").click()
        page.get_by_label("Tìm theo tên").wait_for()
        assert page.evaluate("window.__stream.getVideoTracks()[0].readyState") == "ended"
    finally:
        admin.call("DELETE", f"/v1/staff/{person['staff_id']}", 204)


def test_a_refused_camera_is_explained(page, district: District) -> None:
    # GIVEN a browser where the camera permission is refused
    sign_in(page, "quantri", PASSWORD, f"/#/staff/{district.person('late2').staff_id}")
    page.evaluate("() => { navigator.mediaDevices.getUserMedia = () => Promise.reject("
                  "new DOMException('Permission denied', 'NotAllowedError')); }")
    # WHEN the unit admin turns the camera on THEN they are told how to allow it, or to upload instead
    page.get_by_role("button", name="Bật máy ảnh").click()
    page.get_by_text("Trình duyệt không được phép dùng máy ảnh").wait_for()
    assert page.get_by_role("button", name="Chụp ảnh").is_hidden()


def test_an_admin_moves_a_person_to_another_unit_and_the_move_is_kept(page, district: District) -> None:
    # GIVEN a person of Phòng Nội vụ, on their page, as an admin who manages both units
    admin = api_sign_in(district.url, "admin", district.admin_password)
    person = admin.call("POST", "/v1/staff", 201, json={"full_name": "Đinh Văn Chuyển",
                                                        "unit_id": district.units[UNIT_A]})
    try:
        sign_in(page, "admin", district.admin_password, f"/#/staff/{person['staff_id']}")
        page.get_by_role("heading", name="Quá trình điều chuyển").wait_for()
        page.get_by_text("Cán bộ chưa được điều chuyển giữa các đơn vị.").wait_for()
        # WHEN they move them to Phòng Tài chính - Kế hoạch from today, with the decision as the reason
        page.get_by_text("Điều chuyển sang đơn vị khác").click()
        page.get_by_label("Đơn vị mới").select_option(district.units[UNIT_B])
        page.get_by_label("Lý do, căn cứ").fill("Quyết định số 12/QĐ-UBND")
        page.get_by_role("button", name="Ghi nhận điều chuyển").click()
        # THEN the page says so, the record names the new unit, and the history lists the move
        page.get_by_role("status").filter(has_text="Đã điều chuyển Đinh Văn Chuyển sang " + UNIT_B).wait_for()
        expect(page.locator("dl.record")).to_contain_text(UNIT_B)
        row = page.locator("section.transfers tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(UNIT_A)
        expect(row).to_contain_text("Quyết định số 12/QĐ-UBND")
    finally:
        admin.call("DELETE", f"/v1/staff/{person['staff_id']}", 204)


def test_a_unit_admin_cannot_reach_another_units_people(page, district: District) -> None:
    other = district.person("other")
    sign_in(page, "quantri", PASSWORD, "/#/staff")
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    assert page.get_by_text(other.full_name).count() == 0
    # WHEN they type the other unit's person into the address THEN the API's refusal is shown, nothing else
    page.goto(f"/#/staff/{other.staff_id}")
    page.get_by_role("alert").filter(has_text="Bạn không có quyền thực hiện thao tác này.").wait_for()
    assert page.get_by_text(other.full_name).count() == 0
    assert page.get_by_role("button", name="Tải ảnh lên").count() == 0


def test_a_staff_account_may_not_open_the_staff_pages(page, district: District) -> None:
    sign_in(page, "canbo", PASSWORD)
    assert page.get_by_role("navigation").get_by_role("link", name="Cán bộ", exact=True).count() == 0
    for address in ("/#/staff", f"/#/staff/{district.person('clerk').staff_id}",
                    f"/#/staff/{district.person('other').staff_id}"):
        page.goto(address)
        page.get_by_role("heading", name="Không có quyền truy cập").wait_for()
        assert page.get_by_role("button", name="Tải ảnh lên").count() == 0


def test_a_leader_reads_the_list_and_records_without_changing_them(page, district: District) -> None:
    leader_unit = district.person("late1")
    sign_in(page, "lanhdao", PASSWORD, "/#/staff")
    page.get_by_role("link", name=leader_unit.full_name, exact=True).wait_for()
    page.get_by_text("Bạn chỉ được xem").wait_for()
    assert page.get_by_text("Thêm cán bộ").count() == 0
    page.get_by_role("link", name=leader_unit.full_name, exact=True).click()
    page.get_by_role("heading", name=leader_unit.full_name).wait_for()
    page.locator("section.faces tbody tr").first.wait_for()  # the measurements of their enrolled photo
    assert page.get_by_role("button", name="Tải ảnh lên").count() == 0
    assert page.get_by_role("button", name="Xoá cán bộ này").count() == 0
    assert page.get_by_role("button", name=re.compile("^Xoá ảnh")).count() == 0


def test_oversight_sees_every_unit_and_names_are_text_never_html(page, district: District) -> None:
    sign_in(page, "noivu", PASSWORD, "/#/staff")
    page.get_by_role("link", name=district.person("other").full_name, exact=True).wait_for()
    page.get_by_role("link", name=HOSTILE_NAME, exact=True).wait_for()
    assert page.evaluate("window.__pwned") is None
    # the unit filter asks the API for one unit's people
    page.get_by_label("Đơn vị", exact=True).select_option(district.units[UNIT_A])
    page.wait_for_url(re.compile(r"#/staff\?unit="))
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    expect(page.get_by_role("link", name=district.person("other").full_name, exact=True)).to_have_count(0)
    # a unit with units below it (the district) shows everyone in its subtree
    page.get_by_label("Đơn vị", exact=True).select_option(district.units[DISTRICT])
    page.get_by_role("link", name=district.person("other").full_name, exact=True).wait_for()
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    # and the page reads in English too
    page.get_by_role("button", name="English").click()
    page.get_by_label("Search by name").wait_for()
    page.get_by_role("link", name="Record and face photos of " + district.person("late1").full_name).wait_for()


def test_the_staff_pages_fit_a_360_px_phone(page, district: District) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "quantri", PASSWORD, "/#/staff")
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).wait_for()
    # the page itself never scrolls sideways: only the table does, inside its own frame
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name=district.person("late1").full_name, exact=True).click()
    page.get_by_role("button", name="Bật máy ảnh").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.get_by_role("button", name="Tải ảnh lên").bounding_box()["width"] <= 360
