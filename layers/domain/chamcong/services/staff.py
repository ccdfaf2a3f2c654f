"""Staff records. Removing a person removes their face photos and embeddings too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from pynamodb.exceptions import DoesNotExist, PynamoDBException
from pynamodb.models import Model

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest, Conflict, NotFound
from chamcong.rules.collation import vietnamese_key
from chamcong.schemas.staff import DEFAULT_DUTY_GROUP, CreateStaff, CreateTransfer, UpdateStaff
from chamcong.services import audit, galleries
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.transfers import history_view, plan_transfer
from chamcong.services.units import get_unit
from chamcong.store.models.base import lost_condition
from chamcong.store.models.staff import EmployeeCodeClaim, FaceModel, RemovedStaffRecord, StaffModel

Change = tuple[str, Model, dict[str, Any]]


def staff_view(staff: StaffModel, faces: list[FaceModel] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {"staff_id": staff.staff_id, "full_name": staff.full_name, "unit_id": staff.unit_id,
                            "email": staff.email, "employed_from": staff.employed_from,
                            "employee_code": staff.employee_code, "duty_group": duty_group_of(staff),
                            "is_leader": bool(staff.is_leader), "created_at": iso(staff.created_at)}
    if faces is not None:
        view["faces"] = [face_view(face) for face in faces]
    return view


def duty_group_of(staff: StaffModel) -> str:
    return staff.duty_group or DEFAULT_DUTY_GROUP


def face_view(face: FaceModel) -> dict[str, Any]:
    return {"face_id": face.face_id, "staff_id": face.staff_id, "model_id": face.model_id,
            "quality": face.quality, "created_at": iso(face.created_at)}


def find_staff(staff_id: str) -> StaffModel | None:
    if staff_id.startswith("#"):  # the staff table's other items: codes' claims, units' moves, removed people
        return None
    try:
        return StaffModel.get(staff_id)
    except DoesNotExist:
        return None


def removed_person(staff_id: str) -> RemovedStaffRecord | None:
    """What stays of a removed person (their name, their unit then), or None."""
    try:
        return RemovedStaffRecord.get(RemovedStaffRecord.key_of(staff_id))
    except DoesNotExist:
        return None


def name_of(staff_id: str) -> str | None:
    """A person's name, removed people included (their work records still say whose they are)."""
    person = find_staff(staff_id)
    if person is not None:
        return person.full_name
    removed = removed_person(staff_id)
    return removed.full_name if removed is not None else None


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
                       employee_code=body.employee_code, duty_group=body.duty_group, is_leader=body.is_leader,
                       created_at=container.clock())
    details = {"employee_code": body.employee_code} if body.employee_code else None
    changes: list[Change] = [("save", staff, {"condition": StaffModel.staff_id.does_not_exist()})]
    if body.employee_code:
        changes.append(claim_code(body.employee_code, staff.staff_id))
    with code_conflicts(body.employee_code, staff.staff_id):
        audit.write(container, audit.entry(container.clock(), access.username, "staff.create", unit_id=body.unit_id,
                                           subject=staff.staff_id, details=details, source=source), *changes)
    return staff_view(staff, [])


# --- employee codes: each held by one person through a claim item written with the record -----------------

def find_claim(code: str) -> EmployeeCodeClaim | None:
    try:
        return EmployeeCodeClaim.get(EmployeeCodeClaim.claim_key(code), consistent_read=True)
    except DoesNotExist:
        return None


def holder_of(code: str) -> StaffModel | None:
    """The person holding the code (a claim whose person is gone holds nothing)."""
    claim = find_claim(code)
    return find_staff(claim.owner) if claim is not None else None


def claim_code(code: str, staff_id: str) -> Change:
    """The write that gives `code` to `staff_id`: refused (409) if a living person holds it already."""
    claim = find_claim(code)
    condition: Any = EmployeeCodeClaim.staff_id.does_not_exist()
    if claim is not None:
        if claim.owner != staff_id and find_staff(claim.owner) is not None:
            raise Conflict("employee_code_taken")
        condition = EmployeeCodeClaim.owner == claim.owner  # our own, or a claim left by a person now gone
    return ("save", EmployeeCodeClaim(EmployeeCodeClaim.claim_key(code), owner=staff_id), {"condition": condition})


