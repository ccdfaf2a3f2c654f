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

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chamcong.container import Container
from chamcong.errors import Conflict
from chamcong.observability import Stopwatch, count, get_logger, milliseconds
from chamcong.rules.windows import EventType, check_capture_age, classify, parse_captured_at
from chamcong.schemas.devices import RecognitionRequest
from chamcong.services.calibration import threshold_for
from chamcong.services.common import decode_base64, iso
from chamcong.services.faces import decode
from chamcong.services.passages import Passage, judge
from chamcong.store import claims
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import CaptureModel, DeviceModel, SpoofModel

CAPTURE_RETENTION = timedelta(days=30)

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
    with watch.lap("record"):
        claimed_at, earlier = _claim(device.device_id, request.capture_id, body_sha256, now,
                                     settings.capture_claim_timeout_seconds)
    if earlier is not None:
        return earlier
    try:
        model = container.recognition_model()
        # The threshold calibrated for this device, its unit (nearest up the tree) or the site, for this model.
        passage = judge(container, model, images, threshold_for(container, device, model), watch,
                        site=device.unit_id)  # matched against the gallery of the device's site
        event_type, local = classify(captured_at, container.site_windows)
        response = _response(request.capture_id, passage, event_type, local)
        capture = CaptureModel(device.device_id, request.capture_id, status="pending", claimed_at=claimed_at)
        still_mine = claims.held(capture)
        with watch.lap("record"):
            if response["recorded"]:
                assert passage.staff is not None and event_type is not None
                event = _event(container, device, request.capture_id, captured_at, local, event_type, passage)
                # The event and the capture's answer are written together or not at all: a retry
                # either finds the answer or redoes both, never a second event.
                with TransactWrite(connection=container.dynamodb) as transaction:
                    transaction.save(event, condition=EventModel.event_key.does_not_exist())
                    transaction.update(capture, actions=[CaptureModel.status.set("done"),
                                                         CaptureModel.response.set(response)], condition=still_mine)
            elif passage.result == "spoof_suspected":
                spoof = _spoof(container, device, request.capture_id, captured_at, local, passage)
                with TransactWrite(connection=container.dynamodb) as transaction:
                    transaction.save(spoof, condition=SpoofModel.attempt_key.does_not_exist())
                    transaction.update(capture, actions=[CaptureModel.status.set("done"),
                                                         CaptureModel.response.set(response)], condition=still_mine)
            else:
                capture.update(actions=[CaptureModel.status.set("done"), CaptureModel.response.set(response)],
                               condition=still_mine)
    except Exception as exc:
        _release(device.device_id, request.capture_id, claimed_at)
        if isinstance(exc, TransactWriteError | UpdateError) and lost_condition(exc):
            raise Conflict("capture_in_progress") from exc  # another request took over a stale claim
        raise
    return response


def _claim(device_id: str, capture_id: str, body_sha256: str, now: datetime,
           timeout_seconds: int) -> tuple[int, dict[str, Any] | None]:
    """Take the capture for this request, or return the answer an earlier request already gave."""
    claimed_at = time.time_ns()
    claim = CaptureModel(device_id, capture_id, body_sha256=body_sha256, status="pending", claimed_at=claimed_at,
                         expires_at=int((now + CAPTURE_RETENTION).timestamp()))
    # A stale claim is taken over only by a retry of the same body: another body is a conflict, never an answer.
    existing = claims.claim(claim, stale_before=claimed_at - timeout_seconds * 1_000_000_000,
                            takeover_guard=CaptureModel.body_sha256 == body_sha256)
    if existing is None:
        return claimed_at, None
    if existing.body_sha256 != body_sha256:
        raise Conflict("capture_conflict")
    if existing.status == "done" and existing.response is not None:
        return claimed_at, dict(existing.response)
    raise Conflict("capture_in_progress")


def _release(device_id: str, capture_id: str, claimed_at: int) -> None:
    """Let a retry start afresh after a failure (only if the claim is still ours and unfinished)."""
    # If even this fails, the stale-claim timeout frees the capture for the next retry.
    with contextlib.suppress(Exception):
        capture = CaptureModel(device_id, capture_id, status="pending", claimed_at=claimed_at)
        capture.delete(condition=claims.held(capture))


def _event(container: Container, device: DeviceModel, capture_id: str, captured_at: datetime, local: datetime,
           event_type: EventType, passage: Passage) -> EventModel:
    from face_engine.image import encode_jpeg

    assert passage.staff is not None and passage.similarity is not None and passage.evidence is not None
    snapshot_key = EventModel.snapshot_key_for(local, device.device_id, capture_id)
    container.blobs.put(snapshot_key, encode_jpeg(passage.evidence.image), "image/jpeg")
    return EventModel(
        passage.staff.staff_id, EventModel.key(local, device.device_id, capture_id),
        unit_id=passage.staff.unit_id, event_type=event_type.value, local_date=local.date().isoformat(),
        captured_at=captured_at, captured_at_local=iso(local), device_id=device.device_id,
        capture_id=capture_id, similarity=passage.similarity, snapshot_key=snapshot_key,
    )


def _spoof(container: Container, device: DeviceModel, capture_id: str, captured_at: datetime, local: datetime,
           passage: Passage) -> SpoofModel:
    """The record of a refused passage, its frames stored first (a retry rewrites the same keys)."""
    from face_engine.image import encode_jpeg

    keys = []
    for frame in passage.frames:
        key = SpoofModel.snapshot_key_for(local, device.device_id, capture_id, frame.index)
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

