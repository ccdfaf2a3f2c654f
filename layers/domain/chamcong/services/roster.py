"""The work-from-home roster of a unit, day by day, under the cap; and the exceptions oversight approves.

The roster is the one source of truth for "working from home by roster": the day rules read it
(`rostered`, called by `services.attendance`), nothing is copied into absences or days. The cap and
the conflicts are decided by `rules.roster`; this module checks scope, reads, writes and audits.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import NotFound, Unprocessable
from chamcong.rules.attendance import Absence
from chamcong.rules.calendar import WorkCalendar
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.roster import (
    Allowance,
    RosterException,
    allowance,
    conflict,
    employed_on,
    share,
    working_day,
)
from chamcong.schemas.common import FIRST_DAY, LAST_DAY
from chamcong.schemas.roster import CreateRosterException, SetRoster
from chamcong.services import audit
from chamcong.services.absences import active_absences, to_absence
from chamcong.services.audit import Source
from chamcong.services.calendars import calendar_for
from chamcong.services.common import iso, new_id
from chamcong.services.staff import find_staff
from chamcong.services.transfers import Member, members_between, split_by_person
from chamcong.services.units import get_unit, wfh_cap_percent
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.roster import RosterExceptionModel, RosterModel
from chamcong.store.models.staff import StaffModel
from chamcong.store.models.units import UnitModel

MAX_EXCEPTION_DAYS = 366


def read_day(container: Container, access: Access, unit_id: str, day_text: str) -> dict[str, Any]:
    """The unit's roster for a day (an empty one if none was set), with the allowance, each conflict, and the
    staff who could be named (what the editor offers)."""
    day = _path_day(day_text)
    unit = get_unit(unit_id)
    access.require_unit("roster:read", unit_id)
    unit_context = _Context.load(container, unit, day, day)
    return unit_context.detail(day, _stored(unit_id, day))


def read_month(container: Container, access: Access, unit_id: str, month: str) -> dict[str, Any]:
    """Every day of a month (YYYY-MM) that has a roster, in date order; and every working day with its allowance."""
    unit = get_unit(unit_id)
    access.require_unit("roster:read", unit_id)
    first = date.fromisoformat(f"{month}-01")
    last = first.replace(day=months.monthrange(first.year, first.month)[1])
    unit_context = _Context.load(container, unit, first, last)
    records = sorted(RosterModel.of_unit_between(unit_id, first, last), key=lambda record: record.day)
    working = [day for day in (first + timedelta(days=n) for n in range((last - first).days + 1))
               if unit_context.working(day)]
    return {"unit_id": unit_id, "month": month,
            "days": [unit_context.view(date.fromisoformat(record.day), record) for record in records],
            "working_days": [{"date": day.isoformat(), "allowance": unit_context.allowance_view(day)}
                             for day in working]}


def set_day(container: Container, access: Access, unit_id: str, day_text: str, body: SetRoster,
            source: Source) -> dict[str, Any]:
    """Replace the unit's roster for a day: all of it or nothing (refused whole when any check fails)."""
    day = _path_day(day_text)
    unit = get_unit(unit_id)
    access.require_unit("roster:write", unit_id)
    unit_context = _Context.load(container, unit, day, day)
    wanted = list(body.staff_ids)
    if wanted and not unit_context.working(day):
        raise Unprocessable("roster_day_off")
    outside = [index for index, staff_id in enumerate(wanted) if not unit_context.member_on(staff_id, day)]
    if outside:
        raise Unprocessable("roster_staff_not_in_unit", details={"indexes": outside})
    not_yet = [index for index, staff_id in enumerate(wanted)
               if not employed_on(day, _employed_from(unit_context.members[staff_id]))]
    if not_yet:
        raise Unprocessable("roster_staff_not_employed", details={"indexes": not_yet})
    allowed = unit_context.allowance(day)
    if not allowed.admits(len(wanted)):
        numbers = {"allowed": allowed.allowed, "employed": allowed.employed, "requested": len(wanted)}
        raise Unprocessable("wfh_cap_exceeded", details={"date": day.isoformat(), **numbers},
                            params={"date": f"{day:%d/%m/%Y}", **{name: str(n) for name, n in numbers.items()}})
    previous = _stored(unit_id, day)
    # Sent again (a retry), or clearing a day that has no roster: nothing changes, nothing is audited.
    if (_names(previous) if previous else []) == wanted and (previous.note if previous else None) == body.note:
        return unit_context.detail(day, previous)
    record = RosterModel(unit_id, RosterModel.day_key(day), day=day.isoformat(), staff_ids=wanted, note=body.note,
                         updated_by=access.username, updated_at=container.clock())
    details = {"date": day.isoformat(), "staff_ids": [_names(previous) if previous else [], wanted],
               "note": body.note, "allowed": allowed.allowed, "employed": allowed.employed,
               "exception_id": allowed.exception.exception_id if allowed.exception else None}
    audit.write(container, audit.entry(container.clock(), access.username, "roster.set", unit_id=unit_id,
                                       subject=f"{unit_id}/{day.isoformat()}", details=details, source=source),
                ("save", record, {}))
    return unit_context.detail(day, record)


