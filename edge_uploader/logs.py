"""Structured logs (one JSON object per line on stderr) and the live status line.

Log records carry their data in ``extra={"fields": {...}}``. Nothing logged ever holds an image, an
embedding or the device secret; a capture is known by its ``capture_id`` only.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "msg": record.getMessage()}
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def setup(level: str, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("edge_uploader")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@dataclass
class Stats:
    frames: int = 0
    faces: int = 0
    passages: int = 0
    queued: int = 0
    dropped: int = 0


class StatusLine:
    """On a terminal, one line rewritten in place; otherwise a plain line every ``interval`` seconds."""

    def __init__(self, stream: TextIO, interval: float) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.interval = 0.5 if self.tty else interval
        self._last = time.monotonic()
        self._frames_then = 0
        self.fps = 0.0

    def update(self, text_of: Callable[[float], str], frames: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        if now > self._last:
            self.fps = (frames - self._frames_then) / (now - self._last)
        self._last, self._frames_then = now, frames
        line = text_of(self.fps)
        if self.tty:
            self.stream.write("\r" + line.ljust(110)[:160])
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
