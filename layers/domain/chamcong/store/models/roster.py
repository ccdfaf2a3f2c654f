"""The work-from-home roster: who of a unit works from home on a day, and the exceptions to the cap."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from pynamodb.attributes import (
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class RosterModel(Model):
    """A unit's roster for one local day: the people working from home (one item per unit and day).

    The day rules read it directly (`services.attendance.judge_unit`, `staff_days`): nothing is copied into
    absences or days. Rewriting it replaces the list; the audit trail keeps every version.
    """

    class Meta:
        table_name = "rosters"

    unit_id = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)  # day_key(day): "day#YYYY-MM-DD"
    day = UnicodeAttribute()  # YYYY-MM-DD, local
    staff_ids = ListAttribute(of=UnicodeAttribute, default=list)
    note = UnicodeAttribute(null=True)
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)

    PREFIX = "day#"

    @classmethod
    def day_key(cls, day: date) -> str:
        return f"{cls.PREFIX}{day.isoformat()}"

    @classmethod
    def of_unit_between(cls, unit_id: str, first: date, last: date) -> Iterator[RosterModel]:
        return cls.query(unit_id, cls.entry_key.between(cls.day_key(first), cls.day_key(last)))


class RosterExceptionModel(Model):
    """An exception to a unit's cap approved by oversight for a period: an item of the rosters table.

    Its key ("exception#<first day>#<id>") sorts apart from the days' ("day#…"), so a month's query never sees it.
    """

    class Meta:
        table_name = "rosters"

    unit_id = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)  # key(first_day, exception_id)
    exception_id = UnicodeAttribute()
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute()
    max_share = UnicodeAttribute(null=True)  # a decimal written as given ("0.7"): read back as an exact fraction
    max_people = NumberAttribute(null=True)
    reason = UnicodeAttribute()
    approved_by = UnicodeAttribute()
    approved_at = UTCDateTimeAttribute(default=utcnow)

    PREFIX = "exception#"

    @classmethod
    def key(cls, first_day: date, exception_id: str) -> str:
        return f"{cls.PREFIX}{first_day.isoformat()}#{exception_id}"

    @classmethod
    def of_unit(cls, unit_id: str) -> Iterator[RosterExceptionModel]:
        return cls.query(unit_id, cls.entry_key.startswith(cls.PREFIX))
