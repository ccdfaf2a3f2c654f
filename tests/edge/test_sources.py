"""Frame sources: recorded ones carry the recording's time; a live stream that drops is reopened."""

from __future__ import annotations

import http.server
import itertools
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np
import pytest

from edge_uploader.errors import SourceError
from edge_uploader.sources import LiveSource, RecordedSource, open_source

RECORDED_AT = 1_795_000_000.0


def numbered_frame(number: int, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    frame = np.full((size[1], size[0], 3), 40, np.uint8)
    cv2.putText(frame, str(number), (60, 160), cv2.FONT_HERSHEY_SIMPLEX, 4, (255, 255, 255), 8)
    return frame


def test_a_folder_is_read_in_name_order_and_unreadable_files_are_skipped(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN three images and a file that only pretends to be one
    for number in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"frame{number}.jpg"), numbered_frame(number))
    (tmp_path / "frame1b.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "notes.txt").write_text("ignored")
    # WHEN the folder is read at 5 frames per second, recorded at a known time
    with caplog.at_level(logging.WARNING, logger="edge_uploader.source"):
        frames = list(RecordedSource(tmp_path, recorded_at=RECORDED_AT, fps=5).frames(threading.Event()))
    # THEN frames come in name order, 0.2 s apart from the recording's start, and the bad file is reported
    assert [f.index for f in frames] == [0, 1, 2]
    assert [f.time - RECORDED_AT for f in frames] == pytest.approx([0.0, 0.2, 0.4])
    assert frames[0].image.shape == (240, 320, 3)
    assert any(getattr(r, "fields", {}).get("file") == "frame1b.jpg" for r in caplog.records)


def test_a_video_file_is_timed_by_its_own_frame_rate(tmp_path: Path) -> None:
    # GIVEN a 25 fps clip of 10 frames
    clip = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 25, (320, 240))
    for number in range(10):
        writer.write(numbered_frame(number))
    writer.release()
    # WHEN it is read (the folder rate given is not the file's)
    source = open_source(str(clip), recorded_at=RECORDED_AT, fps=10)
    frames = list(source.frames(threading.Event()))
    # THEN every frame is read, 40 ms apart
    assert len(frames) == 10
    assert frames[-1].time - RECORDED_AT == pytest.approx(9 / 25)


def test_sources_that_cannot_be_opened_say_why(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        open_source(str(tmp_path / "nowhere.avi"), recorded_at=None, fps=10)
    assert missing.value.code == "source_not_found"
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError) as empty:
        open_source(str(tmp_path / "empty"), recorded_at=None, fps=10)
    assert empty.value.code == "source_empty"
    broken = tmp_path / "broken.avi"
    broken.write_bytes(b"RIFF....AVI nothing here")
    with pytest.raises(SourceError) as unreadable:
        list(open_source(str(broken), recorded_at=None, fps=10).frames(threading.Event()))
    assert unreadable.value.code == "source_unreadable"
    assert isinstance(open_source("0", recorded_at=None, fps=10), LiveSource)
    stream = open_source("rtsp://viewer:hunter2@10.0.0.5/stream1", recorded_at=None, fps=10)
    assert "hunter2" not in stream.description


class DroppingCamera(http.server.BaseHTTPRequestHandler):
    """An IP camera's MJPEG stream (multipart/x-mixed-replace) that drops the connection every 20 frames."""
    connections: ClassVar[list[float]] = []

    def do_GET(self) -> None:
        self.connections.append(time.time())
        connection = len(self.connections)
        self.send_response(200)
        self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
        self.end_headers()
        for number in range(20):
            jpeg = cv2.imencode(".jpg", numbered_frame(connection * 100 + number))[1].tobytes()
            try:
                self.wfile.write(b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(jpeg)
                                 + jpeg + b"\r\n")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.02)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def dropping_camera() -> Iterator[str]:
    DroppingCamera.connections = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DroppingCamera)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/video.mjpg"
    server.shutdown()
    server.server_close()


def test_a_stream_that_drops_is_reopened_and_frames_keep_coming(dropping_camera: str,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN a camera stream that hangs up after every 20 frames
    source = open_source(dropping_camera, recorded_at=None, fps=10)
    assert isinstance(source, LiveSource)
    source.backoff_base, source.backoff_cap = 0.05, 0.2
    stop = threading.Event()
    # WHEN 50 frames are wanted (more than any one connection gives)
    frames = []
    with caplog.at_level(logging.WARNING, logger="edge_uploader.source"):
        for frame in source.frames(stop):
            frames.append(frame)
            if len(frames) == 50:
                break
    # THEN they came, over several connections, each loss logged and each reconnection too
    assert len(frames) == 50
    assert len(DroppingCamera.connections) >= 3
    assert source.reconnects >= 2
    events = [getattr(r, "fields", {}).get("event") for r in caplog.records]
    assert events.count("source_lost") >= 2 and events.count("source_reconnected") >= 2
    # and frame times are the wall clock at reading, in order
    assert all(b.time >= a.time for a, b in itertools.pairwise(frames))
    assert abs(frames[-1].time - time.time()) < 60


class _Losses(logging.Handler):
    """Counts the source's 'source_lost' records, and says when there have been two."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.twice = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "fields", {}).get("event") == "source_lost":
            self.count += 1
            if self.count >= 2:
                self.twice.set()


def test_a_stream_that_is_down_at_start_is_waited_for() -> None:
    # GIVEN a camera address that is taken but not answering yet (bound, not listening: connections refused)
    DroppingCamera.connections = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), DroppingCamera, bind_and_activate=False)
    server.server_bind()
    source = LiveSource(f"http://127.0.0.1:{server.server_address[1]}/video.mjpg", backoff_base=0.05,
                        backoff_cap=0.2, timeout_ms=2000)
    stop = threading.Event()
    got: list[int] = []

    def consume() -> None:
        for frame in source.frames(stop):
            got.append(frame.index)
            if len(got) >= 5:
                stop.set()

    losses = _Losses()
    serving: threading.Thread | None = None
    logger = logging.getLogger("edge_uploader.source")
    logger.addHandler(losses)
    consumer = threading.Thread(target=consume, daemon=True)
    try:
        consumer.start()
        # WHEN the uploader has failed to open it twice, and then the camera comes up
        assert losses.twice.wait(30), "the source did not keep trying"
        assert not got
        server.server_activate()
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        consumer.join(30)
    finally:
        stop.set()
        logger.removeHandler(losses)
        if serving is not None:
            server.shutdown()
        server.server_close()
    # THEN frames flow once it is up
    assert len(got) >= 5
