"""The monthly evaluation in the browser: a civil servant self-assesses, her leader reviews with an adjustment and
its reason, the head approves seeing the cap, and she reads her locked evaluation with its final grade; the rule
sets as Home Affairs and a system admin read them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, District, EvaluationMonth
from tests.browser.district import sign_in as api_sign_in

GRADES = {"excellent": "Hoàn thành xuất sắc nhiệm vụ", "good": "Hoàn thành tốt nhiệm vụ",
          "completed": "Hoàn thành nhiệm vụ", "not_completed": "Không hoàn thành nhiệm vụ"}


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{number}/{year}"


def test_self_assessment_then_review_then_approval_locks_the_month(page, browser, site: str, district: District,
                                                                   evaluated: EvaluationMonth) -> None:
    month, clerk = evaluated.month, district.person("clerk")
    # GIVEN the clerk, whose month was computed from her tasks WHEN she opens her evaluation and picks the month
    sign_in(page, "canbo", PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Đánh giá, xếp loại").click()
    page.get_by_label("Tháng đánh giá").fill(month)
    page.get_by_role("button", name="Xem").click()
    # THEN it waits for her, with its sources: the attendance criterion computed, her three tasks listed
    page.locator("[data-fact='state']").get_by_text("Chờ cán bộ tự đánh giá").wait_for()
    general = page.get_by_role("table", name="Điểm từng tiêu chí chung và nguồn của điểm")
    assert "Tính từ chấm công" in general.inner_text()
    tasks = page.get_by_role("table", name="Nhiệm vụ trong tháng và mức được tính").locator("tbody tr")
    assert tasks.count() == evaluated.tasks["clerk"]
    # WHEN she scores each criterion she enters at its maximum and submits
    form = page.locator("form.self-assessment")
    inputs = form.locator("input[type=number]")
    assert inputs.count() >= 1
    for index in range(inputs.count()):
        inputs.nth(index).fill(str(int(float(inputs.nth(index).get_attribute("max") or "0"))))
    form.get_by_label("Nhận xét").fill("Hoàn thành đúng hạn các báo cáo được giao.")
    form.get_by_role("button", name="Gửi tự đánh giá").click()
    # THEN it is with her leader now
    page.get_by_text("Đã gửi tự đánh giá.").wait_for()
    page.locator("[data-fact='state']").get_by_text("Chờ lãnh đạo đánh giá").wait_for()
    screenshot(page, "evaluation")

    # GIVEN her leader WHEN he opens the unit's table THEN her row waits for him
    leader = browser.new_context(base_url=site, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        tab = leader.new_page()
        sign_in(tab, "lanhdao", PASSWORD, f"/#/evaluations/unit?unit_id={district.units[UNIT_A]}&month={month}")
        table = tab.get_by_role("table", name=f"Bảng đánh giá, xếp loại tháng {month_label(month)}")
        row = table.get_by_role("row").filter(has_text=clerk.full_name)
        row.get_by_text("Chờ lãnh đạo đánh giá").wait_for()
        assert "Lãnh đạo đơn vị" in row.inner_text()
        # WHEN he opens her evaluation and lowers one criterion
        row.get_by_role("link", name=f"Xem phiếu của {clerk.full_name}").click()
        tab.get_by_role("heading", name=f"Phiếu đánh giá của {clerk.full_name} — tháng {month_label(month)}").wait_for()
        review = tab.locator("form.review")
        points = review.locator("input[type=number]")
        last = points.nth(points.count() - 1)
        lowered = int(float(last.input_value())) - 1
        last.fill(str(lowered))
        # THEN a reason is asked for, and the review is not sent without one
        reason = review.get_by_label("Lý do điều chỉnh", exact=False).last
        assert reason.is_visible()
        review.get_by_role("button", name="Lưu đánh giá").click()
        assert tab.get_by_text("Đã lưu đánh giá của lãnh đạo.").count() == 0
        # WHEN he gives the reason THEN the review is stored, the adjustment shown with its reason and her own score
        reason.fill("Chưa có sáng kiến cải tiến trong tháng")
        review.get_by_role("button", name="Lưu đánh giá").click()
        tab.get_by_text("Đã lưu đánh giá của lãnh đạo.").wait_for()
        tab.locator("[data-fact='state']").get_by_text("Chờ thủ trưởng phê duyệt").wait_for()
        general = tab.get_by_role("table", name="Điểm từng tiêu chí chung và nguồn của điểm").inner_text()
        assert "Lý do: Chưa có sáng kiến cải tiến trong tháng" in general and "Tự chấm: " in general
        assert "lãnh đạo đánh giá" in general
    finally:
        leader.close()

    # GIVEN the head, and the cap as the API proposes it
    head_api = api_sign_in(district.url, "thutruong", PASSWORD)
    unit = head_api.call("GET", f"/v1/units/{district.units[UNIT_A]}/evaluations/{month}")
    head = browser.new_context(base_url=site, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        tab = head.new_page()
        sign_in(tab, "thutruong", PASSWORD, f"/#/evaluations/unit?unit_id={district.units[UNIT_A]}&month={month}")
        # THEN the cap is visible with its limit, and the approval panel is offered
        cap = tab.locator(".evaluation-cap")
        cap.get_by_text("Tối đa được xếp loại xuất sắc").first.wait_for()
        assert "20%" in cap.inner_text()
        assert ("Giới hạn có tác dụng" in cap.inner_text()) == any(
            bool(one.get("binds")) for one in _caps(unit))
        cap.scroll_into_view_if_needed()
        screenshot(tab, "evaluation-unit")
        # WHEN the head approves (choosing among the tied ones if there are any) and confirms
        for fieldset in tab.locator("form.approve fieldset").all():
            slots = int(fieldset.get_attribute("data-slots") or "0")
            boxes = fieldset.locator("input[type=checkbox]")
            for index in range(slots):
                boxes.nth(index).check()
        tab.locator("form.approve").get_by_role("button", name="Phê duyệt").click()
        tab.get_by_role("dialog").get_by_role("button", name="Phê duyệt").click()
        # THEN every row of the unit is locked
        tab.get_by_text("Đã phê duyệt", exact=False).first.wait_for()
        table = tab.get_by_role("table", name=f"Bảng đánh giá, xếp loại tháng {month_label(month)}")
        table.get_by_role("row").filter(has_text=clerk.full_name).get_by_text("Đã phê duyệt (khoá)").wait_for()
    finally:
        head.close()

    # WHEN the clerk opens her month again THEN it is locked, with its final grade, and nothing is left to fill in
    stored = api_sign_in(district.url, "canbo", PASSWORD).call(
        "GET", f"/v1/staff/{clerk.staff_id}/evaluations/{month}")
    assert stored["state"] == "locked" and stored["final_grade"] in GRADES
    page.reload()  # the same address she left open
    page.locator("[data-fact='state']").get_by_text("Đã phê duyệt (khoá)").wait_for()
    assert GRADES[str(stored["final_grade"])] in page.locator("[data-fact='final_grade']").inner_text()
    assert page.locator("form.self-assessment").count() == 0
    history = page.get_by_role("table", name="Các bước đã thực hiện").inner_text()
    assert "Tự đánh giá" in history and "Lãnh đạo đánh giá" in history and "Phê duyệt" in history


def _caps(unit: dict[str, Any]) -> list[dict[str, Any]]:
    """The cap proposals of a unit's month (one per duty group)."""
    cap: Any = unit.get("cap", unit.get("caps", []))
    if isinstance(cap, dict):
        return [cap] if "limit" in cap else [dict(one) for one in cap.values()]
    return [dict(one) for one in cap or []]


