"""Leave, business trips and work from home."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.expressions.condition import Condition
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class AbsencesByUnitIndex(GlobalSecondaryIndex["AbsenceModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    first_day = UnicodeAttribute(range_key=True)


class AbsenceModel(Model):
    """Leave, a business trip or work from home for a person over a date range, entered by a leader.

    Cancelling keeps the record (who cancelled, when): attendance history is never silently rewritten.
    """

    class Meta:
        table_name = "absences"

    staff_id = UnicodeAttribute(hash_key=True)
    absence_id = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    first_day = UnicodeAttribute()  # YYYY-MM-DD, local
    last_day = UnicodeAttribute()
    part = UnicodeAttribute(default="full")
    reason = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)
    cancelled_by = UnicodeAttribute(null=True)
    cancelled_at = UTCDateTimeAttribute(null=True)
    by_unit = AbsencesByUnitIndex()

    @classmethod
    def overlapping(cls, first: date, last: date) -> Condition:
        """Absences that share at least one day with [first, last]."""
        return (cls.first_day <= last.isoformat()) & (cls.last_day >= first.isoformat())

    @classmethod
    def of_person_between(cls, staff_id: str, first: date, last: date) -> Iterator[AbsenceModel]:
        """A person's absences overlapping [first, last], cancelled ones included."""
        return cls.query(staff_id, filter_condition=cls.overlapping(first, last))

    @classmethod
    def of_unit_between(cls, unit_id: str, first: date, last: date) -> Iterator[AbsenceModel]:
        return cls.by_unit.query(unit_id, cls.first_day <= last.isoformat(), cls.last_day >= first.isoformat())
