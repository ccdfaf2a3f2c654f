"""The durable local queue: every capture is on disk before any upload is attempted.

SQLite in WAL mode with ``synchronous=FULL``: a capture whose ``put`` returned survives ``kill -9`` and a
power cut. A capture leaves the ``pending`` table only in the same transaction that records why: into
``delivered`` (the server answered 2xx; the image is dropped, the answer kept as a journal) or into
``rejected`` (a 4xx that can never succeed; the image is kept for the operator, then purged with the
journal after ``retention_days``).

A capture holds the 1 to 3 crops of one passage. One crop is stored as it is (a queue written before
several crops existed reads the same); several are packed into the one ``image`` column, each behind its
4-byte length, and ``frames`` says how many. A capture moves between tables whole, so a retry or a requeue
sends exactly the crops, in the order, that were queued.

Order and pace: among the captures due, the oldest (queue order, which is capture order) goes first. A failed
attempt puts a capture back with its own backoff; a delivery (2xx) makes every waiting capture due at once,
so when the network comes back the morning's captures go out together, oldest first, instead of each
waiting out the backoff it grew during the outage. An attempt is counted (durably) before its request is
sent, so a capture posted five times shows 5 attempts, even when the process was killed mid-upload.

Time: a capture from the uploader keeps its moment on the box's clocks (``edge_uploader.clock.Moment``). At
its first attempt the sender stamps it (``captured_at`` corrected by the offset of its boot, learned from the
server's ``Date``) and the stamp is stored, so every retry sends the same body. ``boots`` keeps each boot's
anchor (server time − seconds since boot), so a restart in the same boot need not learn it again.

Clips: a capture may carry its passage's clip (``put(..., clip=(bytes, kind))``); the body sends its sha256. When
the capture is answered 2xx with something the clip is evidence of (an event, a spoof, an unmatched passage), the
clip moves to the ``clips`` table in the same transaction as the answer, and waits there, durably, for its upload
(``PUT /v1/recognitions/{capture_id}/clip``), retried like a capture; otherwise it leaves with the images. The
journal's ``clip`` column says what became of it (waiting, uploaded, refused: code).

At the bound (``max_pending``) a new capture is refused, not an old one evicted: the captures already
waiting are the earlier check-ins, which the day's attendance depends on. The caller logs it loudly.
"""

from __future__ import annotations

