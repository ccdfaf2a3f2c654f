"""The crops of a passage from a lobby device become a check-in or check-out, exactly once per capture.

A passage judged a photo or a screen is not attendance: it is answered `spoof_suspected`, its frames are kept
as evidence under `spoofs/` (with their own retention) and it is listed in the morning report to Home Affairs.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from chamcong.container import Container
from chamcong.errors import Conflict
from chamcong.observability import Stopwatch, count, get_logger, milliseconds
from chamcong.rules.windows import EventType, check_capture_age, classify, parse_captured_at
from chamcong.schemas.devices import RecognitionRequest
from chamcong.services.calibration import threshold_for
from chamcong.services.common import decode_base64, iso
from chamcong.services.faces import decode
from chamcong.services.passages import Passage, judge
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import CaptureModel, DeviceModel, SpoofModel

_EVENT_WORDS = {EventType.CHECK_IN: "giờ đến", EventType.CHECK_OUT: "giờ về"}


def recognise(container: Container, device: DeviceModel, raw_body: bytes,
              request: RecognitionRequest, watch: Stopwatch | None = None) -> dict[str, Any]:
    """Match the crop, decide the event, record it once; log the milliseconds of each stage."""
    watch = watch or Stopwatch()
    result = "refused"  # a capture answered with an error (too old, a conflict, not an image)
    try:
        response = _recognise(container, device, raw_body, request, watch)
        result = str(response["result"])
        return response
    finally:
        get_logger().info("recognition", extra={"device_id": device.device_id, "result": result,
                                                "stages_ms": watch.rounded()})
        count("Recognitions", result=result)
        milliseconds("RecognitionLatency", watch.total())


def _recognise(container: Container, device: DeviceModel, raw_body: bytes, request: RecognitionRequest,
               watch: Stopwatch) -> dict[str, Any]:
    settings = container.settings
    now = container.clock()
    captured_at = parse_captured_at(request.captured_at)
    check_capture_age(captured_at, now, max_future=timedelta(seconds=settings.capture_max_future_seconds),
                      max_age=timedelta(days=settings.capture_max_age_days))
    with watch.lap("decode"):
        images = [decode(decode_base64(crop)) for crop in request.crops_b64]
    body_sha256 = hashlib.sha256(raw_body).hexdigest()

    # Compute first, then one conditional write decides: no claim, no transaction (see `_record`).
    model = container.recognition_model()
    # The threshold calibrated for this device, its unit (nearest up the tree) or the site, for this model.
    passage = judge(container, model, images, threshold_for(container, device, model), watch,
                    site=device.unit_id)  # matched against the gallery of the device's site
    event_type, local = classify(captured_at, container.site_windows)
    response = _response(request.capture_id, passage, event_type, local)
    with watch.lap("record"):
        return _record(container, device, request.capture_id, body_sha256, captured_at, local, event_type,
                       passage, response, now, request.clock_offset_seconds, request.clip_sha256)


def _record(container: Container, device: DeviceModel, capture_id: str, body_sha256: str, captured_at: datetime,
            local: datetime, event_type: EventType | None, passage: Passage, response: dict[str, Any],
            now: datetime, clock_offset_seconds: float | None = None,
            clip_sha256: str | None = None) -> dict[str, Any]:
    """Record the answer of a capture exactly once, and return the answer every request of it gets.

    1. The evidence goes to S3 first, under keys holding the body's sha256 prefix (a retry rewrites the same
       keys; another body under the same capture_id cannot overwrite the first one's evidence).
    2. ONE conditional put of the capture record (only if none exists) decides: it holds the answer and what it
       recorded (`record`). Only the request whose put wins writes the event (or spoof) record.
    3. A request whose put loses reads the capture: another body is a conflict (409 capture_conflict); the same
       body gets the stored answer, after making sure what it recorded exists (put again from the stored item, an
       "already exists" is fine). So a crash between the capture put and the event put is repaired by the
       device's retry (the edge retries until it gets a 2xx), and concurrent duplicates make one event.
    """
    recorded: EventModel | SpoofModel | None = None
    unmatched: list[str] = []  # the best crop of a passage nobody was matched to (nearest evidence of a day)
    if response["recorded"]:
        assert passage.staff is not None and event_type is not None
        recorded = _event(container, device, capture_id, captured_at, local, event_type, passage, body_sha256)
        recorded.clock_offset_seconds = clock_offset_seconds  # the edge corrected its clock by this much
    elif passage.result == "spoof_suspected":
        recorded = _spoof(container, device, capture_id, captured_at, local, passage, body_sha256)
    elif passage.result == "unknown" and passage.evidence is not None:
        unmatched = [_unmatched(container, device, capture_id, local, passage, body_sha256)]
    if recorded is not None:
        recorded.clip_sha256 = clip_sha256  # the clip uploaded afterwards must hash to this (services/clips.py)
    capture = CaptureModel(
        device.device_id, capture_id, body_sha256=body_sha256, status="done", claimed_at=time.time_ns(),
        response=response,
        expires_at=int((now + timedelta(days=container.settings.capture_retention_days)).timestamp()),
        clock_offset_seconds=clock_offset_seconds, clip_sha256=clip_sha256,
        record=None if recorded is None else {"table": _table_of(recorded), "item": recorded.to_simple_dict()})
    # An unfinished claim left by an older version of this service (status "pending", no answer) is taken over
    # by the same body: its holder's transaction was conditioned on its claim, so it can no longer record.
    legacy_claim = (CaptureModel.status == "pending") & (CaptureModel.body_sha256 == body_sha256)
    try:
        capture.save(condition=CaptureModel.device_id.does_not_exist() | legacy_claim)
    except PutError as error:
        if not lost_condition(error):
            raise
        return _answer_of_earlier(container, device.device_id, capture_id, body_sha256, recorded, unmatched)
    if recorded is not None:
        _put_once(recorded)
    return response


def _answer_of_earlier(container: Container, device_id: str, capture_id: str, body_sha256: str,
                       ours: EventModel | SpoofModel | None, unmatched: list[str] | None = None) -> dict[str, Any]:
    """The answer an earlier request of this capture recorded, its event or spoof record made sure of."""
    existing = CaptureModel.get(device_id, capture_id, consistent_read=True)
    if existing.body_sha256 != body_sha256:
        ours_keys = (_evidence_keys(ours) if ours is not None else []) + list(unmatched or [])
        if ours_keys:
            # Our evidence went under our body's keys, which nothing refers to: never the first body's.
            with contextlib.suppress(Exception):
                container.blobs.delete(*ours_keys)
        raise Conflict("capture_conflict")
    if existing.response is None:  # cannot happen: a claim of an older version with this body is taken over above
        raise RuntimeError("capture record without an answer")
    stored = existing.record
    if stored:
        _put_once(_rebuild(stored))
    return dict(existing.response)


def _put_once(record: EventModel | SpoofModel) -> None:
    """Write the event or spoof record unless it is already there (then it is the same one: same capture)."""
    key = EventModel.event_key if isinstance(record, EventModel) else SpoofModel.attempt_key
    try:
        record.save(condition=key.does_not_exist())
    except PutError as error:
        if not lost_condition(error):
            raise


def _table_of(record: EventModel | SpoofModel) -> str:
    return "events" if isinstance(record, EventModel) else "spoofs"


def _rebuild(stored: dict[str, Any]) -> EventModel | SpoofModel:
    record: EventModel | SpoofModel = EventModel() if stored["table"] == "events" else SpoofModel()
    record.from_simple_dict(stored["item"])
    return record


def _evidence_keys(record: EventModel | SpoofModel) -> list[str]:
    return [record.snapshot_key] if isinstance(record, EventModel) else [str(key) for key in record.snapshot_keys]


def _event(container: Container, device: DeviceModel, capture_id: str, captured_at: datetime, local: datetime,
           event_type: EventType, passage: Passage, body_sha256: str) -> EventModel:
    """The event of a recorded passage, its snapshot stored first (a retry of the same body rewrites the same key)."""
    from face_engine.image import encode_jpeg

    assert passage.staff is not None and passage.similarity is not None and passage.evidence is not None
    snapshot_key = EventModel.snapshot_key_for(local, device.device_id, capture_id, body_sha256)
    container.blobs.put(snapshot_key, encode_jpeg(passage.evidence.image), "image/jpeg")
    return EventModel(
        passage.staff.staff_id, EventModel.key(local, device.device_id, capture_id),
        unit_id=passage.staff.unit_id, event_type=event_type.value, local_date=local.date().isoformat(),
        captured_at=captured_at, captured_at_local=iso(local), device_id=device.device_id,
        capture_id=capture_id, similarity=passage.similarity, snapshot_key=snapshot_key,
    )


def _spoof(container: Container, device: DeviceModel, capture_id: str, captured_at: datetime, local: datetime,
           passage: Passage, body_sha256: str) -> SpoofModel:
    """The record of a refused passage, its frames stored first (a retry rewrites the same keys)."""
    from face_engine.image import encode_jpeg

    keys = []
    for frame in passage.frames:
        key = SpoofModel.snapshot_key_for(local, device.device_id, capture_id, frame.index, body_sha256)
        container.blobs.put(key, encode_jpeg(frame.image), "image/jpeg")
        keys.append(key)
    retention = timedelta(days=container.settings.spoof_retention_days)
    return SpoofModel(
        local.date().isoformat(), SpoofModel.key(local, device.device_id, capture_id), unit_id=device.unit_id,
        device_id=device.device_id, device_name=device.name, capture_id=capture_id, captured_at=captured_at,
        captured_at_local=iso(local), liveness=passage.liveness if passage.liveness is not None else 0.0,
        frames=len(passage.frames),
        snapshot_keys=keys, resembles_staff_id=passage.staff.staff_id if passage.staff else None,
        resembles_name=passage.staff.full_name if passage.staff else None,
        similarity=passage.similarity if passage.staff else None,
        expires_at=int((container.clock() + retention).timestamp()),
    )


def _unmatched(container: Container, device: DeviceModel, capture_id: str, local: datetime, passage: Passage,
               body_sha256: str) -> str:
    """The best crop of a passage nobody was matched to, under `unmatched/` (short retention): the nearest evidence
    of an absent or missing-check-in day (`services.clips.nearest_evidence`). No record: the key says when and where."""
    from face_engine.image import encode_jpeg

    assert passage.evidence is not None
    key = CaptureModel.unmatched_crop_key(local, device.device_id, capture_id, body_sha256)
    container.blobs.put(key, encode_jpeg(passage.evidence.image), "image/jpeg")
    return key


def _response(capture_id: str, outcome: Passage, event_type: EventType | None, local: datetime) -> dict[str, Any]:
    matched = outcome.result == "matched" and outcome.staff is not None
    recorded = matched and event_type is not None
    if outcome.result == "no_face":
        display = "Không thấy khuôn mặt. Vui lòng bỏ khẩu trang, dừng 2 giây."
    elif outcome.result == "spoof_suspected":
        # Said plainly, with no accusation: a live person asked to look again simply does.
        display = "Vui lòng nhìn thẳng vào camera."
    elif not matched:
        display = "Chưa nhận diện được. Vui lòng liên hệ bộ phận tổ chức."
    elif recorded:
        assert event_type is not None and outcome.staff is not None
        display = f"Xin chào {outcome.staff.full_name} — đã ghi nhận {_EVENT_WORDS[event_type]} {local:%H:%M}."
    else:
        assert outcome.staff is not None
        display = f"Xin chào {outcome.staff.full_name} — ngoài khung giờ chấm công, không ghi nhận."
    return {
        "capture_id": capture_id,
        "result": outcome.result,
        "staff_id": outcome.staff.staff_id if matched and outcome.staff else None,
        "full_name": outcome.staff.full_name if matched and outcome.staff else None,
        # A spoof's resemblance is evidence for Home Affairs, not something to show at the lobby.
        "similarity": None if outcome.result == "spoof_suspected" else outcome.similarity,
        "event": event_type.value if recorded and event_type else None,
        "recorded": recorded,
        "frames": len(outcome.frames),
        "captured_at_local": iso(local),
        "display_message": display,
    }

