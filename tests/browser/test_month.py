"""A person's month in Chromium: the calendar with late minutes, a day's evidence, one's own month, the refusal of
someone else's, and the phone layout."""

from __future__ import annotations

import hashlib
import re

import requests

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, District


def month_url(district: District, key: str, **query: str) -> str:
    params = "&".join(f"{name}={value}" for name, value in {"month": f"{district.day:%Y-%m}", **query}.items())
    return f"/#/people/{district.person(key).staff_id}/month?{params}"


def api_days(district: District, username: str, key: str) -> dict[str, dict[str, object]]:
    token = requests.post(f"{district.url}/v1/auth/login", json={"username": username, "password": PASSWORD},
                          timeout=30).json()["token"]
    reply = requests.get(f"{district.url}/v1/staff/{district.person(key).staff_id}/days",
                         params={"month": f"{district.day:%Y-%m}"}, headers={"Authorization": f"Bearer {token}"},
                         timeout=60)
    assert reply.status_code == 200, reply.text
    return {day["date"]: day for day in reply.json()["days"]}


def test_a_late_day_shows_its_minutes_and_opens_with_the_evidence_snapshot(page, district: District) -> None:
    # GIVEN the leader of Phòng Nội vụ, and Lê Hoàng Cường who came at 07:47 (work starts 07:30)
    sign_in(page, "lanhdao", PASSWORD, month_url(district, "late1"))
    # WHEN the leader opens his month
    page.get_by_role("heading", name="Lê Hoàng Cường").wait_for()
    day = page.locator(f"td[data-date='{district.day.isoformat()}']")
    # THEN the day says late, 17 minutes, with the times; the totals count it; the unit is named
    assert "Đi muộn" in day.inner_text() and "17 phút" in day.inner_text() and "07:47 – 17:20" in day.inner_text()
    assert page.get_by_text("Phòng Nội vụ").first.is_visible()
    totals = page.locator("[data-total='month.total_late_minutes']").inner_text()
    assert totals.startswith("17"), totals
    assert page.locator("table.month-calendar thead").inner_text().split()[:2] == ["T2", "T3"]  # Monday first
    screenshot(page, "month")  # the calendar: no face on it
    # WHEN the late day is clicked
    day.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"date={district.day.isoformat()}"))
    details = page.locator("#day-details")
    details.get_by_role("heading", name=district.day.strftime("%d/%m/%Y")).wait_for()
    # THEN the evidence is the snapshot link of the API, with what it is and until when it works
    image = details.get_by_role("img")
    src = image.get_attribute("src") or ""
    evidence = api_days(district, "lanhdao", "late1")[district.day.isoformat()]["evidence"]
    assert isinstance(evidence, dict) and src.split("?")[0] == str(evidence["snapshot_url"]).split("?")[0]
    assert "07:47" in (image.get_attribute("alt") or "")
    text = details.inner_text()
    assert "chỉ có hiệu lực đến" in text and "dữ liệu cá nhân" in text
    # and the day's events: the check-in and the check-out
    rows = details.locator("tbody tr")
    assert rows.count() == 2 and "Giờ đến" in rows.nth(0).inner_text() and "Giờ về" in rows.nth(1).inner_text()


def test_a_civil_servant_sees_their_own_month_from_the_navigation(page, district: District) -> None:
    # GIVEN Trần Thị Bình (canbo), who left 20 minutes early on the test day
    sign_in(page, "canbo", PASSWORD)
    # WHEN she follows "Ngày công của tôi" (and goes to the test day's month)
    page.get_by_role("link", name="Ngày công của tôi").click()
    page.get_by_role("heading", name="Trần Thị Bình").wait_for()
    assert district.person("clerk").staff_id in page.url
    page.goto(month_url(district, "clerk"))
    page.get_by_role("heading", name="Trần Thị Bình").wait_for()
    # THEN her day shows the early departure
    day = page.locator(f"td[data-date='{district.day.isoformat()}']")
    assert "Về sớm" in day.inner_text() and "Sớm 20 phút" in day.inner_text()
    # and a leader's pages are not offered to her
    assert page.get_by_role("link", name="Nghỉ phép và điều chỉnh").count() == 0


def test_a_civil_servant_cannot_open_someone_elses_month_by_editing_the_address(page, district: District) -> None:
    # GIVEN canbo signed in
    sign_in(page, "canbo", PASSWORD)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('chamcong.session')).token")
    for key in ("late1", "other"):
        # WHEN she types the address of a colleague's month, then of someone in another unit
        page.goto(month_url(district, key))
        # THEN she reads the API's refusal, and nothing of that person
        refusal = requests.get(f"{district.url}/v1/staff/{district.person(key).staff_id}",
                               headers={"Authorization": f"Bearer {token}", "Accept-Language": "vi"}, timeout=30)
        assert refusal.status_code in (403, 404)
        page.get_by_role("alert").filter(has_text=refusal.json()["message"]).wait_for()
        assert district.person(key).full_name not in page.locator("main").inner_text()
        assert page.locator("table.month-calendar").count() == 0


