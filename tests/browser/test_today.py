"""Today: every unit at a glance for Home Affairs, one unit's people grouped, the spoof attempts, a leader's reach."""

from __future__ import annotations

import re
from datetime import datetime

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import HANOI, HOSTILE_NAME, PASSWORD, UNIT_A, UNIT_B, District


def today_url(district: District, unit: str | None = None) -> str:
    url = f"/#/today?date={district.day.isoformat()}"
    return f"{url}&unit_id={district.units[unit]}" if unit else url


def card_count(page, unit_id: str, key: str) -> str:
    return str(page.locator(f"li.unit-card[data-unit='{unit_id}'] li[data-count='{key}'] strong").inner_text())


def total(page, key: str) -> str:
    return str(page.locator(f".counts [data-count='{key}'] strong").inner_text())


def names_in(page, group: str) -> list[str]:
    rows = page.locator(f"section[data-group='{group}'] tbody tr th")
    return sorted(str(text) for text in rows.all_inner_texts())


def test_home_affairs_sees_every_unit_counted_then_drills_into_one(page, district: District) -> None:
    unit_a, unit_b = district.units[UNIT_A], district.units[UNIT_B]
    # GIVEN Home Affairs (oversight over the district) WHEN it opens Today for the seeded morning
    sign_in(page, "noivu", PASSWORD, today_url(district))
    page.locator(f"li.unit-card[data-unit='{unit_a}']").wait_for()
    # THEN the counts at the top add up every unit: 5 present (2 of them late, 45 minutes), 2 absent, 1 on leave
    assert [total(page, key) for key in ("present", "on_time", "late", "absent", "on_leave", "business_trip",
                                         "work_from_home")] == ["5", "3", "2", "2", "1", "0", "0"]
    assert "tổng 45 phút" in page.locator(".counts [data-count='late']").inner_text()
    assert total(page, "spoofs") == str(district.spoof_captures)
    # AND each unit has its own card: Nội vụ 6 people, 4 present, 2 late, 1 absent, 1 away; Tài chính 2, 1, 0, 1
    assert [card_count(page, unit_a, key) for key in ("staff", "present", "late", "absent", "away")] == [
        "6", "4", "2", "1", "1"]
    assert [card_count(page, unit_b, key) for key in ("staff", "present", "late", "absent", "away")] == [
        "2", "1", "0", "1", "0"]
    page.get_by_text(re.compile(r"Cập nhật lúc \d{2}:\d{2}")).wait_for()
    screenshot(page, "today-overview")
    # WHEN it opens Phòng Nội vụ
    page.get_by_role("link", name=UNIT_A).click()
    page.wait_for_url(re.compile(f"unit_id={unit_a}"))
    page.get_by_role("heading", name=f"Hôm nay: {UNIT_A}").wait_for()
    # THEN exactly late1 and late2 are late, with their minutes and arrival times, the longest first
    late = page.locator("section[data-group='late'] tbody tr")
    late.first.wait_for()
    assert names_in(page, "late") == sorted([district.person("late1").full_name, district.person("late2").full_name])
    rows = [str(text) for text in late.all_inner_texts()]
    assert "07:58" in rows[0] and "muộn 28 phút" in rows[0]
    assert "07:47" in rows[1] and "muộn 17 phút" in rows[1]
    # AND `missing` is absent, `leave` on leave, the leader and the clerk on time; nobody on a trip or at home
    assert names_in(page, "missing") == [district.person("missing").full_name]
    assert "Vắng không lý do" in page.locator("section[data-group='missing'] tbody").inner_text()
    assert names_in(page, "on_leave") == [district.person("leave").full_name]
    assert names_in(page, "on_time") == sorted([district.person("leader").full_name,
                                                district.person("clerk").full_name])
    assert names_in(page, "business_trip") == [] and names_in(page, "work_from_home") == []
    # AND each name leads to that person's month, on that day
    link = page.get_by_role("link", name=district.person("late1").full_name)
    assert link.get_attribute("href") == (f"#/people/{district.person('late1').staff_id}/month"
                                          f"?month={district.day:%Y-%m}&date={district.day.isoformat()}")
    screenshot(page, "today")


