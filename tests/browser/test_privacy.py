"""Personal data in Chromium (Decree 13/2023): Bình (a civil servant of Phòng Nội vụ) opens "Dữ liệu cá nhân của
tôi", downloads it as one archive, and asks for her face photos to be erased; the unit admin sees the request and
refuses it with a reason, which Bình then reads. The notice prints from its own view. Nothing is erased, so the
seeded district stays as the other pages expect it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, District


def test_a_person_reads_downloads_and_asks_for_erasure_and_the_unit_admin_answers(page, browser, site: str,
                                                                                   district: District) -> None:
    clerk = district.person("clerk")
    # GIVEN Bình signed in
    sign_in(page, "canbo", PASSWORD)
    # WHEN she opens her personal data from the navigation
    page.get_by_role("link", name="Dữ liệu cá nhân của tôi").first.click()
    page.get_by_role("heading", name="Dữ liệu cá nhân của tôi", level=1).wait_for()
    # THEN she sees her record, her enrolled photos and the notice she was given at enrolment
    page.locator("section.privacy-privacy-person").get_by_text(clerk.full_name).wait_for()
    faces = page.locator("section.privacy-privacy-faces")
    assert faces.get_by_role("link", name="Xem ảnh").count() >= 1
    assert "2026-01" in page.locator("section.privacy-privacy-notices").inner_text()
    screenshot(page, "personal-data")
    # WHEN she downloads everything
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Tải về toàn bộ (.zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    # THEN the archive holds her records and her photos
    data = json.loads(archive.read("personal-data.json"))
    assert data["person"]["full_name"] == clerk.full_name
    assert any(name.startswith("photos/") for name in archive.namelist())
    # WHEN she asks for her face photos to be erased, with a reason
    erasure = page.locator("section.privacy-privacy-erasure")
    erasure.get_by_label("Xoá gì").select_option("biometric")
    erasure.get_by_label("Lý do").fill("Tôi muốn chấm công bằng thẻ giấy")
    erasure.get_by_role("button", name="Gửi yêu cầu xoá").click()
    page.get_by_text("Đã gửi yêu cầu. Quản trị đơn vị sẽ xem xét và trả lời.").wait_for()
    # THEN the request waits, and she cannot send a second one
    assert "Đang chờ" in erasure.inner_text()
    assert erasure.get_by_role("button", name="Gửi yêu cầu xoá").count() == 0

    # WHEN the unit admin opens the erasure requests (in a browser of their own)
    admin = browser.new_context(base_url=site, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        tab = admin.new_page()
        sign_in(tab, "quantri", PASSWORD, "/#/erasure-requests")
        row = tab.locator("tr").filter(has_text=clerk.full_name)
        row.wait_for()
        assert "Tôi muốn chấm công bằng thẻ giấy" in row.inner_text()
        screenshot(tab, "erasure-requests")
        # AND refuses it with a reason
        row.get_by_role("button", name="Từ chối").click()
        row.get_by_label("Lý do từ chối (cán bộ sẽ đọc)").fill("Đang xác minh khiếu nại chấm công tháng này")
        row.get_by_role("button", name="Gửi từ chối").click()
        tab.get_by_text(f"Đã từ chối yêu cầu của {clerk.full_name}.").wait_for()
    finally:
        admin.close()

    # THEN Bình reads the refusal and its reason, and her photos are still there
    page.reload()
    erasure = page.locator("section.privacy-privacy-erasure")
    erasure.get_by_text("Đang xác minh khiếu nại chấm công tháng này").wait_for()
    assert "Bị từ chối" in erasure.inner_text()
    assert page.locator("section.privacy-privacy-faces").get_by_role("link", name="Xem ảnh").count() >= 1


def test_the_notice_prints_in_vietnamese_with_the_retention_in_force(page, district: District) -> None:
    sign_in(page, "canbo", PASSWORD, "/#/privacy/notice")
    page.get_by_role("heading", name="THÔNG BÁO VỀ VIỆC XỬ LÝ DỮ LIỆU CÁ NHÂN").wait_for()
    text = page.locator("article.printable-notice").inner_text()
    assert "Điều 13 Nghị định số 13/2023/NĐ-CP" in text and "Ảnh chụp khi nhận diện" in text
    assert "180 ngày" in text
    # the print view leaves the site's frame and buttons off the paper
    page.emulate_media(media="print")
    assert not page.locator("#site-header").is_visible()
    assert not page.get_by_role("button", name="In thông báo").is_visible()
    page.emulate_media(media="screen")
    # WHEN she switches to English THEN the same notice reads in English
    page.get_by_role("button", name="Bản tiếng Anh").click()
    page.get_by_role("heading", name="NOTICE OF PROCESSING OF PERSONAL DATA").wait_for()
