"""Corrections of a person's day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class CorrectionsByUnitIndex(GlobalSecondaryIndex["CorrectionModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    correction_key = UnicodeAttribute(range_key=True)


class CorrectionModel(Model):
    """A leader's correction of one person's day. Append-only: the newest applies, all stay as the audit trail.

    correction_key = "{day}#{created_at ISO}#{correction_id}": a person's corrections of a day, oldest first.
    """

    class Meta:
        table_name = "corrections"

    staff_id = UnicodeAttribute(hash_key=True)
    correction_key = UnicodeAttribute(range_key=True)
    correction_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    day = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = CorrectionsByUnitIndex()

    @staticmethod
    def key(day: date, created_at: datetime, correction_id: str) -> str:
        return f"{day.isoformat()}#{created_at.isoformat(timespec='seconds')}#{correction_id}"

    @classmethod
    def of_person(cls, staff_id: str, day: date | None = None) -> Iterator[CorrectionModel]:
        if day is None:
            return cls.query(staff_id)
        return cls.query(staff_id, cls.correction_key.startswith(f"{day.isoformat()}#"))

    @classmethod
    def of_person_in_month(cls, staff_id: str, first: date) -> Iterator[CorrectionModel]:
        return cls.query(staff_id, cls.correction_key.startswith(f"{first:%Y-%m}-"))

    @classmethod
    def of_person_between(cls, staff_id: str, first: date, last: date) -> Iterator[CorrectionModel]:
        return cls.query(staff_id, cls.correction_key.between(f"{first.isoformat()}#", f"{last.isoformat()}#~"))

    @classmethod
    def of_unit_between(cls, unit_id: str, first: date, last: date) -> Iterator[CorrectionModel]:
        """A unit's corrections of the days first … last (both included), in one query."""
        return cls.by_unit.query(unit_id, cls.correction_key.between(f"{first.isoformat()}#",
                                                                     f"{last.isoformat()}#~"))
