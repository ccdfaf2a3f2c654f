"""Everything the product holds about a person, for that person (Decree 13/2023/NĐ-CP Art. 9 and 14): read as JSON
with short-lived links to the photos and snapshots, or downloaded as one .zip with the files inside. Each read is
audited (`privacy.subject_access`).

The person themself sees everything, their photos included. Anyone else who may read them (`staff:read`) sees
only the sections their role already reads elsewhere — a unit admin no attendance and no audit trail, a leader
no audit trail — and never a link to a photo (the API offers nobody else one); the others are named in
`withheld`."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from botocore.exceptions import ClientError

from chamcong.access import Access
from chamcong.container import Container
from chamcong.schemas.common import FileResult
from chamcong.services import audit, erasure_requests, notices
from chamcong.services.absences import absence_view
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.corrections import correction_view
from chamcong.services.staff import person_in_scope, staff_view
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.staff import FaceModel, StaffModel

MAX_AUDIT_ENTRIES = 2000
# A synchronous Lambda answer is at most 6 MB, and API Gateway carries a binary one as base64: the archive's
# snapshots stop at this size (newest kept first), the rest counted in the archive's README and JSON.
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024
ZIP = "application/zip"

README_VI = """Dữ liệu cá nhân của {name} ({staff_id}), trích xuất lúc {at} theo yêu cầu của {by}.

personal-data.json  mọi bản ghi hệ thống lưu về Ông/Bà: hồ sơ, ảnh khuôn mặt đã đăng ký, thông báo xử lý dữ liệu đã
                    nhận, giờ đến/giờ về, nghỉ phép, chỉnh sửa chấm công, đánh giá hằng tháng, nhật ký thao tác, yêu
                    cầu xoá dữ liệu.
photos/             ảnh khuôn mặt đã đăng ký.
snapshots/          ảnh chụp khi nhận diện còn trong thời hạn lưu trữ{omitted_vi}.

