"""Working days, derived on every read from the events, absences, corrections and the calendar.

A day is never stored as the truth: it is computed from its inputs each time, so an event uploaded late
by a device that was offline, an absence entered afterwards or a correction counts the next time anyone
looks. There is nothing to recompute or to get out of step.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.evidence.views import View, record_views
from chamcong.rules.attendance import Absence, Attendance, Correction, DayStatus, DaySummary, summarise_day
from chamcong.rules.calendar import WorkCalendar
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.windows import EventType
from chamcong.services.absences import active_absences, to_absence
from chamcong.services.calendars import calendar_for
from chamcong.services.clips import clip_link, unmatched_passages, unmatched_views
from chamcong.services.common import iso
from chamcong.services.corrections import latest_corrections
from chamcong.services.roster import rostered
from chamcong.services.staff import person_in_scope
from chamcong.services.transfers import Member, members_between, split_by_person, stays_between, unit_on
from chamcong.services.units import get_unit
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.staff import StaffModel

NO_CHECK_IN = {DayStatus.ABSENT.value, DayStatus.MISSING_CHECK_IN.value}


def unit_days(container: Container, access: Access, unit_id: str, day: date | None,
              as_of: datetime | None = None, calendar: WorkCalendar | None = None) -> dict[str, Any]:
    """One row per member of the unit for a day, judged as things stand now (or at `as_of`, if earlier).

    With `as_of`, events captured after it do not count: the day as it stood at that moment.

    `calendar`: the unit's, when the caller already resolved it (the reports do, for every unit).
    """
    get_unit(unit_id)
    access.require_unit("attendance:read", unit_id)  # before any evidence link is made
    day = day or container.today()
    judged = judge_unit(container, unit_id, day, day, calendar, as_of)
    rows = [_row(container, one) for one in judged]
    record_views(container, access, evidence_views(judged))
    return {"unit_id": unit_id, "date": day.isoformat(), "days": rows}


@dataclass(frozen=True)
class JudgedDay:
    """A person's day as the rules judge it, with the events it was judged from (for the evidence)."""

    person: StaffModel
    summary: DaySummary
    recorded: dict[tuple[str, str], EventModel]
    correction_id: str | None


def judge_unit(container: Container, unit_id: str, first: date, last: date, calendar: WorkCalendar | None = None,
               as_of: datetime | None = None, members: list[Member] | None = None) -> list[JudgedDay]:
    """The days from `first` to `last` of everyone who belonged to the unit on them, in name order then by day.

    A person who moved counts here only on the days they spent in the unit (`services.transfers`); their
    events, absences and corrections are read by person, the others' in one query per table.
    The caller has checked that the unit is in scope. With `as_of`, the days as they stood at that moment.
    `calendar`: the unit's, if the caller resolved it already; otherwise resolved here, only if it has members.
    `members`: `members_between(unit_id, first, last)`, if the caller read it already.
    """
    members = sorted(members_between(unit_id, first, last) if members is None else members,
                     key=lambda member: (vietnamese_key(member[0].full_name), member[0].staff_id, member[1]))
    if not members:
        return []
    calendar = calendar or calendar_for(container, unit_id)
    events: dict[tuple[str, date], list[EventModel]] = defaultdict(list)
    for event in split_by_person(EventModel.of_unit_between(unit_id, first, last), _staff_id, members,
                                 EventModel.of_person_between):
        if as_of is None or event.captured_at <= as_of:  # a report made later still tells its own hour
            events[(event.staff_id, date.fromisoformat(event.local_date))].append(event)
    away: dict[str, list[Absence]] = defaultdict(list)
    for record in active_absences(split_by_person(AbsenceModel.of_unit_between(unit_id, first, last), _staff_id,
                                                  members, AbsenceModel.of_person_between)):
        away[record.staff_id].append(to_absence(record))
    corrections = latest_corrections(split_by_person(CorrectionModel.of_unit_between(unit_id, first, last),
                                                     _staff_id, members, CorrectionModel.of_person_between))
    at_home = rostered(unit_id, first, last)
    now = min(container.clock(), as_of) if as_of else container.clock()
    return [_judge(calendar, person, day, events[(person.staff_id, day)], now, away[person.staff_id],
                   corrections.get((person.staff_id, day)), (person.staff_id, day) in at_home)
            for person, since, until in members for day in _days(since, until)]


