"""The clip of each passage: written small from the lobby, signed inside the capture, uploaded after its answer.

The lobby is the synthetic clip of infra/demo/lobby.py (real photos, the real YuNet detector and passage tracker);
the sender talks to a real local HTTP server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from chamcong import device_signature as signing
from edge_uploader.clips import ClipPolicy, ClipRecorder, encode_clip
from edge_uploader.clock import BoxClock
from edge_uploader.config import MODEL_NAME
from edge_uploader.detector import Detector
from edge_uploader.passages import Emission, PassageTracker
from edge_uploader.queue import CaptureQueue
from edge_uploader.sender import Backoff, Sender
from infra.demo.lobby import build_clip, schedule

SECRET = "s3cret-of-the-lobby-box"
DEVICE = "lobby-1"
AT = "2026-11-20T07:28:00+07:00"
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4 + b"\xff\xd9"
MATCHED = {"result": "matched", "staff_id": "stf_1", "event": "check_in", "recorded": True, "similarity": 0.8}
FPS = 10.0


@dataclass
class Passage:
    emission: Emission
    clip: Any  # edge_uploader.clips.Clip
    pause: tuple[float, float]


@pytest.fixture(scope="module")
def passage(faces_dir: Path, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Passage:
    """GIVEN a lobby recording where one person walks in, stops for 2.5 s and leaves, run through the uploader's
    detector, passage tracker and clip recorder frame by frame (as the runner does)."""
    photo = sorted(p for p in (faces_dir / "obama").iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"})[1]
    video = tmp_path_factory.mktemp("lobby") / "one.avi"
    (truth,) = build_clip(schedule([("obama", photo)]), video, detector_model=models_dir / MODEL_NAME, fps=FPS)
    detector = Detector(str(models_dir / MODEL_NAME))
    tracker, recorder = PassageTracker(), ClipRecorder(ClipPolicy())
    capture = cv2.VideoCapture(str(video))
    emitted: list[tuple[Emission, Any]] = []
    index = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        now = index / FPS
        recorder.add(frame, now)
        for emission in tracker.update(frame, now, detector.detect(frame)):
            emitted.append((emission, recorder.clip(emission.first_time)))
        index += 1
    capture.release()
    ((emission, clip),) = emitted
    return Passage(emission, clip, (truth.pause_start, truth.pause_end))


def frames_of(data: bytes, suffix: str, tmp_path: Path) -> list[np.ndarray]:
    path = tmp_path / f"clip.{suffix}"
    path.write_bytes(data)
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


def test_each_passage_gets_a_small_webm_clip_of_its_seconds(passage: Passage, tmp_path: Path) -> None:
    clip = passage.clip
    # THEN the passage's clip is WebM with VP8 (what a browser's <video> plays), a few tens of KB
    assert clip is not None and clip.kind == "webm"
    assert clip.data.startswith(b"\x1a\x45\xdf\xa3") and b"V_VP8" in clip.data
    assert 5_000 < len(clip.data) < 300_000
    # AND it plays back: 320 px wide, from 2 s before the first crop to the moment the passage was sent
    frames = frames_of(clip.data, "webm", tmp_path)
    assert len(frames) == clip.frames
    assert frames[0].shape[1] == 320
    seconds = clip.frames / ClipPolicy().fps
    assert passage.pause[0] - 0.5 <= passage.emission.first_time
    assert 2.0 <= seconds <= ClipPolicy().seconds + 0.2
    # AND its sha256 is what the capture will carry
    assert clip.sha256 == hashlib.sha256(clip.data).hexdigest()


def test_a_clip_too_large_is_thinned_until_it_fits() -> None:
    # GIVEN 48 frames of noise (the worst case for a video codec)
    rng = np.random.default_rng(1)
    frames = [rng.integers(0, 255, (240, 320, 3), dtype=np.uint8) for _ in range(48)]
    whole = encode_clip(frames, 8.0, max_bytes=10_000_000)
    assert whole is not None and whole.frames == 48
    # WHEN it must fit in a quarter of its size
    small = encode_clip(frames, 8.0, max_bytes=len(whole.data) // 4)
    # THEN it does, with fewer frames, still a playable WebM
    assert small is not None and len(small.data) <= len(whole.data) // 4 and small.frames < 48
    assert small.data.startswith(b"\x1a\x45\xdf\xa3")


# --- the durable queue and the sender ------------------------------------------------------------------------------

@dataclass
class FakeApi:
    base_url: str = ""
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApi]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    state, lock = FakeApi(), threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state.requests.append((self.command, self.path, dict(self.headers.items()), body))
                status, payload = state.answers.pop(0) if state.answers else (500, {"code": "unscripted"})
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_PUT = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def open_queue(path: Path) -> CaptureQueue:
    queue = CaptureQueue(path)
    clock = BoxClock()  # as if the sender had already read the server's time in this boot
    queue.set_boot_anchor(clock.boot_id, clock.wall() - clock.since_boot(), 0.0)
    return queue


def sender_of(queue: CaptureQueue, api: FakeApi) -> Sender:
    return Sender(queue, api.base_url, DEVICE, SECRET, timeout=5, backoff=Backoff(base=0.01, cap=0.02),
                  rng=random.Random(3))


def steps(sender: Sender, count: int) -> None:
    for _ in range(count):
        sender.step()


def test_the_capture_signs_the_clip_sha256_and_the_clip_follows_its_answer(api: FakeApi, tmp_path: Path,
                                                                            passage: Passage) -> None:
    clip = passage.clip.data
    queue = open_queue(tmp_path / "q.sqlite3")
    # GIVEN a passage queued with its clip, and a server that records it, then takes the clip
    assert queue.put("c-1", AT, JPEG, clip=(clip, "webm"))
    api.answers = [(200, MATCHED), (200, {"capture_id": "c-1", "clip_sha256": hashlib.sha256(clip).hexdigest(),
                                          "size": len(clip), "linked_to": "event"})]
    # WHEN the sender works
    steps(sender_of(queue, api), 3)
    # THEN the capture's body (under the signature) carries the clip's sha256, not the clip
    (post, path, _, body), (put, clip_path, headers, clip_body) = api.requests
    assert (post, path) == ("POST", "/api/v1/recognitions")
    assert json.loads(body)["clip_sha256"] == hashlib.sha256(clip).hexdigest()
    assert len(body) < len(clip)
    # AND the clip went afterwards to its capture's clip address, signed by the device
    assert (put, clip_path) == ("PUT", "/api/v1/recognitions/c-1/clip")
    assert base64.b64decode(json.loads(clip_body)["clip_b64"]) == clip
    assert signing.signature_matches(SECRET, headers[signing.HEADER_TIMESTAMP], clip_body,
                                     headers[signing.HEADER_SIGNATURE])
    # AND nothing waits any more; the journal says the clip was uploaded
    assert (queue.counts().pending, queue.counts().clips) == (0, 0)
    assert queue.journal()[0]["clip"] == "uploaded"


def test_a_clip_is_retried_until_the_api_takes_it_even_across_a_restart(api: FakeApi, tmp_path: Path) -> None:
    queue = open_queue(tmp_path / "q.sqlite3")
    clip = b"\x1a\x45\xdf\xa3" + bytes(2000)
    assert queue.put("c-2", AT, JPEG, clip=(clip, "webm"))
    # GIVEN the capture is answered but the API fails on the clip
    api.answers = [(200, MATCHED), (503, {"code": "unavailable"})]
    steps(sender_of(queue, api), 2)
    assert queue.counts().clips == 1 and queue.journal()[0]["clip"] == "waiting"
    queue.close()
    # WHEN the box restarts and the API is back
    queue = open_queue(tmp_path / "q.sqlite3")
    api.answers = [(200, {"linked_to": "event"})]
    time.sleep(0.05)  # the clip's backoff
    steps(sender_of(queue, api), 2)
    # THEN the same clip is delivered, and only the clip (the capture was answered already)
    assert [(method, path) for method, path, _, _ in api.requests[-1:]] == [("PUT", "/api/v1/recognitions/c-2/clip")]
    assert base64.b64decode(json.loads(api.requests[-1][3])["clip_b64"]) == clip
    assert queue.counts().clips == 0 and queue.journal()[0]["clip"] == "uploaded"


def test_no_clip_goes_for_a_passage_without_a_face_and_a_refused_one_is_dropped(api: FakeApi, tmp_path: Path) -> None:
    queue = open_queue(tmp_path / "q.sqlite3")
    clip = b"\x1a\x45\xdf\xa3" + bytes(500)
    assert queue.put("c-3", AT, JPEG, clip=(clip, "webm"))
    assert queue.put("c-4", "2026-11-20T07:29:00+07:00", JPEG, clip=(clip, "webm"))
    # GIVEN the server finds no face in the first, and says the second's clip is not the one signed
    api.answers = [(200, {"result": "no_face", "recorded": False}), (200, {"result": "unknown", "recorded": False}),
                   (422, {"code": "clip_mismatch"})]
    steps(sender_of(queue, api), 4)
    # THEN the first's clip was never sent; the second's was sent once and dropped
    assert [(method, path) for method, path, _, _ in api.requests] == [
        ("POST", "/api/v1/recognitions"), ("POST", "/api/v1/recognitions"), ("PUT", "/api/v1/recognitions/c-4/clip")]
    journal = {row["capture_id"]: row["clip"] for row in queue.journal()}
    assert journal == {"c-3": None, "c-4": "refused: clip_mismatch"}
    assert queue.counts().clips == 0