def test_a_civil_servant_cannot_open_a_colleagues_evaluation(page, district: District,
                                                             evaluated: EvaluationMonth) -> None:
    # GIVEN the clerk WHEN she types the address of a colleague's evaluation
    sign_in(page, "canbo", PASSWORD, f"/#/evaluations/person/{district.person('late1').staff_id}"
                                     f"?month={evaluated.month}")
    # THEN the API's refusal is shown, and none of the colleague's evaluation
    page.get_by_role("alert").wait_for()
    assert page.locator(".evaluation").count() == 0


def test_rule_sets_are_read_in_full_and_a_bad_version_is_refused_with_the_apis_words(page, district: District,
                                                                                     evaluated: EvaluationMonth
                                                                                     ) -> None:
    # GIVEN a system admin WHEN they open the rule sets
    sign_in(page, "admin", district.admin_password, "/#/admin/rulesets")
    listed = page.get_by_role("table", name="Các phiên bản bộ tiêu chí")
    listed.get_by_text("Đang áp dụng").wait_for()
    # THEN the one in force is shown in full: its criteria, bands and the cap
    page.get_by_role("table", name="Khung điểm xếp loại").wait_for()
    assert "Hoàn thành xuất sắc nhiệm vụ" in page.get_by_role("table", name="Khung điểm xếp loại").inner_text()
    assert page.get_by_text("Giới hạn:", exact=False).count() == 1
    # WHEN they paste something that is not JSON THEN the page says so; WHEN valid JSON that is no rule set THEN
    # the API's refusal is shown
    page.get_by_text("Thêm phiên bản bộ tiêu chí").click()
    page.get_by_label("Nội dung JSON").fill("{ không phải JSON")
    page.get_by_role("button", name="Thêm phiên bản", exact=True).click()
    page.get_by_text("Nội dung không phải JSON hợp lệ", exact=False).wait_for()
    page.get_by_label("Nội dung JSON").fill('{"ruleset_id": "thu-nghiem", "version": 1}')
    page.get_by_role("button", name="Thêm phiên bản", exact=True).click()
    page.locator("[data-code='ruleset_invalid']").wait_for()


