"""Work calendars per site and unit: stored as data, inherited down the unit tree, checked before saving.

A unit's calendar is its own schedules and holidays where it has set them, otherwise its parent's, up to
the site's, and finally the product's defaults: the settings' working hours and the public holidays
shipped with the product. Schedules and holidays are inherited separately, so a school can keep the
national holidays while having its own hours.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Unprocessable
from chamcong.rules.calendar import Holiday, Schedule, WorkCalendar, holidays_from
from chamcong.rules.windows import Window
from chamcong.schemas.units import CalendarUpdate
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.units import get_unit
from chamcong.store.models.units import CalendarModel

SITE = "site"
DEFAULTS = "defaults"


def calendar_for(container: Container, unit_id: str | None) -> WorkCalendar:
    """The calendar that applies to a unit (the site's when None)."""
    schedules, holidays, _, _ = _effective(container, unit_id)
    off, worked = holidays_from(holidays)
    return WorkCalendar(container.work_calendar.timezone, tuple(schedules), off, worked)


def read_calendar(container: Container, access: Access | None, unit_id: str | None) -> dict[str, Any]:
    """The calendar of a unit (or the site's, which everyone who reads calendars may see)."""
    if unit_id is not None:
        get_unit(unit_id)
        if access is not None:
            access.require_unit("calendars:read", unit_id)
    elif access is not None:
        access.acknowledge()
    schedules, holidays, schedules_from, holidays_from_scope = _effective(container, unit_id)
    return {"scope": unit_id or SITE, "schedules": [_schedule_view(s) for s in schedules],
            "holidays": [{"date": h.day.isoformat(), "name": h.name, "working": h.working} for h in holidays],
            "schedules_from": schedules_from, "holidays_from": holidays_from_scope}


def write_calendar(container: Container, access: Access, unit_id: str | None, body: CalendarUpdate,
                   source: Source) -> dict[str, Any]:
    """Replace a scope's own schedules and holidays (None: inherit). Refused whole if anything is inconsistent."""
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("calendars:write", unit_id)
    else:
        access.require_site("calendars:write")
    schedules = [_schedule(spec) for spec in body.schedules] if body.schedules is not None else None
    holidays = [Holiday(h.date, h.name, h.working) for h in body.holidays] if body.holidays is not None else None
    # Check the calendar this scope would have, with what it inherits, before saving anything.
    inherited_schedules, inherited_holidays, _, _ = _effective(container, _parent(unit_id))
    off, worked = holidays_from(holidays if holidays is not None else inherited_holidays)
    try:
        WorkCalendar(container.work_calendar.timezone,
                     tuple(schedules if schedules is not None else inherited_schedules), off, worked)
    except ValueError as error:
        raise Unprocessable("calendar_invalid", details={"reason": str(error)}) from None
    if holidays is not None and len({h.day for h in holidays}) != len(holidays):
        raise Unprocessable("calendar_invalid", details={"reason": "a date is listed twice"})
    record = CalendarModel(
        unit_id or SITE, schedules=[_schedule_view(s) for s in schedules] if schedules is not None else None,
        holidays=[{"date": h.day.isoformat(), "name": h.name, "working": h.working} for h in holidays]
        if holidays is not None else None, updated_by=access.username, updated_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "calendar.write", unit_id=unit_id,
                                       subject=unit_id or SITE, details={"schedules": record.schedules,
                                                                          "holidays": record.holidays},
                                       source=source), ("save", record, {}))
    return read_calendar(container, None, unit_id)


def _effective(container: Container, unit_id: str | None) -> tuple[list[Schedule], list[Holiday], str, str]:
    """(schedules, holidays, where the schedules come from, where the holidays come from)."""
    schedules: list[Schedule] | None = None
    holidays: list[Holiday] | None = None
    schedules_from = holidays_from_scope = DEFAULTS
    for scope in [*_ancestry(unit_id), SITE]:
        record = _record(scope)
        if record is None:
            continue
        if schedules is None and record.schedules is not None:
            schedules, schedules_from = [_schedule_from_json(s) for s in record.schedules], scope
        if holidays is None and record.holidays is not None:
            holidays = [Holiday(date.fromisoformat(h["date"]), h["name"], bool(h.get("working"))) for h in
                        record.holidays]
            holidays_from_scope = scope
        if schedules is not None and holidays is not None:
            break
    default = container.work_calendar
    if schedules is None:
        schedules = list(default.schedules)
    if holidays is None:
        holidays = [Holiday(day, name) for day, name in sorted(default.holidays.items())] + [
            Holiday(day, name, working=True) for day, name in sorted(default.makeup_days.items())]
    return schedules, holidays, schedules_from, holidays_from_scope


def _ancestry(unit_id: str | None) -> list[str]:
    chain: list[str] = []
    while unit_id is not None and unit_id not in chain and len(chain) < 20:
        chain.append(unit_id)
        unit_id = get_unit(unit_id).parent_id
    return chain


def _parent(unit_id: str | None) -> str | None:
    return get_unit(unit_id).parent_id if unit_id is not None else None


def _record(scope: str) -> CalendarModel | None:
    try:
        return CalendarModel.get(scope)
    except CalendarModel.DoesNotExist:
        return None


def _schedule(spec: Any) -> Schedule:
    try:
        return Schedule(valid_from=spec.valid_from, valid_to=spec.valid_to, check_in=Window.parse(spec.check_in),
                        check_out=Window.parse(spec.check_out), work_start=time.fromisoformat(spec.work_start),
                        work_end=time.fromisoformat(spec.work_end), late_grace_minutes=spec.late_grace_minutes,
                        early_grace_minutes=spec.early_grace_minutes, weekdays=frozenset(spec.weekdays))
    except ValueError as error:
        raise Unprocessable("calendar_invalid", details={"reason": str(error)}) from None


def _schedule_from_json(data: dict[str, Any]) -> Schedule:
    return Schedule(valid_from=date.fromisoformat(data["valid_from"]),
                    valid_to=date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None,
                    check_in=Window.parse(data["check_in"]), check_out=Window.parse(data["check_out"]),
                    work_start=time.fromisoformat(data["work_start"]), work_end=time.fromisoformat(data["work_end"]),
                    late_grace_minutes=int(data["late_grace_minutes"]),
                    early_grace_minutes=int(data["early_grace_minutes"]), weekdays=frozenset(data["weekdays"]))


def _schedule_view(schedule: Schedule) -> dict[str, Any]:
    return {"valid_from": schedule.valid_from.isoformat(),
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "check_in": f"{schedule.check_in.start:%H:%M}-{schedule.check_in.end:%H:%M}",
            "check_out": f"{schedule.check_out.start:%H:%M}-{schedule.check_out.end:%H:%M}",
            "work_start": f"{schedule.work_start:%H:%M}", "work_end": f"{schedule.work_end:%H:%M}",
            "late_grace_minutes": schedule.late_grace_minutes, "early_grace_minutes": schedule.early_grace_minutes,
            "weekdays": sorted(schedule.weekdays)}
