"""The lobby screen (web/lobby.html) served by the edge uploader's --screen server, read in Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from edge_uploader.screen import ScreenBoard, ScreenServer
from edge_uploader.view import LOOK_AT_CAMERA, SENT, WAITING
from tests.browser.conftest import screenshot

WEB = Path(__file__).resolve().parents[2] / "web"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def screen() -> Iterator[ScreenServer]:
    server = ScreenServer(ScreenBoard(datetime.now(HANOI)), "127.0.0.1", 0, WEB)
    server.start()
    yield server
    server.stop()


def show(server: ScreenServer, state: str, text: str = "", name: str | None = None, message: str | None = None,
         result: str | None = None) -> None:
    server.board.update({"state": state, "text": text, "name": name, "message": message, "result": result},
                        datetime.now(HANOI))


def test_the_lobby_screen_follows_the_uploader_from_two_metres(browser: object, screen: ScreenServer) -> None:
    host, port = screen.address
    context = browser.new_context(viewport={"width": 1280, "height": 720})  # type: ignore[attr-defined]
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # GIVEN nobody at the camera THEN the standing instruction
    tab.goto(f"http://{host}:{port}/")
    tab.get_by_text("Bỏ khẩu trang, nhìn vào camera và dừng 2 giây").wait_for()
    # WHEN a person is followed, then sent, then recognised THEN the page says what the display says
    show(screen, "prompt", WAITING)
    tab.get_by_text(WAITING).wait_for()
    show(screen, "recognising", SENT)
    tab.get_by_text(SENT).wait_for()
    message = "Xin chào Nguyễn Văn An — đã ghi nhận giờ đến 07:25."
    show(screen, "result", message, "Nguyễn Văn An", message, "matched")
    name = tab.locator(".lobby-name")
    name.filter(has_text="Nguyễn Văn An").wait_for()
    tab.get_by_text(message).wait_for()
    # the name is large enough to read from two metres (at least 5 % of the screen's height)
    assert float(name.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 0.05 * 720
    assert "result-matched" in str(tab.evaluate("document.body.className"))
    screenshot(tab, "lobby")
    # WHEN the passage is judged a photo THEN only the request to look at the camera
    show(screen, "result", LOOK_AT_CAMERA, None, None, "spoof_suspected")
    tab.get_by_text(LOOK_AT_CAMERA).wait_for()
    assert "result-spoof_suspected" in str(tab.evaluate("document.body.className"))
    # WHEN the box beside the camera stops answering THEN the screen says so instead of a stale name
    screen.stop()
    tab.get_by_text("Chưa kết nối được thiết bị camera").wait_for(timeout=10_000)
    context.close()
    assert [error for error in errors if "Failed to load resource" not in error] == []
