"""The edge uploader against the real local stack: a lobby clip in, exactly one event per passage out.

The stack runs as `make serve` does (moto + chalice in a separate process). Between the uploader and the
API sits a relay that can be stopped, lose answers, or hold a request while the test kills the uploader.
"""

from __future__ import annotations

import base64
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
import requests

from edge_uploader.clock import BoxClock
from edge_uploader.config import MODEL_NAME
from edge_uploader.queue import CaptureQueue
from infra.demo.lobby import WALK_SECONDS, PassageTruth, build_clip, schedule
from tests.integration.photos import photos_of
from tests.integration.relay import Relay
from tests.integration.served import REPO, local_stack

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PASSWORD = "Mật-khẩu-thử-2026"
ENROLLED = ("obama", "person01", "person02")
STRANGER = "person10"
# The lobby shows another photo than the enrolment one (photos_of(...)[0]). person02's second photo scores
# 0.47 against the first even unpasted (below the 0.50 threshold; see the README's calibration), so the
# clip uses their fourth.
PROBE = {"obama": 1, "person01": 1, "person02": 3, "person10": 1}
WHOLE_DAY = {"CHECK_IN_WINDOW": "00:00-12:00", "CHECK_OUT_WINDOW": "12:00-23:59"}
YEAR = 365 * 86400.0


def last_working_day() -> date:
    day = datetime.now(HANOI).date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class Office:
    api: str
    admin: requests.Session
    device_id: str
    secret: str
    staff: dict[str, str]  # person folder → staff_id
    last_working_day: date

    def day(self, number: int) -> date:
        """Each test records on its own day (within the 7 days the server accepts), so their order is free."""
        return self.last_working_day - timedelta(days=number)

    def events(self, person: str, day: date) -> list[dict[str, object]]:
        reply = self.admin.get(f"{self.api}/v1/staff/{self.staff[person]}/events",
                               params={"date": day.isoformat()}, timeout=30)
        assert reply.status_code == 200, reply.text
        return list(reply.json()["events"])


@pytest.fixture(scope="module")
def office(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    # Windows over the whole day (the tests' times keep their meaning: 07:10 is a check-in, 17:05 a check-out),
    # so a box recording now, whatever the hour, records an event.
    with local_stack(models_dir, tmp_path_factory.mktemp("stack"), PASSWORD, env=WHOLE_DAY) as (api, _):
        admin = requests.Session()
        token = admin.post(f"{api}/v1/auth/login", json={"username": "admin", "password": PASSWORD}, timeout=30)
        admin.headers["Authorization"] = f"Bearer {token.json()['token']}"
        unit = admin.post(f"{api}/v1/units", json={"name": "Phòng Nội vụ"}, timeout=30).json()
        staff = {}
        for person in ENROLLED:
            record = admin.post(f"{api}/v1/staff", json={"full_name": f"Cán bộ {person}", "unit_id": unit["unit_id"]},
                                timeout=30).json()
            photo = photos_of(faces_dir, person)[0]
            enrolled = admin.post(f"{api}/v1/staff/{record['staff_id']}/faces", timeout=60,
                                  json={"image_b64": base64.b64encode(photo.read_bytes()).decode()})
            assert enrolled.status_code == 201, enrolled.text
            staff[person] = record["staff_id"]
        device = admin.post(f"{api}/v1/devices", json={"name": "Camera sảnh", "unit_id": unit["unit_id"]},
                            timeout=30).json()
        yield Office(api, admin, device["device_id"], device["secret"], staff, last_working_day())


def clip_of(people: list[str], faces_dir: Path, models_dir: Path, out: Path, **options: object
            ) -> list[PassageTruth]:
    """Each person passes once, with a photo other than the enrolment one."""
    walkers = schedule([(person, photos_of(faces_dir, person)[PROBE[person]]) for person in people], gap=4.0)
    return build_clip(walkers, out, detector_model=models_dir / MODEL_NAME, **options)  # type: ignore[arg-type]


def at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HANOI)