def approve_exception(container: Container, access: Access, unit_id: str, body: CreateRosterException,
                      source: Source) -> dict[str, Any]:
    """Oversight allows a unit more (or fewer) people at home over a period, with a reason."""
    get_unit(unit_id)
    access.require_unit("roster:approve", unit_id)
    if body.to < body.from_ or (body.to - body.from_).days >= MAX_EXCEPTION_DAYS:
        raise Unprocessable("roster_exception_invalid")
    limit = str(body.max_share) if body.max_share is not None else None
    for existing in RosterExceptionModel.of_unit(unit_id):  # sent again (a retry): the one already approved
        if (existing.first_day, existing.last_day, existing.max_share, existing.max_people, existing.reason) == (
                body.from_.isoformat(), body.to.isoformat(), limit, body.max_people, body.reason):
            return exception_view(existing)
    exception_id = new_id("wfx")
    record = RosterExceptionModel(unit_id, RosterExceptionModel.key(body.from_, exception_id),
                                  exception_id=exception_id, first_day=body.from_.isoformat(),
                                  last_day=body.to.isoformat(),
                                  max_share=limit,
                                  max_people=body.max_people, reason=body.reason, approved_by=access.username,
                                  approved_at=container.clock())
    audit.write(container, audit.entry(container.clock(), access.username, "roster.exception", unit_id=unit_id,
                                       subject=exception_id, details=exception_view(record), source=source),
                ("save", record, {"condition": RosterExceptionModel.entry_key.does_not_exist()}))
    return exception_view(record)


def list_exceptions(access: Access, unit_id: str) -> dict[str, Any]:
    get_unit(unit_id)
    access.require_unit("roster:read", unit_id)
    return {"exceptions": [exception_view(record) for record in RosterExceptionModel.of_unit(unit_id)]}


def rostered(unit_id: str, first: date, last: date) -> set[tuple[str, date]]:
    """(staff id, day) of everyone on the unit's roster from `first` to `last`: what the day rules read."""
    return {(staff_id, date.fromisoformat(record.day))
            for record in RosterModel.of_unit_between(unit_id, first, last) for staff_id in _names(record)}


def exception_view(record: RosterExceptionModel) -> dict[str, Any]:
    return {"exception_id": record.exception_id, "unit_id": record.unit_id, "from": record.first_day,
            "to": record.last_day, "max_share": float(record.max_share) if record.max_share is not None else None,
            "max_people": int(record.max_people) if record.max_people is not None else None,
            "reason": record.reason, "approved_by": record.approved_by, "approved_at": iso(record.approved_at)}


