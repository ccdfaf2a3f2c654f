"""People moving between units: a transfer with its effective day, its history, and who belonged where when.

A day, a task and an evaluation belong to the unit the person was in on that date (`unit_on`). The staff record
keeps `unit_id` = today's unit (transfers take effect no later than today, see `rules.transfers`) and the
`transfers` history; each unit keeps a `UnitMovesRecord` of who left or joined it, written in the same
transaction, so a unit's past days still find those who have left (`members_between`).

Records of a person who ever moved (events, absences, corrections) may be stored under another unit than the
unit of their day — an absence entered before the move for a day after it, a transfer dated back — so the
readers of a unit's days take them by person for those people (`movers`, `split_by_person`).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Unprocessable
from chamcong.rules import transfers as rules
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.units import get_unit
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.staff import StaffModel, UnitMove, UnitMovesRecord

Member = tuple[StaffModel, date, date]  # a person and a stretch of days (both included) they spent in a unit
Change = tuple[str, Any, dict[str, Any]]
Record = TypeVar("Record")


def history_of(person: StaffModel) -> list[dict[str, Any]]:
    return list(person.transfers or [])


def unit_on(person: StaffModel, day: date) -> str:
    """The unit the person belonged to on `day`."""
    history = history_of(person)
    return rules.unit_at(history, rules.initial_unit(history, person.unit_id), day)


def stays_between(person: StaffModel, first: date, last: date) -> list[rules.Stay]:
    """The units the person belonged to from `first` to `last`, each with its days, in date order."""
    return rules.units_in_month(history_of(person), person.unit_id, first, last)


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of a month "YYYY-MM"."""
    first = date.fromisoformat(f"{month}-01")
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def unit_of_month(person: StaffModel, month: str) -> str:
    """The unit a month ("YYYY-MM") is evaluated in: the unit the person was in on its last day (the rule sets'
    default `split_month: unit_at_month_end`; a month not ended yet: today's unit, as no move is ahead)."""
    return unit_on(person, month_days(month)[1])


def units_of_month(person: StaffModel, month: str) -> list[rules.Stay]:
    """Every unit the person belonged to in the month with its days, in date order (one stay: a whole month)."""
    return stays_between(person, *month_days(month))


def members_of_month(unit_id: str, month: str) -> list[Member]:
    """Everyone who belonged to the unit on some day of the month, with those days. Those whose
    `unit_of_month` is another unit spent part of the month here: the unit's leader gives input on them."""
    return members_between(unit_id, *month_days(month))


def members_between(unit_id: str, first: date, last: date) -> list[Member]:
    """Who belonged to the unit on which days of `first` … `last`: today's members and those who moved through.

    A person who left and came back appears once per stretch. Their employment (employed_from) is not applied
    here: the day rules judge days before it as not employed, the roster does not count them.
    """
    people = {person.staff_id: person for person in StaffModel.by_unit.query(unit_id)}
    moved = {move.staff_id for move in _moves_record(unit_id).moves or []} - people.keys()
    if moved:
        people.update((person.staff_id, person) for person in StaffModel.batch_get(sorted(moved)))
    return [(person, a, b) for person in people.values()
            for a, b in rules.days_in_unit(history_of(person), person.unit_id, unit_id, first, last)]


def has_members(unit_id: str, first: date, last: date) -> bool:
    """Whether anybody belonged to the unit on some day of `first` … `last` (cheap when it has members today)."""
    if next(iter(StaffModel.by_unit.query(unit_id, limit=1)), None) is not None:
        return True
    return bool(_moves_record(unit_id).moves) and bool(members_between(unit_id, first, last))


def movers(members: Iterable[Member]) -> list[Member]:
    """The stretches of people who ever moved: their records are read by person, not by unit."""
    return [member for member in members if member[0].transfers]


