"""Leave, business trips and work from home, kept with who entered and who cancelled them.

An absence is entered for a person and a date range by a leader; it overrides the camera on those days.
Cancelling keeps the record. Nobody records an absence for themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from chamcong.rules.attendance import Absence, AbsenceKind, DayPart
from chamcong.schemas.absences import CreateAbsence
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.staff import get_staff
from chamcong.services.units import get_unit
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.base import lost_condition

MAX_ABSENCE_DAYS = 366


def create_absence(container: Container, access: Access, body: CreateAbsence, source: Source) -> dict[str, Any]:
    person = get_staff(body.staff_id)
    access.require_person("absences:write", person.staff_id, person.unit_id)
    if access.principal.staff_id == body.staff_id:
        raise Forbidden("own_absence")
    if body.last_day < body.first_day or (body.last_day - body.first_day).days >= MAX_ABSENCE_DAYS:
        raise Unprocessable("absence_dates_invalid")
    for other in active_absences(AbsenceModel.query(body.staff_id)):
        if other.first_day <= body.last_day.isoformat() and body.first_day.isoformat() <= other.last_day:
            raise Conflict("absence_overlaps", details={"absence_id": other.absence_id})
    absence = AbsenceModel(body.staff_id, new_id("abs"), unit_id=person.unit_id, kind=body.kind,
                           first_day=body.first_day.isoformat(), last_day=body.last_day.isoformat(),
                           part=body.part, reason=body.reason, created_by=access.username,
                           created_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "absence.create", unit_id=person.unit_id,
                                       subject=absence.absence_id, details=absence_view(absence), source=source),
                ("save", absence, {"condition": AbsenceModel.absence_id.does_not_exist()}))
    return absence_view(absence)


def cancel_absence(container: Container, access: Access, staff_id: str, absence_id: str,
                   source: Source) -> dict[str, Any]:
    try:
        absence = AbsenceModel.get(staff_id, absence_id)
    except AbsenceModel.DoesNotExist:
        raise NotFound("absence_not_found") from None
    access.require_person("absences:write", staff_id, absence.unit_id)
    if access.principal.staff_id == staff_id:
        raise Forbidden("own_absence")
    if absence.cancelled_at is None:
        try:
            now = container.clock()
            audit.write(container, audit.entry(now, access.username, "absence.cancel", unit_id=absence.unit_id,
                                               subject=absence_id, details={"staff_id": staff_id}, source=source),
                        ("update", absence, {"actions": [AbsenceModel.cancelled_by.set(access.username),
                                                         AbsenceModel.cancelled_at.set(now)],
                                             "condition": AbsenceModel.cancelled_at.does_not_exist()}))
            absence.refresh()
        except Exception as error:  # cancelled by someone else a moment ago: show that cancellation
            if not lost_condition(error):
                raise
            absence.refresh()
    return absence_view(absence)


def list_absences(access: Access, unit_id: str | None, staff_id: str | None, first: date,
                  last: date) -> dict[str, Any]:
    """Absences overlapping [first, last] of one person, of a unit, or of every unit the reader oversees."""
    if last < first or (last - first).days > MAX_ABSENCE_DAYS:
        raise BadRequest("validation_error", details={"field": "from/to", "reason": "from ≤ to, at most a year"})
    found: Iterable[AbsenceModel]
    if staff_id is not None:
        person = get_staff(staff_id)
        access.require_person("absences:read", staff_id, person.unit_id)
        found = AbsenceModel.of_person_between(staff_id, first, last)
    elif unit_id is not None:
        get_unit(unit_id)
        access.require_unit("absences:read", unit_id)
        found = AbsenceModel.of_unit_between(unit_id, first, last)
    else:
        visible = access.visible_units("absences:read")
        found = (absence for absence in AbsenceModel.scan(AbsenceModel.overlapping(first, last))
                 if visible is None or absence.unit_id in visible)
    rows = sorted(found, key=lambda a: (a.unit_id, a.first_day, a.staff_id))
    return {"absences": [absence_view(absence) for absence in rows]}


def active_absences(found: Iterable[AbsenceModel]) -> list[AbsenceModel]:
    return [absence for absence in found if absence.cancelled_at is None]


def to_absence(record: AbsenceModel) -> Absence:
    return Absence(AbsenceKind(record.kind), date.fromisoformat(record.first_day), date.fromisoformat(record.last_day),
                   DayPart(record.part), record.absence_id)


def absence_view(absence: AbsenceModel) -> dict[str, Any]:
    return {"absence_id": absence.absence_id, "staff_id": absence.staff_id, "unit_id": absence.unit_id,
            "kind": absence.kind, "first_day": absence.first_day, "last_day": absence.last_day, "part": absence.part,
            "reason": absence.reason, "created_by": absence.created_by, "created_at": iso(absence.created_at),
            "cancelled_by": absence.cancelled_by,
            "cancelled_at": iso(absence.cancelled_at) if absence.cancelled_at else None}