class _Context:
    """What a unit's roster days are judged against: its members, cap, exceptions and absences."""

    def __init__(self, unit: UnitModel, members: list[Member], exceptions: list[RosterException],
                 absences: dict[str, list[Absence]], calendar: WorkCalendar) -> None:
        self.unit, self.exceptions, self.absences = unit, exceptions, absences
        self.members = {person.staff_id: person for person, _, _ in members}  # everyone of the unit in the period
        self.stays: dict[str, list[tuple[date, date]]] = defaultdict(list)
        for person, since, until in members:
            self.stays[person.staff_id].append((since, until))
        self.calendar = calendar
        self.cap = Fraction(wfh_cap_percent(unit), 100)

    @classmethod
    def load(cls, container: Container, unit: UnitModel, first: date, last: date) -> _Context:
        members = members_between(unit.unit_id, first, last)
        exceptions = [_to_exception(record) for record in RosterExceptionModel.of_unit(unit.unit_id)]
        absences: dict[str, list[Absence]] = defaultdict(list)
        for record in active_absences(split_by_person(AbsenceModel.of_unit_between(unit.unit_id, first, last),
                                                      lambda record: str(record.staff_id), members,
                                                      AbsenceModel.of_person_between)):
            absences[record.staff_id].append(to_absence(record))
        return cls(unit, members, exceptions, absences, calendar_for(container, unit.unit_id))

    def working(self, day: date) -> bool:
        return working_day(self.calendar, day)

    def on(self, day: date) -> list[StaffModel]:
        """The unit's members on `day` (a person moved in or out counts only on their days here) employed then."""
        return [person for staff_id, person in self.members.items()
                if any(since <= day <= until for since, until in self.stays[staff_id])
                and employed_on(day, _employed_from(person))]

    def member_on(self, staff_id: str, day: date) -> bool:
        return any(since <= day <= until for since, until in self.stays.get(staff_id, []))

    def allowance(self, day: date) -> Allowance:
        return allowance(day, len(self.on(day)), self.cap, self.exceptions)

    def allowance_view(self, day: date) -> dict[str, Any]:
        allowed = self.allowance(day)
        return {"employed": allowed.employed, "allowed": allowed.allowed, "cap": float(allowed.cap),
                "exception_id": allowed.exception.exception_id if allowed.exception else None}

    def view(self, day: date, record: RosterModel | None) -> dict[str, Any]:
        staff_ids = _names(record) if record else []
        return {"unit_id": self.unit.unit_id, "date": day.isoformat(), "working": self.working(day),
                "staff": [self._person(day, staff_id) for staff_id in staff_ids],
                "note": record.note if record else None,
                "allowance": self.allowance_view(day),
                "updated_by": record.updated_by if record else None,
                "updated_at": iso(record.updated_at) if record else None}

    def detail(self, day: date, record: RosterModel | None) -> dict[str, Any]:
        """The day as the editor needs it: its roster, and everyone of the unit employed that day (none on a day
        off, when nobody may be named)."""
        employed = self.on(day)
        employed.sort(key=lambda person: (vietnamese_key(person.full_name), person.staff_id))
        candidates = [self._person(day, person.staff_id) for person in employed] if self.working(day) else []
        return {**self.view(day, record), "candidates": candidates}

    def _person(self, day: date, staff_id: str) -> dict[str, Any]:
        person = self.members.get(staff_id) or find_staff(staff_id)  # moved to another unit since: still named
        winning = conflict(day, self.absences.get(staff_id, []))
        return {"staff_id": staff_id, "full_name": person.full_name if person else "",
                "conflict": {"kind": winning.kind.value, "absence_id": winning.absence_id} if winning else None}


def _names(record: RosterModel) -> list[str]:
    return [str(staff_id) for staff_id in record.staff_ids or []]


def _path_day(text: str) -> date:
    """The day of a path (its shape checked by the router): an impossible or out-of-range one is not found."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise NotFound("not_found", details={"field": "date"}) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise NotFound("not_found", details={"field": "date"})
    return day


def _stored(unit_id: str, day: date) -> RosterModel | None:
    try:
        return RosterModel.get(unit_id, RosterModel.day_key(day))
    except RosterModel.DoesNotExist:
        return None


def _employed_from(person: StaffModel) -> date | None:
    return date.fromisoformat(person.employed_from) if person.employed_from else None


def _to_exception(record: RosterExceptionModel) -> RosterException:
    return RosterException(date.fromisoformat(record.first_day), date.fromisoformat(record.last_day),
                           share(record.max_share) if record.max_share is not None else None,
                           int(record.max_people) if record.max_people is not None else None, record.exception_id)