Personal data of {name} ({staff_id}), extracted at {at} at the request of {by}: personal-data.json (every record),
photos/ (the enrolled face photos), snapshots/ (the recognition snapshots still kept{omitted_en}).
"""


# Each section a reader other than the person needs a permission for (on that person, in scope).
SECTION_PERMISSIONS = {"events": "events:read", "absences": "absences:read", "corrections": "corrections:read",
                       "evaluations": "evaluations:read", "audit": "audit:read"}


def _withheld(access: Access, person: StaffModel) -> list[str]:
    if access.principal.staff_id == person.staff_id:
        return []
    withheld = [section for section, permission in SECTION_PERMISSIONS.items()
                if not access.sees_person(permission, person.staff_id, person.unit_id)]
    return [*withheld, "photos"]


def read(container: Container, access: Access, staff_id: str, source: Source) -> dict[str, Any]:
    person = person_in_scope(access, "staff:read", staff_id)
    data = _gather(container, person, _withheld(access, person))
    seconds = container.settings.presigned_url_seconds
    for face, record in zip(data["faces"], data["_faces"], strict=True):
        face["photo_url"] = None if "photos" in data["withheld"] else container.blobs.presign(record.photo_key,
                                                                                              seconds)
    for event, record in zip(data["events"], data["_events"], strict=True):
        key = getattr(record, "snapshot_key", None)
        event["snapshot_url"] = container.blobs.presign(key, seconds) if key else None
    _audit(container, access, person, "read", source, {"events": len(data["events"]), "faces": len(data["faces"]),
                                                       "withheld": data["withheld"]})
    return _public(data)


def archive(container: Container, access: Access, staff_id: str, source: Source) -> FileResult:
    """One .zip: personal-data.json, photos/{face_id}.jpg, snapshots/{date}/{event}.jpg and a README (vi + en)."""
    person = person_in_scope(access, "staff:read", staff_id)
    data = _gather(container, person, _withheld(access, person))
    buffer = io.BytesIO()
    size = 0
    omitted = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for face, record in zip(data["faces"], data["_faces"], strict=True):
            face["photo_url"] = None
            face["file"] = None
            if "photos" in data["withheld"]:
                continue
            photo = _get(container, record.photo_key)
            if photo is not None:
                face["file"] = f"photos/{record.face_id}.jpg"
                archive_file.writestr(face["file"], photo)
                size += len(photo)
        pairs = list(zip(data["events"], data["_events"], strict=True))
        for event, record in sorted(pairs, key=lambda pair: pair[1].captured_at, reverse=True):  # newest first
            event["snapshot_url"] = None
            event["file"] = None
            key = getattr(record, "snapshot_key", None)
            if not key:
                continue
            if size >= MAX_ARCHIVE_BYTES:
                omitted += 1
                continue
            snapshot = _get(container, key)
            if snapshot is None:
                continue  # expired under the retention rule
            event["file"] = f"snapshots/{record.local_date}/{record.capture_id}.jpg"
            archive_file.writestr(event["file"], snapshot)
            size += len(snapshot)
        public = _public(data)
        public["snapshots_omitted"] = omitted
        archive_file.writestr("personal-data.json", json.dumps(public, ensure_ascii=False, indent=2))
        note_vi = f"; {omitted} ảnh cũ hơn không kèm vì giới hạn dung lượng" if omitted else ""
        note_en = f"; {omitted} older ones left out for size" if omitted else ""
        archive_file.writestr("README.txt", README_VI.format(
            name=person.full_name, staff_id=person.staff_id, at=public["generated_at"], by=access.username,
            omitted_vi=note_vi, omitted_en=note_en))
    _audit(container, access, person, "archive", source,
           {"events": len(data["events"]), "faces": len(data["faces"]), "snapshots_omitted": omitted,
            "withheld": data["withheld"]})
    return FileResult(buffer.getvalue(), ZIP, f"du-lieu-ca-nhan-{person.staff_id}.zip")


def _gather(container: Container, person: StaffModel, withheld: list[str]) -> dict[str, Any]:
    staff_id = person.staff_id
    shown = set(SECTION_PERMISSIONS) - set(withheld)
    faces = list(FaceModel.query(staff_id))
    events = list(EventModel.query(staff_id)) if "events" in shown else []
    audit_entries, truncated = _audit_about(person) if "audit" in shown else ([], False)
    return {
        "staff_id": staff_id,
        "generated_at": iso(container.clock()),
        "person": {**staff_view(person), "transfers": person.transfers or []},
        "faces": [{"face_id": face.face_id, "model_id": face.model_id, "created_at": iso(face.created_at),
                   "photo_url": None} for face in faces],
        "_faces": faces,
        "notices": notices.of_person(staff_id),
        "events": [{"local_date": event.local_date, "event_type": event.event_type,
                    "captured_at": iso(event.captured_at), "device_id": event.device_id,
                    "similarity": float(event.similarity), "snapshot_url": None} for event in events],
        "_events": events,
        "absences": [absence_view(item) for item in AbsenceModel.query(staff_id)] if "absences" in shown else [],
        "corrections": ([correction_view(item) for item in CorrectionModel.query(staff_id)]
                        if "corrections" in shown else []),
        "evaluations": [{"month": item.month, "unit_id": item.unit_id, "state": item.state, "total": item.total,
                         "grade": item.grade, "final_grade": item.final_grade, "self_entry": item.self_entry,
                         "review_entry": item.review_entry, "history": item.history}
                        for item in EvaluationModel.query(staff_id)] if "evaluations" in shown else [],
        "audit": audit_entries,
        "audit_truncated": truncated,
        "erasure_requests": [erasure_requests.view(item) for item in erasure_requests.of_person_items(staff_id)],
        "withheld": withheld,
    }


def _public(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if not key.startswith("_")}


def _audit_about(person: StaffModel) -> tuple[list[dict[str, Any]], bool]:
    """Entries about the person (their id as the subject, or in the details of an entry about their absence or
    correction), in every unit they belonged to (the trail is read by unit)."""
    units = {person.unit_id}
    for move in person.transfers or []:
        units |= {move.get("from_unit"), move.get("to_unit")} - {None}
    found: list[AuditModel] = []
    for unit in sorted(units):
        found.extend(item for item in AuditModel.by_unit.query(unit, scan_index_forward=False)
                     if _about(item, person.staff_id))
    found.sort(key=lambda item: item.entry_key, reverse=True)
    return [audit.view(item) for item in found[:MAX_AUDIT_ENTRIES]], len(found) > MAX_AUDIT_ENTRIES


def _about(item: AuditModel, staff_id: str) -> bool:
    details = item.details if isinstance(item.details, dict) else {}
    return item.subject == staff_id or details.get("staff_id") == staff_id


def _get(container: Container, key: str) -> bytes | None:
    try:
        return container.blobs.get(key)
    except ClientError:
        return None


def _audit(container: Container, access: Access, person: StaffModel, what: str, source: Source,
           counts: dict[str, Any]) -> None:
    audit.record_only(audit.entry(container.clock(), access.username, "privacy.subject_access",
                                  unit_id=person.unit_id, subject=person.staff_id,
                                  details={"what": what, **counts}, source=source))


