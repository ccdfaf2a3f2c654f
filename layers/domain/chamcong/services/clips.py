"""The clip of each passage, and the unmatched passages as the nearest evidence of a day without a check-in.

A lobby device keeps the seconds of a passage as a small video (WebM/VP8, low resolution, a few hundred KB) and
puts its sha256 inside the signed capture (`clip_sha256`); after the capture is answered it uploads the clip to
`PUT /v1/recognitions/{capture_id}/clip`. The clip is kept only if it hashes to what the device signed at that
moment, so the clip shown with an event is provably the one the device recorded then. It is stored under
`clips/` (own retention) and linked on the event or spoof the capture recorded; a passage answered `unknown` keeps
its clip beside its best crop under `unmatched/` (short retention), which `nearest_evidence` shows on an absent or
missing-check-in day. Every link is short-lived and issued under the same access as the snapshots.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.operand import Path

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import NotFound, PayloadTooLarge, Unprocessable
from chamcong.evidence.views import View, record_views
from chamcong.schemas.devices import MAX_CLIP_BYTES, ClipUpload
from chamcong.services.common import decode_base64, iso
from chamcong.services.staff import person_in_scope
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.devices import CaptureModel, DeviceModel, SpoofModel
from chamcong.store.models.staff import StaffModel

# What a browser plays in <video>: WebM (VP8) first; AVI (MJPEG) from an edge whose OpenCV cannot write VP8.
CLIP_TYPES = {"webm": "video/webm", "avi": "video/x-msvideo"}
ERASED_AT = "evidence_erased_at"  # set on events by the erasure of a person (privacy.erasure)


def clip_kind(data: bytes) -> str | None:
    """"webm" or "avi" from the file's first bytes (EBML header; RIFF … AVI), else None."""
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "avi"
    return None


def store_clip(container: Container, device: DeviceModel, capture_id: str, body: ClipUpload) -> dict[str, Any]:
    """Keep the clip of one of this device's captures if it is the one the capture signed; idempotent."""
    data = decode_base64(body.clip_b64)
    if len(data) > MAX_CLIP_BYTES:
        raise PayloadTooLarge("clip_too_large")
    kind = clip_kind(data)
    if kind is None:
        raise Unprocessable("invalid_clip")
    try:
        capture = CaptureModel.get(device.device_id, capture_id, consistent_read=True)
    except DoesNotExist as error:
        raise NotFound("capture_not_found") from error
    digest = hashlib.sha256(data).hexdigest()
    if not capture.clip_sha256 or not hmac.compare_digest(digest, str(capture.clip_sha256)):
        raise Unprocessable("clip_mismatch")
    response = dict(capture.response or {})
    local = datetime.fromisoformat(str(response["captured_at_local"]))
    stored = capture.record or None
    linked = "none"
    key: str | None = None
    if stored:
        # An event's clip under clips/ (ClipRetentionDays); a spoof's with its frames under spoofs/, so that it goes
        # with the attempt's own, shorter retention and never outlives its record.
        key = (EventModel.clip_key_for(local.date().isoformat(), device.device_id, capture_id, kind)
               if stored["table"] == "events"
               else SpoofModel.clip_key_for(local.date().isoformat(), device.device_id, capture_id, kind))
        container.blobs.put(key, data, CLIP_TYPES[kind])
        try:
            _link(stored, key)
        except NotFound:
            container.blobs.delete(key)  # nothing to be evidence of any more: keep nothing
            raise
        linked = "event" if stored["table"] == "events" else "spoof"
    elif response.get("result") == "unknown":
        key = CaptureModel.unmatched_clip_key(local, device.device_id, capture_id, kind)
        container.blobs.put(key, data, CLIP_TYPES[kind])
        linked = "unmatched"
    # else: no face, or matched outside the windows: nothing recorded, nothing to be evidence of; not kept.
    if key is not None and capture.clip_key != key:
        capture.update(actions=[CaptureModel.clip_key.set(key)])
    return {"capture_id": capture_id, "clip_sha256": digest, "size": len(data), "linked_to": linked}


def _link(stored: dict[str, Any], key: str) -> None:
    """Set `clip_key` on the event or spoof the capture recorded.

    The device uploads a clip only after its capture was answered 2xx, which the service sends only once the event
    or spoof record is written: a missing one was removed since (the spoof's retention), so there is nothing to link.
    """
    from chamcong.services.recognition import _rebuild

    record = _rebuild(stored)
    # Never on evidence erased with the person (privacy.erasure sets evidence_erased_at): a late upload adds nothing.
    not_erased = Path(ERASED_AT).does_not_exist()
    try:
        if isinstance(record, EventModel):
            EventModel(record.staff_id, record.event_key).update(
                actions=[EventModel.clip_key.set(key)], condition=EventModel.staff_id.exists() & not_erased)
        else:
            SpoofModel(record.local_date, record.attempt_key).update(
                actions=[SpoofModel.clip_key.set(key)], condition=SpoofModel.local_date.exists() & not_erased)
    except UpdateError as error:
        if not lost_condition(error):
            raise
        raise NotFound("capture_not_found") from error


