"""The sender against a real local HTTP server: what each answer does to a capture, and what never leaks."""

from __future__ import annotations

import base64
import json
import logging
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chamcong import device_signature as signing
from edge_uploader.clock import BoxClock, Moment, since_boot
from edge_uploader.logs import JsonFormatter
from edge_uploader.queue import CaptureQueue, Counts
from edge_uploader.runner import banner_of
from edge_uploader.sender import Backoff, Sender

SECRET = "s3cret-never-on-the-wire-7f9a2c"
DEVICE = "lobby-1"
AT = "2026-11-20T07:58:00+07:00"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
IMAGE_B64 = base64.b64encode(JPEG).decode("ascii")
MATCHED = {"result": "matched", "staff_id": "NV-0042", "event": "check_in", "recorded": True, "similarity": 0.83}

Answer = tuple[int, dict[str, Any]] | tuple[int, dict[str, Any], dict[str, str]]


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeApi:
    """A real HTTP server on 127.0.0.1; answers are scripted per request, every request is recorded."""
    base_url: str
    answers: list[Answer] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends the requests answered HOLD


HOLD: Answer = (0, {})  # the request reaches the API, which never answers (until ``release``)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    lock = threading.Lock()
    state = FakeApi("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
                answer = state.answers.pop(0) if state.answers else (500, {"code": "unscripted"})
            if answer is HOLD:
                state.release.wait(60)
                self.close_connection = True
                return
            status, payload, *more = answer
            extra: dict[str, str] = more[0] if more else {}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[CaptureQueue]:
    queue = CaptureQueue(tmp_path / "edge-queue.sqlite3")
    yield queue
    queue.close()


@pytest.fixture
def sender_log(caplog: pytest.LogCaptureFixture,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.LogCaptureFixture]:
    """The sender's log records, also when an earlier logs.setup() turned propagation off."""
    monkeypatch.setattr(logging.getLogger("edge_uploader"), "propagate", True)
    with caplog.at_level(logging.DEBUG, logger="edge_uploader.sender"):
        yield caplog


def log_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The records as the box writes them (one JSON line each, with their fields)."""
    return [JsonFormatter().format(record) for record in caplog.records]


def make_sender(queue: CaptureQueue, url: str, **kwargs: Any) -> Sender:
    return Sender(queue, url, DEVICE, SECRET, timeout=5, backoff=Backoff(base=0.01, cap=0.05),
                  rng=random.Random(7), **kwargs)


def clock_checked(queue: CaptureQueue) -> None:
    """As if the sender had already read the server's time in this boot (and the box's clock is right)."""
    clock = BoxClock()
    queue.set_boot_anchor(clock.boot_id, clock.wall() - clock.since_boot(), 0.0)


def run_until(sender: Sender, done: Callable[[], bool], max_steps: int = 200) -> None:
    """Step the sender as its run loop would (waiting what it asks, at most 0.1 s) until done."""
    for _ in range(max_steps):
        if done():
            return
        time.sleep(min(sender.step(), 0.1))
    assert done(), f"not done after {max_steps} steps"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port held (bound, never listening) for the whole test: connections are refused, nobody can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def test_request_is_signed_and_carries_the_capture_but_never_the_secret(api: FakeApi,
                                                                        queue: CaptureQueue) -> None:
    # GIVEN a queued capture and a server that accepts it
    queue.put("c-1", AT, JPEG)
    api.answers = [(200, MATCHED)]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender takes a step
    sender.step()
    # THEN one POST reached /v1/recognitions under the API's base path
    [request] = api.requests
    assert (request.method, request.path) == ("POST", "/api/v1/recognitions")
    # AND it is signed with the device secret over this very body and time
    assert request.headers[signing.HEADER_DEVICE_ID] == DEVICE
    timestamp = request.headers[signing.HEADER_TIMESTAMP]
    assert abs(int(timestamp) - time.time()) < 600
    assert signing.signature_matches(SECRET, timestamp, request.body, request.headers[signing.HEADER_SIGNATURE])
    assert not signing.signature_matches("another-secret", timestamp, request.body,
                                      request.headers[signing.HEADER_SIGNATURE])
    # AND the body is the capture, the image base64 of the queued bytes
    body = json.loads(request.body)
    assert body == {"capture_id": "c-1", "captured_at": AT, "image_b64": IMAGE_B64}
    # AND the secret is nowhere in the request, nor in the sender's repr
    raw = request.body + json.dumps(request.headers).encode() + request.path.encode()
    assert SECRET.encode() not in raw
    assert SECRET not in repr(sender) and SECRET not in str(sender)
    assert queue.counts() == Counts(0, 1, 0)


def test_server_errors_are_retried_until_delivered_with_the_same_capture_id(api: FakeApi,
                                                                            queue: CaptureQueue) -> None:
    # GIVEN a server that fails twice with 503, then accepts
    queue.put("c-1", AT, JPEG)
    api.answers = [(503, {"code": "unavailable"}), (503, {"code": "unavailable"}), (200, MATCHED)]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender runs
    run_until(sender, lambda: queue.counts().delivered == 1)
    # THEN the capture is delivered on the 3rd attempt, and the same capture was sent each time
    assert queue.counts() == Counts(0, 1, 0)
    [entry] = queue.journal()
    assert entry["attempts"] == 3
    assert [json.loads(r.body)["capture_id"] for r in api.requests] == ["c-1", "c-1", "c-1"]
    assert sender.stats.sent == 1 and sender.stats.failed_attempts == 2


def test_network_down_keeps_the_capture_waiting(queue: CaptureQueue, closed_port: int) -> None:
    # GIVEN a box that checked its clock earlier in this boot, and an API address where nothing listens now
    clock_checked(queue)
    queue.put("c-1", AT, JPEG)
    sender = make_sender(queue, f"http://127.0.0.1:{closed_port}/api")
    # WHEN the sender tries three times
    run_until(sender, lambda: queue.waiting()[0]["attempts"] >= 3)
    # THEN the capture is still waiting, with its failed attempts and a network error noted
    [row] = queue.waiting()
    assert row["capture_id"] == "c-1"
    assert row["attempts"] == 3
    assert "network" in row["last_error"]
    assert queue.counts() == Counts(1, 0, 0)
    stored = sqlite3.connect(queue.path)
    try:
        assert stored.execute("SELECT image FROM pending WHERE capture_id = 'c-1'").fetchone() == (JPEG,)
    finally:
        stored.close()


def test_a_422_is_moved_aside_at_once_and_never_sent_again(api: FakeApi, queue: CaptureQueue,
                                                            sender_log: pytest.LogCaptureFixture) -> None:
    # GIVEN a server that refuses the capture as too old
    queue.put("c-1", AT, JPEG)
    api.answers = [(422, {"code": "captured_at_too_old", "message": "captured_at is more than 24 h old"})]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender steps, and steps again
    sender.step()
    sender.step()
    sender.step()
    # THEN it was sent once, and is set aside with the status, code and reason
    assert len(api.requests) == 1
    assert queue.counts() == Counts(0, 0, 1)
    [rejection] = queue.rejections()
    assert (rejection["capture_id"], rejection["status"], rejection["code"], rejection["reason"]) == (
        "c-1", 422, "captured_at_too_old", "captured_at is more than 24 h old")
    assert sender.stats.rejected == 1
    # AND the operator sees it in the log as an error, without the secret or the image
    lines = log_lines(sender_log)
    assert any('"level": "ERROR"' in line and "captured_at_too_old" in line for line in lines)
    assert not any(SECRET in line or IMAGE_B64[:40] in line for line in lines)


def test_a_409_conflict_is_moved_aside(api: FakeApi, queue: CaptureQueue) -> None:
    # GIVEN a server saying this capture_id was already used for another body
    queue.put("c-1", AT, JPEG)
    api.answers = [(409, {"code": "capture_conflict", "message": "capture_id reused with another image"})]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender steps twice
    sender.step()
    sender.step()
    # THEN it is set aside after one request
    assert len(api.requests) == 1
    [rejection] = queue.rejections()
    assert (rejection["status"], rejection["code"]) == (409, "capture_conflict")


def test_a_409_in_progress_is_retried_then_delivered(api: FakeApi, queue: CaptureQueue) -> None:
    # GIVEN a server still working on an earlier copy of the same capture, then done
    queue.put("c-1", AT, JPEG)
    api.answers = [(409, {"code": "capture_in_progress", "message": "try again"}), (200, MATCHED)]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender runs
    run_until(sender, lambda: queue.counts().delivered == 1)
    # THEN it was not set aside but delivered on the second attempt
    assert queue.rejections() == []
    assert queue.counts() == Counts(0, 1, 0)
    assert len(api.requests) == 2
    assert queue.journal()[0]["attempts"] == 2


def test_a_401_is_retried_and_logged_as_an_error_without_secret_or_image(
        api: FakeApi, queue: CaptureQueue, sender_log: pytest.LogCaptureFixture) -> None:
    # GIVEN a server refusing the signature once (a skewed clock, a secret being rotated), then accepting
    queue.put("c-1", AT, JPEG)
    api.answers = [(401, {"code": "bad_signature", "message": "signature does not match"}), (200, MATCHED)]
    sender = make_sender(queue, api.base_url)
    # WHEN the sender takes one step
    sender.step()
    # THEN the capture still waits (not set aside), and the failure is an ERROR naming the status
    assert queue.counts() == Counts(1, 0, 0)
    assert queue.waiting()[0]["attempts"] == 1
    errors = [record for record in sender_log.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "http 401" in JsonFormatter().format(errors[0])
    # WHEN the sender goes on
    run_until(sender, lambda: queue.counts().delivered == 1)
    # THEN it is delivered
    assert queue.counts() == Counts(0, 1, 0)
    # AND no log line holds the secret or the image
    lines = log_lines(sender_log)
    assert len(lines) >= 2
    assert not any(SECRET in line or IMAGE_B64[:40] in line for line in lines)


def test_429_retry_after_is_honoured(api: FakeApi, queue: CaptureQueue) -> None:
    # GIVEN a server asking to come back in 30 s
    queue.put("c-1", AT, JPEG)
    api.answers = [(429, {"code": "too_many_requests"}, {"Retry-After": "30"})]
    sender = make_sender(queue, api.base_url)
    before = time.time()
    # WHEN the sender steps, and steps again at once
    sender.step()
    wait = sender.step()
    # THEN the capture waits at least 30 s, and no second request was made meanwhile
    [row] = queue.waiting()
    assert row["next_attempt_at"] >= before + 30
    assert len(api.requests) == 1
    assert wait > 0


def test_on_answer_receives_the_servers_answer(api: FakeApi, queue: CaptureQueue) -> None:
    # GIVEN a display waiting for answers
    queue.put("c-1", AT, JPEG)
    api.answers = [(201, MATCHED)]
    answers: list[tuple[str, dict[str, Any]]] = []
    sender = make_sender(queue, api.base_url, on_answer=lambda capture_id, answer: answers.append((capture_id,
                                                                                                   answer)))
    # WHEN the capture is delivered
    sender.step()
    # THEN the display got the answer for this capture, and the journal holds it
    assert answers == [("c-1", MATCHED)]
    [entry] = queue.journal()
    assert (entry["result"], entry["staff_id"], entry["event"]) == ("matched", "NV-0042", "check_in")
    assert entry["similarity"] == pytest.approx(0.83)


def test_on_answer_is_not_called_when_the_capture_is_not_delivered(api: FakeApi, queue: CaptureQueue) -> None:
    queue.put("c-1", AT, JPEG)
    api.answers = [(503, {"code": "unavailable"}), (422, {"code": "bad_image", "message": "no face"})]
    answers: list[str] = []
    sender = make_sender(queue, api.base_url, on_answer=lambda capture_id, answer: answers.append(capture_id))
    run_until(sender, lambda: queue.counts().rejected == 1)
    assert answers == []
    assert len(api.requests) == 2


def test_backoff_grows_exponentially_with_equal_jitter_under_the_cap() -> None:
    # GIVEN a backoff of 1 s doubling up to 300 s, and a seeded random source
    backoff = Backoff(base=1.0, cap=300.0)
    rng = random.Random(42)
    # WHEN delays are drawn for growing numbers of failures
    delays = {failures: [backoff.delay(failures, rng) for _ in range(200)] for failures in range(0, 13)}
    # THEN each stays within [ceiling/2, ceiling], the ceiling doubling from 1 s up to the 300 s cap
    for failures, drawn in delays.items():
        ceiling = min(300.0, 2.0 ** failures)
        assert all(ceiling / 2 <= delay <= ceiling for delay in drawn), failures
        assert max(drawn) - min(drawn) > ceiling / 4  # jittered: retries of many boxes spread out
    assert min(delays[5]) >= max(delays[3])  # exponential: a few failures more is always longer
    assert max(max(drawn) for drawn in delays.values()) <= 300.0
    # AND a box failing for days never overflows or exceeds the cap
    assert 150.0 <= backoff.delay(10_000, rng) <= 300.0


CROPS = [JPEG, b"\xff\xd8\xff\xe0" + bytes(range(255, -1, -1)) * 6 + b"\xff\xd9", b"\xff\xd8\xff\xdb third \xff\xd9"]
SPOOF = {"capture_id": "c-3", "result": "spoof_suspected", "staff_id": None, "full_name": None, "similarity": None,
         "event": None, "recorded": False, "captured_at_local": "07:58",
         "display_message": "Vui lòng nhìn thẳng vào camera."}


def test_a_capture_of_three_crops_is_one_signed_body_of_images_b64_best_first(api: FakeApi,
                                                                              queue: CaptureQueue) -> None:
    # GIVEN a passage queued as three crops, best first
    queue.put("c-3", AT, CROPS)
    api.answers = [(200, MATCHED)]
    # WHEN the sender takes a step
    make_sender(queue, api.base_url).step()
    # THEN one request carries the three crops, in order, as images_b64 and no image_b64
    [request] = api.requests
    body = json.loads(request.body)
    assert set(body) == {"capture_id", "captured_at", "images_b64"}
    assert (body["capture_id"], body["captured_at"]) == ("c-3", AT)
    assert [base64.b64decode(image) for image in body["images_b64"]] == CROPS
    # AND the signature covers this raw body
    timestamp = request.headers[signing.HEADER_TIMESTAMP]
    assert signing.signature_matches(SECRET, timestamp, request.body, request.headers[signing.HEADER_SIGNATURE])
    assert not signing.signature_matches(SECRET, timestamp, request.body.replace(b"c-3", b"c-4"),
                                         request.headers[signing.HEADER_SIGNATURE])
    assert queue.counts() == Counts(0, 1, 0)


def test_a_three_crop_capture_is_replayed_byte_identical_across_retries_and_a_restart(
        api: FakeApi, tmp_path: Path) -> None:
    # GIVEN a three-crop capture, a server failing twice, and the box restarted between the two failures
    path = tmp_path / "restart.sqlite3"
    first = CaptureQueue(path)
    first.put("c-3", AT, CROPS)
    api.answers = [(503, {"code": "unavailable"})]
    make_sender(first, api.base_url).step()
    first.close()
    queue = CaptureQueue(path)
    api.answers = [(500, {"code": "internal"}), (200, MATCHED)]
    # WHEN the new process delivers it
    run_until(make_sender(queue, api.base_url), lambda: queue.counts().delivered == 1)
    # THEN the three requests carried exactly the same body (same capture_id, same crops, same order)
    assert len(api.requests) == 3
    assert len({request.body for request in api.requests}) == 1
    assert json.loads(api.requests[0].body)["capture_id"] == "c-3"
    assert queue.journal()[0]["attempts"] == 3  # the attempt before the restart is counted too
    queue.close()


def test_spoof_suspected_is_shown_never_retried_and_logged_without_images(
        api: FakeApi, queue: CaptureQueue, sender_log: pytest.LogCaptureFixture) -> None:
    # GIVEN a three-crop capture the server judges a photo held up to the camera
    queue.put("c-3", AT, CROPS)
    api.answers = [(200, SPOOF)]
    answers: list[tuple[str, dict[str, Any]]] = []
    sender = make_sender(queue, api.base_url, on_answer=lambda capture_id, answer: answers.append((capture_id,
                                                                                                   answer)))
    # WHEN the sender steps, and keeps stepping
    for _ in range(3):
        sender.step()
    # THEN it was sent once: done, neither waiting nor set aside for a retry
    assert len(api.requests) == 1
    assert queue.counts() == Counts(0, 1, 0) and queue.waiting() == [] and queue.rejections() == []
    [entry] = queue.journal()
    assert (entry["result"], entry["recorded"], entry["staff_id"]) == ("spoof_suspected", 0, None)
    # AND the lobby screen got the answer, and asks the person to look straight into the camera
    assert answers == [("c-3", SPOOF)]
    assert banner_of(SPOOF) == banner_of({**SPOOF, "display_message": ""}) == "Vui lòng nhìn thẳng vào camera"
    assert banner_of(MATCHED | {"display_message": "Xin chào"}) == "Xin chào"
    assert sender.stats.spoof_suspected == 1 and sender.stats.rejected == 0
    # AND the log says so as a warning, with the capture id, and no image, crop or secret in it
    lines = log_lines(sender_log)
    [spoof] = [line for line in lines if '"event": "spoof_suspected"' in line]
    assert '"level": "WARNING"' in spoof and '"capture_id": "c-3"' in spoof and '"frames": 3' in spoof
    encoded = [base64.b64encode(crop).decode("ascii") for crop in CROPS]
    assert not any(SECRET in line or any(image[:40] in line for image in encoded) for line in lines)


class FakeClock:
    def __init__(self, now: float = 1_763_600_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_when_the_api_returns_every_waiting_capture_goes_at_once_oldest_first(api: FakeApi, tmp_path: Path) -> None:
    # GIVEN four captures queued during an outage, each tried until its own backoff grew (10 s doubling, to 300 s)
    clock = FakeClock()
    queue = CaptureQueue(tmp_path / "outage.sqlite3", clock=clock)
    captures = [f"c-{n}" for n in range(1, 5)]
    for capture_id in captures:
        queue.put(capture_id, AT, JPEG)
    sender = Sender(queue, api.base_url, DEVICE, SECRET, timeout=5, backoff=Backoff(base=10, cap=300),
                    rng=random.Random(7))
    api.answers = [(503, {"code": "unavailable"})] * 20
    while len(api.requests) < 20:
        _, due_in = queue.next_due()
        clock.now += due_in or 0.0
        sender.step()
    waits = [row["next_attempt_at"] - clock.now for row in queue.waiting()]
    assert all(row["attempts"] >= 3 for row in queue.waiting())
    assert min(waits) > 0 and max(waits) > 60  # every one waits, some for minutes
    # WHEN the API is back, and the capture whose backoff ends first is sent
    api.answers = [(200, MATCHED)] * 4
    outage_requests = len(api.requests)
    _, due_in = queue.next_due()
    clock.now += due_in or 0.0
    for _ in range(4):
        sender.step()  # the clock does not move: nobody waits out a backoff
    # THEN all four were delivered at once: the first one due, then the others oldest first
    assert queue.counts() == Counts(0, 4, 0)
    after = [json.loads(request.body)["capture_id"] for request in api.requests[outage_requests:]]
    assert after[1:] == [capture_id for capture_id in captures if capture_id != after[0]]
    # AND each capture's journal shows as many attempts as the API received for it
    posted = [json.loads(request.body)["capture_id"] for request in api.requests]
    assert {row["capture_id"]: row["attempts"] for row in queue.journal()} == {
        capture_id: posted.count(capture_id) for capture_id in captures}
    queue.close()


def test_after_a_restart_the_oldest_waiting_capture_is_tried_at_once(api: FakeApi, tmp_path: Path) -> None:
    # GIVEN two captures put back for minutes by a process that stopped during an outage
    clock = FakeClock()
    queue = CaptureQueue(tmp_path / "restart.sqlite3", clock=clock)
    for capture_id, delay in (("c-1", 280), ("c-2", 150)):
        queue.put(capture_id, AT, JPEG)
        queue.attempting(capture_id)
        queue.retry_later(capture_id, delay, "network: ConnectionError")
    # WHEN the uploader starts again and the API is up
    api.answers = [(200, MATCHED), (200, MATCHED)]
    sender = make_sender(queue, api.base_url)
    sender.step()
    sender.step()
    # THEN both are delivered at once, oldest first, without waiting for their backoffs
    assert [json.loads(request.body)["capture_id"] for request in api.requests] == ["c-1", "c-2"]
    assert queue.counts() == Counts(0, 2, 0)
    queue.close()


KILLED_SENDER = """
import sys
from pathlib import Path
from edge_uploader.queue import CaptureQueue
from edge_uploader.sender import Sender
Sender(CaptureQueue(Path(sys.argv[1])), sys.argv[2], "lobby-1", "s3cret", timeout=60).step()
"""


def test_a_capture_posted_five_times_shows_five_attempts_even_when_killed_mid_upload(api: FakeApi,
                                                                                       tmp_path: Path) -> None:
    # GIVEN a capture, and an API that receives the first four requests but never answers them
    path = tmp_path / "killed.sqlite3"
    queue = CaptureQueue(path)
    queue.put("c-1", AT, JPEG)
    api.answers = [HOLD] * 4 + [(200, MATCHED)]
    # WHEN four uploader processes in a row are killed (kill -9) while their request is out
    for killed in range(1, 5):
        process = subprocess.Popen([sys.executable, "-c", KILLED_SENDER, str(path), api.base_url],
                                   cwd=Path(__file__).resolve().parents[2])
        try:
            deadline = time.monotonic() + 60
            while len(api.requests) < killed:
                assert time.monotonic() < deadline and process.poll() is None, "the request never came"
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(30)
    # AND a fifth gets the answer
    make_sender(queue, api.base_url).step()
    # THEN the capture was posted five times, and the journal says 5 attempts
    assert len(api.requests) == 5
    [entry] = queue.journal()
    assert entry["attempts"] == 5
    queue.close()


YEAR = 365 * 86400.0
HANOI_OFFSET = "+07:00"


def box_clock(behind: float) -> BoxClock:
    """A box whose wall clock is ``behind`` seconds late (its boot clock runs right, as boot clocks do)."""
    return BoxClock(wall=lambda: time.time() - behind, boot=since_boot, boot_id_value="boot-skewed")


def taken(clock: BoxClock, seconds_ago: float) -> tuple[str, Moment]:
    """A capture's captured_at as the box writes it (its own clock, Hanoi time) and its moment."""
    device_time = clock.wall() - seconds_ago
    return datetime.fromtimestamp(device_time, ZoneInfo("Asia/Ho_Chi_Minh")).isoformat(timespec="milliseconds"), \
        clock.moment_of(device_time)