def test_the_month_fits_a_360_pixel_phone(browser, site: str, district: District) -> None:
    context = browser.new_context(base_url=site, viewport={"width": 360, "height": 780}, locale="vi-VN",
                                  timezone_id="Asia/Ho_Chi_Minh")
    phone = context.new_page()
    try:
        sign_in(phone, "lanhdao", PASSWORD, month_url(district, "late1"))
        phone.get_by_role("heading", name="Lê Hoàng Cường").wait_for()
        day = phone.locator(f"td[data-date='{district.day.isoformat()}']")
        assert "17 phút" in day.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(phone, "month-phone")
    finally:
        context.close()


def test_the_month_reads_in_english_too(page, district: District) -> None:
    sign_in(page, "lanhdao", PASSWORD, month_url(district, "late1"))
    page.get_by_role("heading", name="Lê Hoàng Cường").wait_for()
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Previous month").wait_for()
    day = page.locator(f"td[data-date='{district.day.isoformat()}']")
    assert "Late" in day.inner_text() and "17 min late" in day.inner_text()
    assert page.locator("table.month-calendar thead").inner_text().split()[:2] == ["Mon", "Tue"]
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_role("button", name="Tháng trước").wait_for()


def test_a_late_day_s_evidence_bundle_downloads_and_verifies_offline(page, district: District, tmp_path) -> None:
    import json
    import zipfile

    from infra import verify_bundle

    # GIVEN the leader on Lê Hoàng Cường's late day (07:47, 17 minutes)
    sign_in(page, "lanhdao", PASSWORD, month_url(district, "late1", date=district.day.isoformat()))
    details = page.locator("#day-details")
    details.get_by_role("heading", name="Gói chứng cứ").wait_for()
    assert "chữ ký số" in details.inner_text()
    # WHEN the download button is pressed
    with page.expect_download() as pressed:
        details.get_by_role("button", name="Tải gói chứng cứ (.zip)").click()
    saved = tmp_path / pressed.value.suggested_filename
    pressed.value.save_as(saved)
    # THEN the .zip is the day's signed bundle, and it verifies offline against the key the deployment publishes
    assert saved.name == f"chung-cu-{district.person('late1').staff_id}-{district.day.isoformat()}.zip"
    day = json.loads(zipfile.ZipFile(saved).read("day.json"))
    assert (day["status"], day["late_minutes"], day["full_name"]) == ("late", 17, "Lê Hoàng Cường")
    published = requests.get(f"{district.url}/v1/evidence/public-key", timeout=30).json()
    report = verify_bundle.verify(saved.read_bytes(), published["public_key_pem"].encode(), published["sha256"])
    assert report.ok, report.text()
    details.get_by_text("Đã tải gói chứng cứ.").wait_for()
    # AND in English the button says so too
    page.get_by_role("button", name="English").click()
    page.locator("#day-details").get_by_role("button", name="Download the evidence bundle (.zip)").wait_for()


def test_the_person_downloads_her_own_bundle_and_an_on_time_day_offers_none(page, district: District) -> None:
    # GIVEN Trần Thị Bình (canbo) on her own day: she left 20 minutes early
    sign_in(page, "canbo", PASSWORD, month_url(district, "clerk", date=district.day.isoformat()))
    details = page.locator("#day-details")
    details.get_by_role("heading", name="Gói chứng cứ").wait_for()
    # WHEN she downloads its bundle
    with page.expect_download() as pressed:
        details.get_by_role("button", name="Tải gói chứng cứ (.zip)").click()
    # THEN it is hers
    assert district.person("clerk").staff_id in pressed.value.suggested_filename
    # AND the leader's own on-time day has nothing to bundle: no button
    page.evaluate("sessionStorage.clear()")
    page.goto("about:blank")
    sign_in(page, "lanhdao", PASSWORD, month_url(district, "leader", date=district.day.isoformat()))
    page.locator("#day-details").get_by_role("heading", name="Các lần chấm công trong ngày").wait_for()
    assert page.locator("[data-action='evidence-bundle']").count() == 0

def test_an_absent_day_shows_the_passages_nobody_was_matched_to_that_morning(page, district: District) -> None:
    # GIVEN Hoàng Minh Đức never came, and a visitor nobody enrolled passed the district's lobby at 07:15
    assert district.unmatched_clip, "the visitor was matched to someone: no unmatched passage to show"
    # WHEN the leader opens his absent day
    sign_in(page, "lanhdao", PASSWORD, month_url(district, "missing", date=district.day.isoformat()))
    details = page.locator("#day-details")
    section = details.locator("section.nearest-evidence")
    section.get_by_role("heading", name="Lượt đi qua không nhận diện được sáng hôm đó").wait_for()
    # THEN the visitor's passage is there: the time, the camera, the photo and the clip, said to be short-lived
    row = section.locator("tbody tr")
    assert row.count() == 1 and "07:15" in row.inner_text() and "Camera sảnh" in row.inner_text()
    clip_link = row.get_by_role("link", name="Xem video lượt đi qua")
    href = clip_link.get_attribute("href") or ""
    assert "unmatched/" in href and "/clip.webm" in href
    assert "có thể là khách" in section.inner_text()
    # AND the link is that very clip, the one the device signed
    clip = requests.get(href, timeout=30)
    assert clip.status_code == 200 and hashlib.sha256(clip.content).hexdigest() == district.unmatched_clip
