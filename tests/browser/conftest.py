"""Browser tests: Playwright drives Debian's Chromium against the site served by the local stack.

One stack (its own process, as `make serve` runs it) and one seeded district (tests/browser/district.py) serve
every test of the session; each test gets a fresh browser context (empty session storage).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.district import District, EvaluationMonth, build, evaluate_month
from tests.conftest import SHARED
from tests.integration.served import local_stack

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the machine's notes advise: no background connections (the network is closed), a throwaway profile.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
ADMIN_PASSWORD = "browser-test-admin-password"
# `make screenshots` sets SCREENSHOTS_DIR=docs/screenshots (the README's pictures); otherwise they go to out/.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "out" / "screenshots"))


@pytest.fixture(scope="session")
def site(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    vendor = Path(__file__).resolve().parents[2] / "web" / "vendor" / "pico.min.css"
    if not vendor.is_file():
        pytest.fail("web/vendor is missing: run `make web` (make test does)")
    with local_stack(models_dir, tmp_path_factory.mktemp("browser-stack"), ADMIN_PASSWORD) as (url, _process):
        yield url


@pytest.fixture(scope="session")
def district(site: str, models_dir: Path, faces_dir: Path) -> District:
    return build(site, ADMIN_PASSWORD, faces_dir, models_dir, SHARED / "liveness-samples")


@pytest.fixture(scope="session")
def evaluated(district: District) -> EvaluationMonth:
    """A past month of Phòng Nội vụ evaluated through the API (only the tests of the evaluation pages need it)."""
    return evaluate_month(district)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, site: str) -> Iterator[object]:
    """A fresh tab (its own session storage) on a desktop screen, Vietnamese first."""
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900},  # type: ignore[attr-defined]
                                  locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(30_000)  # generous: CI runs these beside the fuzzers on two cores
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"the page raised script errors: {errors}"


def sign_in(page: object, username: str, password: str, start: str = "/") -> None:
    """Open `start`, sign in through the form, and wait until the page behind it has loaded."""
    page.goto(start)  # type: ignore[attr-defined]
    page.get_by_label("Tên đăng nhập").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Mật khẩu", exact=True).fill(password)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Đăng nhập").click()  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "#/sign-in" not in url)  # type: ignore[attr-defined]


def screenshot(page: object, name: str) -> None:
    """A picture of the page for the README and the help pages (never of a page that shows a face)."""
    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=False)  # type: ignore[attr-defined]
    # 256 colours are plenty for pages of text and keep the committed pictures small.
    with Image.open(target) as shot:
        small = shot.convert("RGB").quantize(colors=256)
    small.save(target, optimize=True)