@pytest.mark.parametrize("behind", [YEAR, time.time() - 1000.0], ids=["a-year-behind", "booted-in-1970"])
def test_a_box_with_a_wrong_clock_stamps_and_signs_with_the_servers_time(
        api: FakeApi, queue: CaptureQueue, sender_log: pytest.LogCaptureFixture, behind: float) -> None:
    # GIVEN a box whose clock is wrong, and a capture it took 30 s ago (stamped by its own clock)
    clock = box_clock(behind)
    captured_at, moment = taken(clock, 30)
    assert datetime.fromisoformat(captured_at).year < datetime.now().year
    queue.put("c-1", captured_at, JPEG, moment)
    api.answers = [(200, MATCHED)]
    sender = make_sender(queue, api.base_url, clock=clock, zone=ZoneInfo("Asia/Ho_Chi_Minh"))
    # WHEN the sender steps
    sender.step()
    # THEN it learned the server's time first (the Date of an answer), then sent the capture once
    [request] = api.requests
    body = json.loads(request.body)
    # AND the capture carries the real time it was taken, in the site's time zone, and says it was corrected
    sent = datetime.fromisoformat(body["captured_at"])
    assert abs(sent.timestamp() - (time.time() - 30)) < 3
    assert body["captured_at"].endswith(HANOI_OFFSET)
    assert body["clock_offset_seconds"] == pytest.approx(behind, abs=3)
    # AND the request is signed with the server's time, which the server accepts
    timestamp = request.headers[signing.HEADER_TIMESTAMP]
    assert abs(int(timestamp) - time.time()) < 3
    assert signing.signature_matches(SECRET, timestamp, request.body, request.headers[signing.HEADER_SIGNATURE])
    # AND the skew is logged as a warning, and the journal keeps the time sent and the correction
    [skew] = [line for line in log_lines(sender_log) if '"event": "clock"' in line]
    assert '"level": "WARNING"' in skew
    assert abs(json.loads(skew)["offset_s"] - behind) < 3
    [entry] = queue.journal()
    assert entry["captured_at"] == body["captured_at"]
    assert entry["clock_offset"] == pytest.approx(behind, abs=3)