def uploader(office: Office, source: Path, queue: Path, models_dir: Path, *extra: str,
             recorded_at: datetime | None = None) -> subprocess.Popen[str]:
    moment = recorded_at or datetime.now(HANOI)
    arguments = ["--source", str(source), "--device-id", office.device_id, "--queue-path", str(queue),
                 "--recorded-at", moment.isoformat(), "--model", str(models_dir / MODEL_NAME),
                 "--backoff-base", "0.2", "--backoff-cap", "1", "--status-interval", "60", *extra]
    if "--api-url" not in extra:
        arguments += ["--api-url", office.api]
    return subprocess.Popen([sys.executable, "-m", "edge_uploader", *arguments], cwd=REPO, text=True,
                            env={**os.environ, "EDGE_DEVICE_SECRET": office.secret},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finished(office: Office, process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        stopped(process)
    assert office.secret not in out + err, "the device secret was printed"
    return process.returncode, out + err


def stopped(process: subprocess.Popen[str]) -> None:
    """Never leave an uploader running after a test, whatever failed."""
    if process.poll() is None:
        process.kill()
        process.wait(30)


def blank_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "empty-lobby"
    folder.mkdir(exist_ok=True)
    cv2.imwrite(str(folder / "0000.jpg"), np.full((360, 640, 3), 120, np.uint8))
    return folder


def waiting(queue: Path) -> list[dict[str, Any]]:
    """What the uploader's queue holds, read while it runs (WAL lets another process read)."""
    if not queue.exists():
        return []
    listing = CaptureQueue(queue)
    try:
        return listing.waiting()
    finally:
        listing.close()


def clock_checked(queue: Path) -> None:
    """As if the uploader had read the server's time earlier in this boot (this machine's clock is right)."""
    listing = CaptureQueue(queue)
    try:
        clock = BoxClock()
        listing.set_boot_anchor(clock.boot_id, clock.wall() - clock.since_boot(), 0.0)
    finally:
        listing.close()


def test_one_capture_per_passage_recognised_and_recorded_once(office: Office, faces_dir: Path, models_dir: Path,
                                                             tmp_path: Path) -> None:
    # GIVEN a lobby clip: the three enrolled people and a stranger pass one after another; the second
    # person stands for 12 s, and the detector loses every face for 4 frames while they stand
    people = [*ENROLLED, STRANGER]
    walkers = schedule([(p, photos_of(faces_dir, p)[PROBE[p]]) for p in people], gap=4.0)
    walkers[1] = replace(walkers[1], pause_seconds=12.0)
    walkers[2:] = [replace(w, enter_at=w.enter_at + 10) for w in walkers[2:]]
    standing = walkers[1].enter_at + WALK_SECONDS + 5  # 5 s into the second person's pause
    clip = tmp_path / "lobby.avi"
    truth = build_clip(walkers, clip, detector_model=models_dir / MODEL_NAME,
                       dropout_frames=range(round(standing * 10), round(standing * 10) + 4))
    queue = tmp_path / "queue.sqlite3"
    day = office.day(0)
    start = at(day, 7, 10)
    # WHEN the uploader processes it to the end
    code, output = finished(office, uploader(office, clip, queue, models_dir, "--once", recorded_at=start))
    # THEN it exits 0 having sent exactly one capture per passage, taken while that person stood still
    assert code == 0, output
    journal = CaptureQueue(queue).journal()
    assert len(journal) == len(truth), output
    for passage in truth:  # (a face slowing down to stop is already still: 0.5 s of slack before the pause)
        mine = [row for row in journal
                if passage.pause_start - 0.5 <= (datetime.fromisoformat(row["captured_at"]) - start).total_seconds()
                <= passage.pause_end + 0.01]
        assert len(mine) == 1, (passage, journal)
        if passage.label in office.staff:
            assert (mine[0]["result"], mine[0]["staff_id"], mine[0]["event"]) == (
                "matched", office.staff[passage.label], "check_in"), passage
        else:
            assert mine[0]["result"] == "unknown"
    # and the server holds one check-in per enrolled person, with the capture's evidence
    for person in ENROLLED:
        events = office.events(person, day)
        assert [e["event"] for e in events] == ["check_in"], person
        assert events[0]["capture_id"] in {row["capture_id"] for row in journal}
        # and the passage's clip, uploaded after the answer, hashed as the capture signed it, playable WebM
        clip = requests.get(str(events[0]["clip_url"]), timeout=30)
        assert clip.status_code == 200 and clip.content.startswith(b"\x1a\x45\xdf\xa3"), person
        assert hashlib.sha256(clip.content).hexdigest() == events[0]["clip_sha256"]
        assert 1_000 < len(clip.content) < 1_000_000
    assert {row["clip"] for row in journal} <= {"uploaded", None}  # no face / outside the windows: not sent
    assert [row["clip"] for row in journal if row["result"] == "unknown"] == ["uploaded"]  # the stranger's


def test_killed_during_an_upload_restarts_and_counts_once(office: Office, faces_dir: Path, models_dir: Path,
                                                          tmp_path: Path) -> None:
    # GIVEN the uploader sends through a relay that lets the request reach the API and then holds the answer
    relay = Relay(office.api)
    relay.hold = True
    relay.start()
    clip = tmp_path / "one.avi"
    clip_of(["person01"], faces_dir, models_dir, clip)
    queue = tmp_path / "queue.sqlite3"
    day = office.day(1)
    process = uploader(office, clip, queue, models_dir, "--once", "--api-url", relay.url,
                       recorded_at=at(day, 17, 5))
    try:
        # WHEN the API has recorded the check-out and the uploader is killed before it hears back
        assert relay.upstream_answered.wait(120), "the capture never reached the API"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        stopped(process)
        relay.stop()
    assert [e["event"] for e in office.events("person01", day)] == ["check_out"]
    assert len(waiting(queue)) == 1  # not acknowledged, so still queued
    # AND it is started again (the camera now sees an empty lobby)
    code, output = finished(office, uploader(office, blank_folder(tmp_path), queue, models_dir, "--once"))
    # THEN it delivers the queued capture, the server answers it as the same capture, and nothing is doubled
    assert code == 0, output
    assert waiting(queue) == []
    journal = CaptureQueue(queue).journal()
    # (posted twice: the attempt whose answer never came counts too)
    assert len(journal) == 1 and journal[0]["event"] == "check_out" and journal[0]["attempts"] == 2
    assert [e["capture_id"] for e in office.events("person01", day)] == [journal[0]["capture_id"]]


def test_api_down_then_back_and_answers_lost_deliver_everything_once(office: Office, faces_dir: Path,
                                                                      models_dir: Path, tmp_path: Path) -> None:
    # GIVEN the API is down when the lobby clip is processed (evening, so these are check-outs), and the
    # uploader's backoffs grow from 1 s to 8 s
    relay = Relay(office.api)
    clip = tmp_path / "evening.avi"
    truth = clip_of(["obama", "person02"], faces_dir, models_dir, clip)
    queue = tmp_path / "queue.sqlite3"
    clock_checked(queue)  # the box reached the API earlier in this boot (else it holds captures until it does)
    day = office.day(2)
    process = uploader(office, clip, queue, models_dir, "--once", "--drain-timeout", "120", "--api-url", relay.url,
                       "--backoff-base", "1", "--backoff-cap", "8", recorded_at=at(day, 17, 20))
    try:
        # (every passage queued, and each tried at least three times while the API is down)
        deadline = time.monotonic() + 120
        while True:
            rows = waiting(queue)
            if len(rows) == len(truth) and all(row["attempts"] >= 3 for row in rows):
                break
            assert time.monotonic() < deadline and process.poll() is None, "the uploader stopped trying"
            time.sleep(0.2)
        # WHEN it comes back, but the first answer is lost on the way back (the API did record it)
        relay.lose_answers = 1
        relay.start()
        code, output = finished(office, process)
    finally:
        stopped(process)
        relay.stop()
    # THEN everything was delivered and each passage is one check-out on the server
    assert code == 0, output
    assert '"event": "retry"' in output
    journal = CaptureQueue(queue).journal()
    assert len(journal) == len(truth)
    assert relay.requests == len(truth) + 1  # the lost answer was asked again
    # AND once one was delivered, the other went at once (the capture whose answer was lost did not wait out
    # its backoff of several seconds)
    delivered_at = sorted(row["delivered_at"] for row in journal)
    assert delivered_at[-1] - delivered_at[0] < 2.0, journal
    for person in ("obama", "person02"):
        assert [e["event"] for e in office.events(person, day)] == ["check_out"], person


def test_a_capture_the_server_refuses_is_moved_aside_with_its_reason(office: Office, models_dir: Path,
                                                                    tmp_path: Path, faces_dir: Path) -> None:
    # GIVEN a capture that waited on the box longer than the server accepts (10 days)
    queue_path = tmp_path / "queue.sqlite3"
    queue = CaptureQueue(queue_path)
    old = (datetime.now(HANOI) - timedelta(days=10)).replace(hour=7, minute=20)
    crop = photos_of(faces_dir, "obama")[0].read_bytes()
    assert queue.put("old-capture-1", old.isoformat(), crop)
    queue.close()
    # WHEN the uploader runs
    code, output = finished(office, uploader(office, blank_folder(tmp_path), queue_path, models_dir, "--once"))
    # THEN it is not retried forever: moved aside with the server's code, and the exit code says so
    assert code == 3, output
    assert waiting(queue_path) == []
    listing = subprocess.run([sys.executable, "-m", "edge_uploader", "queue", "--queue-path", str(queue_path)],
                             cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert listing.returncode == 0
    assert "old-capture-1" in listing.stdout and "422 captured_at_too_old" in listing.stdout


def test_at_the_queue_bound_new_captures_are_refused_loudly(faces_dir: Path, models_dir: Path,
                                                            tmp_path: Path) -> None:
    # GIVEN an uploader whose queue holds one capture at most, and an API that cannot be reached
    clip = tmp_path / "two.avi"
    clip_of(["obama", "person01"], faces_dir, models_dir, clip)
    with socket.socket() as unreachable:
        unreachable.bind(("127.0.0.1", 0))  # held, never listening: connections are refused
        arguments = ["--once", "--source", str(clip), "--device-id", "lobby-1", "--queue-max", "1",
                     "--queue-path", str(tmp_path / "queue.sqlite3"), "--model", str(models_dir / MODEL_NAME),
                     "--api-url", f"http://127.0.0.1:{unreachable.getsockname()[1]}", "--drain-timeout", "1"]
        # WHEN two people pass
        result = subprocess.run([sys.executable, "-m", "edge_uploader", *arguments], cwd=REPO, text=True,
                                env={**os.environ, "EDGE_DEVICE_SECRET": "s3cret"}, capture_output=True,
                                timeout=180, check=False)
    # THEN the first is kept, the second is refused with an error naming the bound, and the run says so
    assert result.returncode == 1, result.stderr  # the kept one is still waiting
    assert len(waiting(tmp_path / "queue.sqlite3")) == 1
    full = [line for line in result.stderr.splitlines() if '"event": "queue_full"' in line]
    assert len(full) == 1 and '"level": "ERROR"' in full[0] and '"queue_max": 1' in full[0]
    assert "dropped 1" in result.stdout


def skewed_uploader(office: Office, source: Path, queue: Path, models_dir: Path, behind: float
                    ) -> subprocess.Popen[str]:
    """The uploader on a box whose clock runs ``behind`` seconds late; the recording is timed by that clock."""
    arguments = ["--source", str(source), "--device-id", office.device_id, "--queue-path", str(queue),
                 "--model", str(models_dir / MODEL_NAME), "--api-url", office.api, "--backoff-base", "0.2",
                 "--backoff-cap", "1", "--status-interval", "60", "--once"]
    return subprocess.Popen([sys.executable, "-m", "tests.integration.skewed_box", str(behind), *arguments],
                            cwd=REPO, text=True, env={**os.environ, "EDGE_DEVICE_SECRET": office.secret},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize(("person", "box"), [("obama", "a year behind"), ("person01", "booted in 1970")])
def test_a_box_whose_clock_is_wrong_gets_its_check_ins_recorded_at_the_right_local_time(
        office: Office, faces_dir: Path, models_dir: Path, tmp_path: Path, person: str, box: str) -> None:
    # GIVEN a box whose clock is a year behind, or reads 1970 (no battery-backed clock), just started
    behind = YEAR if box == "a year behind" else time.time() - 1000.0
    clip = tmp_path / "now.avi"
    [passage] = clip_of([person], faces_dir, models_dir, clip)
    queue = tmp_path / "queue.sqlite3"
    # WHEN it records a person passing, timing the recording by its own clock
    started = time.time()
    code, output = finished(office, skewed_uploader(office, clip, queue, models_dir, behind))
    ended = time.time()
    # THEN the capture was delivered once, matched, and said the box's clock was corrected by that much
    assert code == 0, output
    [entry] = CaptureQueue(queue).journal()
    assert (entry["result"], entry["staff_id"]) == ("matched", office.staff[person]), entry
    assert entry["clock_offset"] == pytest.approx(behind, abs=3)
    # AND the server recorded it today, at the real local time the person stood in the lobby
    today = datetime.now(HANOI).date()
    [event] = [e for e in office.events(person, today) if e["capture_id"] == entry["capture_id"]]
    local = datetime.fromisoformat(str(event["captured_at_local"]))
    assert local.utcoffset() == timedelta(hours=7) and local.date() == today
    assert started - 1.5 <= local.timestamp() - passage.pause_start <= ended + 1.5, (event, passage)
    assert event["clock_offset_seconds"] == pytest.approx(behind, abs=3)
    # AND the box's log warned that its clock was wrong, and never sent a capture stamped with it
    [skew] = [line for line in output.splitlines() if '"event": "clock"' in line]
    assert '"level": "WARNING"' in skew
    assert '"event": "retry"' not in output  # no request was refused (a stale signature, a capture "too old")
