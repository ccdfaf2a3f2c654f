"""Corrections of a person's day."""

from __future__ import annotations

from pydantic import Field

from chamcong.rules.attendance import DayStatus
from chamcong.schemas.common import Body, Day, Id, Query, Text, View


class CreateCorrection(Body):
    staff_id: Id
    date: Day
    status: DayStatus
    reason: Text


class CorrectionsQuery(Query):
    staff_id: Id | None = Field(default=None, description="One person (optionally one date, or a period)")
    unit_id: Id | None = Field(default=None, description="One unit (with date, or with from and to)")
    date: Day | None = Field(default=None, description="A local day")
    from_: Day | None = Field(default=None, alias="from", description="First local day of a period (with to, "
                              "instead of date)")
    to: Day | None = Field(default=None, description="Last local day of the period (at most a year after from)")


class CorrectionRecord(View):
    correction_id: str
    staff_id: str
    unit_id: str
    date: str
    status: DayStatus
    reason: str
    created_by: str
    created_at: str


class CorrectionList(View):
    corrections: list[CorrectionRecord]