def test_a_box_with_a_right_clock_sends_its_time_as_it_is(api: FakeApi, queue: CaptureQueue,
                                                         sender_log: pytest.LogCaptureFixture) -> None:
    # GIVEN a box whose clock is right
    clock = box_clock(0.0)
    captured_at, moment = taken(clock, 5)
    queue.put("c-1", captured_at, JPEG, moment)
    api.answers = [(200, MATCHED)]
    # WHEN the capture is sent
    make_sender(queue, api.base_url, clock=clock).step()
    # THEN its time goes as the box stamped it, with no correction said, and the log says the clock agrees
    assert json.loads(api.requests[0].body) == {"capture_id": "c-1", "captured_at": captured_at,
                                                "image_b64": IMAGE_B64}
    [agrees] = [line for line in log_lines(sender_log) if '"event": "clock"' in line]
    assert '"level": "INFO"' in agrees


def test_captures_are_held_while_the_clock_cannot_be_checked(queue: CaptureQueue, closed_port: int,
                                                            sender_log: pytest.LogCaptureFixture) -> None:
    # GIVEN a box a year behind that has not reached the server since it booted
    clock = box_clock(YEAR)
    captured_at, moment = taken(clock, 5)
    queue.put("c-1", captured_at, JPEG, moment)
    sender = make_sender(queue, f"http://127.0.0.1:{closed_port}/api", clock=clock)
    # WHEN the sender steps a few times
    waits = [sender.step() for _ in range(3)]
    # THEN nothing was attempted: the capture waits, unstamped, and the sender backs off
    [row] = queue.waiting()
    assert row["attempts"] == 0
    assert all(wait > 0 for wait in waits)
    assert sum('"event": "clock_unchecked"' in line for line in log_lines(sender_log)) == 3


def test_a_retry_sends_the_same_body_even_when_the_clock_estimate_moved(api: FakeApi, queue: CaptureQueue) -> None:
    # GIVEN a box a year behind whose first attempt fails
    boot = {"shift": 0.0}
    clock = BoxClock(wall=lambda: time.time() - YEAR, boot=lambda: since_boot() + boot["shift"],
                     boot_id_value="boot-skewed")
    captured_at, moment = taken(clock, 5)
    queue.put("c-1", captured_at, JPEG, moment)
    api.answers = [(503, {"code": "unavailable"}), (200, MATCHED)]
    sender = make_sender(queue, api.base_url, clock=clock)
    sender.step()
    # WHEN the estimate of the server's time moves by 100 s before the retry (a new Date read)
    boot["shift"] = 100.0
    run_until(sender, lambda: queue.counts().delivered == 1)
    # THEN the retry carried exactly the first body (the server would refuse another body for this capture id)
    assert len(api.requests) == 2
    assert api.requests[0].body == api.requests[1].body
