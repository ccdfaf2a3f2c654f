"""Leave, business trips and work from home."""

from __future__ import annotations

from pydantic import Field

from chamcong.rules.attendance import AbsenceKind, DayPart
from chamcong.schemas.common import Body, Day, Id, Query, Text, View


class CreateAbsence(Body):
    staff_id: Id
    kind: AbsenceKind
    first_day: Day
    last_day: Day
    part: DayPart = Field(default=DayPart.FULL, description="A half day applies to every day of the range")
    reason: Text


class AbsencesQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit")
    staff_id: Id | None = Field(default=None, description="One person (instead of unit_id)")
    from_: Day = Field(alias="from", description="First local day of the period")
    to: Day = Field(description="Last local day of the period (at most a year after from)")


class AbsenceRecord(View):
    absence_id: str
    staff_id: str
    unit_id: str
    kind: AbsenceKind
    first_day: str
    last_day: str
    part: DayPart
    reason: str
    created_by: str
    created_at: str
    cancelled_by: str | None
    cancelled_at: str | None


class AbsenceList(View):
    absences: list[AbsenceRecord]
