"""The work-from-home roster and the exceptions to its cap."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from chamcong.rules.attendance import AbsenceKind
from chamcong.schemas.common import Body, Day, Id, Month, Query, Text, View

MAX_ROSTER = 500


class SetRoster(Body):
    staff_ids: list[Id] = Field(max_length=MAX_ROSTER, description="The people of the unit working from home that "
                                "day (each once; an empty list clears the day)")
    note: Text | None = None

    @field_validator("staff_ids")
    @classmethod
    def _each_once(cls, staff_ids: list[str]) -> list[str]:
        if len(set(staff_ids)) != len(staff_ids):
            raise ValueError("each person once")
        return staff_ids


class RosterMonthQuery(Query):
    month: Month


class CreateRosterException(Body):
    from_: Day = Field(alias="from", description="First local day the exception applies")
    to: Day = Field(description="Last local day (at most a year after from)")
    max_share: float | None = Field(default=None, ge=0, le=1, description="At most this share of the unit's staff "
                                    "employed that day (floored), instead of the unit's cap")
    max_people: int | None = Field(default=None, ge=0, le=100_000, description="At most this many people")
    reason: Text

    @model_validator(mode="after")
    def _one_limit(self) -> CreateRosterException:
        if (self.max_share is None) == (self.max_people is None):
            raise ValueError("give either max_share or max_people")
        return self


class RosterConflict(View):
    kind: AbsenceKind = Field(description="leave or business_trip: it wins over the roster that day")
    absence_id: str


class RosterPerson(View):
    staff_id: str
    full_name: str
    conflict: RosterConflict | None


class RosterAllowance(View):
    employed: int = Field(description="The unit's staff employed that day")
    allowed: int = Field(description="How many of them may work from home that day")
    cap: float = Field(description="The unit's cap (a share)")
    exception_id: str | None = Field(description="The exception in force that day, if any")


class RosterDay(View):
    unit_id: str
    date: str
    working: bool = Field(description="A working day of the unit's calendar (a roster may name people only then)")
    staff: list[RosterPerson]
    note: str | None
    allowance: RosterAllowance
    updated_by: str | None
    updated_at: str | None


class RosterDayDetail(RosterDay):
    candidates: list[RosterPerson] = Field(description="The unit's staff employed that day, in Vietnamese name "
                                           "order, each with the leave or trip that would win over the roster")


class RosterWorkingDay(View):
    date: str
    allowance: RosterAllowance


class RosterMonth(View):
    unit_id: str
    month: str
    days: list[RosterDay] = Field(description="The days that have a roster, in date order")
    working_days: list[RosterWorkingDay] = Field(description="Every working day of the month in the unit's "
                                                 "calendar, with how many may stay home that day")


class RosterExceptionRecord(View):
    exception_id: str
    unit_id: str
    from_: str = Field(alias="from")
    to: str
    max_share: float | None
    max_people: int | None
    reason: str
    approved_by: str
    approved_at: str


class RosterExceptionList(View):
    exceptions: list[RosterExceptionRecord]
