"""The Today page and the Charts page: every unit the caller may read, counted from the judged days.

The days are judged by `services.attendance.judge_unit` — the same judgement as a unit's day and a person's
month, one query per table per unit, never one per person — and counted by the pure `rules.statistics`.
"""

from __future__ import annotations

import calendar as months
from collections import Counter
from datetime import date, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Forbidden
from chamcong.evidence.views import View, record_views
from chamcong.rules import statistics
from chamcong.rules.attendance import DaySummary
from chamcong.rules.calendar import DayKind, WorkCalendar
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.windows import Window
from chamcong.services.attendance import judge_unit
from chamcong.services.calendars import calendar_for
from chamcong.services.clips import clip_link
from chamcong.services.common import iso
from chamcong.services.units import get_unit
from chamcong.store.models.devices import SpoofModel
from chamcong.store.models.staff import StaffModel
from chamcong.store.models.units import UnitModel

PERMISSION = "attendance:read"


def overview(container: Container, access: Access, day: date | None) -> dict[str, Any]:
    """Per unit in scope: staff employed, how many have each status, minutes late, spoof attempts; and totals."""
    units = _units_in_scope(access, None)
    day = day or container.today()
    spoofs = Counter(attempt.unit_id for attempt in SpoofModel.on(day))
    rows, total = [], statistics.Tally()
    for unit in units:
        counted = statistics.tally(judged.summary for judged in judge_unit(container, unit.unit_id, day, day))
        total += counted
        rows.append({"unit_id": unit.unit_id, "name": unit.name, "parent_id": unit.parent_id,
                     "staff": counted.staff, "counts": counted.counts, "late": counted.late,
                     "late_minutes": counted.late_minutes,
                     "spoofs": spoofs[unit.unit_id]})
    return {"date": day.isoformat(), "in_check_in_window": _in_check_in_window(container, day),
            "totals": {"staff": total.staff, "counts": total.counts, "late": total.late,
                       "late_minutes": total.late_minutes,
                       "spoofs": sum(row["spoofs"] for row in rows)},
            "units": rows}


def spoofs(container: Container, access: Access, day: date | None, unit_id: str | None) -> dict[str, Any]:
    """A day's captures refused as a photo or a screen at the devices of the units in scope, newest first."""
    units = {unit.unit_id for unit in _units_in_scope(access, unit_id)}
    day = day or container.today()
    attempts = sorted((a for a in SpoofModel.on(day) if a.unit_id in units), key=lambda a: a.attempt_key,
                      reverse=True)
    resembled = {a.resembles_staff_id for a in attempts if a.resembles_staff_id}
    # Whom a photo resembled may live in another unit: named only to a caller who may see that person.
    visible = {person.staff_id for person in (StaffModel.batch_get(list(resembled)) if resembled else [])
               if access.sees_person("staff:read", person.staff_id, person.unit_id)}
    seconds = container.settings.presigned_url_seconds
    expires = iso(container.clock() + timedelta(seconds=seconds))
    # Whose face the frames show goes on the trail even when the reader may not be told (the trail says whose
    # evidence was seen; the answer does not).
    record_views(container, access, [View(a.resembles_staff_id, a.unit_id, "spoof",
                                          tuple(str(key) for key in a.snapshot_keys), day.isoformat())
                                     for a in attempts])
    return {"date": day.isoformat(), "attempts": [{
        "attempt_key": a.attempt_key, "captured_at_local": a.captured_at_local, "unit_id": a.unit_id,
        "device_id": a.device_id, "device_name": a.device_name, "frames": int(a.frames),
        "liveness": float(a.liveness),
        "resembles_staff_id": a.resembles_staff_id if a.resembles_staff_id in visible else None,
        "resembles_name": a.resembles_name if a.resembles_staff_id in visible else None,
        "similarity": float(a.similarity) if a.resembles_staff_id in visible and a.similarity is not None else None,
        "snapshot_urls": [container.blobs.presign(str(key), seconds) for key in a.snapshot_keys],
        **clip_link(container, a.clip_key), "snapshot_url_expires_at": expires} for a in attempts]}


def stats(container: Container, access: Access, month: str | None, unit_id: str | None) -> dict[str, Any]:
    """A month up to today: each unit's daily attendance rate, lateness by weekday, arrivals by time of morning."""
    units = _units_in_scope(access, unit_id)
    today = container.today()
    first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    days = statistics.days_until(first, last, today)
    rows: list[dict[str, Any]] = []
    every: list[DaySummary] = []
    windows: set[Window] = set()
    for unit in units if days else []:  # a month not begun yet has no day to judge
        calendar = calendar_for(container, unit.unit_id)
        judged = judge_unit(container, unit.unit_id, days[0], days[-1], calendar)
        if not judged:
            continue  # no staff: nothing to chart
        windows |= _check_in_windows(calendar, days)
        by_day: dict[date, list[DaySummary]] = {day: [] for day in days}
        for one in judged:
            by_day[one.summary.day].append(one.summary)
            every.append(one.summary)
        counted = {day: statistics.tally(summaries) for day, summaries in by_day.items()}
        rows.append({"unit_id": unit.unit_id, "name": unit.name,
                     "days": [{"date": day.isoformat(), "expected": c.expected, "present": c.present,
                               "rate": statistics.rate(c.present, c.expected)} for day, c in counted.items()],
                     "rate": statistics.rate(sum(c.present for c in counted.values()),
                                             sum(c.expected for c in counted.values()))})
    if not windows:  # nothing judged yet: the site's window, so the chart still has its axis
        windows = _check_in_windows(calendar_for(container, None), [first])
    return {"month": f"{first:%Y-%m}", "units": rows,
            "lateness_by_weekday": [{"weekday": w.weekday, "late_days": w.late_days, "late_minutes": w.late_minutes}
                                    for w in statistics.lateness_by_weekday(every)],
            "arrivals": [{"from": f"{b.start:%H:%M}", "to": f"{b.end:%H:%M}", "count": b.count}
                         for b in statistics.arrivals(every, windows)]}


def _units_in_scope(access: Access, unit_id: str | None) -> list[UnitModel]:
    """The one unit asked for (404 if unknown, 403 if out of reach), or every unit the caller may read."""
    if unit_id is not None:
        unit = get_unit(unit_id)
        access.require_unit(PERMISSION, unit_id)
        return [unit]
    visible = access.visible_units(PERMISSION)
    if visible is not None and not visible:
        raise Forbidden("forbidden")  # a staff account reaches one person, never a unit
    return sorted((unit for unit in UnitModel.scan() if visible is None or unit.unit_id in visible),
                  key=lambda unit: vietnamese_key(unit.name))


def _in_check_in_window(container: Container, day: date) -> bool:
    if day != container.today():
        return False
    site = calendar_for(container, None)
    schedule = site.schedule_on(day)
    if site.kind_of(day) != DayKind.WORKING or schedule is None:
        return False
    return site.at(day, schedule.check_in.start) <= container.clock() < site.at(day, schedule.check_in.end)


def _check_in_windows(calendar: WorkCalendar, days: list[date]) -> set[Window]:
    return {schedule.check_in for day in days if (schedule := calendar.schedule_on(day)) is not None}
