"""Signing in, the forced password change, an expired session, languages and the phone layout, in Chromium."""

from __future__ import annotations

import re

import requests

from tests.browser.conftest import screenshot, sign_in
from tests.browser.district import PASSWORD, UNIT_A, District
from tests.browser.district import sign_in as api_sign_in


def test_a_wrong_password_is_told_in_vietnamese_and_the_form_stays(page, district: District) -> None:
    # GIVEN the sign-in page WHEN someone types a wrong password
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill("noivu")
    page.get_by_label("Mật khẩu", exact=True).fill("không phải mật khẩu này")
    page.get_by_role("button", name="Đăng nhập").click()
    # THEN the API's message is shown, the password field is emptied, and nobody is signed in
    page.get_by_role("alert").filter(has_text="Tên đăng nhập hoặc mật khẩu không đúng.").wait_for()
    assert page.get_by_label("Mật khẩu", exact=True).input_value() == ""
    assert page.evaluate("sessionStorage.getItem('chamcong.session')") is None
    screenshot(page, "sign-in")


def test_a_temporary_password_must_be_changed_first_with_the_rules_explained(page, district: District) -> None:
    account = district.temporary
    assert account is not None
    # GIVEN an account with a temporary password WHEN its owner signs in
    sign_in(page, account.username, account.password)
    # THEN the change-password page says by when, and the rules the API enforces
    page.get_by_role("heading", name="Đổi mật khẩu").wait_for()
    assert "#/password" in page.url
    text = page.locator("main").inner_text()
    assert re.search(r"trước \d{2}:\d{2},? \d{2}/\d{2}/\d{4}", text), text
    assert "có từ 10 đến 128 ký tự" in text and "không chứa tên đăng nhập" in text
    screenshot(page, "password-change")
    # WHEN the two new passwords differ THEN the page says so before asking the API
    page.get_by_label("Mật khẩu hiện tại").fill(account.password)
    page.get_by_label("Mật khẩu mới", exact=True).fill("một câu đủ dài để dùng")
    page.get_by_label("Nhập lại mật khẩu mới").fill("một câu khác hẳn")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.get_by_text("Hai lần nhập mật khẩu mới không giống nhau.").wait_for()
    # WHEN the new one is too common THEN the API's reason is shown
    page.get_by_label("Mật khẩu mới", exact=True).fill("password123")
    page.get_by_label("Nhập lại mật khẩu mới").fill("password123")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.get_by_role("alert").filter(has_text="quá phổ biến").wait_for()
    # WHEN a good one is chosen THEN the person is in, and other pages open
    page.get_by_label("Mật khẩu mới", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(PASSWORD)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_url(lambda url: "#/password" not in url)
    session = page.evaluate("JSON.parse(sessionStorage.getItem('chamcong.session'))")
    assert session["must_change_password"] is False
    # the token is kept for this tab only, never in localStorage or a cookie
    assert page.evaluate("Object.keys(localStorage).filter(k => localStorage.getItem(k).includes('"
                         + session["token"][:12] + "'))") == []
    assert page.context.cookies() == []


def test_an_expired_session_returns_to_sign_in_and_then_to_the_same_page(page, district: District) -> None:
    # GIVEN a signed-in leader, on their unit's Today once it has loaded
    sign_in(page, "lanhdao", PASSWORD)
    page.wait_for_url(re.compile(r"#/today\?unit_id="))
    page.locator(".counts").first.wait_for()
    # WHEN the session ends on the server (here: the token is signed out behind the page's back)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('chamcong.session')).token")
    assert requests.post(f"{district.url}/v1/auth/logout", headers={"Authorization": f"Bearer {token}"},
                         timeout=30).status_code == 204
    # AND the person opens a page (with its query) that asks the API
    target = f"/today?date={district.day.isoformat()}&unit_id={district.units[UNIT_A]}"
    page.goto(f"/#{target}")
    # THEN they are sent to sign in, told why, and brought back to that page after signing in
    page.wait_for_url(re.compile(r"#/sign-in"))
    page.get_by_text("Phiên đăng nhập đã hết hạn").wait_for()
    page.get_by_label("Tên đăng nhập").fill("lanhdao")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: url.endswith(f"#{target}"))
    page.locator(".counts").first.wait_for()


def test_english_is_one_click_away_and_remembered(page, district: District) -> None:
    page.goto("/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Username").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for()
    # the API answers in English too
    page.get_by_label("Username").fill("noivu")
    page.get_by_label("Password", exact=True).fill("wrong password here")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").filter(has_text="Wrong username or password.").wait_for()
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_label("Tên đăng nhập").wait_for()


def test_sign_out_ends_the_session_on_the_server(page, district: District) -> None:
    sign_in(page, "noivu", PASSWORD)
    token = page.evaluate("JSON.parse(sessionStorage.getItem('chamcong.session')).token")
    page.get_by_role("button", name=re.compile("Đăng xuất")).click()
    page.wait_for_url(re.compile(r"#/sign-in"))
    reply = requests.get(f"{district.url}/v1/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert reply.status_code == 401


def test_a_locked_account_is_told_whom_to_ask(page, district: District) -> None:
    # GIVEN an account of Phòng Nội vụ that its admin locked
    admin = api_sign_in(district.url, "admin", district.admin_password)
    created = admin.call("POST", "/v1/accounts", 201, json={"username": "bi-khoa", "unit_id": district.units[UNIT_A]})
    admin.call("POST", "/v1/accounts/bi-khoa/lock", json={"reason": "Nghỉ hưu"})
    # WHEN its holder signs in THEN the page says it is locked and names the unit's admin to ask
    page.goto("/")
    page.get_by_label("Tên đăng nhập").fill("bi-khoa")
    page.get_by_label("Mật khẩu", exact=True).fill(str(created["temporary_password"]))
    page.get_by_role("button", name="Đăng nhập").click()
    alert = page.get_by_role("alert").filter(has_text="Tài khoản của bạn đã bị khoá")
    alert.wait_for()
    assert "quản trị viên của Phòng Nội vụ" in alert.inner_text() and "(quantri)" in alert.inner_text()
    assert page.evaluate("sessionStorage.getItem('chamcong.session')") is None


def test_signing_in_and_moving_around_needs_only_the_keyboard(page, district: District) -> None:
    # GIVEN the sign-in page: the cursor is already in the username field
    page.goto("/")
    page.get_by_label("Tên đăng nhập").wait_for()
    assert page.evaluate("document.activeElement.name") == "username"
    # WHEN the person types, tabs to the password and presses Enter
    page.keyboard.type("noivu")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/today"))
    page.locator(".counts").first.wait_for()
    # THEN the page's heading has the focus, and the navigation is reachable with Shift+Tab and Enter
    assert page.evaluate("document.activeElement.tagName") == "H1"
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent") == "Biểu đồ":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/charts"))
    # AND the first stop of the page offers to skip the navigation
    first = page.evaluate("[...document.querySelectorAll('a[href], button, input, select, textarea')][0].className")
    assert first == "skip-link"