def test_the_spoof_attempts_of_the_day_are_listed_with_their_frames(page, district: District) -> None:
    # GIVEN Home Affairs on Today WHEN it opens the list of captures refused as spoofs
    sign_in(page, "noivu", PASSWORD, today_url(district))
    summary = page.get_by_text(f"Lần chấm công bị từ chối vì nghi giả mạo ({district.spoof_captures})")
    assert district.spoof_captures == 1, "the seeded photo was not refused as a spoof"
    # THEN no frame is fetched before someone asks
    assert page.locator("details.spoofs img").count() == 0
    summary.click()
    # AND the attempt at 07:50 at the lobby camera is there, its frame an image with a text alternative
    attempt = page.locator("details.spoofs article.spoof")
    attempt.wait_for()
    assert attempt.count() == 1
    assert "Lúc 07:50, Camera sảnh" in attempt.inner_text()
    frame = attempt.locator("img").first
    assert frame.get_attribute("alt") == "Khung hình 1/1 của lần nghi giả mạo lúc 07:50 tại Camera sảnh"
    page.wait_for_load_state("networkidle")
    assert frame.evaluate("image => image.complete && image.naturalWidth > 0")


def test_a_hostile_name_shows_as_text_and_runs_nothing(page, district: District) -> None:
    # GIVEN a person whose name is HTML with a script WHEN Home Affairs opens that person's unit
    sign_in(page, "noivu", PASSWORD, today_url(district, UNIT_B))
    page.locator("section[data-group='missing'] tbody tr").first.wait_for()
    # THEN the name reads exactly as typed, nothing ran and no element came from it
    assert page.get_by_role("link", name=HOSTILE_NAME).inner_text() == HOSTILE_NAME
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("main script, main img[src='x']").count() == 0
    assert names_in(page, "on_time") == [district.person("other").full_name]


def test_a_leader_lands_on_their_unit_and_cannot_open_another_by_the_address(page, district: District) -> None:
    # GIVEN the leader of Phòng Nội vụ WHEN they sign in
    sign_in(page, "lanhdao", PASSWORD)
    # THEN they land on Today for their own unit (their only one)
    page.wait_for_url(re.compile(f"#/today\\?unit_id={district.units[UNIT_A]}"))
    page.get_by_role("heading", name=f"Hôm nay: {UNIT_A}").wait_for()
    assert page.get_by_role("link", name="← Tất cả đơn vị").count() == 0
    # WHEN they put the other unit in the address THEN the API's refusal is shown, and none of its people
    page.goto(today_url(district, UNIT_B))
    page.get_by_role("alert").filter(has_text="không có quyền").wait_for()
    assert district.person("other").full_name not in page.locator("main").inner_text()
    assert page.locator("section[data-group]").count() == 0


def test_during_the_check_in_window_a_unit_refreshes_every_minute_until_left(page, district: District) -> None:
    # GIVEN the browser's clock at 07:00 in Hanoi today (the check-in window is open)
    now = datetime.now(HANOI).replace(hour=7, minute=0, second=0, microsecond=0)
    page.clock.install(time=now)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/v1/attendance/days" in request.url else None)
    sign_in(page, "noivu", PASSWORD, f"/#/today?unit_id={district.units[UNIT_A]}")
    page.get_by_text("Cập nhật lúc 07:00").wait_for()
    assert page.get_by_text("trang tự cập nhật mỗi phút").count() == 1
    first = len(asked)
    # WHEN a minute passes THEN the unit's day is asked for again and the line says when
    page.clock.run_for(61_000)
    page.get_by_text("Cập nhật lúc 07:01").wait_for()
    assert len(asked) == first + 1
    # WHEN the person leaves the page THEN the timer is gone
    page.goto("/#/help")
    page.get_by_role("heading", name="Hướng dẫn sử dụng").first.wait_for()
    page.clock.run_for(180_000)
    assert len(asked) == first + 1


def test_today_fits_a_phone_screen(page, district: District) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, "noivu", PASSWORD, today_url(district))
    page.locator("li.unit-card").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(today_url(district, UNIT_A))
    page.locator("section[data-group='late'] tbody tr").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_today_in_english(page, district: District) -> None:
    sign_in(page, "noivu", PASSWORD, today_url(district, UNIT_A))
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name=f"Today: {UNIT_A}").wait_for()
    assert "28 min late" in page.locator("section[data-group='late']").inner_text()
    assert page.get_by_role("heading", name=re.compile("^Checked in on time")).count() == 1