def clip_link(container: Container, key: str | None) -> dict[str, Any]:
    """`clip_url` (short-lived) for a stored clip key, or None: for the event, spoof and day views."""
    if not key:
        return {"clip_url": None}
    return {"clip_url": container.blobs.presign(key, container.settings.presigned_url_seconds)}


# --- unmatched passages: the nearest evidence of a day without a check-in ---------------------------------------

def unmatched_views(staff_id: str, unit_id: str | None, found: dict[date, list[dict[str, Any]]]) -> list[View]:
    """The evidence views the links of these unmatched passages are (each passage's prefix under unmatched/)."""
    def prefix(day: date, one: dict[str, Any]) -> str:
        hhmmss = one["captured_at_local"][11:19].replace(":", "")
        return f"unmatched/{day.isoformat()}/{one['device_id']}/{hhmmss}/{one['capture_id']}/"

    return [View(staff_id, unit_id, "unmatched", tuple(prefix(day, one) for one in passages), day.isoformat())
            for day, passages in sorted(found.items())]


def nearest_evidence(container: Container, access: Access, staff_id: str, day: date) -> list[dict[str, Any]]:
    """The unmatched passages of that morning at the lobbies of the person's site, with short-lived links.

    Who may read the person's events may read these (the same rule as snapshots). Empty once the unmatched
    retention has passed (the bucket expires them).
    """
    person = person_in_scope(access, "events:read", staff_id)
    found = unmatched_passages(container, person, [day])
    record_views(container, access, unmatched_views(staff_id, person.unit_id, found))
    return found.get(day, [])


def unmatched_passages(container: Container, person: StaffModel,
                       days: Iterable[date]) -> dict[date, list[dict[str, Any]]]:
    """`nearest_evidence` of each day, for a caller that already checked the person is in scope (the day and month
    views), with short-lived links."""
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    return {day: [{"device_id": one["device_id"], "device_name": one["device_name"], "capture_id": one["capture_id"],
                   "captured_at_local": one["captured_at_local"],
                   "snapshot_url": container.blobs.presign(one["keys"]["crop"], seconds),
                   **clip_link(container, one["keys"].get("clip")), "url_expires_at": expires}
                  for one in passages]
            for day, passages in _unmatched_by_day(container, person, days).items()}


def unmatched_objects(container: Container, person: StaffModel, day: date) -> list[dict[str, Any]]:
    """The unmatched passages of that morning at the lobbies of the person's site with their object keys (`crop`,
    `clip`), for the evidence bundle; [] once the unmatched retention has passed."""
    return _unmatched_by_day(container, person, [day]).get(day, [])


def _unmatched_by_day(container: Container, person: StaffModel,
                      days: Iterable[date]) -> dict[date, list[dict[str, Any]]]:
    """Each day's unmatched passages at the lobbies the person passes (their site's, up the tree), with their keys;
    the units and devices are read once; days older than the unmatched retention are not looked at."""
    from chamcong.services.transfers import unit_on
    from chamcong.services.units import load_tree

    today = container.today()
    kept = [day for day in days
            if today - timedelta(days=container.settings.unmatched_retention_days) <= day <= today]
    if not kept:
        return {}
    tree, devices = load_tree(), list(DeviceModel.scan())
    found: dict[date, list[dict[str, Any]]] = {}
    for day in kept:
        lineage = set(tree.lineage(unit_on(person, day)))
        found[day] = _unmatched_keys(container, [device for device in devices if device.unit_id in lineage], day)
    return found


def _unmatched_keys(container: Container, devices: list[DeviceModel], day: date) -> list[dict[str, Any]]:
    """Each unmatched passage of the check-in window of `day` at these devices: where, when, its object keys."""
    window = container.site_windows.check_in  # "that morning": the check-in window
    found: list[dict[str, Any]] = []
    for device in sorted(devices, key=lambda one: one.device_id):
        passages: dict[tuple[str, str], dict[str, str]] = {}
        for key in container.blobs.keys(CaptureModel.unmatched_prefix(day.isoformat(), device.device_id)):
            parts = key.split("/")  # unmatched/{date}/{device}/{HHMMSS}/{capture_id}/{crop…jpg | clip.ext}
            if len(parts) != 6 or len(parts[3]) != 6 or not parts[3].isdigit():
                continue
            passages.setdefault((parts[3], parts[4]), {})["clip" if parts[5].startswith("clip.") else "crop"] = key
        for (hhmmss, capture_id), keys in sorted(passages.items()):
            at = time(int(hhmmss[:2]), int(hhmmss[2:4]), int(hhmmss[4:]))
            if "crop" not in keys or not window.contains(at):
                continue
            found.append({"device_id": device.device_id, "device_name": device.name, "capture_id": capture_id,
                          "captured_at_local": f"{day.isoformat()}T{at:%H:%M:%S}", "keys": keys})
    return sorted(found, key=lambda one: (one["captured_at_local"], one["device_id"]))