def release_code(code: str, staff_id: str) -> Change:
    """The write that frees `code`, if `staff_id` still holds it (or nobody does)."""
    return ("delete", EmployeeCodeClaim(EmployeeCodeClaim.claim_key(code), owner=staff_id),
            {"condition": EmployeeCodeClaim.staff_id.does_not_exist() | (EmployeeCodeClaim.owner == staff_id)})


@contextmanager
def code_conflicts(code: str | None, staff_id: str) -> Iterator[None]:
    """A lost transaction as 409: `employee_code_taken` if someone else now holds the code, else `conflict`."""
    try:
        yield
    except PynamoDBException as exc:
        if not lost_condition(exc):
            raise
        holder = holder_of(code) if code else None
        if holder is not None and holder.staff_id != staff_id:
            raise Conflict("employee_code_taken") from None
        raise Conflict("conflict") from None


def staff_condition(staff: StaffModel) -> Any:
    """The record is still there and still names the code it had when read (so a code moves only once)."""
    same_code = (StaffModel.employee_code == staff.employee_code if staff.employee_code
                 else StaffModel.employee_code.does_not_exist())
    return StaffModel.staff_id.exists() & same_code


def update_staff(container: Container, access: Access, staff_id: str, body: UpdateStaff,
                 source: Source) -> dict[str, Any]:
    """Rename, re-address, re-code or move a person; only the fields sent change. Audited as old → new."""
    staff = person_in_scope(access, "staff:write", staff_id)
    sent = body.model_fields_set
    for required in ("full_name", "unit_id", "duty_group", "is_leader"):
        if required in sent and getattr(body, required) is None:
            raise BadRequest("validation_error", details={"errors": [{"field": required,
                                                                      "reason": "cannot be removed"}]})
    diff: dict[str, list[Any]] = {}
    actions: list[Any] = []
    extra: list[Change] = []
    condition = staff_condition(staff)
    moving = body.unit_id is not None and body.unit_id != staff.unit_id
    if moving:
        assert body.unit_id is not None
        if not_employed_yet(container, staff):
            # Nobody's days change: the unit is put right, with no transfer to keep.
            get_unit(body.unit_id)
            access.require_unit("staff:write", body.unit_id)  # leaving (checked above) and arriving: both in scope
            actions.append(StaffModel.unit_id.set(body.unit_id))
        else:
            # A transfer effective today (another day: POST /v1/staff/{staff_id}/transfers), in the same write.
            planned = plan_transfer(container, access, staff, body.unit_id, container.today(), None, source,
                                    via="update")
            actions.extend(planned.actions)
            condition = condition & planned.condition
            extra.extend([*planned.beside, *planned.entry_saves()])
        diff["unit_id"] = [staff.unit_id, body.unit_id]
    if body.full_name is not None and body.full_name != staff.full_name:
        diff["full_name"] = [staff.full_name, body.full_name]
        actions.append(StaffModel.full_name.set(body.full_name))
    if "email" in sent:
        email = str(body.email) if body.email is not None else None
        if email != staff.email:
            diff["email"] = [staff.email, email]
            actions.append(StaffModel.email.set(email) if email else StaffModel.email.remove())
    if body.duty_group is not None and body.duty_group != duty_group_of(staff):
        diff["duty_group"] = [duty_group_of(staff), body.duty_group]
        actions.append(StaffModel.duty_group.set(body.duty_group))
    if body.is_leader is not None and body.is_leader != bool(staff.is_leader):
        diff["is_leader"] = [bool(staff.is_leader), body.is_leader]
        actions.append(StaffModel.is_leader.set(body.is_leader))
    if "employee_code" in sent and body.employee_code != staff.employee_code:
        old, new = staff.employee_code, body.employee_code
        diff["employee_code"] = [old, new]
        actions.append(StaffModel.employee_code.set(new) if new else StaffModel.employee_code.remove())
        if new and (old is None or new.upper() != old.upper()):
            extra.append(claim_code(new, staff_id))
        if old and (new is None or new.upper() != old.upper()):
            extra.append(release_code(old, staff_id))
    if actions:
        with code_conflicts(body.employee_code, staff_id):
            audit.write(container, audit.entry(container.clock(), access.username, "staff.update",
                                               unit_id=body.unit_id or staff.unit_id, subject=staff_id,
                                               details=diff, source=source),
                        ("update", staff, {"actions": actions, "condition": condition}), *extra)
        staff.refresh(consistent_read=True)
        if "unit_id" in diff or "full_name" in diff:  # the sites that label them, or that they left or joined
            galleries.mark_person_stale(container, staff_id, *{diff.get("unit_id", [staff.unit_id])[0],
                                                               staff.unit_id})
    return staff_view(staff)