def test_an_admin_runs_a_months_evaluation_reports_and_reads_and_downloads_them(page, district: District,
                                                                                 evaluated: EvaluationMonth) -> None:
    month = evaluated.month
    # GIVEN the system admin on the reports page of the evaluated month
    sign_in(page, "admin", district.admin_password, f"/#/reports?month={month}")
    section = page.locator("section[aria-labelledby='reports-monthly']")
    section.get_by_role("heading", name="Báo cáo đánh giá, xếp loại hằng tháng").wait_for()
    # WHEN they run the month's reports, after confirming
    section.get_by_text("Chạy lại báo cáo đánh giá của tháng này").click()
    section.get_by_role("button", name="Chạy báo cáo tháng").click()
    page.get_by_role("dialog").get_by_role("button", name="Chạy báo cáo tháng").click()
    # THEN the district's summary and Phòng Nội vụ's report are listed
    section.get_by_role("status").first.wait_for(timeout=120_000)
    listed = section.get_by_role("table", name=f"Báo cáo đánh giá, xếp loại tháng {month_label(month)}")
    listed.get_by_role("row").filter(has_text=UNIT_A).wait_for()
    # WHEN they open the unit's e-mail THEN its subject names the unit and the month
    section.get_by_role("button", name=f"Xem e-mail đánh giá tháng của {UNIT_A}").click()
    mail = page.locator("article.mail")
    mail.wait_for()
    assert UNIT_A in mail.get_by_role("heading").inner_text()
    assert district.person("clerk").full_name in mail.locator("pre").inner_text()
    # WHEN they download the unit's spreadsheet THEN it is the offices' summary form of that month
    with page.expect_download() as downloaded:
        section.get_by_role("button", name=f"Tải tệp đính kèm đánh giá tháng của {UNIT_A}").click()
    sheet = load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes())).active
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert any("BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI" in value for value in cells)
    assert district.person("clerk").full_name in cells


def test_home_affairs_reopens_a_locked_evaluation_with_a_reason(page, district: District,
                                                                evaluated: EvaluationMonth) -> None:
    month, clerk = evaluated.month, district.person("clerk")
    head = api_sign_in(district.url, "thutruong", PASSWORD)
    unit = head.call("GET", f"/v1/units/{district.units[UNIT_A]}/evaluations/{month}")
    if any(row["state"] == "reviewed" for row in unit["rows"]):  # type: ignore[union-attr]
        head.call("POST", f"/v1/units/{district.units[UNIT_A]}/evaluations/{month}/approve",
                  json={"excellent": [one for cap in _caps(unit) for one in cap["tied"][:cap["slots"]]]})
    # GIVEN Home Affairs on the clerk's locked evaluation: no review form, the reopening offered
    sign_in(page, "noivu", PASSWORD, f"/#/evaluations/person/{clerk.staff_id}?month={month}")
    page.locator("[data-fact='state']").get_by_text("Đã phê duyệt (khoá)").wait_for()
    assert page.locator("form.review").count() == 0
    # WHEN they reopen it without a reason THEN nothing is sent; WITH one THEN it is back before the head
    page.get_by_text("Mở lại phiếu đã khoá").click()
    page.get_by_role("button", name="Mở lại", exact=True).click()
    assert page.get_by_text("Đã mở lại phiếu đánh giá.").count() == 0
    page.get_by_label("Lý do mở lại").fill("Đơn vị đề nghị xem xét lại theo Công văn số 12/NV")
    page.get_by_role("button", name="Mở lại", exact=True).click()
    page.get_by_text("Đã mở lại phiếu đánh giá.").wait_for()
    page.locator("[data-fact='state']").get_by_text("Chờ thủ trưởng phê duyệt").wait_for()
    history = page.get_by_role("table", name="Các bước đã thực hiện").inner_text()
    assert "Mở lại" in history and "Công văn số 12/NV" in history
