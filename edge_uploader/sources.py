"""Where frames come from: a camera index, an RTSP/HTTP stream, a video file or a folder of images.

Live sources (camera, stream) are read on their own thread and only the newest frame is handed on, so a
slow detector never makes the picture lag; a dropped stream is reopened with backoff, forever, until the
uploader is stopped. Recorded sources (file, folder) are read frame by frame to the end, and their frame
times come from ``recorded_at`` (when the recording started) plus the frame's position.
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge_uploader.errors import SourceError

log = logging.getLogger("edge_uploader.source")

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
STREAM_SCHEME = re.compile(r"^(rtsp|rtsps|rtmp|http|https|udp|tcp)://", re.IGNORECASE)


@dataclass(frozen=True)
class Frame:
    image: np.ndarray
    time: float   # seconds since the epoch
    index: int


class RecordedSource:
    live = False

    def __init__(self, path: Path, *, recorded_at: float, fps: float) -> None:
        self.path = path
        self.recorded_at = recorded_at
        self.fps = fps

    @property
    def description(self) -> str:
        return str(self.path)

    def frames(self, stop: threading.Event) -> Iterator[Frame]:
        if self.path.is_dir():
            yield from self._folder(stop)
        else:
            yield from self._video(stop)

    def _folder(self, stop: threading.Event) -> Iterator[Frame]:
        files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        index = 0
        for file in files:
            if stop.is_set():
                return
            image = cv2.imread(str(file), cv2.IMREAD_COLOR)
            if image is None:
                log.warning("image skipped: not readable", extra={"fields": {"event": "frame_unreadable",
                                                                              "file": file.name}})
                continue
            yield Frame(image, self.recorded_at + index / self.fps, index)
            index += 1

    def _video(self, stop: threading.Event) -> Iterator[Frame]:
        capture = cv2.VideoCapture(str(self.path))
        try:
            if not capture.isOpened():
                raise SourceError("source_unreadable", f"cannot open video file {self.path}")
            fps = capture.get(cv2.CAP_PROP_FPS) or self.fps
            index = 0
            while not stop.is_set():
                ok, image = capture.read()
                if not ok:
                    return
                yield Frame(image, self.recorded_at + index / fps, index)
                index += 1
        finally:
            capture.release()


class LiveSource:
    live = True

    def __init__(self, target: str | int, *, backoff_base: float = 0.5, backoff_cap: float = 30.0,
                 timeout_ms: int = 10000) -> None:
        self.target = target
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.timeout_ms = timeout_ms
        self.reconnects = 0
        self.dropped_frames = 0
        self._latest: tuple[np.ndarray, float] | None = None
        self._fresh = threading.Condition()

    @property
    def description(self) -> str:
        return _redact(str(self.target))

    def frames(self, stop: threading.Event) -> Iterator[Frame]:
        halt = threading.Event()  # set when the caller stops, or stops iterating
        reader = threading.Thread(target=self._read_forever, args=(stop, halt), name="frame-reader", daemon=True)
        reader.start()
        index = 0
        try:
            while not stop.is_set():
                with self._fresh:
                    if self._latest is None:
                        self._fresh.wait(0.5)
                    if self._latest is None:
                        continue
                    image, taken = self._latest
                    self._latest = None
                yield Frame(image, taken, index)
                index += 1
        finally:
            halt.set()
            reader.join(self.timeout_ms / 1000 + 2)  # the capture is released before the process goes

    def _open(self) -> cv2.VideoCapture:
        if isinstance(self.target, int):
            return cv2.VideoCapture(self.target)
        params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, self.timeout_ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, self.timeout_ms]
        return cv2.VideoCapture(self.target, cv2.CAP_ANY, params)

    def _read_forever(self, stop: threading.Event, halt: threading.Event) -> None:
        failures = 0
        rng = random.Random()  # noqa: S311 - retry jitter, not security
        while not (stop.is_set() or halt.is_set()):
            capture = self._open()
            frames = 0
            try:
                while capture.isOpened() and not (stop.is_set() or halt.is_set()):
                    ok, image = capture.read()
                    if not ok:
                        break
                    frames += 1
                    if frames == 1:
                        if failures:
                            self.reconnects += 1
                            log.warning("source reconnected", extra={"fields": {
                                "event": "source_reconnected", "source": self.description, "after_failures": failures}})
                        failures = 0
                    with self._fresh:
                        if self._latest is not None:
                            self.dropped_frames += 1
                        self._latest = (image, time.time())
                        self._fresh.notify()
            finally:
                capture.release()
            if stop.is_set() or halt.is_set():
                return
            delay = min(self.backoff_cap, self.backoff_base * 2 ** min(failures, 16))
            delay = delay / 2 + rng.uniform(0, delay / 2)
            failures += 1
            log.warning("source lost; reopening", extra={"fields": {
                "event": "source_lost", "source": self.description, "frames_before_loss": frames,
                "retry_in_s": round(delay, 2), "failures": failures}})
            halt.wait(delay)


def open_source(spec: str, *, recorded_at: float | None, fps: float) -> RecordedSource | LiveSource:
    """A camera index ("0"), a stream URL, a video file or a folder of images."""
    if spec.isdigit():
        return LiveSource(int(spec))
    if STREAM_SCHEME.match(spec):
        return LiveSource(spec)
    path = Path(spec).expanduser()
    if not path.exists():
        raise SourceError("source_not_found", f"no camera, stream, file or folder called {spec!r}")
    if path.is_dir() and not any(p.suffix.lower() in IMAGE_SUFFIXES for p in path.iterdir()):
        raise SourceError("source_empty", f"folder {path} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return RecordedSource(path, recorded_at=time.time() if recorded_at is None else recorded_at, fps=fps)


def _redact(target: str) -> str:
    """Stream URLs often carry a camera password: never log it."""
    return re.sub(r"//[^/@]*@", "//***@", target)
