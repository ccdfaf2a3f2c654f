"""WCAG 2 A and AA, checked by axe-core (web/node_modules, installed by `make web`) on every main page, as the
people who use each page see it: labels, names of buttons and links, contrast, landmarks, language."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.district import PASSWORD, UNIT_A, District

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"

# (who, page, what must be on it before it is checked)
PAGES = [
    (None, "/#/sign-in", "Tên đăng nhập"),
    (None, "/#/help", "Hướng dẫn sử dụng"),
    ("noivu", "/#/today?date={day}", "Hôm nay"),
    ("noivu", "/#/today?date={day}&unit_id={unit_a}", "Đi muộn"),
    ("noivu", "/#/people/{late1}/month?month={month}&date={day}", "17 phút"),
    ("noivu", "/#/charts?month={month}", "Biểu đồ"),
    ("lanhdao", "/#/absences", "Nghỉ phép và điều chỉnh"),
    ("lanhdao", "/#/roster?date={day}", "Ở nhà"),
    ("noivu", "/#/roster?unit_id={unit_a}&month={month}", "Duyệt ngoại lệ về giới hạn"),
    ("quantri", "/#/staff", "Cán bộ"),
    ("quantri", "/#/staff/{clerk}", "Trần Thị Bình"),
    ("quantri", "/#/staff/bulk", "Đăng ký hàng loạt"),
    ("admin", "/#/admin/accounts", "Tài khoản"),
    ("admin", "/#/admin/devices", "Thiết bị"),
    ("quantri", "/#/admin/devices?unit_id={unit_a}", "Người đơn vị khác được nhận diện"),
    ("admin", "/#/admin/audit", "Nhật ký"),
    ("admin", "/#/reports?date={day}", "Báo cáo"),
    ("lanhdao", "/#/tasks?date={day}", "Số liệu từ"),
    ("quantri", "/#/tasks/import", "Nhập nhiệm vụ từ tệp"),
    ("admin", "/#/admin/integrations", "Kết nối hệ thống"),
    ("canbo", "/#/evaluations?month={eval_month}", "Điểm từng tiêu chí chung"),
    ("lanhdao", "/#/evaluations/unit?unit_id={unit_a}&month={eval_month}", "Bảng đánh giá, xếp loại"),
    ("lanhdao", "/#/evaluations/person/{clerk}?month={eval_month}", "Điểm từng tiêu chí chung"),
    ("noivu", "/#/admin/rulesets", "Khung điểm xếp loại"),
    ("canbo", "/#/people/{clerk}/personal-data", "Yêu cầu xoá dữ liệu"),
    ("quantri", "/#/erasure-requests?status=any", "Yêu cầu xoá dữ liệu cá nhân"),
    ("canbo", "/#/privacy/notice", "THÔNG BÁO VỀ VIỆC XỬ LÝ DỮ LIỆU CÁ NHÂN"),
]


@pytest.fixture
def checked_page(browser: object, site: str) -> Iterator[object]:
    """A tab that lets the test inject axe-core (the site's CSP would refuse it, rightly)."""
    if not AXE.is_file():
        pytest.fail("web/node_modules/axe-core is missing: run `make web` (make test does)")
    context = browser.new_context(base_url=site, bypass_csp=True, locale="vi-VN",  # type: ignore[attr-defined]
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("who", "path", "marker"), PAGES, ids=[f"{who or 'public'}:{path.split('?')[0]}"
                                                               for who, path, _ in PAGES])
def test_every_main_page_passes_wcag_aa(checked_page, request: pytest.FixtureRequest, district: District,
                                        who: str | None, path: str, marker: str) -> None:
    page = checked_page
    # The evaluation pages read a past month evaluated through the API (made only when one of them is checked).
    eval_month = request.getfixturevalue("evaluated").month if "{eval_month}" in path else ""
    if who is not None:
        password = district.admin_password if who == "admin" else PASSWORD
        page.goto("/#/sign-in")
        page.get_by_label("Tên đăng nhập").fill(who)
        page.get_by_label("Mật khẩu", exact=True).fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(lambda url: "#/sign-in" not in url)
    page.goto(path.format(day=district.day.isoformat(), month=f"{district.day:%Y-%m}",
                          unit_a=district.units[UNIT_A], late1=district.person("late1").staff_id,
                          clerk=district.person("clerk").staff_id, eval_month=eval_month))
    page.get_by_text(marker).first.wait_for()
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const found = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
        return found.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    assert result == [], json.dumps(result, ensure_ascii=False, indent=1)
