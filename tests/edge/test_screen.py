"""--screen: the lobby page's data (/screen.json) says what the --display output shows, and nothing else is served.

GIVEN the uploader following a person, WHEN the display is updated, THEN /screen.json says the same thing.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from edge_uploader import config
from edge_uploader.cli import build_parser, main
from edge_uploader.config import MODEL_NAME
from edge_uploader.passages import PassageTracker
from edge_uploader.runner import Uploader
from edge_uploader.screen import ScreenBoard, ScreenServer
from edge_uploader.view import LOOK_AT_CAMERA, SENT, WAITING, Overlay
from tests.edge.test_passages import SHARP, at, face

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


class RecordingDisplay:
    """Stands in for --display: keeps what it was asked to draw."""

    def __init__(self) -> None:
        self.shown: list[tuple[list[Overlay], str]] = []

    def show(self, frame: np.ndarray, overlays: Sequence[Overlay], banner: str = "") -> None:
        self.shown.append((list(overlays), banner))


@pytest.fixture
def screen_files(tmp_path: Path) -> Path:
    folder = tmp_path / "screen"
    (folder / "js").mkdir(parents=True)
    (folder / "lobby.html").write_text("<!doctype html><title>Sảnh</title><script src=js/lobby.js></script>",
                                       encoding="utf-8")
    (folder / "js" / "lobby.js").write_text("fetch('/screen.json')", encoding="utf-8")
    (folder / "frame.jpg").write_bytes(b"\xff\xd8\xff\xe0 a camera frame")  # e.g. --display pointed here
    (folder / ".secret.json").write_text("{}", encoding="utf-8")
    (tmp_path / "outside.html").write_text("outside", encoding="utf-8")
    return folder


@pytest.fixture
def served(screen_files: Path) -> Iterator[ScreenServer]:
    server = ScreenServer(ScreenBoard(datetime.now(ZONE)), "127.0.0.1", 0, screen_files)
    server.start()
    yield server
    server.stop()


def request(server: ScreenServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    host, port = server.address
    connection = http.client.HTTPConnection(host, port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def screen_json(server: ScreenServer) -> dict[str, Any]:
    status, headers, body = request(server, "/screen.json")
    assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
    data: dict[str, Any] = json.loads(body)
    return data


def uploader_showing_to(server: ScreenServer) -> tuple[Uploader, RecordingDisplay]:
    """The running uploader's display path, without camera, queue or sender."""
    uploader = Uploader.__new__(Uploader)
    display = RecordingDisplay()
    uploader.tracker, uploader._lock, uploader.zone = PassageTracker(), threading.Lock(), ZONE
    uploader._captures, uploader._answers, uploader._look_again, uploader._banner = {}, {}, [], None
    uploader.display, uploader.board = display, server.board  # type: ignore[assignment]
    return uploader, display


def test_screen_json_says_what_the_display_shows_as_a_person_is_prompted_recognised_and_answered(
        served: ScreenServer) -> None:
    # GIVEN nobody in front of the camera: the screen is idle
    idle = screen_json(served)
    assert {key: idle[key] for key in ("state", "text", "name", "message", "result")} == {
        "state": "idle", "text": "", "name": None, "message": None, "result": None}
    datetime.fromisoformat(idle["updated_at"])
    uploader, display = uploader_showing_to(served)
    # WHEN a person walks up and is followed
    uploader.tracker.update(SHARP, at(0), [face(600)])
    uploader._show(SHARP, at(0))
    # THEN the display asks them to pause, and so does the page's data
    [overlay] = display.shown[-1][0]
    assert overlay.text == WAITING
    prompt = screen_json(served)
    assert (prompt["state"], prompt["text"], prompt["name"], prompt["result"]) == ("prompt", WAITING, None, None)
    assert prompt["updated_at"] >= idle["updated_at"]
    # WHEN their capture is queued (the runner notes its id against the track)
    [track] = uploader.tracker.tracks
    uploader._captures[track.track_id] = "c-1"
    uploader.tracker.update(SHARP, at(1), [face(600)])
    uploader._show(SHARP, at(1))
    # THEN both say it is being recognised
    assert display.shown[-1][0][0].text == SENT
    assert (screen_json(served)["state"], screen_json(served)["text"]) == ("recognising", SENT)
    # WHEN the server answers that it is Nguyễn Văn An, checked in
    message = "Xin chào Nguyễn Văn An. Đã ghi nhận giờ đến 07:25."
    uploader._answered("c-1", {"result": "matched", "full_name": "Nguyễn Văn An", "display_message": message,
                               "similarity": 0.71})
    uploader.tracker.update(SHARP, at(2), [face(600)])
    uploader._show(SHARP, at(2))
    # THEN the display shows the name above the face and the message in the banner, and the page the same
    overlays, banner = display.shown[-1]
    assert (overlays[0].text, banner) == ("Nguyễn Văn An", message)
    result = screen_json(served)
    assert {key: result[key] for key in ("state", "text", "name", "message", "result")} == {
        "state": "result", "text": message, "name": "Nguyễn Văn An", "message": message, "result": "matched"}
    assert "similarity" not in result  # only what the screen shows
    # and asking again without a change does not move its time
    uploader._show(SHARP, at(2))
    assert screen_json(served)["updated_at"] == result["updated_at"]


