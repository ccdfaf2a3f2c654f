"""Staff records. Removing a person removes their face photos and embeddings too."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import NotFound
from chamcong.rules.collation import vietnamese_key
from chamcong.schemas.staff import CreateStaff
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.units import get_unit
from chamcong.store.models.staff import FaceModel, StaffModel


def staff_view(staff: StaffModel, faces: list[FaceModel] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {"staff_id": staff.staff_id, "full_name": staff.full_name, "unit_id": staff.unit_id,
                            "email": staff.email, "employed_from": staff.employed_from,
                            "created_at": iso(staff.created_at)}
    if faces is not None:
        view["faces"] = [face_view(face) for face in faces]
    return view


def face_view(face: FaceModel) -> dict[str, Any]:
    return {"face_id": face.face_id, "staff_id": face.staff_id, "model_id": face.model_id,
            "quality": face.quality, "created_at": iso(face.created_at)}


def find_staff(staff_id: str) -> StaffModel | None:
    try:
        return StaffModel.get(staff_id)
    except DoesNotExist:
        return None


def get_staff(staff_id: str) -> StaffModel:
    staff = find_staff(staff_id)
    if staff is None:
        raise NotFound("staff_not_found")
    return staff


def person_in_scope(access: Access, permission: str, staff_id: str) -> StaffModel:
    """The person, if the caller may act on them with this permission (404 if unknown, 403 if out of scope)."""
    staff = get_staff(staff_id)
    access.require_person(permission, staff.staff_id, staff.unit_id)
    return staff


def create_staff(container: Container, access: Access, body: CreateStaff, source: Source) -> dict[str, Any]:
    get_unit(body.unit_id)
    access.require_unit("staff:write", body.unit_id)
    staff = StaffModel(new_id("stf"), unit_id=body.unit_id, full_name=body.full_name,
                       email=str(body.email) if body.email else None,
                       employed_from=body.employed_from.isoformat() if body.employed_from else None,
                       created_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "staff.create", unit_id=body.unit_id,
                                       subject=staff.staff_id, source=source),
                ("save", staff, {"condition": StaffModel.staff_id.does_not_exist()}))
    return staff_view(staff, [])


def read_staff(access: Access, staff_id: str) -> dict[str, Any]:
    return staff_view(person_in_scope(access, "staff:read", staff_id), list(FaceModel.query(staff_id)))


def list_staff(access: Access, unit_id: str | None) -> dict[str, Any]:
    """The staff of one unit, or of every unit the reader may see."""
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("staff:read", unit_id)
        members = list(StaffModel.by_unit.query(unit_id))
    else:
        visible = access.visible_units("staff:read")
        members = [staff for staff in StaffModel.scan() if visible is None or staff.unit_id in visible]
    members.sort(key=lambda staff: (vietnamese_key(staff.full_name), staff.staff_id))
    return {"staff": [staff_view(staff) for staff in members]}


def remove_staff(container: Container, access: Access, staff_id: str, source: Source) -> None:
    """Gallery first (the person stops being recognised at once), then photos, face records, the record."""
    staff = person_in_scope(access, "staff:write", staff_id)
    faces = list(FaceModel.query(staff_id))
    if faces:
        for kept in container.kept_galleries():
            kept.update(lambda gallery: gallery.without_staff(staff_id))
        container.blobs.delete(*(face.photo_key for face in faces))
        for face in faces:
            face.delete()
    staff.delete()
    audit.record_only(audit.entry(container.clock(), access.username, "staff.remove", unit_id=staff.unit_id,
                                  subject=staff_id, details={"faces": len(faces)}, source=source))
