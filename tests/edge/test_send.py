"""`send`: one photo, one signed POST, the answer shown; the capture time that works at any hour."""

from __future__ import annotations

import base64
import email.utils
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chamcong import device_signature as signing
from edge_uploader import cli
from edge_uploader.config import ID_PATTERN
from edge_uploader.send import most_recent_past

SECRET = "s3cret-of-send-never-shown-4e1d"
DEVICE = "lobby-1"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.mark.parametrize(("now", "at", "expected"), [
    (local("2026-11-21T08:00:00"), "07:25", local("2026-11-21T07:25:00")),    # passed today
    (local("2026-11-21T07:00:00"), "07:25", local("2026-11-20T07:25:00")),    # not yet: yesterday
    (local("2026-11-21T07:25:00"), "07:25", local("2026-11-21T07:25:00")),    # this very minute has begun
    (local("2026-11-21T07:24:59"), "07:25", local("2026-11-20T07:25:00")),
    (local("2026-11-21T00:10:00"), "23:50", local("2026-11-20T23:50:00")),    # just after midnight
    (local("2026-11-21T23:55:00"), "00:05", local("2026-11-21T00:05:00")),    # just before midnight
    (local("2026-11-21T00:00:00"), "00:00", local("2026-11-21T00:00:00")),
    (local("2027-01-01T03:00:00"), "07:25", local("2026-12-31T07:25:00")),    # across the year
    (local("2028-03-01T06:00:00"), "07:25", local("2028-02-29T07:25:00")),    # a leap day
    # the clock in UTC: 18:00Z on the 20th is already 01:00 on the 21st in Hà Nội
    (datetime(2026, 11, 20, 18, 0, tzinfo=UTC), "07:25", local("2026-11-20T07:25:00")),
    (datetime(2026, 11, 21, 0, 30, tzinfo=UTC), "07:25", local("2026-11-21T07:25:00")),  # 07:30 local
])
def test_at_is_the_most_recent_past_moment_at_that_local_time(now: datetime, at: str, expected: datetime) -> None:
    hour, minute = (int(part) for part in at.split(":"))
    moment = most_recent_past(clock_time(hour, minute), now, HCM)
    assert moment == expected and moment.utcoffset() == timedelta(hours=7)
    assert timedelta(0) <= now - moment < timedelta(days=1)


def test_the_clock_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        most_recent_past(clock_time(7, 25), datetime(2026, 11, 21, 8, 0), HCM)


@pytest.fixture
def device_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EDGE_CONFIG", "EDGE_API_URL", "EDGE_DEVICE_ID", "EDGE_DEVICE_SECRET", "EDGE_DEVICE_SECRET_FILE",
                 "EDGE_SITE_TIMEZONE", "EDGE_REQUEST_TIMEOUT", "EDGE_ALLOW_INSECURE_HTTP"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # the local test server is reached directly
    monkeypatch.setenv("EDGE_DEVICE_SECRET", SECRET)
    monkeypatch.setenv("EDGE_DEVICE_ID", DEVICE)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(JPEG)
    return path


def refused_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["send", *argv])
    assert stopped.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("at", ["7:60", "24:00", "0725", "07:25pm", "07:25:00", "", "ab:cd"])