import hashlib
import sqlite3
import struct
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edge_uploader.clock import Moment
from edge_uploader.wire import MAX_FRAMES

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    capture_id TEXT NOT NULL UNIQUE,
    captured_at TEXT NOT NULL,
    image BLOB NOT NULL,
    frames INTEGER NOT NULL DEFAULT 1,
    queued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    boot_id TEXT,
    since_boot REAL,
    device_time REAL,
    stamped INTEGER NOT NULL DEFAULT 0,
    stamped_at TEXT,
    clock_offset REAL
);
CREATE INDEX IF NOT EXISTS pending_due ON pending (next_attempt_at, seq);
CREATE TABLE IF NOT EXISTS delivered (
    capture_id TEXT PRIMARY KEY,
    captured_at TEXT NOT NULL,
    delivered_at REAL NOT NULL,
    attempts INTEGER NOT NULL,
    result TEXT,
    staff_id TEXT,
    event TEXT,
    recorded INTEGER,
    similarity REAL,
    clock_offset REAL
);
CREATE TABLE IF NOT EXISTS rejected (
    capture_id TEXT PRIMARY KEY,
    captured_at TEXT NOT NULL,
    image BLOB NOT NULL,
    frames INTEGER NOT NULL DEFAULT 1,
    rejected_at REAL NOT NULL,
    status INTEGER NOT NULL,
    code TEXT,
    reason TEXT,
    boot_id TEXT,
    since_boot REAL,
    device_time REAL
);
CREATE TABLE IF NOT EXISTS clips (
    capture_id TEXT PRIMARY KEY,
    clip BLOB NOT NULL,
    kind TEXT NOT NULL,
    queued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS clips_due ON clips (next_attempt_at, queued_at);
CREATE TABLE IF NOT EXISTS boots (
    boot_id TEXT PRIMARY KEY,
    anchor REAL NOT NULL,
    offset REAL NOT NULL,
    measured_at REAL NOT NULL
);
"""
# Columns added since the first queue files: (table, column, declaration), added when missing.
_ADDED = [(table, "frames", "INTEGER NOT NULL DEFAULT 1") for table in ("pending", "rejected")] + [
    *[(table, column, kind) for table in ("pending", "rejected")
      for column, kind in (("boot_id", "TEXT"), ("since_boot", "REAL"), ("device_time", "REAL"))],
    ("pending", "stamped", "INTEGER NOT NULL DEFAULT 0"), ("pending", "stamped_at", "TEXT"),
    ("pending", "clock_offset", "REAL"), ("delivered", "clock_offset", "REAL"),
    ("pending", "clip", "BLOB"), ("pending", "clip_kind", "TEXT"), ("pending", "clip_sha256", "TEXT"),
    ("delivered", "clip", "TEXT")]


@dataclass(frozen=True)
class Pending:
    capture_id: str
    captured_at: str
    images: tuple[bytes, ...]  # the passage's crops, best first
    attempts: int
    moment: Moment | None = None  # where it was taken on the box's clocks; None: captured_at is sent as it is
    stamp: tuple[str, float | None] | None = None  # (captured_at, clock offset) fixed at its first attempt
    clip_sha256: str | None = None  # of the passage's clip (sent inside the capture; the clip after its answer)

    @property
    def image(self) -> bytes:
        """The best crop."""
        return self.images[0]


@dataclass(frozen=True)
class PendingClip:
    capture_id: str
    clip: bytes
    kind: str
    attempts: int


@dataclass(frozen=True)
class Counts:
    pending: int
    delivered: int
    rejected: int
    clips: int = 0  # clips of answered captures waiting for their upload


class CaptureQueue:
    """Thread-safe: the capture loop puts, the sender takes; other processes may read (WAL)."""

    def __init__(self, path: Path, *, max_pending: int = 5000, clock: Any = time.time) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.max_pending = max_pending
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")  # a delivered face image does not linger in free pages
        self._db.executescript(SCHEMA)
        for table, column, kind in _ADDED:  # a queue file written by an earlier version
            columns = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in columns:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, capture_id: str, captured_at: str, images: bytes | Sequence[bytes],
            moment: Moment | None = None, clip: tuple[bytes, str] | None = None) -> bool:
        """Store a capture (one crop, or 1 to 3 crops best first) durably; ``moment``: taken on the box's clock;
        ``clip``: the passage's clip and its kind ("webm"), whose sha256 the capture carries.

        False when the queue is at its bound (nothing is written then); ValueError for no crop, an empty
        one or more than three.
        """
        crops = (images,) if isinstance(images, bytes) else tuple(images)
        blob = pack(crops)
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            (count,) = self._db.execute("SELECT COUNT(*) FROM pending").fetchone()
            if count >= self.max_pending:
                return False
            self._db.execute(
                "INSERT INTO pending (capture_id, captured_at, image, frames, queued_at, boot_id, since_boot, "
                "device_time, clip, clip_kind, clip_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (capture_id, captured_at, blob, len(crops), self._clock(),
                 *((moment.boot_id, moment.since_boot, moment.device_time) if moment else (None, None, None)),
                 *((clip[0], clip[1], hashlib.sha256(clip[0]).hexdigest()) if clip else (None, None, None))))
            return True

    def next_due(self, *, any_waiting: bool = False) -> tuple[Pending | None, float | None]:
        """The oldest capture due for an attempt, else (None, seconds until the next one is due).

        ``any_waiting``: the oldest waiting capture whatever its backoff (a sender's first attempt after a start).
        """
        now = self._clock()
        with self._lock:
            row = self._db.execute(
                "SELECT capture_id, captured_at, image, frames, attempts, boot_id, since_boot, device_time, stamped, "
                "stamped_at, clock_offset, clip_sha256 FROM pending WHERE next_attempt_at <= ? ORDER BY seq LIMIT 1",
                (float("inf") if any_waiting else now,)).fetchone()
            if row is None:
                (soonest,) = self._db.execute("SELECT MIN(next_attempt_at) FROM pending").fetchone()
        if row is None:
            return None, None if soonest is None else max(0.0, soonest - now)
        moment = Moment(row[5], float(row[6]), float(row[7])) if row[5] is not None else None
        stamp = (str(row[9]), row[10]) if row[8] else None
        return Pending(row[0], row[1], unpack(row[2], row[3]), row[4], moment, stamp, row[11]), None

    def stamp(self, capture_id: str, captured_at: str, clock_offset: float | None) -> tuple[str, float | None]:
        """Fix the time a capture is sent with, once: the stamp already stored wins (a retry sends the same body)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE pending SET stamped = 1, stamped_at = ?, clock_offset = ? "
                             "WHERE capture_id = ? AND stamped = 0", (captured_at, clock_offset, capture_id))
            row = self._db.execute("SELECT stamped_at, clock_offset FROM pending WHERE capture_id = ?",
                                   (capture_id,)).fetchone()
        return (str(row[0]), row[1]) if row else (captured_at, clock_offset)

    def boot_anchors(self) -> dict[str, float]:
        """The anchor (server time − seconds since boot) of every boot whose clock was checked."""
        with self._lock:
            return {str(boot): float(anchor) for boot, anchor in self._db.execute("SELECT boot_id, anchor FROM boots")}

    def set_boot_anchor(self, boot_id: str, anchor: float, offset: float) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO boots (boot_id, anchor, offset, measured_at) VALUES (?, ?, ?, ?)",
                             (boot_id, anchor, offset, self._clock()))

    def attempting(self, capture_id: str) -> int:
        """Count an attempt before its request goes out (durably: a kill mid-upload still counts); the new count."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE pending SET attempts = attempts + 1 WHERE capture_id = ?", (capture_id,))
            row = self._db.execute("SELECT attempts FROM pending WHERE capture_id = ?", (capture_id,)).fetchone()
            return int(row[0]) if row else 0

    def delivered(self, capture_id: str, answer: dict[str, Any], *, upload_clip: bool = False) -> None:
        """Journal the server's answer, drop the images, and make every waiting capture due now (the API is up).

        ``upload_clip``: the answer recorded something the clip is evidence of; the clip waits for its upload (in
        the same transaction), else it is dropped with the images.
        """
        similarity = answer.get("similarity")
        with self._lock, self._db:  # one transaction: moved, or (already gone) nothing at all
            self._db.execute("BEGIN IMMEDIATE")
            moved = self._db.execute(
                "INSERT OR IGNORE INTO clips (capture_id, clip, kind, queued_at) SELECT capture_id, clip, clip_kind, ? "
                "FROM pending WHERE capture_id = ? AND clip IS NOT NULL AND ?",
                (self._clock(), capture_id, int(upload_clip))).rowcount
            self._db.execute(
                "INSERT OR REPLACE INTO delivered (capture_id, captured_at, delivered_at, attempts, result, staff_id, "
                "event, recorded, similarity, clock_offset, clip) SELECT capture_id, "
                "CASE WHEN stamped THEN stamped_at ELSE captured_at END, ?, MAX(attempts, 1), ?, ?, ?, ?, ?, "
                "clock_offset, ? FROM pending WHERE capture_id = ?",
                (self._clock(), _text(answer.get("result")), _text(answer.get("staff_id")),
                 _text(answer.get("event")), int(bool(answer.get("recorded"))),
                 float(similarity) if isinstance(similarity, (int, float)) else None,
                 "waiting" if moved else None, capture_id))
            self._db.execute("DELETE FROM pending WHERE capture_id = ?", (capture_id,))
            self._db.execute("UPDATE pending SET next_attempt_at = 0 WHERE next_attempt_at > 0")

    # --- the clips of answered captures, uploaded after them ---------------------------------------------------

    def next_clip_due(self) -> tuple[PendingClip | None, float | None]:
        """The oldest clip due for an upload, else (None, seconds until the next one is due, or None)."""
        now = self._clock()
        with self._lock:
            row = self._db.execute("SELECT capture_id, clip, kind, attempts FROM clips WHERE next_attempt_at <= ? "
                                   "ORDER BY queued_at, capture_id LIMIT 1", (now,)).fetchone()
            if row is None:
                (soonest,) = self._db.execute("SELECT MIN(next_attempt_at) FROM clips").fetchone()
        if row is None:
            return None, None if soonest is None else max(0.0, soonest - now)
        return PendingClip(str(row[0]), bytes(row[1]), str(row[2]), int(row[3])), None

    def clip_attempting(self, capture_id: str) -> int:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("UPDATE clips SET attempts = attempts + 1 WHERE capture_id = ?", (capture_id,))
            row = self._db.execute("SELECT attempts FROM clips WHERE capture_id = ?", (capture_id,)).fetchone()
            return int(row[0]) if row else 0

    def clip_done(self, capture_id: str, outcome: str) -> None:
        """The clip left for good: "uploaded" (2xx) or "refused: <code>" (a 4xx that can never succeed)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM clips WHERE capture_id = ?", (capture_id,))
            self._db.execute("UPDATE delivered SET clip = ? WHERE capture_id = ?", (outcome[:100], capture_id))

    def clip_retry_later(self, capture_id: str, delay: float, error: str) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE clips SET next_attempt_at = ?, last_error = ? WHERE capture_id = ?",
                             (self._clock() + delay, error[:500], capture_id))

    def retry_later(self, capture_id: str, delay: float, error: str) -> None:
        """Put a capture back after a failed attempt (already counted by ``attempting``)."""
        with self._lock, self._db:
            self._db.execute("UPDATE pending SET next_attempt_at = ?, last_error = ? WHERE capture_id = ?",
                             (self._clock() + delay, error[:500], capture_id))

    def reject(self, capture_id: str, status: int, code: str | None, reason: str) -> None:
        with self._lock, self._db:  # one transaction: moved, or (already gone) nothing at all
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT OR REPLACE INTO rejected (capture_id, captured_at, image, frames, rejected_at, status, code, "
                "reason, boot_id, since_boot, device_time) SELECT capture_id, captured_at, image, frames, ?, ?, ?, ?, "
                "boot_id, since_boot, device_time FROM pending WHERE capture_id = ?",
                (self._clock(), status, code, reason[:500], capture_id))
            self._db.execute("DELETE FROM pending WHERE capture_id = ?", (capture_id,))

    def requeue_rejected(self) -> int:
        """Give the rejected captures another chance (after the cause was fixed on the server)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            moved = self._db.execute(
                "INSERT OR IGNORE INTO pending (capture_id, captured_at, image, frames, queued_at, boot_id, "
                "since_boot, device_time) SELECT capture_id, captured_at, image, frames, ?, boot_id, since_boot, "
                "device_time "
                "FROM rejected ORDER BY rejected_at",
                (self._clock(),)).rowcount
            self._db.execute("DELETE FROM rejected")
            return int(moved)

    def purge(self, retention_days: float) -> int:
        """Forget delivered answers and rejected images older than the retention period."""
        cutoff = self._clock() - retention_days * 86400
        with self._lock, self._db:
            gone = self._db.execute("DELETE FROM delivered WHERE delivered_at < ?", (cutoff,)).rowcount
            gone += self._db.execute("DELETE FROM rejected WHERE rejected_at < ?", (cutoff,)).rowcount
            return int(gone)

    def counts(self) -> Counts:
        with self._lock:
            values = [self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
                      for table in ("pending", "delivered", "rejected", "clips")]
        return Counts(*values)

    def journal(self) -> list[dict[str, Any]]:
        """Delivered captures and their answers, oldest first (no images)."""
        return self._rows("SELECT capture_id, captured_at, delivered_at, attempts, result, staff_id, event, recorded, "
                          "similarity, clock_offset, clip FROM delivered ORDER BY captured_at, capture_id")

    def rejections(self) -> list[dict[str, Any]]:
        """Captures the server refused for good, with its code and reason (no images)."""
        return self._rows("SELECT capture_id, captured_at, frames, rejected_at, status, code, reason FROM rejected "
                          "ORDER BY rejected_at")

    def waiting(self) -> list[dict[str, Any]]:
        """Captures not yet delivered, in queue order (no images)."""
        return self._rows("SELECT capture_id, captured_at, frames, queued_at, attempts, next_attempt_at, last_error "
                          "FROM pending ORDER BY seq")

    def _rows(self, query: str) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self._db.execute(query)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def pack(images: tuple[bytes, ...]) -> bytes:
    """One crop as it is; several, each behind its length (4 bytes, big-endian)."""
    if not 1 <= len(images) <= MAX_FRAMES or not all(images):
        raise ValueError(f"a capture has 1 to {MAX_FRAMES} non-empty crops, not {len(images)}")
    if len(images) == 1:
        return images[0]
    return b"".join(struct.pack(">I", len(image)) + image for image in images)


def unpack(blob: bytes, frames: int) -> tuple[bytes, ...]:
    if frames == 1:
        return (bytes(blob),)
    images, offset = [], 0
    for _ in range(frames):
        (size,) = struct.unpack_from(">I", blob, offset)
        images.append(bytes(blob[offset + 4:offset + 4 + size]))
        offset += 4 + size
    if offset != len(blob) or not all(images):
        raise ValueError("a stored capture does not hold the crops it says")
    return tuple(images)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