def test_a_suspected_spoof_asks_to_look_at_the_camera_on_both_and_hides_the_server_s_wording(
        served: ScreenServer) -> None:
    uploader, display = uploader_showing_to(served)
    uploader.tracker.update(SHARP, at(0), [face(600)])
    [track] = uploader.tracker.tracks
    uploader._captures[track.track_id] = "c-2"
    # WHEN the server judges the passage a photo or a screen
    uploader._answered("c-2", {"result": "spoof_suspected", "full_name": None,
                               "display_message": "Nghi vấn ảnh chụp. Không ghi nhận."})
    uploader._show(SHARP, at(0))
    # THEN the display and the page ask the person to look straight into the camera, naming nobody
    assert display.shown[-1][1] == LOOK_AT_CAMERA
    state = screen_json(served)
    assert (state["state"], state["text"], state["name"], state["message"], state["result"]) == (
        "result", LOOK_AT_CAMERA, None, None, "spoof_suspected")


def test_the_lobby_page_and_its_script_are_served_with_the_static_site_headers(served: ScreenServer) -> None:
    status, headers, body = request(served, "/")
    assert status == 200 and "Sảnh" in body.decode()
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "'unsafe-inline'" not in headers["content-security-policy"]
    assert (headers["x-frame-options"], headers["x-content-type-options"]) == ("DENY", "nosniff")
    status, headers, _ = request(served, "/js/lobby.js")
    assert status == 200 and headers["content-type"] == "text/javascript; charset=utf-8"


@pytest.mark.parametrize("path", [
    "/../outside.html", "/%2e%2e/outside.html", "/js/../../outside.html", "/..%2foutside.html",
    "//etc/passwd", "/%2Fetc%2Fpasswd", "/.secret.json", "/js/%00lobby.js", "/..\\outside.html",
    "/frame.jpg",  # a camera frame in the folder is still never served
    "/missing.html",
])
def test_nothing_outside_the_folder_hidden_or_an_image_is_served(served: ScreenServer, path: str) -> None:
    status, _, body = request(served, path)
    assert status == 404, path
    assert b"outside" not in body and b"camera frame" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
def test_only_get_is_answered(served: ScreenServer, method: str) -> None:
    status, headers, _ = request(served, "/screen.json", method)
    assert status == 405 and headers["allow"] == "GET"


@pytest.fixture
def base_env(models_dir: Path) -> dict[str, str]:
    return {"EDGE_API_URL": "https://abc.execute-api.ap-southeast-1.amazonaws.com/api", "EDGE_DEVICE_ID": "lobby-1",
            "EDGE_SOURCE": "0", "EDGE_DEVICE_SECRET": "s3cret-of-lobby-1", "EDGE_MODEL": str(models_dir / MODEL_NAME)}


def test_screen_is_off_by_default_and_host_port_is_read(base_env: dict[str, str], tmp_path: Path) -> None:
    parser = build_parser()
    assert config.load(parser.parse_args([]), base_env).screen is None
    loaded = config.load(parser.parse_args(["--screen", "0.0.0.0:8080", "--screen-files", str(tmp_path)]), base_env)
    assert (loaded.screen, loaded.screen_files) == (("0.0.0.0", 8080), tmp_path)  # noqa: S104 - the kiosk on the LAN
    assert config.load(parser.parse_args(["--screen", "[::1]:9000"]), base_env).screen == ("::1", 9000)
    assert config.load(parser.parse_args([]), {**base_env, "EDGE_SCREEN": "localhost:8081"}).screen == (
        "localhost", 8081)


@pytest.mark.parametrize("value", ["8080", "localhost", ":8080", "host:0", "host:70000", "host:http",
                                   "http://host:8080", "a b:80"])
def test_a_bad_screen_value_is_a_usage_error(value: str, base_env: dict[str, str],
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for name, env_value in base_env.items():
        monkeypatch.setenv(name, env_value)
    # WHEN the uploader is started with it
    code = main(["--screen", value])
    # THEN it exits 2 naming the setting, before opening the camera
    assert code == 2
    assert "screen" in capsys.readouterr().err


def test_a_screen_files_folder_that_does_not_exist_is_a_usage_error(
        base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, env_value in base_env.items():
        monkeypatch.setenv(name, env_value)
    assert main(["--screen", "127.0.0.1:8080", "--screen-files", str(tmp_path / "nope")]) == 2