def split_by_person(by_unit: Iterable[Record], staff_id_of: Callable[[Record], str], members: Iterable[Member],
                    of_person: Callable[[str, date, date], Iterable[Record]]) -> Iterator[Record]:
    """A unit's records: those stored under the unit for people who never moved, and each mover's own records
    of the days they spent in the unit (read by person, whatever unit they were stored under)."""
    moving = movers(members)
    skip = {person.staff_id for person, _, _ in moving}
    yield from (record for record in by_unit if staff_id_of(record) not in skip)
    for person, a, b in moving:
        yield from of_person(person.staff_id, a, b)


# --- recording a transfer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedTransfer:
    """A transfer's writes: on the person's record (its unit and history, under the condition that it is still in
    the unit read), and beside it (both units' moves records, an audit entry for each unit)."""

    person: StaffModel
    move: dict[str, Any]
    actions: list[Any]
    condition: Any
    beside: list[Change]
    entries: list[AuditModel]

    def entry_saves(self) -> list[Change]:
        return [("save", entry, {"condition": AuditModel.entry_key.does_not_exist()}) for entry in self.entries]

    def changes(self) -> list[Change]:
        """Every write but the first audit entry (which audit.write takes apart)."""
        return [("update", self.person, {"actions": self.actions, "condition": self.condition}), *self.beside,
                *self.entry_saves()[1:]]


def plan_transfer(container: Container, access: Access, person: StaffModel, to_unit: str, effective: date,
                  reason: str | None, source: Source | None, via: str | None = None) -> PlannedTransfer:
    """What moving `person` to `to_unit` from `effective` writes. Refused (422) by the rules; the caller has checked
    that it may act on the person in their current unit, here that it may on the unit they go to."""
    get_unit(to_unit)
    access.require_unit("staff:write", to_unit)
    history = history_of(person)
    employed_from = date.fromisoformat(person.employed_from) if person.employed_from else None
    code = rules.refusal(history, person.unit_id, to_unit, effective, employed_from, container.today())
    if code is not None:
        raise Unprocessable(code)
    now = container.clock()
    move = {"from_unit": person.unit_id, "to_unit": to_unit, "effective": effective.isoformat(),
            "by": access.username, "at": iso(now), "reason": reason}
    details = {"from_unit": person.unit_id, "to_unit": to_unit, "effective": effective.isoformat(),
               "reason": reason, **({"via": via} if via else {})}
    entries = [audit.entry(now, access.username, "staff.transfer", unit_id=unit, subject=person.staff_id,
                           details=details, source=source) for unit in (person.unit_id, to_unit)]
    return PlannedTransfer(
        person, move, [StaffModel.unit_id.set(to_unit), StaffModel.transfers.set([*history, move])],
        StaffModel.staff_id.exists() & (StaffModel.unit_id == person.unit_id),
        [_moves_append(person.unit_id, person.staff_id, "left", effective),
         _moves_append(to_unit, person.staff_id, "joined", effective)], entries)


def history_view(person: StaffModel) -> dict[str, Any]:
    return {"staff_id": person.staff_id, "unit_id": person.unit_id,
            "transfers": [{"from_unit": move["from_unit"], "to_unit": move["to_unit"],
                           "effective": move["effective"], "by": move["by"], "at": move["at"],
                           "reason": move.get("reason")} for move in history_of(person)]}


def _moves_append(unit_id: str, staff_id: str, change: str, effective: date) -> Change:
    entry = UnitMove(staff_id=staff_id, change=change, effective=effective.isoformat())
    return ("update", UnitMovesRecord(UnitMovesRecord.key_of(unit_id)),
            {"actions": [UnitMovesRecord.moves.set((UnitMovesRecord.moves | []).append([entry]))]})


def _moves_record(unit_id: str) -> UnitMovesRecord:
    try:
        return UnitMovesRecord.get(UnitMovesRecord.key_of(unit_id))
    except UnitMovesRecord.DoesNotExist:
        return UnitMovesRecord(UnitMovesRecord.key_of(unit_id), moves=[])
