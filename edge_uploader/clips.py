"""The clip of a passage: the last seconds of low-resolution frames, written as a small video a browser plays.

A ring buffer keeps frames of the lobby, scaled down to ``width`` px and thinned to ``fps``, for ``seconds``.
When a passage is emitted its clip is the buffered frames from a moment before its first crop to now, written as
WebM (VP8), which every current browser plays in ``<video>``; an OpenCV whose FFmpeg cannot write VP8 writes
MJPEG in AVI instead (the server accepts both; a browser offers an AVI for download). A clip is kept under
``max_bytes`` (the server refuses more than 1 MB) by thinning the frames and then halving the size.

The clip's sha256 goes inside the signed capture (``clip_sha256``); the clip itself is uploaded after the
capture is answered (``edge_uploader.sender``), so the server can prove it is the one recorded at that moment.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger("edge_uploader.clips")

# (extension, FourCC) in the order tried: what a browser plays first.
FORMATS = (("webm", "VP80"), ("avi", "MJPG"))
MAX_BYTES = 900_000  # under the server's 1 MB with room to spare


@dataclass(frozen=True)
class Clip:
    data: bytes
    kind: str  # "webm" | "avi"
    frames: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ClipPolicy:
    seconds: float = 6.0      # the longest clip, and what the ring buffer holds
    before: float = 2.0       # seconds before the passage's first crop
    width: int = 320          # px; the height follows the frame's aspect
    fps: float = 8.0
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        if self.seconds <= 0 or self.fps <= 0 or self.width < 32 or self.before < 0:
            raise ValueError("clip seconds and fps must be positive, width at least 32 px")


@cache
def writable_format() -> tuple[str, str] | None:
    """The first of FORMATS this OpenCV can write (tried once), else None: then no clips are made."""
    frame = np.zeros((48, 64, 3), np.uint8)
    for kind, fourcc in FORMATS:
        data = _write([frame, frame], kind, fourcc, 8.0)
        if data:
            log.info("passage clips are written as %s (%s)", kind, fourcc)
            return kind, fourcc
    log.warning("this OpenCV writes no clip format (%s): passages are sent without clips",
                ", ".join(fourcc for _, fourcc in FORMATS))
    return None


def encode_clip(frames: Sequence[np.ndarray], fps: float, max_bytes: int = MAX_BYTES) -> Clip | None:
    """The frames as a small video under ``max_bytes``: thinned (every other frame, at half the rate), then
    halved in size, until it fits. None when nothing can be written or it never fits."""
    chosen = writable_format()
    if chosen is None or not frames:
        return None
    kind, fourcc = chosen
    frames, rate = list(frames), fps
    for _ in range(8):
        data = _write(frames, kind, fourcc, rate)
        if data is None:
            return None
        if len(data) <= max_bytes:
            return Clip(data, kind, len(frames))
        if len(frames) > 8:
            frames, rate = frames[::2], rate / 2
        else:
            frames = [cv2.resize(frame, (frame.shape[1] // 2 // 2 * 2, frame.shape[0] // 2 // 2 * 2),
                                 interpolation=cv2.INTER_AREA) for frame in frames]
            if frames[0].shape[1] < 32:
                break
    log.warning("a passage's clip does not fit in %d bytes: sent without it", max_bytes)
    return None


def _write(frames: Sequence[np.ndarray], kind: str, fourcc: str, fps: float) -> bytes | None:
    height, width = frames[0].shape[:2]
    with tempfile.TemporaryDirectory(prefix="chamcong-clip-") as folder:
        path = Path(folder) / f"clip.{kind}"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), max(fps, 1.0), (width, height))
        try:
            if not writer.isOpened():
                return None
            for frame in frames:
                writer.write(frame if frame.shape[:2] == (height, width) else cv2.resize(frame, (width, height)))
        finally:
            writer.release()
        data = path.read_bytes() if path.is_file() else b""
    return data or None


class ClipRecorder:
    """The lobby's last ``policy.seconds``, small; ``clip(start, now)`` writes the part from ``start`` on."""

    def __init__(self, policy: ClipPolicy | None = None) -> None:
        self.policy = policy or ClipPolicy()
        self._frames: deque[tuple[float, np.ndarray]] = deque()
        self._next = float("-inf")

    def add(self, image: np.ndarray, now: float) -> None:
        """Keep the frame if it is time for one (``fps``), scaled down; forget what is older than ``seconds``."""
        if now < self._next:
            return
        self._next = now + 1.0 / self.policy.fps - 1e-6
        height, width = image.shape[:2]
        scale = self.policy.width / width
        small = image if scale >= 1 else cv2.resize(
            image, (self.policy.width, max(2, round(height * scale / 2) * 2)), interpolation=cv2.INTER_AREA)
        self._frames.append((now, small))
        while self._frames and self._frames[0][0] < now - self.policy.seconds:
            self._frames.popleft()

    def clip(self, first_time: float, now: float | None = None) -> Clip | None:
        """The clip of a passage whose first crop was taken at ``first_time``: from ``before`` seconds earlier (at
        most ``seconds`` back) to ``now`` (default: the latest frame kept)."""
        if not self._frames:
            return None
        end = self._frames[-1][0] if now is None else now
        start = max(first_time - self.policy.before, end - self.policy.seconds)
        frames = [image for moment, image in self._frames if start <= moment <= end]
        return encode_clip(frames, self.policy.fps, self.policy.max_bytes)
