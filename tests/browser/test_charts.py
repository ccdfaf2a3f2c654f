"""Charts: three Chart.js charts of a month, each readable without seeing it; the library loads on this page only."""

from __future__ import annotations

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, UNIT_B, District

LIBRARY = "chart.umd.min.js"


def test_the_library_loads_only_on_the_charts_page_and_draws_three_charts(page, district: District) -> None:
    requested: list[str] = []
    blocked: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    # GIVEN the sign-in page, then Today after signing in: no charting library fetched
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if LIBRARY in url]
    sign_in(page, "noivu", PASSWORD, f"/#/today?date={district.day.isoformat()}")
    page.locator("li.unit-card").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if LIBRARY in url]
    # WHEN Home Affairs opens the charts of the seeded month through the navigation
    page.get_by_role("link", name="Biểu đồ").click()
    page.get_by_role("heading", name="Biểu đồ", exact=True).wait_for()
    page.goto(f"/#/charts?month={district.day:%Y-%m}")
    page.locator("details").first.wait_for()
    page.wait_for_load_state("networkidle")
    # THEN the library was fetched, and three charts are drawn, each with a heading and a label saying what it shows
    assert [url for url in requested if LIBRARY in url]
    for title in ("Tỉ lệ có mặt theo ngày", "Đi muộn theo thứ trong tuần", "Giờ đến trong buổi sáng"):
        page.get_by_role("heading", name=title).wait_for()
    canvases = page.locator("section.chart canvas")
    assert canvases.count() == 3
    for index in range(3):
        canvas = canvases.nth(index)
        assert canvas.get_attribute("role") == "img" and len(canvas.get_attribute("aria-label") or "") > 20
        assert canvas.evaluate("canvas => window.Chart.getChart(canvas) !== undefined && canvas.width > 0")
    # AND the labels carry the figures: the units' month rates, the late Tuesdays (or whichever day it was)
    rate_label = canvases.nth(0).get_attribute("aria-label") or ""
    assert UNIT_A in rate_label and UNIT_B in rate_label
    # AND the Content-Security-Policy refused nothing Chart.js did
    assert blocked == []
    screenshot(page, "charts")


def test_each_chart_has_its_numbers_in_a_table(page, district: District) -> None:
    sign_in(page, "noivu", PASSWORD, f"/#/charts?month={district.day:%Y-%m}&unit_id={district.units[UNIT_A]}")
    section = page.locator("section[data-chart='rate']")
    section.get_by_text("Xem bảng số liệu").click()
    # THEN the seeded day reads 80 % for Phòng Nội vụ: 4 present of the 5 expected (the sixth is on leave)
    row = section.locator("tbody tr").filter(has_text=f"{district.day:%d/%m/%Y}")
    assert "80% (4/5)" in row.inner_text().replace("\u00a0", "")
    lateness = page.locator("section[data-chart='lateness']")
    lateness.get_by_text("Xem bảng số liệu").click()
    weekday = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"][district.day.weekday()]
    cells = lateness.locator("tbody tr").filter(has_text=weekday).locator("td").all_inner_texts()
    assert int(cells[1]) >= 2 and int(cells[2]) >= 45  # late1 and late2 that day (17 + 28 minutes)
