"""The durable local queue: nothing put is lost (restart, kill -9), nothing is sent twice, the bound holds."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from edge_uploader.queue import CaptureQueue, Counts

REPO = Path(__file__).resolve().parents[2]
AT = "2026-11-20T07:58:00+07:00"
JPEG = b"\xff\xd8\xff\xe0 a face crop \xff\xd9"


class FakeClock:
    def __init__(self, now: float = 1_763_600_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def queue_path(tmp_path: Path) -> Path:
    return tmp_path / "box" / "edge-queue.sqlite3"


def test_a_put_capture_survives_closing_and_reopening(queue_path: Path) -> None:
    # GIVEN a capture put in the queue, and the program stopped
    queue = CaptureQueue(queue_path)
    assert queue.put("c-1", AT, JPEG)
    queue.close()
    # WHEN the program starts again on the same file
    reopened = CaptureQueue(queue_path)
    # THEN the capture is waiting, image and all
    capture, _ = reopened.next_due()
    assert capture is not None
    assert (capture.capture_id, capture.captured_at, capture.image, capture.attempts) == ("c-1", AT, JPEG, 0)
    reopened.close()


def test_a_put_capture_survives_the_process_being_killed(queue_path: Path) -> None:
    # GIVEN a process that puts a capture, says so, then hangs
    code = ("import sys, time\n"
            "from pathlib import Path\n"
            "from edge_uploader.queue import CaptureQueue\n"
            "queue = CaptureQueue(Path(sys.argv[1]))\n"
            f"assert queue.put('c-killed', {AT!r}, {JPEG!r})\n"
            "print('put', flush=True)\n"
            "time.sleep(60)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(queue_path)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, process.kill)  # a hung child fails the test instead of hanging the suite
    watchdog.start()
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.strip() == "put", process.stderr.read() if process.stderr else ""
        # WHEN it is killed without any chance to clean up (power cut, OOM killer, kill -9)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        watchdog.cancel()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
    assert process.returncode == -signal.SIGKILL
    # THEN the next start finds the capture
    queue = CaptureQueue(queue_path)
    capture, _ = queue.next_due()
    assert capture is not None
    assert (capture.capture_id, capture.image) == ("c-killed", JPEG)
    queue.close()


def test_the_queue_file_is_in_wal_mode(queue_path: Path) -> None:
    # GIVEN a queue
    queue = CaptureQueue(queue_path)
    queue.put("c-1", AT, JPEG)
    # WHEN another process (the `queue` command) looks at the file
    other = sqlite3.connect(queue_path)
    try:
        (mode,) = other.execute("PRAGMA journal_mode").fetchone()
        (pending,) = other.execute("SELECT COUNT(*) FROM pending").fetchone()
    finally:
        other.close()
    # THEN the file is in WAL mode (readers never block the capture loop) and the capture is visible
    assert mode.lower() == "wal"
    assert pending == 1
    queue.close()


def test_at_the_bound_a_new_capture_is_refused_and_the_earlier_ones_kept(queue_path: Path) -> None:
    # GIVEN a queue bounded to 3 captures, full
    queue = CaptureQueue(queue_path, max_pending=3)
    assert [queue.put(f"c-{n}", AT, JPEG + bytes([n])) for n in (1, 2, 3)] == [True, True, True]
    # WHEN a 4th capture comes
    accepted = queue.put("c-4", AT, JPEG)
    # THEN it is refused, nothing of it is written, and the earlier ones are untouched
    assert accepted is False
    assert [row["capture_id"] for row in queue.waiting()] == ["c-1", "c-2", "c-3"]
    assert all(row["attempts"] == 0 for row in queue.waiting())
    assert queue.counts().pending == 3
    capture, _ = queue.next_due()
    assert capture is not None and capture.image == JPEG + bytes([1])
    # WHEN one is delivered
    queue.delivered("c-1", {"result": "matched"})
    # THEN there is room again
    assert queue.put("c-4", AT, JPEG)
    assert [row["capture_id"] for row in queue.waiting()] == ["c-2", "c-3", "c-4"]
    queue.close()


def test_next_due_is_the_oldest_due_capture_and_a_retry_goes_behind(queue_path: Path, clock: FakeClock) -> None:
    # GIVEN two captures
    queue = CaptureQueue(queue_path, clock=clock)
    queue.put("c-1", AT, JPEG)
    queue.put("c-2", AT, JPEG)
    first, _ = queue.next_due()
    assert first is not None and first.capture_id == "c-1"
    # WHEN the first fails and is put back for 10 s
    assert queue.attempting("c-1") == 1
    queue.retry_later("c-1", 10, "http 503")
    # THEN the second comes first
    second, _ = queue.next_due()
    assert second is not None and second.capture_id == "c-2"
    # WHEN the second is put back for 20 s
    queue.attempting("c-2")
    queue.retry_later("c-2", 20, "http 503")
    # THEN nothing is due, and the queue says when the next one will be
    nothing, due_in = queue.next_due()
    assert nothing is None
    assert due_in == pytest.approx(10)
    # WHEN 10 s have passed
    clock.now += 10
    # THEN the first is due again, with its failed attempt counted
    again, _ = queue.next_due()
    assert again is not None and again.capture_id == "c-1" and again.attempts == 1
    assert queue.waiting()[0]["last_error"] == "http 503"
    queue.close()


def test_an_empty_queue_has_nothing_due(queue_path: Path) -> None:
    queue = CaptureQueue(queue_path)
    assert queue.next_due() == (None, None)
    queue.close()


def test_delivered_keeps_the_answer_and_drops_the_image(queue_path: Path, clock: FakeClock) -> None:
    # GIVEN a capture that failed once
    queue = CaptureQueue(queue_path, clock=clock)
    queue.put("c-1", AT, JPEG)
    queue.attempting("c-1")
    queue.retry_later("c-1", 0, "network: ConnectionError")
    queue.attempting("c-1")
    answer = {"result": "matched", "staff_id": "NV-0042", "event": "check_in", "recorded": True,
              "similarity": 0.83, "name": "Nguyễn Văn A"}
    # WHEN the server acknowledges it (and, after a crash, the acknowledgement is recorded again)
    queue.delivered("c-1", answer)
    queue.delivered("c-1", answer)
    # THEN it is in the journal once, with the answer, and no longer waiting
    assert queue.counts() == Counts(0, 1, 0)
    [entry] = queue.journal()
    assert entry["capture_id"] == "c-1" and entry["captured_at"] == AT
    assert (entry["result"], entry["staff_id"], entry["event"]) == ("matched", "NV-0042", "check_in")
    assert entry["similarity"] == pytest.approx(0.83)
    assert entry["recorded"] == 1 and entry["attempts"] == 2
    assert entry["delivered_at"] == clock.now
    # AND the image is gone: the journal has no place for it, and nothing is due
    assert "image" not in entry
    other = sqlite3.connect(queue_path)
    try:
        columns = {row[1] for row in other.execute("PRAGMA table_info(delivered)")}
        (pending_images,) = other.execute("SELECT COUNT(*) FROM pending").fetchone()
    finally:
        other.close()
    assert "image" not in columns
    assert pending_images == 0
    assert queue.next_due() == (None, None)
    queue.close()


def test_reject_keeps_image_and_reason_and_requeue_brings_it_back(queue_path: Path) -> None:
    # GIVEN a capture the server refused for good
    queue = CaptureQueue(queue_path)
    queue.put("c-1", AT, JPEG)
    queue.reject("c-1", 422, "captured_at_too_old", "captured_at is more than 24 h old")
    # THEN it is no longer waiting, and the operator sees why, with the image kept
    assert queue.counts() == Counts(0, 0, 1)
    assert queue.next_due() == (None, None)
    [rejection] = queue.rejections()
    assert (rejection["capture_id"], rejection["status"], rejection["code"], rejection["reason"]) == (
        "c-1", 422, "captured_at_too_old", "captured_at is more than 24 h old")
    other = sqlite3.connect(queue_path)
    try:
        (image,) = other.execute("SELECT image FROM rejected WHERE capture_id = 'c-1'").fetchone()
    finally:
        other.close()
    assert image == JPEG
    # WHEN the operator requeues the refused captures (after fixing the cause)
    moved = queue.requeue_rejected()
    # THEN it waits again, with its image, and the refused list is empty
    assert moved == 1
    assert queue.counts() == Counts(1, 0, 0)
    capture, _ = queue.next_due()
    assert capture is not None and (capture.capture_id, capture.captured_at, capture.image) == ("c-1", AT, JPEG)
    queue.close()


def test_purge_forgets_old_journal_and_refusals_but_never_waiting_captures(queue_path: Path,
                                                                          clock: FakeClock) -> None:
    # GIVEN, 8 days ago, a delivered, a refused and a still waiting capture
    queue = CaptureQueue(queue_path, clock=clock)
    for capture_id in ("old-delivered", "old-refused", "old-waiting"):
        queue.put(capture_id, AT, JPEG)
    queue.delivered("old-delivered", {"result": "matched"})
    queue.reject("old-refused", 400, "bad_image", "not a JPEG")
    clock.now += 8 * 86400
    # AND a capture delivered today
    queue.put("new-delivered", AT, JPEG)
    queue.delivered("new-delivered", {"result": "matched"})
    # WHEN the box purges with a 7-day retention
    gone = queue.purge(7)
    # THEN the old journal entry and refusal are gone, today's entry and the waiting capture stay
    assert gone == 2
    assert [entry["capture_id"] for entry in queue.journal()] == ["new-delivered"]
    assert queue.rejections() == []
    assert [row["capture_id"] for row in queue.waiting()] == ["old-waiting"]
    # AND even a retention of zero never drops a waiting capture
    clock.now += 1
    queue.purge(0)
    assert queue.counts() == Counts(1, 0, 0)
    queue.close()


def test_concurrent_capture_loop_and_sender_lose_and_duplicate_nothing(queue_path: Path) -> None:
    # GIVEN the capture loop putting 200 captures while the sender delivers them
    queue = CaptureQueue(queue_path)
    ids = [f"c-{n:03d}" for n in range(200)]
    queued = threading.Semaphore(0)
    delivered: list[str] = []
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            for capture_id in ids:
                assert queue.put(capture_id, AT, capture_id.encode())
                queued.release()
        except BaseException as error:
            errors.append(error)

    def consume() -> None:
        try:
            for _ in ids:  # each put lets one capture through, however slow the disk
                assert queued.acquire(timeout=30), "the producer stalled"
                capture, _ = queue.next_due()
                assert capture is not None, "a capture that was put is not due"
                assert capture.image == capture.capture_id.encode()
                queue.delivered(capture.capture_id, {"result": "matched"})
                delivered.append(capture.capture_id)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    # WHEN both run at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    # THEN every capture was delivered exactly once, in order, and nothing is left
    assert errors == []
    assert delivered == ids
    assert sorted(entry["capture_id"] for entry in queue.journal()) == ids
    assert queue.counts() == Counts(0, 200, 0)
    queue.close()


CROPS = (b"\xff\xd8\xff\xe0 best crop \xff\xd9", b"\xff\xd8\xff\xe0 second \x00\x01\xff\xd9",
         b"\xff\xd8 third \xff\xd9")


def test_a_capture_of_three_crops_comes_back_whole_in_order_through_retry_reject_and_requeue(
        queue_path: Path) -> None:
    # GIVEN a passage of three crops, best first, queued and the program restarted
    queue = CaptureQueue(queue_path)
    assert queue.put("c-3", AT, list(CROPS))
    queue.close()
    queue = CaptureQueue(queue_path)
    # THEN it comes back as the same three crops in the same order
    capture, _ = queue.next_due()
    assert capture is not None and capture.images == CROPS and capture.image == CROPS[0]
    assert queue.waiting()[0]["frames"] == 3
    # AND after a failed attempt, a refusal and a requeue, still the same
    queue.retry_later("c-3", 0, "http 503")
    queue.reject("c-3", 422, "bad_image", "no face")
    assert queue.rejections()[0]["frames"] == 3
    assert queue.requeue_rejected() == 1
    capture, _ = queue.next_due()
    assert capture is not None and capture.images == CROPS
    queue.close()


@pytest.mark.parametrize("images", [[], [b""], [CROPS[0], b""], [*CROPS, CROPS[0]]])
def test_a_capture_without_crops_or_with_more_than_three_is_refused(queue_path: Path, images: list[bytes]) -> None:
    queue = CaptureQueue(queue_path)
    with pytest.raises(ValueError, match="1 to 3"):
        queue.put("c-bad", AT, images)
    assert queue.counts() == Counts(0, 0, 0)
    queue.close()


def test_a_queue_file_from_before_several_crops_is_read_and_extended(queue_path: Path) -> None:
    # GIVEN a queue file written by the previous uploader (no frames column), with a capture waiting
    queue_path.parent.mkdir(parents=True)
    old = sqlite3.connect(queue_path)
    old.executescript("""
        CREATE TABLE pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, capture_id TEXT NOT NULL UNIQUE,
            captured_at TEXT NOT NULL, image BLOB NOT NULL, queued_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0, last_error TEXT);
        CREATE TABLE rejected (capture_id TEXT PRIMARY KEY, captured_at TEXT NOT NULL, image BLOB NOT NULL,
            rejected_at REAL NOT NULL, status INTEGER NOT NULL, code TEXT, reason TEXT);
    """)
    old.execute("INSERT INTO pending (capture_id, captured_at, image, queued_at) VALUES ('c-old', ?, ?, 0)",
                (AT, JPEG))
    old.commit()
    old.close()
    # WHEN the new uploader opens it
    queue = CaptureQueue(queue_path)
    # THEN the old capture is one crop, and a capture of three can be queued beside it
    capture, _ = queue.next_due()
    assert capture is not None and capture.images == (JPEG,)
    assert queue.put("c-new", AT, list(CROPS))
    queue.delivered("c-old", {"result": "matched"})
    capture, _ = queue.next_due()
    assert capture is not None and capture.images == CROPS
    queue.close()


def test_a_delivery_makes_every_waiting_capture_due_at_once_oldest_first(queue_path: Path, clock: FakeClock) -> None:
    # GIVEN three captures that failed during an outage and were put back for 300 s, 40 s and 90 s
    queue = CaptureQueue(queue_path, clock=clock)
    for capture_id, delay in (("c-1", 300), ("c-2", 40), ("c-3", 90), ("c-4", 0)):
        queue.put(capture_id, AT, JPEG)
        if delay:
            queue.attempting(capture_id)
            queue.retry_later(capture_id, delay, "network: ConnectionError")
    # WHEN the one capture due now is delivered (the API is back)
    due, _ = queue.next_due()
    assert due is not None and due.capture_id == "c-4"
    queue.delivered("c-4", {"result": "matched"})
    # THEN the others are due at once, without the clock moving, and come oldest first (queue order)
    order = []
    while (capture := queue.next_due()[0]) is not None:
        order.append(capture.capture_id)
        queue.delivered(capture.capture_id, {"result": "matched"})
    assert order == ["c-1", "c-2", "c-3"]
    assert queue.counts() == Counts(0, 4, 0)
    queue.close()


def test_an_attempt_is_counted_before_it_is_made_and_stays_counted(queue_path: Path) -> None:
    # GIVEN a capture attempted twice by a process that then died without hearing back
    queue = CaptureQueue(queue_path)
    queue.put("c-1", AT, JPEG)
    assert [queue.attempting("c-1"), queue.attempting("c-1")] == [1, 2]
    queue.close()
    # WHEN another process attempts it once more and it is delivered
    reopened = CaptureQueue(queue_path)
    assert reopened.waiting()[0]["attempts"] == 2
    assert reopened.attempting("c-1") == 3
    reopened.delivered("c-1", {"result": "matched"})
    # THEN the journal shows the three attempts
    assert reopened.journal()[0]["attempts"] == 3
    reopened.close()
