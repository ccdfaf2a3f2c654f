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
    staff_id: Id | None = Field(default=None, description="One person (optionally one date)")
    unit_id: Id | None = Field(default=None, description="One unit (with date)")
    date: Day | None = Field(default=None, description="A local day")


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
