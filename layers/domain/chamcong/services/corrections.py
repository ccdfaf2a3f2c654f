"""Corrections of a person's day, appended and never edited: the newest of a day applies.

Every earlier correction stays visible, so the list of a day's corrections with their authors and times is
that day's audit trail. Nobody corrects their own day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest, Forbidden, Unprocessable
from chamcong.rules.attendance import Correction, DayStatus
from chamcong.schemas.corrections import CreateCorrection
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso, new_id
from chamcong.services.staff import get_staff
from chamcong.services.transfers import unit_on
from chamcong.services.units import get_unit
from chamcong.store.models.corrections import CorrectionModel

MAX_PERIOD_DAYS = 366


def create_correction(container: Container, access: Access, body: CreateCorrection,
                      source: Source) -> dict[str, Any]:
    person = get_staff(body.staff_id)
    unit_id = unit_on(person, body.date)  # the day belongs to the unit the person was in on it: its leader corrects
    access.require_person("corrections:write", person.staff_id, unit_id)
    if access.principal.staff_id == body.staff_id:
        raise Forbidden("own_correction")
    if body.date > container.today():
        raise Unprocessable("correction_in_future")
    now = container.clock()
    correction_id = new_id("cor")
    correction = CorrectionModel(body.staff_id, CorrectionModel.key(body.date, now, correction_id),
                                 correction_id=correction_id, unit_id=unit_id, day=body.date.isoformat(),
                                 status=body.status, reason=body.reason, created_by=access.username,
                                 created_at=now)
    audit.write(container, audit.entry(now, access.username, "correction.create", unit_id=unit_id,
                                       subject=correction_id, details=correction_view(correction), source=source),
                ("save", correction, {"condition": CorrectionModel.correction_key.does_not_exist()}))
    return correction_view(correction)


def list_corrections(access: Access, unit_id: str | None, staff_id: str | None, day: date | None,
                     first: date | None = None, last: date | None = None) -> dict[str, Any]:
    """Every correction of a unit's day or period, or of one person (optionally one day or a period), oldest
    first."""
    period = _period(day, first, last)
    if period is None and day is not None:
        period = (day, day)
    found: Iterable[CorrectionModel]
    if staff_id is not None:
        person = get_staff(staff_id)
        access.require_person("corrections:read", staff_id, person.unit_id)
        found = CorrectionModel.of_person_between(staff_id, *period) if period else CorrectionModel.of_person(staff_id)
    elif unit_id is not None and period is not None:
        get_unit(unit_id)
        access.require_unit("corrections:read", unit_id)
        found = CorrectionModel.of_unit_between(unit_id, *period)
    else:
        raise BadRequest("validation_error", details={"field": "staff_id or unit_id+date",
                                                      "reason": "say whose corrections"})
    return {"corrections": [correction_view(c) for c in sorted(found, key=lambda c: (c.staff_id, c.correction_key))]}


def _period(day: date | None, first: date | None, last: date | None) -> tuple[date, date] | None:
    """from+to (both, not with date, from ≤ to, at most a year), or None when no period was asked."""
    if first is None and last is None:
        return None
    if first is None or last is None or day is not None or last < first or \
            (last - first).days > MAX_PERIOD_DAYS:
        raise BadRequest("validation_error", details={"field": "from/to",
                                                      "reason": "both, not with date, from ≤ to, at most a year"})
    return first, last


def latest_corrections(found: Iterable[CorrectionModel]) -> dict[tuple[str, date], tuple[str, Correction]]:
    """(staff_id, day) → (correction_id, the newest correction of that day)."""
    latest: dict[tuple[str, date], tuple[str, Correction]] = {}
    for record in sorted(found, key=lambda c: c.correction_key):
        latest[(record.staff_id, date.fromisoformat(record.day))] = (record.correction_id, Correction(
            DayStatus(record.status), record.reason, record.created_by, record.created_at))
    return latest


def correction_view(correction: CorrectionModel) -> dict[str, Any]:
    return {"correction_id": correction.correction_id, "staff_id": correction.staff_id,
            "unit_id": correction.unit_id, "date": correction.day, "status": correction.status,
            "reason": correction.reason, "created_by": correction.created_by,
            "created_at": iso(correction.created_at)}
