"""Erasure requests (Decree 13/2023/NĐ-CP Art. 9(5) and 16): a person, or a unit admin for them, asks; the unit
admin completes the request (the existing removals erase: `enrolment.remove_face` for every photo, or
`staff.remove_staff` for the person) or refuses it with a reason. Every step is audited."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chamcong.access import Access, Target
from chamcong.container import Container
from chamcong.errors import Conflict, NotFound
from chamcong.privacy import erasure
from chamcong.schemas.privacy import CreateErasureRequest
from chamcong.services import audit, enrolment
from chamcong.services import staff as staff_service
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.store.models.privacy import ErasureRequestModel
from chamcong.store.models.staff import FaceModel

OPEN = ("pending", "completing")  # a request not answered yet ("completing": an erasure begun, not finished)


def create(container: Container, access: Access, staff_id: str, body: CreateErasureRequest,
           source: Source) -> dict[str, Any]:
    """The person themself (role staff) or an admin of their unit asks; one open request per person at a time."""
    person = staff_service.person_in_scope(access, "privacy:request", staff_id)
    if any(item.status in OPEN for item in of_person_items(staff_id)):
        raise Conflict("erasure_request_pending")
    now = container.clock()
    request_id = new_id("era")
    item = ErasureRequestModel(staff_id, ErasureRequestModel.key(request_id), request_id=request_id,
                               unit_id=person.unit_id, full_name=person.full_name, scope=body.scope,
                               reason=body.reason, status="pending", requested_by=access.username, requested_at=now)
    audit.write(container, audit.entry(now, access.username, "privacy.erasure_request", unit_id=person.unit_id,
                                       subject=staff_id, details={"request_id": request_id, "scope": body.scope},
                                       source=source),
                ("save", item, {"condition": ErasureRequestModel.record_key.does_not_exist()}))
    return view(item)


def list_requests(access: Access, unit_id: str | None, status: str | None) -> dict[str, Any]:
    """A unit's requests (or those of every unit the caller answers for), newest first."""
    if unit_id is not None:
        access.require_unit("privacy:erasure", unit_id)
        units: set[str] | None = {unit_id}
    else:
        units = access.visible_units("privacy:erasure")
    if units is None:
        found = list(ErasureRequestModel.scan(ErasureRequestModel.request_id.exists()))
    else:
        found = [item for unit in sorted(units) for item in ErasureRequestModel.by_unit.query(
            unit, ErasureRequestModel.record_key.startswith(ErasureRequestModel.PREFIX))]
    found = [item for item in found if status is None or item.status == status]
    found.sort(key=lambda item: item.requested_at, reverse=True)
    return {"requests": [view(item) for item in found]}


def complete(container: Container, access: Access, request_id: str, source: Source) -> dict[str, Any]:
    """Erase as asked: every face photo (biometric) or the person (all), by the product's own removals."""
    item = _in_scope(access, request_id)
    if item.status not in OPEN:
        raise Conflict("erasure_request_decided")
    # Claimed first, so two admins answering at once do not both erase; an erasure that failed half-way stays
    # "completing" and may be completed again (each removal is idempotent from where it stopped).
    _move(item, item.status, status="completing", decided_by=access.username, decided_at=container.clock())
    faces = list(FaceModel.query(item.staff_id))
    evidence: dict[str, int] = {}
    if item.scope == "all" and staff_service.find_staff(item.staff_id) is not None:
        staff_service.remove_staff(container, access, item.staff_id, source)
    else:
        for face in faces:
            enrolment.remove_face(container, access, item.staff_id, face.face_id, source)
        # Their face in evidence too (snapshots, clips, spoof frames): the events stay as work records.
        evidence = erasure.erase_evidence(container, item.staff_id)
    outcome = {"faces": len(faces), "person": item.scope == "all", **({"evidence": evidence} if evidence else {})}
    now = container.clock()
    audit.write(container, audit.entry(now, access.username, "privacy.erasure_complete", unit_id=item.unit_id,
                                       subject=item.staff_id,
                                       details={"request_id": request_id, "scope": item.scope, **outcome},
                                       source=source),
                ("update", item, {"actions": [ErasureRequestModel.status.set("completed"),
                                              ErasureRequestModel.decided_at.set(now),
                                              ErasureRequestModel.outcome.set(outcome)],
                                  "condition": ErasureRequestModel.status == "completing"}))
    item.refresh(consistent_read=True)
    return view(item)


def refuse(container: Container, access: Access, request_id: str, reason: str, source: Source) -> dict[str, Any]:
    """Refuse with a reason the person reads (e.g. the data is needed for a disciplinary case under way)."""
    item = _in_scope(access, request_id)
    if item.status != "pending":
        raise Conflict("erasure_request_decided")
    now = container.clock()
    audit.write(container, audit.entry(now, access.username, "privacy.erasure_refuse", unit_id=item.unit_id,
                                       subject=item.staff_id, details={"request_id": request_id, "scope": item.scope},
                                       source=source),
                ("update", item, {"actions": [ErasureRequestModel.status.set("refused"),
                                              ErasureRequestModel.decided_by.set(access.username),
                                              ErasureRequestModel.decided_at.set(now),
                                              ErasureRequestModel.decision_reason.set(reason)],
                                  "condition": ErasureRequestModel.status == "pending"}))
    item.refresh(consistent_read=True)
    return view(item)


def of_person_items(staff_id: str) -> list[ErasureRequestModel]:
    return list(ErasureRequestModel.query(staff_id,
                                          ErasureRequestModel.record_key.startswith(ErasureRequestModel.PREFIX),
                                          consistent_read=True))


def view(item: ErasureRequestModel) -> dict[str, Any]:
    return {"request_id": item.request_id, "staff_id": item.staff_id, "full_name": item.full_name,
            "unit_id": item.unit_id, "scope": item.scope, "reason": item.reason, "status": item.status,
            "requested_by": item.requested_by, "requested_at": iso(item.requested_at),
            "decided_by": item.decided_by, "decided_at": iso(item.decided_at) if item.decided_at else None,
            "decision_reason": item.decision_reason, "outcome": item.outcome}


def _in_scope(access: Access, request_id: str) -> ErasureRequestModel:
    """The request, if the caller answers for the person's unit (today's unit if they moved since asking)."""
    found = list(ErasureRequestModel.by_request.query(request_id))
    if not found:
        access.acknowledge()
        raise NotFound("erasure_request_not_found")
    item = ErasureRequestModel.get(found[0].staff_id, found[0].record_key, consistent_read=True)
    person = staff_service.find_staff(item.staff_id)
    units = {item.unit_id} | ({person.unit_id} if person is not None else set())
    if not any(access.allows("privacy:erasure", Target(unit, item.staff_id)) for unit in units):
        access.require_person("privacy:erasure", item.staff_id, item.unit_id)  # raises forbidden
    return item


def _move(item: ErasureRequestModel, expected: str, **values: Any) -> None:
    try:
        item.update(actions=[getattr(ErasureRequestModel, name).set(value) for name, value in values.items()],
                    condition=ErasureRequestModel.status == expected)
    except (UpdateError, PutError):
        raise Conflict("erasure_request_decided") from None
