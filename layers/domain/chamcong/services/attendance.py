"""Working days, derived on every read from the events, absences, corrections and the calendar.

A day is never stored as the truth: it is computed from its inputs each time, so an event uploaded late
by a device that was offline, an absence entered afterwards or a correction counts the next time anyone
looks. There is nothing to recompute or to get out of step.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest
from chamcong.rules.attendance import Absence, Attendance, Correction, DaySummary, summarise_day
from chamcong.rules.calendar import WorkCalendar
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.windows import EventType
from chamcong.services.absences import active_absences, latest_corrections, to_absence
from chamcong.services.calendars import calendar_for
from chamcong.services.common import iso
from chamcong.services.events import parse_day
from chamcong.services.staff import person_in_scope
from chamcong.services.units import get_unit
from chamcong.store.models import AbsenceModel, CorrectionModel, EventModel, StaffModel


def unit_days(container: Container, unit_id: str, day_text: str | None, as_of: datetime | None = None,
              calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """One row per member of the unit for a day, judged as things stand now (or at `as_of`, if earlier).

    With `as_of`, events captured after it do not count: the day as it stood at that moment.

    `calendar`: the unit's, when the caller already resolved it (the reports do, for every unit).
    """
    get_unit(unit_id)
    day = parse_day(day_text, container)
    members = sorted(StaffModel.by_unit.query(unit_id), key=lambda person: vietnamese_key(person.full_name))
    events: dict[str, list[EventModel]] = defaultdict(list)
    for event in EventModel.by_unit.query(unit_id, EventModel.event_key.startswith(f"{day.isoformat()}T")):
        if as_of is None or event.captured_at <= as_of:  # a report made later still tells its own hour
            events[event.staff_id].append(event)
    away: dict[str, list[Absence]] = defaultdict(list)
    for record in active_absences(AbsenceModel.by_unit.query(unit_id, AbsenceModel.first_day <= day.isoformat(),
                                                             AbsenceModel.last_day >= day.isoformat())):
        away[record.staff_id].append(to_absence(record))
    corrections = latest_corrections(CorrectionModel.by_unit.query(
        unit_id, CorrectionModel.correction_key.startswith(f"{day.isoformat()}#")))
    now = min(container.clock(), as_of) if as_of else container.clock()
    calendar = calendar or calendar_for(container, unit_id)
    return {"unit_id": unit_id, "date": day.isoformat(),
            "days": [_row(container, calendar, person, day, events[person.staff_id], now, away[person.staff_id],
                          corrections.get((person.staff_id, day))) for person in members]}


def staff_days(container: Container, access: Access, staff_id: str, month_text: str | None) -> dict[str, Any]:
    """Every day of a month for one person (weekends and holidays included, future days pending)."""
    person = person_in_scope(access, "attendance:read", staff_id)
    first = _parse_month(month_text, container)
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    events: dict[date, list[EventModel]] = defaultdict(list)
    for event in EventModel.query(staff_id, EventModel.event_key.startswith(f"{first:%Y-%m}-")):
        events[date.fromisoformat(event.local_date)].append(event)
    away = [to_absence(record) for record in active_absences(AbsenceModel.query(
        staff_id, filter_condition=(AbsenceModel.first_day <= last.isoformat())
        & (AbsenceModel.last_day >= first.isoformat())))]
    corrections = latest_corrections(CorrectionModel.query(
        staff_id, CorrectionModel.correction_key.startswith(f"{first:%Y-%m}-")))
    now = container.clock()
    calendar = calendar_for(container, person.unit_id)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return {"staff_id": staff_id, "month": f"{first:%Y-%m}",
            "days": [_row(container, calendar, person, day, events[day], now, away,
                          corrections.get((staff_id, day))) for day in days]}


def _row(container: Container, calendar: WorkCalendar, person: StaffModel, day: date, events: Iterable[EventModel],
         now: datetime, absences: list[Absence], correction: tuple[str, Correction] | None) -> dict[str, Any]:
    recorded = {(event.device_id, event.capture_id): event for event in events}
    summary = summarise_day(day, calendar=calendar, now=now, absences=absences,
                            employed_from=date.fromisoformat(person.employed_from) if person.employed_from else None,
                            events=[_attendance(event) for event in recorded.values()],
                            correction=correction[1] if correction else None)
    return {"staff_id": person.staff_id, "full_name": person.full_name, "date": day.isoformat(),
            "status": summary.status.value, "flags": [flag.value for flag in summary.flags],
            "check_in": _clock(summary.check_in), "check_out": _clock(summary.check_out),
            "late_minutes": summary.late_minutes, "early_minutes": summary.early_minutes,
            "holiday": summary.holiday, "evidence": _evidence(container, summary, recorded),
            "absence_id": summary.absence.absence_id if summary.absence else None,
            "correction_id": correction[0] if correction else None,
            "status_before_correction": summary.status_before_correction.value
            if summary.status_before_correction else None}


def _attendance(event: EventModel) -> Attendance:
    return Attendance(EventType(event.event_type), datetime.fromisoformat(event.captured_at_local),
                      event.device_id, event.capture_id)


def _clock(attendance: Attendance | None) -> str | None:
    return None if attendance is None else f"{attendance.at:%H:%M:%S}"


def _evidence(container: Container, summary: DaySummary,
              recorded: dict[tuple[str, str], EventModel]) -> dict[str, Any] | None:
    deciding = summary.evidence
    if deciding is None:
        return None
    event = recorded[(deciding.device_id, deciding.capture_id)]
    seconds = container.settings.presigned_url_seconds
    return {"event": event.event_type, "captured_at_local": event.captured_at_local, "device_id": event.device_id,
            "capture_id": event.capture_id, "snapshot_url": container.blobs.presign(event.snapshot_key, seconds),
            "snapshot_url_expires_at": iso(container.clock() + timedelta(seconds=seconds))}


def _parse_month(text: str | None, container: Container) -> date:
    if text is None:
        return container.clock().astimezone(container.work_calendar.timezone).date().replace(day=1)
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise BadRequest("validation_error", details={"field": "month", "reason": "YYYY-MM"}) from None
