"""The background sender: posts queued captures with the device signature until the server acknowledges them.

What each answer means for a capture:
- 2xx: delivered. The answer goes to the journal and to the display; the images leave the disk. That
  includes ``"result": "spoof_suspected"`` (the server judged the passage a photo or a screen, and did not
  record it): the capture is done, never retried nor queued again; it is logged as a warning, and the
  lobby screen asks the person to look straight into the camera.
- 400, 413, 415, 422, and 409 ``capture_conflict``: the server will never accept this body, so the capture
  is moved aside with its reason (``python -m edge_uploader queue`` lists them).
- the clip of a delivered capture whose answer it is evidence of (``wire.clip_wanted``) is then uploaded,
  after the waiting captures, to ``PUT /v1/recognitions/{capture_id}/clip``: 2xx done; 400/413/415/422 and 404
  ``capture_not_found`` dropped (logged); anything else retried with the same backoff.
- everything else (network errors, timeouts, 5xx, 429, 401/403 from a wrong secret or a skewed clock,
  409 ``capture_in_progress``): retried with exponential backoff and jitter, for as long as it takes.
  Retrying is safe because the server is idempotent on ``capture_id``.

Pace: each capture that fails waits its own backoff; a delivery makes every waiting capture due at once and
they go oldest first (the network is back: the morning's first check-ins must not wait out a 5-minute
backoff). The first attempt after a start takes the oldest waiting capture at once, whatever its backoff.

Clock: the ``Date`` of every answer (any status) tells how far off the box's clock is (``edge_uploader.clock``);
the skew is logged, as a warning beyond 2 s. Until the clock of the current boot has been checked once, no
capture is sent: the sender first asks the API for its time (``GET /v1/openapi.json``; any answer will do).
A capture taken on the box's clock is then stamped with the corrected time (and ``clock_offset_seconds`` when
the correction is more than 2 s), and every request is signed with the corrected time, so a box that booted
in 1970 is accepted. A capture taken in an earlier boot whose clock was never checked is sent as the box
stamped it (the server refuses it if that is impossible; it is then set aside).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

import requests

from chamcong import device_signature
from edge_uploader.clock import SKEW_SECONDS, BoxClock, anchor_from
from edge_uploader.queue import CaptureQueue, Pending, PendingClip
from edge_uploader.wire import SPOOF_SUSPECTED, clip_body, clip_wanted, recognition_body

log = logging.getLogger("edge_uploader.sender")

NEVER_ACCEPTED = {400, 413, 415, 422}


@dataclass(frozen=True)
class Backoff:
    base: float = 1.0
    cap: float = 300.0

    def delay(self, failures: int, rng: random.Random) -> float:
        """Exponential with 'equal jitter': half fixed, half random, so retries spread but never hammer."""
        ceiling = min(self.cap, self.base * 2 ** min(failures, 30))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass
class SenderStats:
    sent: int = 0
    spoof_suspected: int = 0  # delivered, but judged not a live person (counted in sent too)
    rejected: int = 0
    clips_sent: int = 0
    clips_refused: int = 0
    failed_attempts: int = 0
    last_error: str = ""


class Sender:
    def __init__(self, queue: CaptureQueue, api_url: str, device_id: str, secret: str, *,
                 timeout: float = 15.0, backoff: Backoff | None = None,
                 on_answer: Callable[[str, dict[str, Any]], None] | None = None,
                 rng: random.Random | None = None, clock: BoxClock | None = None,
                 zone: tzinfo | None = None) -> None:
        self.queue = queue
        self.url = api_url.rstrip("/") + "/v1/recognitions"  # a clip: {url}/{capture_id}/clip
        self.time_url = api_url.rstrip("/") + "/v1/openapi.json"  # public: any answer's Date will do
        self.clock = clock or BoxClock()
        self.zone = zone  # the site's: a corrected captured_at is written in it (else in the capture's own offset)
        self._anchors = queue.boot_anchors()  # boot id → server time − seconds since that boot
        self._logged_offset: float | None = None
        self.device_id = device_id
        self._secret = secret
        self.timeout = timeout
        self.backoff = backoff or Backoff()
        self.on_answer = on_answer
        self.stats = SenderStats()
        self._rng = rng or random.Random()  # noqa: S311 - retry jitter, not security
        self._session = requests.Session()
        self._failures = 0  # consecutive failed attempts of any capture: paces the whole sender
        self._started = False  # the first attempt of this process goes at once, oldest first
        self._wake = threading.Event()

    def __repr__(self) -> str:  # never show the secret
        return f"Sender(url={self.url!r}, device_id={self.device_id!r})"

    def wake(self) -> None:
        """A new capture was queued: stop waiting for the next due one."""
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            wait = self.step()
            if wait:
                self._wake.wait(wait)
                self._wake.clear()

    def step(self) -> float:
        """Try the next due capture. Returns how long to wait before the next step (0: go on)."""
        capture, due_in = self.queue.next_due(any_waiting=not self._started)
        if capture is None:  # the captures come first; then the clips of those answered
            clip, clip_due_in = self.queue.next_clip_due()
            if clip is None:
                waits = [wait for wait in (due_in, clip_due_in) if wait is not None]
                return min(min(waits), 5.0) if waits else 1.0
            if self.clock.boot_id not in self._anchors and not self.check_clock():
                self._failures += 1
                return self.backoff.delay(self._failures - 1, self._rng)
            if self.attempt_clip(clip):
                self._failures = 0
                return 0.0
            self._failures += 1
            return self.backoff.delay(self._failures - 1, self._rng)
        if self.clock.boot_id not in self._anchors and not self.check_clock():
            self._failures += 1  # held: nothing is sent before the clock of this boot is known
            return self.backoff.delay(self._failures - 1, self._rng)
        if self.attempt(capture):
            self._failures = 0
            return 0.0
        self._failures += 1
        return self.backoff.delay(self._failures - 1, self._rng)

    def attempt(self, capture: Pending) -> bool:
        """One POST. True when the capture left the queue (delivered or rejected), False to retry."""
        self._started = True
        attempts = self.queue.attempting(capture.capture_id)  # counted before it is made: a kill still counts
        captured_at, offset = self._stamp(capture)
        body = recognition_body(capture.capture_id, captured_at, capture.images, offset, capture.clip_sha256)
        sent = self.clock.since_boot()
        headers = device_signature.signed_headers(self.device_id, self._secret, int(self.server_now()), body)
        try:
            reply = self._session.post(self.url, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            return self._retry(capture, attempts, f"network: {type(error).__name__}", None)
        self._learn(reply.headers.get("Date"), sent, self.clock.since_boot())
        answer = _json(reply)
        code = str(answer.get("code", "")) or None
        if 200 <= reply.status_code < 300:
            self.queue.delivered(capture.capture_id, answer, upload_clip=clip_wanted(answer))
            self.stats.sent += 1
            fields = {"capture_id": capture.capture_id, "attempts": attempts,
                      "frames": len(capture.images), "result": answer.get("result"),
                      "recorded": answer.get("recorded")}
            if answer.get("result") == SPOOF_SUSPECTED:
                self.stats.spoof_suspected += 1
                log.warning("capture judged a spoof by the server: not recorded, not retried", extra={"fields": {
                    "event": "spoof_suspected", **fields}})
            else:
                log.info("capture delivered", extra={"fields": {
                    "event": "delivered", **fields, "kind": answer.get("event")}})
            if self.on_answer is not None:
                self.on_answer(capture.capture_id, answer)
            return True
        if reply.status_code in NEVER_ACCEPTED or (reply.status_code == 409 and code == "capture_conflict"):
            reason = str(answer.get("message") or reply.reason or "")
            self.queue.reject(capture.capture_id, reply.status_code, code, reason)
            self.stats.rejected += 1
            log.error("capture rejected by the server; moved aside", extra={"fields": {
                "event": "rejected", "capture_id": capture.capture_id, "status": reply.status_code, "code": code,
                "reason": reason}})
            return True
        retry_after = _retry_after(reply) if reply.status_code in (429, 503) else None
        return self._retry(capture, attempts, f"http {reply.status_code} {code or ''}".strip(), retry_after)

    def attempt_clip(self, clip: PendingClip) -> bool:
        """One PUT of a passage's clip. True when it left the queue (uploaded or refused for good), False to retry."""
        attempts = self.queue.clip_attempting(clip.capture_id)
        body = clip_body(clip.clip)
        sent = self.clock.since_boot()
        headers = device_signature.signed_headers(self.device_id, self._secret, int(self.server_now()), body)
        fields: dict[str, Any] = {"capture_id": clip.capture_id, "attempts": attempts, "bytes": len(clip.clip)}
        try:
            reply = self._session.put(f"{self.url}/{clip.capture_id}/clip", data=body, headers=headers,
                                      timeout=self.timeout)
        except requests.RequestException as error:
            return self._retry_clip(clip, attempts, f"network: {type(error).__name__}")
        self._learn(reply.headers.get("Date"), sent, self.clock.since_boot())
        answer = _json(reply)
        code = str(answer.get("code", "")) or None
        if 200 <= reply.status_code < 300:
            self.queue.clip_done(clip.capture_id, "uploaded")
            self.stats.clips_sent += 1
            log.info("clip uploaded", extra={"fields": {"event": "clip_uploaded", **fields,
                                                        "linked_to": answer.get("linked_to")}})
            return True
        if reply.status_code in NEVER_ACCEPTED or (reply.status_code == 404 and code == "capture_not_found"):
            self.queue.clip_done(clip.capture_id, f"refused: {code or reply.status_code}")
            self.stats.clips_refused += 1
            log.error("clip refused by the server; dropped", extra={"fields": {
                "event": "clip_refused", **fields, "status": reply.status_code, "code": code}})
            return True
        return self._retry_clip(clip, attempts, f"http {reply.status_code} {code or ''}".strip())

    def _retry_clip(self, clip: PendingClip, attempts: int, error: str) -> bool:
        delay = self.backoff.delay(max(0, attempts - 1), self._rng)
        self.queue.clip_retry_later(clip.capture_id, delay, error)
        self.stats.failed_attempts += 1
        self.stats.last_error = error
        log.warning("clip upload failed; will retry", extra={"fields": {
            "event": "clip_retry", "capture_id": clip.capture_id, "attempt": attempts, "error": error,
            "retry_in_s": round(delay, 1)}})
        return False

    def server_now(self) -> float:
        """The time on the server's clock as best known: the box's clock corrected, once checked in this boot."""
        anchor = self._anchors.get(self.clock.boot_id)
        return self.clock.wall() if anchor is None else self.clock.since_boot() + anchor

    def check_clock(self) -> bool:
        """Ask the API for its time (one request; its Date header). True when the clock of this boot is known."""
        sent = self.clock.since_boot()
        try:
            with self._session.get(self.time_url, timeout=self.timeout, stream=True) as reply:
                date = reply.headers.get("Date")
        except requests.RequestException as error:
            self.stats.last_error = f"network: {type(error).__name__}"
            log.warning("cannot check the clock against the API; captures wait", extra={"fields": {
                "event": "clock_unchecked", "error": self.stats.last_error}})
            return False
        self._learn(date, sent, self.clock.since_boot())
        if self.clock.boot_id not in self._anchors:  # an answer without a usable Date: never hold forever
            log.error("the API's answer has no usable Date header; captures are stamped with the box's clock",
                      extra={"fields": {"event": "clock_unchecked", "status": reply.status_code}})
            self._anchors[self.clock.boot_id] = self.clock.wall() - self.clock.since_boot()
        return True

    def _learn(self, date_header: str | None, sent: float, received: float) -> None:
        """The offset of this boot from an answer's Date (measured at the middle of the request); log the skew."""
        anchor = anchor_from(date_header, sent, received)
        if anchor is None:
            return
        boot = self.clock.boot_id
        offset = anchor + self.clock.since_boot() - self.clock.wall()  # server − box, now
        previous = self._anchors.get(boot)
        self._anchors[boot] = anchor
        if previous is None or abs(anchor - previous) > 1.0:
            self.queue.set_boot_anchor(boot, anchor, offset)
        if self._logged_offset is None or abs(offset - self._logged_offset) > SKEW_SECONDS:
            self._logged_offset = offset
            wrong = abs(offset) > SKEW_SECONDS
            log.log(logging.WARNING if wrong else logging.INFO,
                    "the box's clock is wrong: captures are stamped with the server's time" if wrong
                    else "the box's clock agrees with the server's", extra={"fields": {
                        "event": "clock", "offset_s": round(offset, 1),
                        "box_time": _iso(self.clock.wall()), "server_time": _iso(self.server_now())}})

    def _stamp(self, capture: Pending) -> tuple[str, float | None]:
        """The time a capture is sent with: fixed at its first attempt, so every retry sends the same body."""
        if capture.stamp is not None:
            return capture.stamp
        if capture.moment is None:  # not taken on the box's clock (a recording, an older queue): as it is
            return capture.captured_at, None
        anchor = self._anchors.get(capture.moment.boot_id)
        stamp: tuple[str, float | None] = (capture.captured_at, None)
        if anchor is None:
            log.warning("capture taken in an earlier boot whose clock was never checked: sent with the box's time",
                        extra={"fields": {"event": "clock_unknown", "capture_id": capture.capture_id,
                                          "captured_at": capture.captured_at}})
        else:
            corrected = capture.moment.since_boot + anchor
            offset = corrected - capture.moment.device_time
            if abs(offset) > SKEW_SECONDS:
                stamp = (_iso(corrected, capture.captured_at, self.zone), round(offset, 3))
        return self.queue.stamp(capture.capture_id, *stamp)

    def _retry(self, capture: Pending, attempts: int, error: str, retry_after: float | None) -> bool:
        delay = self.backoff.delay(max(0, attempts - 1), self._rng)
        if retry_after is not None:
            delay = max(delay, retry_after)
        self.queue.retry_later(capture.capture_id, delay, error)
        self.stats.failed_attempts += 1
        self.stats.last_error = error
        level = logging.ERROR if error.startswith(("http 401", "http 403")) else logging.WARNING
        log.log(level, "upload failed; will retry", extra={"fields": {
            "event": "retry", "capture_id": capture.capture_id, "attempt": attempts, "error": error,
            "retry_in_s": round(delay, 1),
            **({"hint": "check device_id, secret and the clock of this box"} if level == logging.ERROR else {})}})
        return False


def _iso(moment: float, like: str | None = None, zone: tzinfo | None = None) -> str:
    """A time as ISO 8601 in ``zone``, else with the UTC offset of ``like`` (the capture's own), else UTC."""
    if zone is not None:
        return datetime.fromtimestamp(moment, zone).isoformat(timespec="milliseconds")
    zone = UTC
    if like:
        try:
            zone = datetime.fromisoformat(like).tzinfo or UTC
        except ValueError:
            zone = UTC
    return datetime.fromtimestamp(moment, zone).isoformat(timespec="milliseconds")


def _json(reply: requests.Response) -> dict[str, Any]:
    try:
        value = reply.json()
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _retry_after(reply: requests.Response) -> float | None:
    try:
        return max(0.0, float(reply.headers.get("Retry-After", "")))
    except ValueError:
        return None