def not_employed_yet(container: Container, staff: StaffModel) -> bool:
    """Whether the person has no working day yet (starts after today) and never moved."""
    return (staff.employed_from is not None and date.fromisoformat(staff.employed_from) > container.today()
            and not staff.transfers)


def read_staff(access: Access, staff_id: str) -> dict[str, Any]:
    return staff_view(person_in_scope(access, "staff:read", staff_id), list(FaceModel.query(staff_id)))


def list_staff(access: Access, unit_id: str | None, employee_code: str | None = None) -> dict[str, Any]:
    """The staff of one unit, or of every unit the reader may see; or the one person holding a code."""
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("staff:read", unit_id)
    if employee_code is not None:
        holder = holder_of(employee_code)
        if holder is None or (unit_id is not None and holder.unit_id != unit_id):
            access.acknowledge()  # nobody to show: nothing was read
            return {"staff": []}
        access.require_person("staff:read", holder.staff_id, holder.unit_id)
        return {"staff": [staff_view(holder)]}
    if unit_id is not None:
        members = list(StaffModel.by_unit.query(unit_id))
    else:
        visible = access.visible_units("staff:read")
        # The table also holds the employee codes' claims, which have no unit.
        members = [staff for staff in StaffModel.scan(StaffModel.unit_id.exists())
                   if visible is None or staff.unit_id in visible]
    members.sort(key=lambda staff: (vietnamese_key(staff.full_name), staff.staff_id))
    return {"staff": [staff_view(staff) for staff in members]}


def remove_staff(container: Container, access: Access, staff_id: str, source: Source) -> None:
    """Gallery first (the person stops being recognised at once), then everything biometric about them, wherever a
    copy is (`privacy.erasure.erase_person`: photos, face records, every gallery object, snapshots and clips, spoof
    frames); then the record, replaced by a tombstone that keeps only the name as a work record."""
    from chamcong.privacy.erasure import erase_person

    staff = person_in_scope(access, "staff:write", staff_id)
    faces = list(FaceModel.query(staff_id))
    if faces:
        for kept in container.kept_galleries():
            kept.update(lambda gallery: gallery.without_staff(staff_id))
        galleries.after_person_changed(container, staff_id, staff.unit_id)  # and from every site's gallery
    erased = erase_person(container, staff_id)
    # The record and its employee code's claim go together, the tombstone comes, with the entry that says so.
    tombstone = RemovedStaffRecord(RemovedStaffRecord.key_of(staff_id), full_name=staff.full_name,
                                   former_unit_id=staff.unit_id, employee_code=staff.employee_code,
                                   removed_at=container.clock(), removed_by=access.username)
    changes: list[Change] = [("delete", staff, {}), ("save", tombstone, {})]
    if staff.employee_code:
        changes.append(release_code(staff.employee_code, staff_id))
    audit.write(container, audit.entry(container.clock(), access.username, "staff.remove", unit_id=staff.unit_id,
                                       subject=staff_id, details={"faces": len(faces), "erased": erased},
                                       source=source), *changes)


# --- transfers: a move between units from an effective day, kept in the person's history ------------------

def transfer(container: Container, access: Access, staff_id: str, body: CreateTransfer,
             source: Source) -> dict[str, Any]:
    """Move a person to another unit from an effective day (both units in the caller's scope); audited in both."""
    person = person_in_scope(access, "staff:write", staff_id)
    planned = plan_transfer(container, access, person, body.to_unit_id, body.effective, body.reason, source)
    with code_conflicts(None, staff_id):  # lost: someone moved or removed the person meanwhile (409 conflict)
        audit.write(container, planned.entries[0], *planned.changes())
    left = person.unit_id
    person.refresh(consistent_read=True)
    galleries.mark_person_stale(container, staff_id, left, person.unit_id)
    return history_view(person)


def read_transfers(access: Access, staff_id: str) -> dict[str, Any]:
    """A person's moves between units, oldest first, with the unit they are in today."""
    return history_view(person_in_scope(access, "staff:read", staff_id))
