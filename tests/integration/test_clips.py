"""The clip of a passage: signed inside the capture, uploaded afterwards, kept only if it is that clip, linked on
the event; unmatched passages kept briefly as the nearest evidence of a day without a check-in.

Real models and photos; the clips are real WebM files written by OpenCV from the photos.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from bench.liveness import SAMPLES_DIR
from chamcong import device_signature
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.devices import CaptureModel
from edge_uploader.clips import encode_clip
from tests.integration.harness import ADMIN_PASSWORD, Product, Reply, b64, running_product
from tests.integration.photos import face_crop, passage, photos_of

MORNING = "2026-11-20T07:31:05+07:00"
STRANGER_AT = "2026-11-20T07:12:40+07:00"


def webm_clip(photo: Path, frames: int = 20, shift: int = 0) -> bytes:
    """A few seconds of low-resolution video of a photo drifting across the lobby, as the edge writes it."""
    image = cv2.imread(str(photo))
    assert image is not None
    small = cv2.resize(image, (240, min(240, int(240 * image.shape[0] / image.shape[1]))))
    canvases = []
    for index in range(frames):
        canvas = np.full((240, 320, 3), 90, np.uint8)
        x = min(index * 2 + shift, 320 - small.shape[1])
        canvas[:small.shape[0], x:x + small.shape[1]] = small
        canvases.append(canvas)
    clip = encode_clip(canvases, 8.0)
    assert clip is not None and clip.kind == "webm"
    return clip.data


@dataclass
class Lobby:
    product: Product
    unit_id: str
    device_id: str
    other_device: str
    staff_id: str  # enrolled, recognised at 07:31
    absent_id: str  # enrolled in the same unit, never passes
    faces_dir: Path


@pytest.fixture(scope="module")
def lobby(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lobby]:
    """GIVEN a unit with two people enrolled and two lobby devices; it is 09:00 on 20 November."""
    with pytest.MonkeyPatch.context() as monkeypatch, running_product(
            models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
        unit_id = product.unit("Văn phòng HĐND và UBND huyện")
        staff_id = product.staff("Nguyễn Văn Ánh", unit_id)
        assert product.enrol(staff_id, photos_of(faces_dir, "obama")[0]).status == 201
        absent_id = product.staff("Trần Thị Bích", unit_id)
        assert product.enrol(absent_id, photos_of(faces_dir, "biden")[0]).status == 201
        device_id, _ = product.device(unit_id)
        other_device, _ = product.device(unit_id, "Camera cổng phụ")
        product.clock.advance(hours=1, minutes=20)  # 09:00 local: the check-in window is over
        yield Lobby(product, unit_id, device_id, other_device, staff_id, absent_id, faces_dir)


def capture(lobby: Lobby, capture_id: str, person: str, captured_at: str, clip: bytes | None,
            device_id: str | None = None) -> Reply:
    crop = face_crop(lobby.product.container.engine(), photos_of(lobby.faces_dir, person)[1])
    body = {"capture_id": capture_id, "captured_at": captured_at, "image_b64": b64(crop)}
    if clip is not None:
        body["clip_sha256"] = hashlib.sha256(clip).hexdigest()
    return lobby.product.signed_post("/v1/recognitions", json.dumps(body).encode(), device_id or lobby.device_id)


def upload(lobby: Lobby, capture_id: str, clip: bytes, device_id: str | None = None) -> Reply:
    device_id = device_id or lobby.device_id
    body = json.dumps({"clip_b64": b64(clip)}).encode()
    stamp = int(lobby.product.clock().timestamp())
    headers = device_signature.signed_headers(device_id, lobby.product.devices[device_id], stamp, body)
    return lobby.product.request("PUT", f"/v1/recognitions/{capture_id}/clip", raw=body, headers=headers, token="")


def test_the_clip_signed_in_a_capture_is_kept_and_shown_with_the_event(lobby: Lobby) -> None:
    clip = webm_clip(photos_of(lobby.faces_dir, "obama")[1])
    assert len(clip) < 300_000
    # GIVEN a recognised passage whose capture carried its clip's sha256
    answer = capture(lobby, "clip-ok", "obama", MORNING, clip)
    assert answer.status == 200 and answer.body["recorded"], answer.body
    # WHEN the device uploads the clip afterwards
    stored = upload(lobby, "clip-ok", clip)
    # THEN it is kept as evidence of the event
    assert stored.status == 200, stored.body
    assert stored.body == {"capture_id": "clip-ok", "clip_sha256": hashlib.sha256(clip).hexdigest(),
                           "size": len(clip), "linked_to": "event"}
    # AND the person's events of that day link to it, with the sha256 the device signed
    events = lobby.product.get(f"/v1/staff/{lobby.staff_id}/events?date=2026-11-20")
    assert events.status == 200, events.body
    (event,) = events.body["events"]
    assert event["clip_url"] and "clips/2026-11-20/" in event["clip_url"]
    assert event["clip_sha256"] == hashlib.sha256(clip).hexdigest()
    record = next(iter(EventModel.of_person_on(lobby.staff_id, lobby.product.clock().date())))
    assert record.clip_key == f"clips/2026-11-20/{lobby.device_id}/clip-ok.webm"
    assert lobby.product.container.blobs.get(record.clip_key) == clip
    # AND the day's evidence in the month view links to it too
    days = lobby.product.get(f"/v1/staff/{lobby.staff_id}/days?month=2026-11")
    (day,) = [row for row in days.body["days"] if row["date"] == "2026-11-20"]
    assert day["evidence"] is None or day["evidence"]["clip_url"]
    # WHEN the device sends it again (its acknowledgement was lost)
    again = upload(lobby, "clip-ok", clip)
    # THEN the answer is the same and nothing else is stored
    assert again.status == 200 and again.body == stored.body
    assert list(lobby.product.container.blobs.keys(f"clips/2026-11-20/{lobby.device_id}/")) == [record.clip_key]


def test_a_clip_that_is_not_the_signed_one_is_refused(lobby: Lobby) -> None:
    photo = photos_of(lobby.faces_dir, "obama")[1]
    clip, other = webm_clip(photo), webm_clip(photo, shift=30)
    assert capture(lobby, "clip-swap", "obama", "2026-11-20T07:33:00+07:00", clip).status == 200
    # WHEN another clip is uploaded for the capture THEN it is refused, and nothing is linked
    refused = upload(lobby, "clip-swap", other)
    assert (refused.status, refused.body["code"]) == (422, "clip_mismatch")
    assert CaptureModel.get(lobby.device_id, "clip-swap").clip_key is None
    # WHEN a capture that announced no clip gets one THEN it is refused as well
    assert capture(lobby, "clip-none", "obama", "2026-11-20T07:34:00+07:00", None).status == 200
    assert upload(lobby, "clip-none", clip).body["code"] == "clip_mismatch"
    # WHEN a clip comes for a capture the device never sent, or another device's THEN 404
    assert (upload(lobby, "never-sent", clip).status, upload(lobby, "never-sent", clip).body["code"]) == (
        404, "capture_not_found")
    assert upload(lobby, "clip-swap", clip, device_id=lobby.other_device).body["code"] == "capture_not_found"
    # WHEN the file is not a video THEN 422; WHEN it is over 1 MB THEN 413
    jpeg = photo.read_bytes()
    assert upload(lobby, "clip-swap", jpeg).body["code"] == "invalid_clip"
    huge = clip + bytes(1024 * 1024)
    assert (upload(lobby, "clip-swap", huge).status, upload(lobby, "clip-swap", huge).body["code"]) == (
        413, "clip_too_large")
    # AND the right clip is still accepted afterwards
    assert upload(lobby, "clip-swap", clip).body["linked_to"] == "event"


def test_an_unmatched_passage_is_the_nearest_evidence_of_a_day_without_check_in(lobby: Lobby) -> None:
    # GIVEN a stranger passes the lobby at 07:12 with a clip, and another one at 05:00 (before the window)
    clip = webm_clip(photos_of(lobby.faces_dir, "person04")[1])
    answer = capture(lobby, "stranger-1", "person04", STRANGER_AT, clip)
    assert answer.status == 200 and answer.body["result"] == "unknown", answer.body
    assert upload(lobby, "stranger-1", clip).body["linked_to"] == "unmatched"
    assert capture(lobby, "stranger-0", "person05", "2026-11-20T05:00:00+07:00", None).body["result"] == "unknown"
    keys = list(lobby.product.container.blobs.keys("unmatched/2026-11-20/"))
    assert f"unmatched/2026-11-20/{lobby.device_id}/071240/stranger-1/clip.webm" in keys
    assert any(key.startswith(f"unmatched/2026-11-20/{lobby.device_id}/071240/stranger-1/crop.") for key in keys)
    # WHEN someone who never checked in that day is looked at
    events = lobby.product.get(f"/v1/staff/{lobby.absent_id}/events?date=2026-11-20")
    # THEN the day shows that morning's unmatched passage at the site's lobby, with its crop and clip
    assert events.status == 200, events.body
    assert events.body["events"] == []
    (nearest,) = events.body["nearest_evidence"]
    assert nearest["capture_id"] == "stranger-1" and nearest["captured_at_local"] == "2026-11-20T07:12:40"
    assert nearest["device_name"] == "Camera sảnh chính" and nearest["snapshot_url"] and nearest["clip_url"]
    # AND the month view shows it on that day
    days = lobby.product.get(f"/v1/staff/{lobby.absent_id}/days?month=2026-11")
    (day,) = [row for row in days.body["days"] if row["date"] == "2026-11-20"]
    assert day["status"] in {"absent", "missing_check_in"}
    assert [one["capture_id"] for one in day["nearest_evidence"]] == ["stranger-1"]
    # AND a person who did check in is shown no strangers
    assert lobby.product.get(f"/v1/staff/{lobby.staff_id}/events?date=2026-11-20").body["nearest_evidence"] == []


def test_unmatched_passages_are_not_shown_after_their_retention(lobby: Lobby) -> None:
    # GIVEN the unmatched retention has passed since that morning
    days = lobby.product.container.settings.unmatched_retention_days
    lobby.product.clock.advance(days=days + 1)
    token = lobby.product.token
    lobby.product.token = lobby.product.post("/v1/auth/login", {"username": "admin", "password": ADMIN_PASSWORD},
                                             token="").body["token"]
    try:
        # WHEN the day is looked at THEN no unmatched passage is offered (the bucket expires them)
        events = lobby.product.get(f"/v1/staff/{lobby.absent_id}/events?date=2026-11-20")
        assert events.status == 200 and events.body["nearest_evidence"] == []
    finally:
        lobby.product.clock.now -= timedelta(days=days + 1)
        lobby.product.token = token


def test_the_clip_of_a_suspected_spoof_is_kept_with_the_attempt(lobby: Lobby) -> None:
    # GIVEN a phone showing someone's photo is held up to the camera, the capture carrying its clip's sha256
    frames = passage(lobby.product.container.engine(), "phone-spoof-2.jpg", 0)
    clip = webm_clip(SAMPLES_DIR / "phone-spoof-2.jpg")
    body = {"capture_id": "spoof-clip", "captured_at": "2026-11-20T07:20:00+07:00",
            "images_b64": [b64(frame) for frame in frames], "clip_sha256": hashlib.sha256(clip).hexdigest()}
    answer = lobby.product.signed_post("/v1/recognitions", json.dumps(body).encode(), lobby.device_id)
    assert answer.status == 200 and answer.body["result"] == "spoof_suspected", answer.body
    # WHEN its clip is uploaded
    stored = upload(lobby, "spoof-clip", clip)
    # THEN it is kept with the attempt, and the day's attempts link to it for Home Affairs
    assert stored.status == 200 and stored.body["linked_to"] == "spoof", stored.body
    attempts = lobby.product.get("/v1/attendance/spoofs?date=2026-11-20")
    assert attempts.status == 200, attempts.body
    (attempt,) = [one for one in attempts.body["attempts"] if one["attempt_key"].endswith("#spoof-clip")]
    # (kept with the attempt's frames under spoofs/: it expires with them, never outliving the record)
    assert attempt["clip_url"] and f"spoofs/2026-11-20/{lobby.device_id}/spoof-clip-clip.webm" in attempt["clip_url"]
    assert lobby.product.container.blobs.get(f"spoofs/2026-11-20/{lobby.device_id}/spoof-clip-clip.webm") == clip


def test_a_clip_arriving_after_the_person_s_evidence_was_erased_is_not_kept(lobby: Lobby) -> None:
    # GIVEN a recognised passage whose evidence is erased (with the person) before its clip arrives
    clip = webm_clip(photos_of(lobby.faces_dir, "obama")[1], shift=60)
    assert capture(lobby, "clip-late", "obama", "2026-11-20T07:36:00+07:00", clip).status == 200
    (event,) = [e for e in EventModel.of_person_on(lobby.staff_id, date(2026, 11, 20)) if e.capture_id == "clip-late"]
    event.update(actions=[EventModel.evidence_erased_at.set(datetime(2026, 11, 20, 1, 0, tzinfo=UTC))])
    # WHEN the clip is uploaded THEN it is refused as having nothing to belong to, and nothing is stored
    refused = upload(lobby, "clip-late", clip)
    assert (refused.status, refused.body["code"]) == (404, "capture_not_found")
    assert list(lobby.product.container.blobs.keys(f"clips/2026-11-20/{lobby.device_id}/clip-late")) == []
    assert EventModel.get(event.staff_id, event.event_key).clip_key is None