def test_a_bad_at_is_refused(at: str, photo: Path, device_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused_usage(["--image", str(photo), "--api-url", "http://127.0.0.1:9", "--at", at], capsys)
    assert "argument --at" in err and "HH:MM" in err


@pytest.mark.parametrize(("argv", "expected"), [
    (["--captured-at", "2026-11-20T07:25:00"], "needs a UTC offset"),
    (["--captured-at", "yesterday"], "is not ISO 8601"),
    (["--at", "07:25", "--captured-at", "2026-11-20T07:25:00+07:00"], "not allowed with argument"),
    (["--capture-id", "-leading-dash"], "expected one argument"),
    (["--capture-id", "has space"], "a capture id is"),
    (["--capture-id", "x" * 129], "a capture id is"),
    (["--device-secret", SECRET], "is not accepted: a secret on the command line"),
])
def test_bad_arguments_are_refused(argv: list[str], expected: str, photo: Path, device_env: None,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    err = refused_usage(["--image", str(photo), "--api-url", "http://127.0.0.1:9", *argv], capsys)
    assert expected in err and SECRET not in err


def test_the_image_is_required(device_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert "the following arguments are required: --image" in refused_usage(["--api-url", "http://127.0.0.1:9"],
                                                                               capsys)


@pytest.mark.parametrize(("image", "env", "expected"), [
    ("missing.jpg", {}, "edge_uploader: error [image_not_found]: no image at "),
    ("empty.jpg", {}, "edge_uploader: error [image_unreadable]: "),
    (".", {}, "edge_uploader: error [image_unreadable]: cannot read "),
    ("photo.jpg", {"EDGE_DEVICE_SECRET": ""}, "edge_uploader: error [config_missing]: the device secret is required"),
    ("photo.jpg", {"EDGE_DEVICE_ID": ""}, "edge_uploader: error [config_missing]: device_id is required"),
    ("photo.jpg", {"EDGE_API_URL": "http://10.0.0.8/api"}, "edge_uploader: error [insecure_api_url]"),
    ("photo.jpg", {"EDGE_SITE_TIMEZONE": "Asia/Nowhere"}, "edge_uploader: error [config_invalid]: unknown site"),
])
def test_a_missing_image_or_setting_exits_2(image: str, env: dict[str, str], expected: str, photo: Path,
                                            device_env: None, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (photo.parent / "empty.jpg").write_bytes(b"")
    monkeypatch.chdir(photo.parent)
    monkeypatch.setenv("EDGE_API_URL", "http://127.0.0.1:9")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["send", "--image", image]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and SECRET not in err


@dataclass
class Server:
    url: str
    answers: list[tuple[int, dict[str, Any]]]
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    date: str = ""  # the Date its answers carry (default: the real time)


@pytest.fixture
def server() -> Iterator[Server]:
    """A real HTTP server on 127.0.0.1, answering from a list and recording every request."""
    state = Server("", [])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((self.path, dict(self.headers.items()), body))
            status, answer = state.answers.pop(0)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def date_time_string(self, timestamp: float | None = None) -> str:
            return state.date or super().date_time_string(timestamp)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/api"
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


MATCHED = {"capture_id": "?", "result": "matched", "staff_id": "stf_1", "full_name": "Nguyễn Thị Hoà",
           "event": "check_in", "recorded": True,
           "display_message": "Xin chào Nguyễn Thị Hoà — đã ghi nhận giờ đến 07:25."}


def test_send_posts_one_signed_capture_and_prints_the_answer(server: Server, photo: Path, device_env: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    server.answers.append((200, MATCHED))
    before = int(time.time())
    # WHEN a photo is sent with the defaults (--at 07:25)
    assert cli.main(["send", "--image", str(photo), "--api-url", server.url + "/"]) == 0
    out, err = capsys.readouterr()
    # THEN one POST reached /v1/recognitions under the API's base path, signed with the device secret
    [(path, headers, body)] = server.received
    assert path == "/api/v1/recognitions" and headers["Content-Type"] == "application/json"
    assert headers[signing.HEADER_DEVICE_ID] == DEVICE
    stamp = headers[signing.HEADER_TIMESTAMP]
    assert before <= int(stamp) <= time.time() + 1
    assert signing.signature_matches(SECRET, stamp, body, headers[signing.HEADER_SIGNATURE])
    assert not signing.signature_matches("another-secret", stamp, body, headers[signing.HEADER_SIGNATURE])
    # with the body the server expects: the photo as it is, taken at the latest 07:25 that has passed here
    sent = json.loads(body)
    assert set(sent) == {"capture_id", "captured_at", "image_b64"}
    assert base64.b64decode(sent["image_b64"]) == JPEG
    taken = datetime.fromisoformat(sent["captured_at"])
    assert taken.utcoffset() == timedelta(hours=7) and (taken.hour, taken.minute, taken.second) == (7, 25, 0)
    assert timedelta(0) <= datetime.now(UTC) - taken < timedelta(days=1)
    assert ID_PATTERN.match(sent["capture_id"])
    assert re.fullmatch(rf"send-{taken:%Y%m%dT%H%M%S}-[0-9a-f]{{8}}", sent["capture_id"])
    # and the answer is printed as readable JSON, the Vietnamese unescaped; the secret nowhere
    assert json.loads(out) == MATCHED and "Nguyễn Thị Hoà" in out and out.startswith("{\n  ")
    assert sent["capture_id"] in err and out.count("\n") > 3
    assert SECRET not in out + err


def test_send_with_an_exact_time_and_id_sends_them_as_given(server: Server, photo: Path, device_env: None,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    server.answers.append((200, MATCHED))
    captured_at = (datetime.now(HCM) - timedelta(minutes=3)).replace(microsecond=0).isoformat()
    assert cli.main(["send", "--image", str(photo), "--api-url", server.url, "--captured-at", captured_at,
                     "--capture-id", "cam1-000042"]) == 0
    sent = json.loads(server.received[0][2])
    assert (sent["capture_id"], sent["captured_at"]) == ("cam1-000042", captured_at)


def test_a_refusal_shows_the_status_and_the_servers_answer_and_exits_1(server: Server, photo: Path,
                                                                       device_env: None,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    refusal = {"code": "no_face", "message": "Không tìm thấy khuôn mặt trong ảnh."}
    server.answers.append((422, refusal))
    assert cli.main(["send", "--image", str(photo), "--api-url", server.url, "--at", "06:00"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "edge_uploader: refused: HTTP 422 Unprocessable Entity [no_face]" in err
    assert json.loads(err[err.index("{"):]) == refusal and "Không tìm thấy khuôn mặt" in err
    assert SECRET not in err
    taken = datetime.fromisoformat(json.loads(server.received[0][2])["captured_at"])
    assert (taken.hour, taken.minute) == (6, 0)


def test_an_unreachable_api_exits_1(photo: Path, device_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = httpd.server_address[1]
    httpd.server_close()  # nothing listens there now
    assert cli.main(["send", "--image", str(photo), "--api-url", f"http://127.0.0.1:{port}"]) == 1
    assert "edge_uploader: error [unreachable]: http://127.0.0.1:" in capsys.readouterr().err


def test_send_takes_the_boxs_configuration_file(server: Server, photo: Path, device_env: None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the uploader's own file: settings send does not use (a model not on this machine) do not matter
    monkeypatch.delenv("EDGE_DEVICE_SECRET")
    monkeypatch.delenv("EDGE_DEVICE_ID")
    secret_file = tmp_path / "device-secret"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    settings = tmp_path / "edge.toml"
    settings.write_text(f'api_url = "{server.url}"\ndevice_id = "lobby-2"\nsource = "rtsp://camera/stream"\n'
                        f'model = "/nowhere/yunet.onnx"\ndevice_secret_file = "{secret_file}"\n', encoding="utf-8")
    server.answers.append((200, MATCHED))
    assert cli.main(["send", "--config", str(settings), "--image", str(photo)]) == 0
    [(_, headers, body)] = server.received
    assert headers[signing.HEADER_DEVICE_ID] == "lobby-2"
    assert signing.signature_matches(SECRET, headers[signing.HEADER_TIMESTAMP], body, headers[signing.HEADER_SIGNATURE])


def test_send_posts_three_photos_as_one_capture_of_images_b64(server: Server, photo: Path, device_env: None,
                                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                              ) -> None:
    # GIVEN three crops of one passage: a JPEG, a PNG and another JPEG
    png = tmp_path / "b.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    third = tmp_path / "c.jpg"
    third.write_bytes(b"\xff\xd8\xff\xdb" + bytes(32))
    server.answers.append((200, MATCHED))
    # WHEN they are sent together
    assert cli.main(["send", "--image", str(photo), "--image", str(png), "--image", str(third),
                     "--api-url", server.url]) == 0
    # THEN one signed request carries them, in the order given, as images_b64
    [(_, headers, body)] = server.received
    sent = json.loads(body)
    assert set(sent) == {"capture_id", "captured_at", "images_b64"}
    assert [base64.b64decode(image) for image in sent["images_b64"]] == [
        photo.read_bytes(), png.read_bytes(), third.read_bytes()]
    assert signing.signature_matches(SECRET, headers[signing.HEADER_TIMESTAMP], body, headers[signing.HEADER_SIGNATURE])
    assert "3 crops" in capsys.readouterr().err


@pytest.mark.parametrize(("files", "expected"), [
    (4, "edge_uploader: error [too_many_images]: a capture holds 1 to 3 photos of one passage, not 4"),
    ("text", "edge_uploader: error [image_invalid]: "),
])
def test_more_than_three_photos_or_a_file_that_is_no_image_exits_2(
        files: int | str, expected: str, photo: Path, device_env: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    if files == "text":
        notes = tmp_path / "notes.jpg"
        notes.write_text("not a photo", encoding="utf-8")
        argv = ["--image", str(photo), "--image", str(notes)]
    else:
        argv = [argument for _ in range(int(files)) for argument in ("--image", str(photo))]
    assert cli.main(["send", *argv, "--api-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and SECRET not in err


@pytest.mark.parametrize(("status", "answer", "code"), [
    (401, {"code": "stale_timestamp", "message": "timestamp too far from server time"}, 1), (200, MATCHED, 0)])
def test_a_box_clock_far_from_the_servers_is_said_on_stderr(server: Server, photo: Path, device_env: None,
                                                           capsys: pytest.CaptureFixture[str], status: int,
                                                           answer: dict[str, Any], code: int) -> None:
    # GIVEN a server whose answers say it is 400 days later than this box's clock
    server.date = email.utils.formatdate(time.time() + 400 * 86400, usegmt=True)
    server.answers.append((status, answer))
    # WHEN a photo is sent
    assert cli.main(["send", "--image", str(photo), "--api-url", server.url]) == code
    # THEN stderr says by how much the box's clock is behind, whatever the answer
    _, err = capsys.readouterr()
    [line] = [line for line in err.splitlines() if "[clock]" in line]
    found = re.search(r"clock is (\d+) s behind the server's", line)
    assert found and abs(int(found[1]) - 400 * 86400) <= 2, line


def test_a_box_clock_that_agrees_with_the_server_says_nothing(server: Server, photo: Path, device_env: None,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    server.answers.append((200, MATCHED))
    assert cli.main(["send", "--image", str(photo), "--api-url", server.url]) == 0
    assert "[clock]" not in capsys.readouterr().err
