"""Leave, business trips and work from home; corrections of a day. Both are kept with who and when.

An absence is entered for a person and a date range by a leader; it overrides the camera on those days.
Cancelling keeps the record. A correction is appended, never edited: the newest of a day applies and
every earlier one stays visible, so the history of a day is its audit trail. Nobody records an absence or
a correction for themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from chamcong.rules.attendance import Absence, AbsenceKind, Correction, DayPart, DayStatus
from chamcong.schemas import CreateAbsence, CreateCorrection
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.staff import get_staff
from chamcong.services.units import get_unit
from chamcong.store.models import AbsenceModel, CorrectionModel, lost_condition

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


def list_absences(access: Access, unit_id: str | None, staff_id: str | None, first_text: str | None,
                  last_text: str | None) -> dict[str, Any]:
    """Absences overlapping [from, to] of one person, of a unit, or of every unit the reader oversees."""
    first, last = _day(first_text, "from"), _day(last_text, "to")
    if first is None or last is None or last < first or (last - first).days > MAX_ABSENCE_DAYS:
        raise BadRequest("validation_error", details={"field": "from/to", "reason": "YYYY-MM-DD, from ≤ to, "
                                                                                   "at most a year"})
    overlapping = (AbsenceModel.first_day <= last.isoformat()) & (AbsenceModel.last_day >= first.isoformat())
    found: Iterable[AbsenceModel]
    if staff_id is not None:
        person = get_staff(staff_id)
        access.require_person("absences:read", staff_id, person.unit_id)
        found = AbsenceModel.query(staff_id, filter_condition=overlapping)
    elif unit_id is not None:
        get_unit(unit_id)
        access.require_unit("absences:read", unit_id)
        found = AbsenceModel.by_unit.query(
            unit_id, AbsenceModel.first_day <= last.isoformat(), AbsenceModel.last_day >= first.isoformat())
    else:
        visible = access.visible_units("absences:read")
        found = (absence for absence in AbsenceModel.scan(overlapping)
                 if visible is None or absence.unit_id in visible)
    rows = sorted(found, key=lambda a: (a.unit_id, a.first_day, a.staff_id))
    return {"absences": [absence_view(absence) for absence in rows]}


def create_correction(container: Container, access: Access, body: CreateCorrection,
                      source: Source) -> dict[str, Any]:
    person = get_staff(body.staff_id)
    access.require_person("corrections:write", person.staff_id, person.unit_id)
    if access.principal.staff_id == body.staff_id:
        raise Forbidden("own_correction")
    today = container.clock().astimezone(container.work_calendar.timezone).date()
    if body.date > today:
        raise Unprocessable("correction_in_future")
    now = container.clock()
    correction_id = new_id("cor")
    correction = CorrectionModel(body.staff_id, f"{body.date.isoformat()}#{iso(now)}#{correction_id}",
                                 correction_id=correction_id, unit_id=person.unit_id, day=body.date.isoformat(),
                                 status=body.status, reason=body.reason, created_by=access.username,
                                 created_at=now)
    audit.write(container, audit.entry(now, access.username, "correction.create", unit_id=person.unit_id,
                                       subject=correction_id, details=correction_view(correction), source=source),
                ("save", correction, {"condition": CorrectionModel.correction_key.does_not_exist()}))
    return correction_view(correction)


def list_corrections(access: Access, unit_id: str | None, staff_id: str | None,
                     day_text: str | None) -> dict[str, Any]:
    """Every correction of a unit's day, or of one person (optionally one day), oldest first."""
    day = _day(day_text, "date")
    prefix = f"{day.isoformat()}#" if day else ""
    if staff_id is not None:
        person = get_staff(staff_id)
        access.require_person("corrections:read", staff_id, person.unit_id)
        found: Iterable[CorrectionModel] = CorrectionModel.query(staff_id, CorrectionModel.correction_key.startswith(
            prefix)) if prefix else CorrectionModel.query(staff_id)
    elif unit_id is not None and day is not None:
        get_unit(unit_id)
        access.require_unit("corrections:read", unit_id)
        found = CorrectionModel.by_unit.query(unit_id, CorrectionModel.correction_key.startswith(prefix))
    else:
        raise BadRequest("validation_error", details={"field": "staff_id or unit_id+date",
                                                      "reason": "say whose corrections"})
    return {"corrections": [correction_view(c) for c in sorted(found, key=lambda c: (c.staff_id, c.correction_key))]}


def active_absences(found: Iterable[AbsenceModel]) -> list[AbsenceModel]:
    return [absence for absence in found if absence.cancelled_at is None]


def to_absence(record: AbsenceModel) -> Absence:
    return Absence(AbsenceKind(record.kind), date.fromisoformat(record.first_day), date.fromisoformat(record.last_day),
                   DayPart(record.part), record.absence_id)


def latest_corrections(found: Iterable[CorrectionModel]) -> dict[tuple[str, date], tuple[str, Correction]]:
    """(staff_id, day) → (correction_id, the newest correction of that day)."""
    latest: dict[tuple[str, date], tuple[str, Correction]] = {}
    for record in sorted(found, key=lambda c: c.correction_key):
        latest[(record.staff_id, date.fromisoformat(record.day))] = (record.correction_id, Correction(
            DayStatus(record.status), record.reason, record.created_by, record.created_at))
    return latest


def absence_view(absence: AbsenceModel) -> dict[str, Any]:
    return {"absence_id": absence.absence_id, "staff_id": absence.staff_id, "unit_id": absence.unit_id,
            "kind": absence.kind, "first_day": absence.first_day, "last_day": absence.last_day, "part": absence.part,
            "reason": absence.reason, "created_by": absence.created_by, "created_at": iso(absence.created_at),
            "cancelled_by": absence.cancelled_by,
            "cancelled_at": iso(absence.cancelled_at) if absence.cancelled_at else None}


def correction_view(correction: CorrectionModel) -> dict[str, Any]:
    return {"correction_id": correction.correction_id, "staff_id": correction.staff_id,
            "unit_id": correction.unit_id, "date": correction.day, "status": correction.status,
            "reason": correction.reason, "created_by": correction.created_by,
            "created_at": iso(correction.created_at)}


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest("validation_error", details={"field": field, "reason": "YYYY-MM-DD"}) from None
