"""Face crops from a signed lobby device become check-ins and check-outs, with evidence, exactly once.

Real models, real photos: some people are enrolled from one photo and recognised from others;
people who are not enrolled must come back `unknown`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

from chamcong.store.models.attendance import EventModel
from chamcong.store.models.devices import CaptureModel
from tests.integration.harness import Product, running_product
from tests.integration.photos import blank_jpeg, face_crop, photos_of

ENROLLED = ["obama", "biden", "kit_harington", "person01", "person02", "person03", "person10", "person11"]
STRANGERS = ["person04", "person05", "person06", "person07", "person08", "rose_leslie"]
MORNING = "2026-11-20T07:31:05+07:00"


@dataclass
class Office:
    product: Product
    unit_id: str
    device_id: str
    staff: dict[str, str]  # person folder → staff_id
    faces_dir: Path


@pytest.fixture(scope="module")
def office(models_dir: Path, faces_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """GIVEN a unit with eight people enrolled from their first photo and a registered lobby device."""
    with pytest.MonkeyPatch.context() as monkeypatch, running_product(
            models_dir, tmp_path_factory.mktemp("cache"), monkeypatch) as product:
        unit_id = product.unit("Văn phòng HĐND và UBND huyện")
        staff = {}
        for person in ENROLLED:
            staff_id = product.staff(f"Cán bộ {person}", unit_id)
            reply = product.enrol(staff_id, photos_of(faces_dir, person)[0])
            assert reply.status == 201, (person, reply.body)
            staff[person] = staff_id
        device_id, _ = product.device(unit_id)
        yield Office(product, unit_id, device_id, staff, faces_dir)


def _crop(office: Office, photo: Path) -> bytes:
    return face_crop(office.product.container.engine(), photo)


def test_enrolled_people_are_recognised_from_other_photos(office: Office) -> None:
    results = []
    for person in ENROLLED:
        for number, photo in enumerate(photos_of(office.faces_dir, person)[1:]):
            reply = office.product.recognise(office.device_id, f"probe-{person}-{number}",
                                             _crop(office, photo), MORNING)
            assert reply.status == 200, reply.body
            results.append((person, photo.name, reply.body))
    wrong = [(person, name, body["staff_id"]) for person, name, body in results
             if body["result"] == "matched" and body["staff_id"] != office.staff[person]]
    missed = [(person, name, body["similarity"]) for person, name, body in results if body["result"] != "matched"]
    assert wrong == [], "a person was recognised as someone else"
    assert len(missed) <= len(results) // 10, f"too many missed: {missed}"
    recorded = [body for _, _, body in results if body["result"] == "matched"]
    assert all(body["event"] == "check_in" and body["recorded"] for body in recorded)
    assert all(body["full_name"].startswith("Cán bộ ") and "07:31" in body["display_message"] for body in recorded)


def test_people_who_are_not_enrolled_come_back_unknown(office: Office) -> None:
    for person in STRANGERS:
        for number, photo in enumerate(photos_of(office.faces_dir, person)):
            reply = office.product.recognise(office.device_id, f"stranger-{person}-{number}",
                                             _crop(office, photo), MORNING)
            assert reply.status == 200
            assert reply.body["result"] == "unknown", (person, photo.name, reply.body)
            assert reply.body["staff_id"] is None and reply.body["full_name"] is None
            assert reply.body["recorded"] is False and reply.body["event"] is None


def test_a_check_in_is_recorded_with_its_snapshot(office: Office) -> None:
    product = office.product
    photo = photos_of(office.faces_dir, "obama")[1]
    reply = product.recognise(office.device_id, "evidence-1", _crop(office, photo), "2026-11-19T07:45:00+07:00")
    assert reply.body["result"] == "matched" and reply.body["event"] == "check_in"

    events = product.get(f"/v1/staff/{office.staff['obama']}/events?date=2026-11-19")
    assert events.status == 200
    [event] = events.body["events"]
    assert event["event"] == "check_in" and event["capture_id"] == "evidence-1"
    assert event["captured_at_local"] == "2026-11-19T07:45:00+07:00"
    assert event["device_id"] == office.device_id
    snapshot = requests.get(event["snapshot_url"], timeout=10)
    assert snapshot.status_code == 200 and snapshot.content[:3] == b"\xff\xd8\xff"  # the JPEG evidence
    # Another day has nothing
    assert product.get(f"/v1/staff/{office.staff['obama']}/events?date=2026-11-18").body["events"] == []
    assert product.get(f"/v1/staff/{office.staff['obama']}/events?date=18-11-2026").status == 400


def test_check_out_in_the_evening_and_nothing_outside_the_windows(office: Office) -> None:
    photo = photos_of(office.faces_dir, "biden")[1]
    evening = office.product.recognise(office.device_id, "evening-1", _crop(office, photo),
                                       "2026-11-18T17:05:00+07:00")
    assert (evening.body["result"], evening.body["event"], evening.body["recorded"]) == ("matched", "check_out", True)
    noon = office.product.recognise(office.device_id, "noon-1", _crop(office, photo), "2026-11-18T12:10:00+07:00")
    assert (noon.body["result"], noon.body["event"], noon.body["recorded"]) == ("matched", None, False)
    assert "ngoài khung giờ" in noon.body["display_message"]
    days = office.product.get(f"/v1/staff/{office.staff['biden']}/events?date=2026-11-18").body["events"]
    assert [event["event"] for event in days] == ["check_out"]


def test_a_retried_capture_returns_the_first_answer_and_records_once(office: Office) -> None:
    product = office.product
    image = _crop(office, photos_of(office.faces_dir, "person01")[2])
    first = product.recognise(office.device_id, "retry-1", image, "2026-11-17T07:10:00+07:00")
    product.clock.advance(seconds=40)  # the device's acknowledgement was lost; it retries later
    again = product.recognise(office.device_id, "retry-1", image, "2026-11-17T07:10:00+07:00")
    assert first.status == again.status == 200
    assert again.body == first.body
    events = product.get(f"/v1/staff/{office.staff['person01']}/events?date=2026-11-17").body["events"]
    assert len(events) == 1
    # The same capture_id with another image is a device bug, not a retry
    other = product.recognise(office.device_id, "retry-1", blank_jpeg(), "2026-11-17T07:10:00+07:00")
    assert (other.status, other.body["code"]) == (409, "capture_conflict")
    product.clock.advance(seconds=-40)


def test_the_answer_says_where_the_server_spent_its_time(office: Office) -> None:
    # WHEN a device sends a passage
    photo = photos_of(office.faces_dir, "person01")[2]
    reply = office.product.recognise(office.device_id, "timed-1", _crop(office, photo), "2026-11-18T07:02:00+07:00")
    assert reply.status == 200 and reply.body["result"] == "matched", reply.body
    # THEN the Server-Timing header gives the milliseconds of each stage, and the server's total
    header = {name.lower(): value for name, value in reply.headers.items()}["server-timing"]
    stages = {}
    for part in header.split(", "):
        name, duration = part.split(";dur=")
        stages[name] = float(duration)
    assert {"auth", "decode", "detect", "align_embed", "liveness", "match", "record", "total"} <= set(stages), header
    assert all(ms >= 0 for ms in stages.values())
    assert stages["total"] >= sum(ms for name, ms in stages.items() if name != "total") - 0.5
    # and nothing about the person or the capture
    assert reply.body["staff_id"] not in header and "timed-1" not in header and "person01" not in header


def test_a_crop_without_a_face_is_answered_not_recorded(office: Office) -> None:
    reply = office.product.recognise(office.device_id, "empty-1", blank_jpeg(), MORNING)
    assert reply.status == 200
    assert (reply.body["result"], reply.body["recorded"], reply.body["staff_id"]) == ("no_face", False, None)


def test_the_frames_of_a_passage_make_one_check_in(office: Office) -> None:
    """GIVEN three crops of one person's pause (sent as images_b64), THEN one event, one snapshot, and a retry
    of the whole passage changes nothing."""
    product = office.product
    photo = photos_of(office.faces_dir, "obama")[2]
    frames = [_crop(office, photo), face_crop(product.container.engine(), photo, side=200, margin=1.5),
              face_crop(product.container.engine(), photo, side=140, margin=1.7)]
    reply = product.recognise(office.device_id, "passage-1", frames, "2026-11-16T07:20:00+07:00")
    assert reply.status == 200, reply.body
    assert (reply.body["result"], reply.body["staff_id"], reply.body["recorded"], reply.body["frames"]) == (
        "matched", office.staff["obama"], True, 3)
    again = product.recognise(office.device_id, "passage-1", frames, "2026-11-16T07:20:00+07:00")
    assert again.body == reply.body
    events = product.get(f"/v1/staff/{office.staff['obama']}/events?date=2026-11-16").body["events"]
    assert [event["capture_id"] for event in events] == ["passage-1"]


def test_a_passage_is_judged_on_the_frames_that_show_a_face(office: Office) -> None:
    """GIVEN a passage whose middle frame missed the face, THEN the other two decide and the answer says so."""
    product = office.product
    photo = photos_of(office.faces_dir, "person03")[1]
    reply = product.recognise(office.device_id, "passage-2", [_crop(office, photo), blank_jpeg(),
                                                               face_crop(product.container.engine(), photo, side=200)],
                              "2026-11-14T07:21:00+07:00")
    assert (reply.body["result"], reply.body["staff_id"], reply.body["frames"]) == (
        "matched", office.staff["person03"], 2)
    empty = product.recognise(office.device_id, "passage-3", [blank_jpeg(), blank_jpeg(150, 150)],
                              "2026-11-14T07:22:00+07:00")
    assert (empty.body["result"], empty.body["recorded"], empty.body["frames"]) == ("no_face", False, 0)


def _counts(office: Office) -> tuple[int, int, int]:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    snapshots = s3.list_objects_v2(Bucket=office.product.container.settings.data_bucket,
                                   Prefix="snapshots/").get("KeyCount", 0)
    return sum(1 for _ in CaptureModel.scan()), sum(1 for _ in EventModel.scan()), snapshots


def test_unsigned_forged_or_stale_requests_are_refused_and_write_nothing(office: Office) -> None:
    product = office.product
    before = _counts(office)
    body = json.dumps({"capture_id": "sig-1", "captured_at": MORNING,
                       "image_b64": "aGVsbG8="}).encode()
    now = int(product.clock().timestamp())
    secret = product.devices[office.device_id]
    cases = [
        ({}, "missing_device_headers"),
        ({"X-Device-Id": "dev_unknown", "X-Timestamp": str(now), "X-Signature": "0" * 64}, "unknown_device"),
        ({"X-Device-Id": office.device_id, "X-Timestamp": str(now), "X-Signature": "0" * 64}, "invalid_signature"),
        ({"X-Device-Id": office.device_id, "X-Timestamp": str(now), "X-Signature": "not hex"}, "invalid_signature"),
    ]
    for headers, code in cases:
        reply = product.post("/v1/recognitions", raw=body, headers=headers, token="")
        assert (reply.status, reply.body["code"]) == (401, code)
    stale = product.signed_post("/v1/recognitions", body, office.device_id, timestamp=now - 301)
    assert (stale.status, stale.body["code"]) == (401, "stale_timestamp")
    future = product.signed_post("/v1/recognitions", body, office.device_id, timestamp=now + 301)
    assert (future.status, future.body["code"]) == (401, "stale_timestamp")
    # The right secret over a different body is a forgery too
    from chamcong import device_signature
    tampered = product.post("/v1/recognitions", raw=body.replace(b"sig-1", b"sig-2"),
                            headers=device_signature.signed_headers(office.device_id, secret, now, body), token="")
    assert (tampered.status, tampered.body["code"]) == (401, "invalid_signature")
    # An admin's bearer token is no device credential
    assert product.post("/v1/recognitions", raw=body).status == 401
    assert _counts(office) == before


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        (b"{broken", 400, "invalid_json"),
        (b'{"capture_id": "x"}', 400, "validation_error"),
        (b'{"capture_id": "a b", "captured_at": "2026-11-20T07:31:05+07:00", "image_b64": "aGk="}', 400,
         "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05", "image_b64": "aGk="}', 400, "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "image_b64": "%%%"}', 400,
         "invalid_base64"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "image_b64": "aGVsbG8gd29ybGQ="}', 400,
         "invalid_image"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T08:00:00+07:00", "image_b64": "aGk="}', 422,
         "captured_at_in_future"),
        (b'{"capture_id": "x", "captured_at": "2026-11-13T07:00:00+07:00", "image_b64": "aGk="}', 422,
         "captured_at_too_old"),
        # A passage is one crop or up to three, sent one way or the other, never both or neither
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "image_b64": "aGk=", '
         b'"images_b64": ["aGk="]}', 400, "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00"}', 400, "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "images_b64": []}', 400,
         "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "images_b64": ["aGk=", "aGk=", "aGk=", '
         b'"aGk="]}', 400, "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "images_b64": ["aGk=", 3]}', 400,
         "validation_error"),
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "images_b64": ["%%%"]}', 400,
         "invalid_base64"),
        # One bad frame spoils the capture: nothing is half-judged
        (b'{"capture_id": "x", "captured_at": "2026-11-20T07:31:05+07:00", "images_b64": ["aGk=", '
         b'"aGVsbG8gd29ybGQ="]}', 400, "invalid_image"),
    ],
)
def test_bad_recognition_bodies_get_a_code_and_store_nothing(office: Office, payload: bytes, status: int,
                                                            code: str) -> None:
    before = _counts(office)
    reply = office.product.signed_post("/v1/recognitions", payload, office.device_id)
    assert (reply.status, reply.body["code"]) == (status, code), reply.body
    assert reply.body["message"]
    assert _counts(office) == before


def test_a_body_over_2_mb_is_refused_before_anything_else(office: Office) -> None:
    before = _counts(office)
    body = b'{"capture_id": "big", "captured_at": "' + MORNING.encode() + b'", "image_b64": "' + \
        b"A" * (2 * 1024 * 1024) + b'"}'
    reply = office.product.signed_post("/v1/recognitions", body, office.device_id)
    assert (reply.status, reply.body["code"]) == (413, "payload_too_large")
    assert _counts(office) == before


def _body(capture_id: str, image: bytes, captured_at: str) -> bytes:
    return json.dumps({"capture_id": capture_id, "captured_at": captured_at,
                       "image_b64": base64.b64encode(image).decode()}).encode()


def _snapshot_keys(office: Office) -> list[str]:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    listed = s3.list_objects_v2(Bucket=office.product.container.settings.data_bucket, Prefix="snapshots/")
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_a_crash_between_the_capture_and_its_event_is_repaired_by_the_retry(office: Office,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    product = office.product
    image = _crop(office, photos_of(office.faces_dir, "person03")[3])
    # GIVEN a request that recorded the capture's answer and then died before writing the event
    real_save = EventModel.save

    def dies(self: EventModel, *args: object, **kwargs: object) -> object:
        raise ConnectionError("the function timed out")

    monkeypatch.setattr(EventModel, "save", dies)
    crashed = product.recognise(office.device_id, "crashed-1", image, "2026-11-16T07:05:00+07:00")
    assert (crashed.status, crashed.body["code"]) == (500, "internal_error")
    assert CaptureModel.get(office.device_id, "crashed-1").response["recorded"] is True
    assert product.get(f"/v1/staff/{office.staff['person03']}/events?date=2026-11-16").body["events"] == []
    # WHEN the device retries (it does until it gets a 2xx)
    monkeypatch.setattr(EventModel, "save", real_save)
    retried = product.recognise(office.device_id, "crashed-1", image, "2026-11-16T07:05:00+07:00")
    # THEN it gets the recorded answer, and the day shows the check-in once, with its evidence
    assert retried.status == 200 and retried.body["recorded"] is True, retried.body
    assert product.recognise(office.device_id, "crashed-1", image, "2026-11-16T07:05:00+07:00").body == retried.body
    events = product.get(f"/v1/staff/{office.staff['person03']}/events?date=2026-11-16").body["events"]
    assert [event["capture_id"] for event in events] == ["crashed-1"]
    assert requests.get(events[0]["snapshot_url"], timeout=10).content[:3] == b"\xff\xd8\xff"


def test_concurrent_duplicates_of_a_capture_make_one_event(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    from chamcong.schemas.devices import RecognitionRequest
    from chamcong.services import recognition
    from chamcong.store.models.devices import DeviceModel

    product = office.product
    body = _body("twice-1", _crop(office, photos_of(office.faces_dir, "kit_harington")[1]), "2026-11-17T07:12:00+07:00")
    device = DeviceModel.get(office.device_id)
    # GIVEN three deliveries of one capture (a retry racing the first) that have all judged it before any records
    deliveries = 3
    together = threading.Barrier(deliveries, timeout=30)
    real_save = CaptureModel.save

    def save_together(self: CaptureModel, *args: object, **kwargs: object) -> object:
        together.wait()
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(CaptureModel, "save", save_together)
    with ThreadPoolExecutor(deliveries) as pool:
        answers = list(pool.map(lambda _: recognition.recognise(
            product.container, device, body, RecognitionRequest.model_validate_json(body)), range(deliveries)))
    # THEN every delivery gets the same answer, and the person has one check-in
    assert answers[0]["recorded"] is True and all(answer == answers[0] for answer in answers)
    events = product.get(f"/v1/staff/{office.staff['kit_harington']}/events?date=2026-11-17").body["events"]
    assert [event["capture_id"] for event in events] == ["twice-1"]


def test_another_body_under_a_used_capture_id_is_refused_and_the_first_evidence_stays(office: Office) -> None:
    product = office.product
    photos = photos_of(office.faces_dir, "person11")
    first = product.recognise(office.device_id, "reused-1", _crop(office, photos[3]), "2026-11-15T07:15:00+07:00")
    assert first.status == 200 and first.body["recorded"] is True
    [event] = product.get(f"/v1/staff/{office.staff['person11']}/events?date=2026-11-15").body["events"]
    evidence = requests.get(event["snapshot_url"], timeout=10).content
    keys = _snapshot_keys(office)
    # WHEN a device bug sends another face of the same person under the same capture_id
    other = product.recognise(office.device_id, "reused-1", _crop(office, photos[1]), "2026-11-15T07:15:00+07:00")
    # THEN it is refused, and the first answer's evidence is untouched (nothing else is left in the bucket)
    assert (other.status, other.body["code"]) == (409, "capture_conflict")
    [still] = product.get(f"/v1/staff/{office.staff['person11']}/events?date=2026-11-15").body["events"]
    assert requests.get(still["snapshot_url"], timeout=10).content == evidence
    assert _snapshot_keys(office) == keys
    assert product.recognise(office.device_id, "reused-1", _crop(office, photos[3]),
                             "2026-11-15T07:15:00+07:00").body == first.body


def test_a_claim_left_unfinished_by_an_older_version_is_taken_over_by_the_retry(office: Office) -> None:
    product = office.product
    image = _crop(office, photos_of(office.faces_dir, "person10")[1])
    body = _body("legacy-1", image, "2026-11-16T07:06:00+07:00")
    # GIVEN a claim written by the previous version of the service, whose request then died
    CaptureModel(office.device_id, "legacy-1", body_sha256=hashlib.sha256(body).hexdigest(), status="pending",
                 claimed_at=time.time_ns(), expires_at=2_000_000_000).save()
    # WHEN the device retries THEN the capture is recorded, once
    retried = product.signed_post("/v1/recognitions", body, office.device_id)
    assert retried.status == 200 and retried.body["recorded"] is True, retried.body
    assert product.signed_post("/v1/recognitions", body, office.device_id).body == retried.body
    events = product.get(f"/v1/staff/{office.staff['person10']}/events?date=2026-11-16").body["events"]
    assert [event["capture_id"] for event in events] == ["legacy-1"]


def test_a_failure_part_way_leaves_nothing_and_the_retry_succeeds(office: Office,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    product = office.product
    image = _crop(office, photos_of(office.faces_dir, "person03")[1])
    blobs = product.container.blobs
    real_put = blobs.put

    def failing_put(key: str, data: bytes, content_type: str = "") -> None:
        raise ConnectionError("S3 is unreachable")

    # GIVEN S3 fails while the snapshot is written
    monkeypatch.setattr(blobs, "put", failing_put)
    failed = product.recognise(office.device_id, "flaky-1", image, "2026-11-15T07:25:00+07:00")
    assert (failed.status, failed.body["code"]) == (500, "internal_error")
    assert product.get(f"/v1/staff/{office.staff['person03']}/events?date=2026-11-15").body["events"] == []
    # WHEN S3 is back and the device retries THEN the capture is recorded once
    monkeypatch.setattr(blobs, "put", real_put)
    retried = product.recognise(office.device_id, "flaky-1", image, "2026-11-15T07:25:00+07:00")
    assert retried.status == 200 and retried.body["recorded"] is True, retried.body
    events = product.get(f"/v1/staff/{office.staff['person03']}/events?date=2026-11-15").body["events"]
    assert len(events) == 1