def staff_days(container: Container, access: Access, staff_id: str, month: str | None) -> dict[str, Any]:
    """Every day of a month (YYYY-MM) for one person (weekends and holidays included, future days pending).

    Each day is judged by the calendar and the roster of the unit the person belonged to on it.
    """
    person = person_in_scope(access, "attendance:read", staff_id)
    first = date.fromisoformat(f"{month}-01") if month else container.today().replace(day=1)
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    events: dict[date, list[EventModel]] = defaultdict(list)
    for event in EventModel.of_person_in_month(staff_id, first):
        events[date.fromisoformat(event.local_date)].append(event)
    away = [to_absence(record) for record in active_absences(AbsenceModel.of_person_between(staff_id, first, last))]
    corrections = latest_corrections(CorrectionModel.of_person_in_month(staff_id, first))
    now = container.clock()
    judged: list[JudgedDay] = []
    for unit_id, since, until in stays_between(person, first, last):
        at_home = rostered(unit_id, since, until)  # the roster of the unit the person belonged to that day
        calendar = calendar_for(container, unit_id)
        judged.extend(_judge(calendar, person, day, events[day], now, away, corrections.get((staff_id, day)),
                             (staff_id, day) in at_home) for day in _days(since, until))
    rows = [_row(container, one) for one in judged]
    # A day without a check-in: the unmatched passages of that morning, where still kept.
    missing = {date.fromisoformat(row["date"]): row for row in rows if {row["status"], *row["flags"]} & NO_CHECK_IN}
    nearest = unmatched_passages(container, person, missing)
    for day, passages in nearest.items():
        missing[day]["nearest_evidence"] = passages
    record_views(container, access, [*evidence_views(judged), *unmatched_views(staff_id, person.unit_id, nearest)])
    return {"staff_id": staff_id, "month": f"{first:%Y-%m}", "days": rows}


def judge_person_day(container: Container, person: StaffModel, day: date,
                     calendar: WorkCalendar) -> JudgedDay:
    """One person's day as `staff_days` judges it, by the calendar given (the unit's of that day).

    The caller has checked the person is in scope."""
    staff_id = person.staff_id
    away = [to_absence(record) for record in active_absences(AbsenceModel.of_person_between(staff_id, day, day))]
    correction = latest_corrections(CorrectionModel.of_person(staff_id, day)).get((staff_id, day))
    at_home = (staff_id, day) in rostered(unit_on(person, day), day, day)
    return _judge(calendar, person, day, EventModel.of_person_on(staff_id, day), container.clock(), away,
                  correction, at_home)


def evidence_views(judged: Iterable[JudgedDay]) -> list[View]:
    """The snapshots and clips whose links the rows of these days carry (`_evidence`), per person and day."""
    views = []
    for one in judged:
        deciding = one.summary.evidence
        if deciding is None:
            continue
        event = one.recorded[(deciding.device_id, deciding.capture_id)]
        day = one.summary.day.isoformat()
        if event.snapshot_key:  # erased evidence leaves no link
            views.append(View(one.person.staff_id, event.unit_id, "snapshot", (event.snapshot_key,), day))
        if event.clip_key:
            views.append(View(one.person.staff_id, event.unit_id, "clip", (event.clip_key,), day))
    return views


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _staff_id(record: EventModel | AbsenceModel | CorrectionModel) -> str:
    return str(record.staff_id)


def _judge(calendar: WorkCalendar, person: StaffModel, day: date, events: Iterable[EventModel], now: datetime,
           absences: list[Absence], correction: tuple[str, Correction] | None, on_roster: bool = False) -> JudgedDay:
    """The one place a stored day becomes a judged day (unit_days, staff_days, the overview and the charts)."""
    recorded = {(event.device_id, event.capture_id): event for event in events}
    summary = summarise_day(day, calendar=calendar, now=now, absences=absences,
                            employed_from=date.fromisoformat(person.employed_from) if person.employed_from else None,
                            events=[_attendance(event) for event in recorded.values()],
                            correction=correction[1] if correction else None, on_roster=on_roster)
    return JudgedDay(person, summary, recorded, correction[0] if correction else None)


def _row(container: Container, judged: JudgedDay) -> dict[str, Any]:
    summary, person = judged.summary, judged.person
    return {"staff_id": person.staff_id, "full_name": person.full_name, "date": summary.day.isoformat(),
            "status": summary.status.value, "flags": [flag.value for flag in summary.flags],
            "check_in": _clock(summary.check_in), "check_out": _clock(summary.check_out),
            "late_minutes": summary.late_minutes, "early_minutes": summary.early_minutes,
            "holiday": summary.holiday, "evidence": _evidence(container, summary, judged.recorded),
            "absence_id": summary.absence.absence_id if summary.absence else None,
            "correction_id": judged.correction_id,
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
            "capture_id": event.capture_id,
            "snapshot_url": container.blobs.presign(event.snapshot_key, seconds) if event.snapshot_key else None,
            "snapshot_url_expires_at": iso(container.clock() + timedelta(seconds=seconds)),
            **clip_link(container, event.clip_key)}
