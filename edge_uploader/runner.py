"""The uploader at work: frames → faces → passages → durable queue → sender, with status and display."""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import cv2

from edge_uploader.clips import ClipPolicy, ClipRecorder
from edge_uploader.clock import BoxClock
from edge_uploader.config import Config
from edge_uploader.detector import Detector
from edge_uploader.display import Display
from edge_uploader.errors import EXIT_OK, EXIT_REJECTED, EXIT_UNDELIVERED, ConfigError
from edge_uploader.logs import Stats, StatusLine
from edge_uploader.passages import Emission, PassagePolicy, PassageTracker
from edge_uploader.queue import CaptureQueue
from edge_uploader.screen import ScreenBoard, ScreenServer
from edge_uploader.sender import Backoff, Sender
from edge_uploader.sources import LiveSource, open_source
from edge_uploader.view import Answer, Overlay, View, banner_of, overlay_for, screen_state
from edge_uploader.wire import SPOOF_SUSPECTED

__all__ = ["Uploader", "banner_of"]

log = logging.getLogger("edge_uploader")

BANNER_SECONDS = 4.0
PURGE_EVERY_SECONDS = 3600.0


class Uploader:
    def __init__(self, config: Config, *, once: bool = False) -> None:
        self.config = config
        self.once = once
        self.zone = ZoneInfo(config.site_timezone)
        self.source = open_source(config.source, fps=config.fps,
                                  recorded_at=config.recorded_at.timestamp() if config.recorded_at else None)
        if once and isinstance(self.source, LiveSource):
            raise ConfigError("once_needs_recording", "--once processes a video file or a folder to the end; "
                                                      "a camera or stream has no end")
        self.detector = Detector(str(config.model), detect_width=config.detect_width, roi=config.roi,
                                 min_face_px=config.min_face_px)
        self.tracker = PassageTracker(PassagePolicy(pause_seconds=config.pause_seconds,
                                                    frames_per_passage=config.frames_per_passage,
                                                    frame_gap_seconds=config.frame_gap_seconds,
                                                    send_unpaused=config.send_unpaused))
        self.queue = CaptureQueue(config.queue_path, max_pending=config.queue_max)
        # The last seconds of the lobby, small: each passage's clip (its sha256 signed in the capture)
        self.clips = (ClipRecorder(ClipPolicy(seconds=config.clip_seconds, width=config.clip_width,
                                              fps=config.clip_fps)) if config.clip_seconds > 0 else None)
        # Frames of a camera, or of a recording whose start nobody gave, are timed by the box's clock, which may
        # be wrong: their captures keep their moment on the boot's clock, and the sender stamps them right.
        self.clock = BoxClock()
        self.box_clocked = isinstance(self.source, LiveSource) or config.recorded_at is None
        self.sender = Sender(self.queue, config.api_url, config.device_id, config.device_secret,
                             timeout=config.request_timeout, backoff=Backoff(config.backoff_base, config.backoff_cap),
                             on_answer=self._answered, clock=self.clock, zone=self.zone)
        self.display = Display(config.display, fps=config.fps) if config.display else None
        # The lobby page's data: the same View the display draws, answered as /screen.json
        self.board = ScreenBoard(datetime.now(self.zone)) if config.screen else None
        self.screen = (ScreenServer(self.board, *config.screen, config.screen_files)
                       if self.board is not None and config.screen else None)
        self.stats = Stats()
        self._captures: dict[int, str] = {}        # track id → capture id
        self._answers: dict[str, dict[str, Any]] = {}
        self._look_again: list[str] = []         # captures answered spoof_suspected, for the main loop to re-arm
        self._banner: tuple[str, float, Answer] | None = None
        self._lock = threading.Lock()

    def run(self, stop: threading.Event) -> int:
        purged = self.queue.purge(self.config.retention_days)
        counts = self.queue.counts()
        log.info("edge uploader started", extra={"fields": {
            "event": "started", "source": self.source.description, "api_url": self.config.api_url,
            "device_id": self.config.device_id, "queue": str(self.config.queue_path), "waiting": counts.pending,
            "purged": purged, "once": self.once}})
        sender_stop = threading.Event()
        sender = threading.Thread(target=self.sender.run, args=(sender_stop,), name="sender", daemon=True)
        sender.start()
        if self.screen is not None:
            self.screen.start()
        status = StatusLine(sys.stdout, self.config.status_interval)
        purged_at = time.monotonic()
        try:
            for frame in self.source.frames(stop):
                if time.monotonic() - purged_at > PURGE_EVERY_SECONDS:  # a box runs for months
                    self.queue.purge(self.config.retention_days)
                    purged_at = time.monotonic()
                if self.clips is not None:
                    self.clips.add(frame.image, frame.time)
                faces = self.detector.detect(frame.image)
                self._rearm_refused(frame.time)
                for emission in self.tracker.update(frame.image, frame.time, faces):
                    self._enqueue(emission)
                self.stats.frames += 1
                self.stats.faces += len(faces)
                self._show(frame.image, frame.time)
                status.update(self._status, self.stats.frames)
            for emission in self.tracker.flush():
                self._enqueue(emission)
            if self.once and not stop.is_set():
                deadline = time.monotonic() + self.config.drain_timeout
                while _undelivered(self.queue) and time.monotonic() < deadline and not stop.is_set():
                    stop.wait(0.2)
                    status.update(self._status, self.stats.frames)
            elif not self.once:
                stop.wait()  # a recording ended: keep delivering until stopped
        finally:
            sender_stop.set()
            self.sender.wake()
            sender.join(self.config.request_timeout + 2)
            status.update(self._status, self.stats.frames, force=True)
            status.end()
            if self.display is not None:
                self.display.close()
            if self.screen is not None:
                self.screen.stop()
        return self._finish(stop.is_set())

    def _finish(self, stopped: bool) -> int:
        counts = self.queue.counts()
        log.info("edge uploader stopped", extra={"fields": {
            "event": "stopped", "frames": self.stats.frames, "passages": self.stats.passages,
            "queued": self.stats.queued, "dropped": self.stats.dropped, "sent": self.sender.stats.sent,
            "spoof_suspected": self.sender.stats.spoof_suspected, "rejected": self.sender.stats.rejected,
            "clips_sent": self.sender.stats.clips_sent, "clips_refused": self.sender.stats.clips_refused,
            "waiting": counts.pending, "clips_waiting": counts.clips}})
        self.queue.close()
        if stopped or not self.once:
            return EXIT_OK
        if counts.pending:
            log.error("captures could not be delivered; they stay queued for the next run", extra={"fields": {
                "event": "undelivered", "waiting": counts.pending, "last_error": self.sender.stats.last_error}})
            return EXIT_UNDELIVERED
        if self.sender.stats.rejected or self.stats.dropped:
            return EXIT_REJECTED
        return EXIT_OK

    def _enqueue(self, emission: Emission) -> None:
        self.stats.passages += 1
        moment = datetime.fromtimestamp(emission.first_time, self.zone)
        capture_id = f"{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(6)}"
        captured_at = moment.isoformat(timespec="milliseconds")
        jpegs = []
        for crop in emission.crops:  # best first, as the server receives them
            ok, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 92])
            if not ok:
                log.error("crop could not be encoded", extra={"fields": {"event": "encode_failed"}})
                return
            jpegs.append(jpeg.tobytes())
        taken = self.clock.moment_of(emission.first_time) if self.box_clocked else None
        clip = self.clips.clip(emission.first_time) if self.clips is not None else None
        if not self.queue.put(capture_id, captured_at, jpegs, taken, (clip.data, clip.kind) if clip else None):
            self.stats.dropped += 1
            log.error("QUEUE FULL: capture dropped. The API has been unreachable for long; check the network",
                      extra={"fields": {"event": "queue_full", "captured_at": captured_at,
                                        "queue_max": self.config.queue_max, "dropped": self.stats.dropped}})
            return
        self.stats.queued += 1
        with self._lock:
            self._captures[emission.track_id] = capture_id
        self.sender.wake()
        log.info("capture queued", extra={"fields": {
            "event": "queued", "capture_id": capture_id, "captured_at": captured_at,
            "frames": len(jpegs), "quality": round(emission.quality, 3), "paused": emission.paused,
            "clip_bytes": len(clip.data) if clip else 0}})

    def _rearm_refused(self, now: float) -> None:
        """On the main loop (the tracker is not thread-safe): a person told to look at the camera gets one more try."""
        with self._lock:
            refused, self._look_again = self._look_again, []
            tracks = {capture_id: track_id for track_id, capture_id in self._captures.items()}
        for capture_id in refused:
            if capture_id in tracks:
                self.tracker.look_again(tracks[capture_id], now)

    def _answered(self, capture_id: str, answer: dict[str, Any]) -> None:
        with self._lock:
            if answer.get("result") == SPOOF_SUSPECTED:
                self._look_again.append(capture_id)
            self._answers[capture_id] = answer
            if len(self._answers) > 200:
                self._answers.pop(next(iter(self._answers)))
            self._banner = (banner_of(answer), time.monotonic(), Answer.of(answer))

    def _show(self, image: Any, now: float) -> None:
        """One View a frame, to the display (drawn) and to the lobby page (/screen.json): they say the same."""
        if self.display is None and self.board is None:
            return
        view = self._view(now)
        if self.display is not None:
            self.display.show(image, view.overlays, view.banner)
        if self.board is not None:
            self.board.update(screen_state(view), datetime.now(self.zone))

    def _view(self, now: float) -> View:
        """What the screen says this frame: the display draws it, the --screen server answers it."""
        return View(self._overlays(now), *self._banner_now())

    def _overlays(self, now: float) -> list[Overlay]:
        overlays = []
        with self._lock:
            for track in self.tracker.visible(now):
                capture_id = self._captures.get(track.track_id)
                answer = self._answers.get(capture_id) if capture_id else None
                # the name above the face; the whole message goes to the banner
                overlays.append(overlay_for(track.face.box, capture_id is not None, answer))
        return overlays

    def _banner_now(self) -> tuple[str, Answer | None]:
        with self._lock:
            if self._banner and time.monotonic() - self._banner[1] < BANNER_SECONDS:
                return self._banner[0], self._banner[2]
        return "", None

    def _status(self, fps: float) -> str:
        sender = self.sender.stats
        return (f"fps {fps:5.1f} | faces {self.stats.faces} | passages {self.stats.passages} | "
                f"queued {self.stats.queued} | sent {sender.sent} | spoof {sender.spoof_suspected} | "
                f"failed attempts {sender.failed_attempts} | rejected {sender.rejected} | "
                f"dropped {self.stats.dropped} | clips {sender.clips_sent}")



def _undelivered(queue: CaptureQueue) -> int:
    """Captures, and clips of answered captures, still waiting for the API (``--once`` drains both)."""
    counts = queue.counts()
    return counts.pending + counts.clips
